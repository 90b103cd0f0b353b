//! `federation::inbound::receive`, the one way an inbound activity applies its effect: the
//! activity's id recorded with the effect, a repeat refused with nothing of its effect kept,
//! and the delivery workers woken when, and only when, the effect queued something.

use std::time::Duration;

use diesel::prelude::*;
use plenum::db::schema::{rate_limits, received_activities};
use plenum::domain::Error;
use plenum::federation::error::FedError;
use plenum::federation::inbound::{receive, Received};

use crate::common::TestApp;

fn like(id: &str) -> Received {
    Received {
        id: format!("https://b.example/activities/{id}"),
        actor: "https://b.example/users/ana".into(),
        kind: "Like",
    }
}

async fn count(app: &TestApp) -> (i64, i64) {
    app.db(|c| {
        Ok::<_, Error>((
            received_activities::table.count().get_result(c)?,
            rate_limits::table.count().get_result(c)?,
        ))
    })
    .await
}

/// Runs `receive` while listening to the delivery workers' signal: whether it was given.
async fn woke_workers(app: &TestApp, received: Received, queued: bool) -> bool {
    let signal = app.state.deliveries_queued.notified();
    tokio::pin!(signal);
    signal.as_mut().enable();
    receive(&app.state, received, move |_, effects| {
        if queued {
            effects.sent();
        }
        Ok(())
    })
    .await
    .expect("applied");
    tokio::time::timeout(Duration::from_millis(200), signal)
        .await
        .is_ok()
}

#[tokio::test]
async fn a_repeated_activity_is_refused_and_nothing_of_its_effect_is_kept() {
    let app = TestApp::new().await;
    receive(&app.state, like("1"), |_, _| Ok(()))
        .await
        .expect("first copy");
    assert_eq!(count(&app).await, (1, 0));
    let repeat = receive(&app.state, like("1"), |conn, _| {
        // Whatever the effect of a repeat would write is not kept.
        plenum::domain::throttle::hit(conn, "inbound-test", plenum::domain::throttle::Limit::per_hour(5))?;
        Ok(())
    })
    .await;
    assert!(matches!(repeat, Err(FedError::Conflict(_))), "{repeat:?}");
    assert_eq!(count(&app).await, (1, 0), "the repeat's effect was rolled back");
}

#[tokio::test]
async fn a_refused_effect_leaves_no_record_so_a_later_copy_is_applied() {
    let app = TestApp::new().await;
    let refused = receive(&app.state, like("2"), |_, _| -> Result<(), FedError> {
        Err(FedError::forbidden("not counted"))
    })
    .await;
    assert!(matches!(refused, Err(FedError::Forbidden(_))), "{refused:?}");
    assert_eq!(count(&app).await, (0, 0));
    receive(&app.state, like("2"), |_, _| Ok(()))
        .await
        .expect("a later copy");
    assert_eq!(count(&app).await, (1, 0));
}

#[tokio::test]
async fn the_delivery_workers_are_woken_only_when_the_effect_queued_something() {
    let app = TestApp::new().await;
    assert!(woke_workers(&app, like("3"), true).await, "queued: woken");
    assert!(
        !woke_workers(&app, like("4"), false).await,
        "nothing queued: left asleep"
    );
}
