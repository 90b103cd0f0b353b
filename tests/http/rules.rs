//! Rules that used to be decided in more than one place and now live in one function: a stale
//! edit is refused whichever way it comes, and who sees a budget's tallies when.

use crate::budgets::{budget_process, cast, close_vote};
use crate::common::*;
use crate::town::TestTown;

async fn stored_title(app: &TestApp, id: &str) -> (String, i32) {
    let id = id.to_string();
    app.state
        .db
        .read(move |c| plenum::domain::proposals::find(c, &id))
        .await
        .map(|p| (p.title, p.version))
        .expect("the proposal")
}

#[tokio::test]
async fn a_stale_html_edit_is_refused_with_the_saved_version_shown_and_nothing_saved() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_proposal_text(
            "budget",
            "marie",
            "Benches in the park",
            "Twelve benches along the river path.",
        )
        .await;
    let mut phone = town.browser_of("marie");
    let id = town.proposal("Benches in the park");
    let path = format!("/proposals/{id}");

    // The edit form carries the version it was written against.
    phone
        .get(&format!("{path}/edit"))
        .await
        .assert_status(200)
        .assert_contains(r#"name="version" value="1""#);

    // The author edits on another device first (version 1 → 2)…
    phone
        .post(
            &format!("{path}/edit"),
            &[
                ("title", "Benches and shade in the park"),
                ("body", "Twelve benches along the river path, and trees."),
                ("version", "1"),
            ],
        )
        .await
        .assert_status(303);
    assert_eq!(
        stored_title(&town, &id).await,
        ("Benches and shade in the park".into(), 2)
    );

    // …then sends the form still open on the first device, written against version 1.
    let stale = phone
        .post(
            &format!("{path}/edit"),
            &[
                ("title", "Benches by the river"),
                ("body", "Twelve benches along the river path, nothing else."),
                ("version", "1"),
            ],
        )
        .await;
    stale
        .assert_status(409)
        .assert_contains("changed in the meantime")
        .assert_contains("Benches and shade in the park")
        .assert_contains("Benches by the river")
        .assert_contains(r#"name="version" value="2""#);
    assert_eq!(
        stored_title(&town, &id).await,
        ("Benches and shade in the park".into(), 2)
    );

    // A form without a version (or a garbled one) is not taken as the latest either.
    for version in ["", "x", "-1", "99999999999"] {
        phone
            .post(
                &format!("{path}/edit"),
                &[
                    ("title", "Benches without a version"),
                    ("body", "Twelve benches along the river path, again."),
                    ("version", version),
                ],
            )
            .await
            .assert_status(409);
    }
    assert_eq!(stored_title(&town, &id).await.1, 2);

    // Sent again from the conflict page (now against version 2), the edit is saved knowingly.
    phone
        .post(
            &format!("{path}/edit"),
            &[
                ("title", "Benches by the river"),
                ("body", "Twelve benches along the river path, nothing else."),
                ("version", "2"),
            ],
        )
        .await
        .assert_status(303);
    assert_eq!(stored_title(&town, &id).await, ("Benches by the river".into(), 3));

    // The JSON API answers a stale edit the same way (one rule, in the domain), with the session.
    let answer = phone
        .api(
            axum::http::Method::PATCH,
            &format!("/api/v1/proposals/{id}"),
            Some(serde_json::json!({"version": 2, "title": "Benches, stale again", "body": "A stale edit through the API."})),
            None,
        )
        .await;
    answer.assert_status(409);
    assert_eq!(stored_title(&town, &id).await, ("Benches by the river".into(), 3));
}

fn shows_tallies(page: &Page) -> bool {
    page.body.contains(r#"id="tallies-title""#)
}

#[tokio::test]
async fn hidden_tallies_stay_hidden_until_the_close_for_staff_and_until_publication_for_everyone() {
    let app = TestApp::new().await;
    let (detail, budget) = budget_process(&app, -1, 7).await;
    let (mut citizen, _) = app.citizen("lea").await;
    let (mut staff, _) = app.staff("agent").await;
    cast(&mut citizen, &["a"]).await.assert_status(200);
    let public = "/processes/vote-2027/budgets/city";
    let compare = format!("/admin/budgets/{}/compare", budget.id);

    // During the vote: nobody, staff included, on either page.
    assert!(!shows_tallies(&citizen.get(public).await));
    assert!(!shows_tallies(&staff.get(public).await));
    staff.get(&compare).await.assert_status(403);

    // Closed, not yet published: staff on both pages (the same rule), citizens still not.
    close_vote(&app, &detail).await;
    staff.get(&compare).await.assert_status(200);
    assert!(shows_tallies(&staff.get(public).await));
    assert!(!shows_tallies(&citizen.get(public).await));

    // Published: everyone.
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(303);
    assert!(shows_tallies(&citizen.get(public).await));
    assert!(shows_tallies(&app.browser().get(public).await));
}
