//! What the busiest requests cost in statements (each a round trip on PostgreSQL), and that
//! reading less says the same: the session with its unread count in one statement, an
//! endorsement that reads its proposal back from the write that counts it.

use axum::http::Method;

use plenum::app;
use plenum::domain::{endorsements, notifications, proposals, sessions, Error};

use crate::common::{counting_statements, Allow};
use crate::town::TestTown;

/// marie's proposal, endorsable, and paul to comment on it and endorse it.
async fn town() -> TestTown {
    TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("budget", "marie", "More benches")
        .await
}

/// The caller behind a session secret, and the statements it took to find them.
async fn look(town: &TestTown, secret: String) -> (Option<sessions::Caller>, usize) {
    town.db(move |c| counting_statements(c, |c| sessions::caller_for_session(c, &secret)))
        .await
}

#[tokio::test]
async fn a_signed_in_caller_is_read_in_one_statement_with_the_unread_count_of_that_moment() {
    let town = town().await;
    let marie = town.account("marie").id.clone();
    let secret = {
        let marie = marie.clone();
        town.state
            .db
            .write(move |c| sessions::create(c, &marie))
            .await
            .expect("a session")
    };
    let (caller, statements) = look(&town, secret.clone()).await;
    let caller = caller.expect("the session is valid");
    assert_eq!(statements, 1);
    assert_eq!(
        (caller.user.id.as_str(), caller.unread, caller.two_factor),
        (marie.as_str(), 0, false)
    );

    // A comment notifies her: the very next lookup counts it (nothing kept between requests).
    let id = town.proposal("More benches");
    town.browser_of("paul")
        .comment(&id, "Near the school, please.")
        .await;
    let (caller, _) = look(&town, secret.clone()).await;
    assert_eq!(caller.expect("still valid").unread, 1);
    {
        let marie = marie.clone();
        town.state
            .db
            .write(move |c| notifications::mark_all_read(c, &marie))
            .await
            .expect("marked read");
    }
    let (caller, _) = look(&town, secret.clone()).await;
    assert_eq!(caller.expect("still valid").unread, 0);

    // An ended session finds nobody, in the same one statement.
    {
        let secret = secret.clone();
        town.state
            .db
            .write(move |c| sessions::destroy(c, &secret))
            .await
            .expect("ended");
    }
    let (caller, statements) = look(&town, secret).await;
    assert!(caller.is_none());
    assert_eq!(statements, 1);
}

#[tokio::test]
async fn the_header_shows_a_new_notification_on_the_next_page() {
    let town = town().await;
    let id = town.proposal("More benches");
    let mut marie = town.browser_of("marie");
    let before = marie.get("/").await;
    before.assert_status(200);
    assert!(!before.body.contains("unread</span>"));
    town.browser_of("paul").comment(&id, "And by the river.").await;
    marie.get("/").await.assert_contains("1 unread</span>");
    // The JSON API has no header: the count it shows is the notifications list's own.
    let api = marie.api(Method::GET, "/api/v1/notifications", None, None).await;
    api.assert_status(200);
    assert_eq!(api.json()["unread"], 1);
}

#[tokio::test]
async fn a_new_endorsement_is_two_statements_and_a_repeat_counts_nothing() {
    let town = town().await;
    let detail = town.detail("budget").clone();
    let paul = town.account("paul").clone();
    let id = town.proposal("More benches");
    let (first, again) = town
        .state
        .db
        .write(move |c| {
            let proposal = proposals::find(c, &id)?;
            let endorse = |c: &mut _| {
                endorsements::endorse_as(c, &detail, &proposal, &paul, endorsements::CLASS_OPEN, None)
            };
            Ok::<_, Error>((counting_statements(c, endorse)?, counting_statements(c, endorse)?))
        })
        .await
        .expect("endorsed");
    // The insert, then the count moved and the proposal read back by the same `UPDATE`.
    let ((outcome, statements), (repeat, _)) = (first, again);
    assert_eq!(statements, 2);
    assert_eq!((outcome.changed, outcome.proposal.endorsement_count), (true, 1));
    assert_eq!((repeat.changed, repeat.proposal.endorsement_count), (false, 1));
}

#[tokio::test]
async fn an_endorsement_of_a_proposal_withdrawn_since_its_page_was_read_stores_nothing() {
    let town = town().await;
    let id = town.proposal("More benches");
    let (detail, listed) = app::proposals::view(&town.state, None, id.clone())
        .await
        .expect("the page's read");
    // Withdrawn by its author after paul's page was read, before his endorsement is written.
    app::proposals::withdraw(&town.state, town.account("marie").clone(), id.clone())
        .await
        .expect("withdrawn");
    let refused = app::endorsements::set(
        &town.state,
        town.account("paul").clone(),
        detail,
        listed.proposal,
        true,
    )
    .await;
    match refused {
        Err(Error::Forbidden(msg)) => assert_eq!(msg.key, "denied-proposal-closed"),
        other => panic!("expected a refusal, got {:?}", other.map(|e| e.count)),
    }
    let (rows, stored) = town
        .db(move |c| Ok((endorsements::count_rows(c, &id)?, proposals::find(c, &id)?)))
        .await;
    assert_eq!((rows, stored.endorsement_count), (0, 0));
}

#[tokio::test]
async fn parallel_endorsements_each_answer_the_count_their_own_write_made() {
    let town = town().await;
    let id = town.proposal("More benches");
    let mut voters = Vec::new();
    for i in 0..8 {
        voters.push(town.citizen(&format!("voter{i}")).await.0);
    }
    let mut tasks = Vec::new();
    for mut voter in voters {
        let path = format!("/api/v1/proposals/{id}/endorsement");
        tasks.push(tokio::spawn(async move {
            let answer = voter.api(Method::PUT, &path, None, None).await;
            answer.assert_status(200);
            answer.json()["endorsement_count"].as_i64().expect("a count")
        }));
    }
    let mut counts = Vec::new();
    for task in tasks {
        counts.push(task.await.expect("an answer"));
    }
    counts.sort_unstable();
    // Each write saw the ones before it and none after: 1 to 8, each once.
    assert_eq!(counts, (1..=8).collect::<Vec<i64>>());
    let stored = town.db(move |c| proposals::find(c, &id)).await;
    assert_eq!(stored.endorsement_count, 8);
}
