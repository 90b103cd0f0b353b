//! The ballot log is the raw data of a vote: staff cannot download it while the vote runs (two
//! downloads would show each ballot cast in between), whatever the live-tallies setting.

use chrono::Duration;
use diesel::prelude::*;
use plenum::domain::Error;

use crate::budgets::{budget_process, cast, move_vote};
use crate::common::TestApp;

#[tokio::test]
async fn staff_ballot_download_is_refused_while_the_vote_runs_even_with_live_tallies() {
    let app = TestApp::new().await;
    let (detail, budget) = budget_process(&app, -1, 7).await;
    let id = budget.id.clone();
    app.state
        .db
        .write(move |c| {
            use plenum::db::schema::budgets;
            diesel::update(budgets::table.filter(budgets::id.eq(&id)))
                .set(budgets::live_tallies.eq(true))
                .execute(c)
                .map_err(plenum::db::DbError::from)?;
            Ok::<_, Error>(())
        })
        .await
        .expect("live tallies on");
    let (mut voter, _) = app.citizen("lea").await;
    cast(&mut voter, &["a", "b"]).await.assert_status(200);
    let (mut staff, _) = app.staff("agent").await;
    let log = format!("/admin/budgets/{}/ballots.pb", budget.id);

    let refused = staff.get(&log).await;
    refused
        .assert_status(409)
        .assert_contains("once the vote is closed");
    assert!(!refused.body.contains("VOTES"), "no ballot in the refusal");
    assert!(refused.headers.get("content-disposition").is_none());
    let admin_page = staff.get(&format!("/admin/budgets/{}", budget.id)).await;
    admin_page
        .assert_status(200)
        .assert_contains("available once the vote is closed");
    assert!(!admin_page.body.contains("ballots.pb"), "no link during the vote");

    // A vote still to come keeps the file closed too.
    move_vote(&app, &detail, Duration::days(2), Duration::days(9)).await;
    staff.get(&log).await.assert_status(409);

    move_vote(&app, &detail, Duration::days(-3), Duration::days(-1)).await;
    let exported = staff.get(&log).await;
    exported.assert_status(200);
    let election = plenum::budgeting::pabulib::parse_str(&exported.body).expect("a .pb file");
    assert_eq!(election.projects.len(), 3);
    assert_eq!(election.ballots.len(), 1);
    staff
        .get(&format!("/admin/budgets/{}", budget.id))
        .await
        .assert_contains(&format!("href=\"{log}\""));
}
