//! What a ballot may hold: the points of a cumulative ballot, no project twice, no more
//! projects than the budget has; a stored ballot that breaks the rules is set aside.

use plenum::domain::budgets::{Budget, BudgetForm};
use plenum::domain::processes::ProcessDetail;

use crate::budgets::{ballots_stored, budget_process, cast, close_vote, ten_points_budget};
use crate::common::{Browser, TestApp};
use crate::voting::{add_budget, budget_form, project, store_raw_ballot};

#[tokio::test]
async fn cumulative_ballots_must_give_exactly_the_points() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let form = BudgetForm {
        points: "5".into(),
        ..budget_form("points", "Points budget", "100", "cumulative", "greedy")
    };
    let projects = vec![project("x", "Project x", "60"), project("y", "Project y", "60")];
    add_budget(&app, &detail.process.id, form, projects).await;
    let (mut b, _) = app.citizen("hugo").await;
    let path = "/processes/vote-2027/budgets/points/ballot";
    b.post(path, &[("points-x", "4"), ("points-y", "2"), ("action", "cast")])
        .await
        .assert_status(422)
        .assert_contains("exactly 5 points (you gave 6)");
    b.post(path, &[("points-x", "3"), ("points-y", "2"), ("action", "cast")])
        .await
        .assert_status(200);
    let page = b.get("/processes/vote-2027/budgets/points").await;
    page.assert_contains("value=\"3\"").assert_contains("value=\"2\"");
}

/// Finding 3: `points-A=18446744073709551615&points-B=11` with 10 points to spend added up to 10
/// in wrapping u64 arithmetic and was stored, after which no one could count the budget. It is
/// refused with a message, nothing is stored, and the budget stays countable.
#[tokio::test]
async fn a_cumulative_ballot_whose_points_wrap_around_u64_is_refused_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let (mut b, _) = app.citizen("mallory").await;
    let path = "/processes/vote-2027/budgets/points/ballot";
    let attack = b
        .post(
            path,
            &[
                ("points-A", "18446744073709551615"),
                ("points-B", "11"),
                ("action", "cast"),
            ],
        )
        .await;
    attack
        .assert_status(422)
        .assert_contains("One project can receive at most 10 points");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
    // The same in French: the message is translated.
    b.accept_language = "fr".into();
    b.post(
        path,
        &[
            ("points-A", "18446744073709551615"),
            ("points-B", "11"),
            ("action", "cast"),
        ],
    )
    .await
    .assert_status(422)
    .assert_contains("Un projet peut recevoir au plus 10 points");
    b.accept_language = "en".into();
    // Just over the cap without any wrap, on one project: refused the same way.
    b.post(path, &[("points-A", "11"), ("action", "cast")])
        .await
        .assert_status(422)
        .assert_contains("at most 10 points");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());

    let (mut honest, _) = app.citizen("honest").await;
    honest
        .post(path, &[("points-A", "4"), ("points-B", "6"), ("action", "cast")])
        .await
        .assert_status(200);
    // Tallies (live on this budget) are still computed for everyone.
    honest
        .get("/processes/vote-2027/budgets/points")
        .await
        .assert_status(200)
        .assert_contains("Project A");
    let json = published_results(&app, &detail, &budget, &mut honest).await;
    assert_eq!(json["ballots"], 1);
}

/// `points-A` sent twice used to be added up (5 + 5 = the 10 points); a browser never sends a
/// field twice, so the ballot is refused instead.
#[tokio::test]
async fn the_same_project_twice_on_one_ballot_is_refused() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let (mut b, _) = app.citizen("dup").await;
    b.post(
        "/processes/vote-2027/budgets/points/ballot",
        &[("points-A", "5"), ("points-A", "5"), ("action", "cast")],
    )
    .await
    .assert_status(422)
    .assert_contains("names “A” more than once");
    // Twice the same checkbox on a knapsack ballot: refused too.
    cast(&mut b, &["c", "c"])
        .await
        .assert_status(422)
        .assert_contains("more than once");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
}

/// Negative and non-numeric points used to be read as 0 and dropped, so the ballot was stored
/// as something the voter did not write; they are refused with a message.
#[tokio::test]
async fn negative_and_non_numeric_points_are_refused_not_dropped() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let (mut b, _) = app.citizen("neg").await;
    let path = "/processes/vote-2027/budgets/points/ballot";
    for bad in ["-5", "ten", "2.5", "1e1", "99999999999999999999999"] {
        b.post(path, &[("points-A", bad), ("points-B", "10"), ("action", "cast")])
            .await
            .assert_status(422)
            .assert_contains("Give “A” a whole number of points, from 0 to 10");
    }
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
    // An empty field is no points at all, as the form sends it for untouched projects.
    b.post(path, &[("points-A", ""), ("points-B", "10"), ("action", "cast")])
        .await
        .assert_status(200);
}

/// More choices than the budget has projects (here the same two projects named twice each):
/// refused, whatever the repeats would add up to.
#[tokio::test]
async fn a_ballot_naming_more_projects_than_the_budget_has_is_refused() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let (mut b, _) = app.citizen("many").await;
    cast(&mut b, &["a", "b", "a", "b"])
        .await
        .assert_status(422)
        .assert_contains("more projects than this budget has (3)");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
}

/// A ballot stored before these checks existed (the wrapped one of finding 3, written straight
/// into the table) no longer makes the budget uncountable for everyone: it is set aside, the
/// others are counted, and the results say how many were set aside.
#[tokio::test]
async fn a_stored_ballot_that_breaks_the_rules_is_set_aside_and_the_budget_stays_countable() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    store_raw_ballot(
        &app,
        &budget.id,
        [
            "0123456789abcdef",
            "00112233445566778899aabbccddeeff",
            "A,B",
            "18446744073709551615,11",
        ],
    )
    .await;
    let (mut b, _) = app.citizen("honest").await;
    b.post(
        "/processes/vote-2027/budgets/points/ballot",
        &[("points-A", "3"), ("points-B", "7"), ("action", "cast")],
    )
    .await
    .assert_status(200);
    b.get("/processes/vote-2027/budgets/points")
        .await
        .assert_status(200);
    let json = published_results(&app, &detail, &budget, &mut b).await;
    assert_eq!(json["ballots"], 1);
    assert_eq!(json["ballots_set_aside"], 1);
    b.get("/processes/vote-2027/budgets/points/results")
        .await
        .assert_contains("set aside because they break this budget&#39;s rules: 1");
    let log = b.get("/processes/vote-2027/budgets/points/ballots.pb").await;
    let election = plenum::budgeting::pabulib::parse_str(&log.body).unwrap();
    assert_eq!(election.ballots.len(), 1);
    assert_eq!(election.ballots[0].points, vec![3, 7]);
}

/// The vote closes, staff compare and publish the points budget: its `results.json` as `reader`
/// reads it.
async fn published_results(
    app: &TestApp,
    detail: &ProcessDetail,
    budget: &Budget,
    reader: &mut Browser,
) -> serde_json::Value {
    close_vote(app, detail).await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .get(&format!("/admin/budgets/{}/compare", budget.id))
        .await
        .assert_status(200);
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(303);
    reader
        .get("/processes/vote-2027/budgets/points/results.json")
        .await
        .json()
}
