//! "My participation": the person's own proposals, endorsements, comments, votes and
//! verification, each with its state and link; nobody else's, whatever the request says; a
//! first visit with nothing yet says where to start; the data export holds the votes too.

use crate::budgets::{budget_process, cast, close_vote};
use crate::common::Allow;
use crate::town::TestTown;

const PAGE: &str = "/account/participation";

#[tokio::test]
async fn my_participation_lists_my_proposals_endorsements_comments_and_votes_with_links() {
    let town = TestTown::new()
        .with_process("ideas", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_staff("agent")
        .with_proposal("ideas", "marie", "Benches in the park")
        .with_proposal("ideas", "paul", "Trees on the avenue")
        .await;
    let (mine, theirs) = (
        town.proposal("Benches in the park"),
        town.proposal("Trees on the avenue"),
    );
    let mut marie = town.browser_of("marie");
    marie
        .post(&format!("/proposals/{theirs}/endorse"), &[])
        .await
        .assert_status(303);
    marie
        .post(
            &format!("/proposals/{theirs}/comments"),
            &[("body", "Plane trees give the best shade."), ("stance", "for")],
        )
        .await
        .assert_status(303);
    let (detail, budget) = budget_process(&town, -1, 7).await;
    cast(&mut marie, &["a"]).await.assert_status(200);

    let page = marie.get(PAGE).await;
    page.assert_status(200)
        .assert_contains("<h1>My participation</h1>")
        .assert_contains(&format!("<a href=\"/proposals/{mine}\">Benches in the park</a>"))
        .assert_contains(&format!(
            "<a href=\"/proposals/{theirs}\">Trees on the avenue</a>"
        ))
        .assert_contains("On “Trees on the avenue”")
        .assert_contains("Plane trees give the best shade.")
        .assert_contains("<a href=\"/processes/vote-2027/budgets/city\">City budget</a>")
        .assert_contains("Voted on ")
        .assert_contains("Your receipt can be checked once the results are published.")
        .assert_contains("Your residency is not verified.");
    assert!(!page.body.contains("participation-nothing"));
    // The vote is secret: the page never says what was chosen.
    assert!(
        !page.body.contains("Project a"),
        "the page names a chosen project"
    );

    // Once the results are out, the vote links to the receipt check.
    close_vote(&town, &detail).await;
    let mut staff = town.browser_of("agent");
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(303);
    marie.get(PAGE).await.assert_contains(
        "<a href=\"/processes/vote-2027/budgets/city/results#receipt-title\">Check my receipt for “City budget”</a>",
    );
    // The header links to the page.
    marie
        .get("/")
        .await
        .assert_contains("<a href=\"/account/participation\">My participation</a>");
}

#[tokio::test]
async fn another_persons_participation_is_never_shown_whatever_the_request_names() {
    let town = TestTown::new()
        .with_process("ideas", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("ideas", "marie", "Benches in the park")
        .await;
    let benches = town.proposal("Benches in the park");
    let mut marie = town.browser_of("marie");
    marie
        .comment(&benches, "Marie's own words on her proposal.")
        .await;
    let marie_id = town.account("marie").id.clone();
    let mut paul = town.browser_of("paul");
    for path in [
        PAGE.to_string(),
        format!("{PAGE}?user={marie_id}"),
        format!("{PAGE}?user_id={marie_id}&id={marie_id}"),
    ] {
        let page = paul.get(&path).await;
        page.assert_status(200)
            .assert_contains("You have not taken part yet.");
        assert!(
            !page.body.contains("Benches in the park"),
            "{path} shows Marie's proposal"
        );
        assert!(!page.body.contains("Marie&#x27;s own words") && !page.body.contains("Marie's own words"));
    }
    // A path with an id is no other person's page either.
    paul.get(&format!("{PAGE}/{marie_id}")).await.assert_status(404);
}

#[tokio::test]
async fn someone_with_nothing_yet_is_told_where_to_start_and_visitors_must_sign_in() {
    let town = TestTown::new().with_citizen("newcomer").await;
    let mut b = town.browser_of("newcomer");
    let page = b.get(PAGE).await;
    page.assert_status(200)
        .assert_contains("id=\"participation-nothing\"")
        .assert_contains("<a href=\"/\">See the current processes</a>")
        .assert_contains("Nothing yet.");
    let mut french = town.browser_of("newcomer");
    french.accept_language = "fr".into();
    french
        .get(PAGE)
        .await
        .assert_contains("<h1>Ma participation</h1>")
        .assert_contains("encore rien fait ici.");
    let visitor = town.browser().get(PAGE).await;
    visitor.assert_status(303);
    assert!(visitor.location().starts_with("/login"), "{}", visitor.location());
    assert!(!visitor.body.contains("My participation</h1>"));
}

#[tokio::test]
async fn the_data_export_holds_the_votes_cast_without_their_choices() {
    let town = TestTown::new().with_citizen("marie").await;
    let (_, budget) = budget_process(&town, -1, 7).await;
    let mut marie = town.browser_of("marie");
    cast(&mut marie, &["b"]).await.assert_status(200);
    let export = marie.get("/account/export.json").await;
    export.assert_status(200);
    let json = export.json();
    assert_eq!(json["ballots_cast"][0]["budget_id"], budget.id);
    assert!(json["ballots_cast"][0]["first_cast_at"].is_string());
    assert!(json["verification"].is_null());
    assert!(!export.body.contains("\"b\""), "the export names a choice");
}
