//! The ballot as cards, the budget bar, the review before casting and the project pages:
//! reviewing stores nothing, a review's hidden fields are checked again at the cast (tampered,
//! over budget, unknown, repeated), casting twice leaves one ballot, and a project address
//! that mixes budgets finds nothing.

use plenum::domain::budgets::{self, ProjectForm};
use plenum::domain::Error;

use crate::budgets::{budget_process, close_vote, ten_points_budget};
use crate::common::{Page, TestApp};
use crate::voting::{add_budget, budget_form};

const BALLOT_PAGE: &str = "/processes/vote-2027/budgets/city";
const BALLOT: &str = "/processes/vote-2027/budgets/city/ballot";
const REVIEW: &str = "/processes/vote-2027/budgets/city/ballot/review";

/// Sealed ballots stored for the budget.
async fn stored(app: &TestApp, budget_id: &str) -> i64 {
    let id = budget_id.to_string();
    app.db(move |c| budgets::ballot_count(c, &id)).await
}

/// Adds a project with a Markdown description to the budget `slug` of the test process.
async fn project_with_text(app: &TestApp, budget: &budgets::Budget, code: &str, description: &str) -> String {
    let (budget, code, description) = (budget.clone(), code.to_string(), description.to_string());
    app.state
        .db
        .write(move |c| {
            let p = budgets::add_project(
                c,
                &budget,
                &ProjectForm {
                    code: code.clone(),
                    title: format!("Project {code}"),
                    description,
                    cost: "10".into(),
                    ..ProjectForm::default()
                },
            )?;
            Ok::<_, Error>(p.id)
        })
        .await
        .expect("fixture project")
}

fn hidden_field(page: &Page, name: &str, value: &str) -> bool {
    page.body.contains(&format!(
        "<input type=\"hidden\" name=\"{name}\" value=\"{value}\">"
    ))
}

#[tokio::test]
async fn each_project_is_a_card_with_its_summary_cost_and_a_link_to_its_page() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let id = project_with_text(
        &app,
        &budget,
        "d",
        "**Shade** for the yard,\n\nplanted by the pupils. <script>alert(1)</script>",
    )
    .await;
    let (mut b, _) = app.citizen("lea").await;
    let page = b.get(BALLOT_PAGE).await;
    page.assert_status(200)
        .assert_contains("class=\"card project-card\"")
        // The excerpt is plain text: the Markdown read, the script gone.
        .assert_contains("Shade for the yard, planted by the pupils.")
        .assert_contains("€10")
        .assert_contains(&format!(
            "<a href=\"/processes/vote-2027/budgets/city/projects/{id}\">More about “Project d”</a>"
        ))
        // The choice names its project, and the card's summary describes it.
        .assert_contains("<label for=\"p-4\">Project d")
        .assert_contains("aria-describedby=\"p-4-summary\"")
        // The budget bar: a meter with the sum in words, and the script as a file.
        .assert_contains("<meter id=\"budget-meter\" min=\"0\" max=\"100\" value=\"0\"")
        .assert_contains("€0 of €100 chosen")
        .assert_contains("<script src=\"/static/ballot.js\" defer></script>");
    assert!(!page.body.contains("alert(1)"));
    // What the script adds up: each project's cost in the bar's unit.
    assert!(
        page.body.contains("value=\"a\" data-cost=\"60\""),
        "no cost for the script"
    );

    let project = b
        .get(&format!("/processes/vote-2027/budgets/city/projects/{id}"))
        .await;
    project
        .assert_status(200)
        .assert_contains("<h1>Project d</h1>")
        .assert_contains("<strong>Shade</strong>")
        .assert_contains("Back to the ballot “City budget”");
    assert!(
        !project.body.contains("<script>alert"),
        "the description is sanitised"
    );

    let script = b.get("/static/ballot.js").await;
    script.assert_status(200).assert_contains("budget-bar");
    assert_eq!(script.headers["content-type"], "text/javascript; charset=utf-8");
}

#[tokio::test]
async fn a_project_address_with_another_budget_or_an_unknown_id_is_not_found() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let other = add_budget(
        &app,
        &detail.process.id,
        budget_form("other", "Other budget", "100", "approval", "greedy"),
        Vec::new(),
    )
    .await;
    let id = project_with_text(&app, &other, "x", "Elsewhere").await;
    let mut b = app.browser();
    b.get(&format!("/processes/vote-2027/budgets/other/projects/{id}"))
        .await
        .assert_status(200);
    b.get(&format!("/processes/vote-2027/budgets/city/projects/{id}"))
        .await
        .assert_status(404);
    b.get("/processes/vote-2027/budgets/city/projects/not-a-project")
        .await
        .assert_status(404);
}

#[tokio::test]
async fn reviewing_lists_the_choices_and_total_stores_nothing_and_keeps_them_to_change() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let (mut b, _) = app.citizen("lea").await;

    let review = b.post(REVIEW, &[("choice", "a"), ("choice", "c")]).await;
    review
        .assert_status(200)
        .assert_contains("<h1>Review your ballot</h1>")
        .assert_contains("<strong>Project a</strong> — €60")
        .assert_contains("<strong>Project c</strong> — €30")
        .assert_contains("€90 of €100 chosen")
        .assert_contains("€10 left")
        .assert_contains("name=\"csrf\"");
    assert!(hidden_field(&review, "choice", "a") && hidden_field(&review, "choice", "c"));
    assert!(!hidden_field(&review, "choice", "b"));
    assert_eq!(stored(&app, &budget.id).await, 0, "a review stores nothing");

    // "Change my choices" brings the form back with them ticked.
    let form = b
        .post(BALLOT, &[("choice", "a"), ("choice", "c"), ("action", "change")])
        .await;
    form.assert_status(200)
        .assert_contains("value=\"a\" data-cost=\"60\" checked")
        .assert_contains("value=\"c\" data-cost=\"30\" checked");
    assert!(!form.body.contains("value=\"b\" data-cost=\"40\" checked"));
    assert_eq!(stored(&app, &budget.id).await, 0);

    // "Cast my ballot" from the review: the receipt, as before.
    let cast = b
        .post(BALLOT, &[("choice", "a"), ("choice", "c"), ("action", "cast")])
        .await;
    cast.assert_status(200).assert_contains("<code id=\"receipt\">");
    assert_eq!(stored(&app, &budget.id).await, 1);

    // Reviewing again says the new ballot replaces the one cast.
    b.post(REVIEW, &[("choice", "b")])
        .await
        .assert_status(200)
        .assert_contains("this ballot will replace the previous one");
}

#[tokio::test]
async fn an_over_budget_review_shows_the_form_again_with_the_reason_and_the_choices() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let (mut b, _) = app.citizen("lea").await;
    let page = b
        .post(REVIEW, &[("choice", "a"), ("choice", "b"), ("choice", "c")])
        .await;
    page.assert_status(422)
        .assert_contains("Your choices cost €130, more than the budget of €100.")
        .assert_contains("€130 of €100 chosen")
        // Said in words, in the live status region, not by colour alone.
        .assert_contains(
            "<strong class=\"bar-over\">Over the budget: remove a project to be able to vote.</strong>",
        )
        .assert_contains("value=\"b\" data-cost=\"40\" checked");
    assert_eq!(stored(&app, &budget.id).await, 0);
}

#[tokio::test]
async fn a_review_posted_with_tampered_hidden_fields_is_checked_again_at_the_cast() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let (mut b, _) = app.citizen("lea").await;
    b.post(REVIEW, &[("choice", "c")]).await.assert_status(200);
    // The review's form, its hidden fields rewritten: over the budget, an unknown project, one
    // project twice, points on an approval ballot.
    for forged in [
        vec![("choice", "a"), ("choice", "b"), ("choice", "c")],
        vec![("choice", "zz")],
        vec![("choice", "c"), ("choice", "c")],
        vec![("choice", "c"), ("choice", &*"x".repeat(100_000))],
    ] {
        let mut fields = forged.clone();
        fields.push(("action", "cast"));
        b.post(BALLOT, &fields).await.assert_status(422);
    }
    assert_eq!(stored(&app, &budget.id).await, 0, "no forged ballot is stored");
    // Without the CSRF token the cast is refused before anything is read.
    b.post_raw(BALLOT, &[("choice", "c".into()), ("action", "cast".into())])
        .await
        .assert_status(403);
    assert_eq!(stored(&app, &budget.id).await, 0);
}

#[tokio::test]
async fn casting_twice_from_the_review_leaves_one_ballot_the_last() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let (mut b, _) = app.citizen("lea").await;
    for choice in ["a", "c"] {
        b.post(REVIEW, &[("choice", choice)]).await.assert_status(200);
        b.post(BALLOT, &[("choice", choice), ("action", "cast")])
            .await
            .assert_status(200);
    }
    assert_eq!(stored(&app, &budget.id).await, 1);
    b.get(BALLOT_PAGE)
        .await
        .assert_contains("value=\"c\" data-cost=\"30\" checked")
        .assert_contains("You have voted");
}

#[tokio::test]
async fn reviewing_needs_a_signed_in_voter_while_the_vote_is_open() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let mut visitor = app.browser();
    let page = visitor.post(REVIEW, &[("choice", "a")]).await;
    page.assert_status(303);
    assert!(page.location().starts_with("/login"), "{}", page.location());
    let (mut b, _) = app.citizen("lea").await;
    close_vote(&app, &detail).await;
    b.post(REVIEW, &[("choice", "a")]).await.assert_status(403);
}

#[tokio::test]
async fn a_cumulative_review_carries_the_points_and_the_bar_counts_points() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let (mut b, _) = app.citizen("lea").await;
    let page = b.get("/processes/vote-2027/budgets/points").await;
    page.assert_status(200)
        .assert_contains("<label for=\"budget-meter\">Points given</label>")
        .assert_contains("Points given: 0 of 10");
    let review = b
        .post(
            "/processes/vote-2027/budgets/points/ballot/review",
            &[("points-A", "7"), ("points-B", "3")],
        )
        .await;
    review
        .assert_status(200)
        .assert_contains("<strong>Project A</strong> — 7 points")
        .assert_contains("Points given: 10 of 10");
    assert!(hidden_field(&review, "points-A", "7") && hidden_field(&review, "points-B", "3"));
    // Too many points: the form again, with the reason and the bar saying so in words.
    b.post(
        "/processes/vote-2027/budgets/points/ballot/review",
        &[("points-A", "9"), ("points-B", "3")],
    )
    .await
    .assert_status(422)
    .assert_contains("Points given: 12 of 10")
    .assert_contains("More than 10 points");
    assert_eq!(stored(&app, &budget.id).await, 0);
}
