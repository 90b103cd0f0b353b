//! Atom feeds: what they hold, what they never hold, how they are escaped and announced.

use axum::body::Body;
use axum::http::{header, Request};

use crate::common::*;

/// A town whose language is English (the fixtures' default is French).
async fn english_town() -> TestApp {
    TestApp::with_config(|c| c.default_locale = "en".into()).await
}

/// The English town with a process, `budget`, where nour proposed a compost bin per district.
async fn nours_proposal() -> (TestApp, String) {
    let app = english_town().await;
    app.process("budget", Allow::ALL).await;
    let (mut citizen, _) = app.citizen("nour").await;
    let id = citizen
        .propose_id(
            "budget",
            "A compost bin per district",
            "To cut the waste of each district.",
        )
        .await;
    (app, id)
}

fn entries(feed: &str) -> usize {
    feed.matches("<entry>").count()
}

#[tokio::test]
async fn a_new_proposal_appears_in_the_process_feed_and_the_towns() {
    let (app, id) = nours_proposal().await;
    let mut reader = app.browser();
    for path in ["/processes/budget/feed.atom", "/feed.atom"] {
        let feed = reader.get(path).await;
        feed.assert_status(200)
            .assert_contains("<feed xmlns=\"http://www.w3.org/2005/Atom\"")
            .assert_contains("<title>New proposal: A compost bin per district</title>")
            .assert_contains(&format!("<id>http://127.0.0.1:8080/proposals/{id}</id>"))
            .assert_contains(&format!("href=\"http://127.0.0.1:8080/proposals/{id}\""))
            .assert_contains("<name>nour display</name>")
            .assert_contains("To cut the waste of each district.");
        assert_eq!(
            feed.headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some("application/atom+xml; charset=utf-8")
        );
        assert_eq!(entries(&feed.body), 1, "{}", feed.body);
    }
}

#[tokio::test]
async fn the_feed_is_in_the_towns_language_whoever_asks() {
    // The fixtures' town speaks French; the reader asks for English.
    let app = TestApp::new().await;
    app.process("budget", Allow::ALL).await;
    let (mut citizen, _) = app.citizen("nour").await;
    citizen
        .propose(
            "budget",
            "Un composteur par quartier",
            "Pour réduire les déchets de chaque quartier.",
        )
        .await;
    let mut english_reader = app.browser();
    english_reader
        .get("/feed.atom")
        .await
        .assert_status(200)
        .assert_contains("xml:lang=\"fr\"")
        .assert_contains("<title>Nouvelle proposition : Un composteur par quartier</title>");
}

#[tokio::test]
async fn an_official_answer_is_an_entry_of_its_own() {
    let (app, id) = nours_proposal().await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .post(
            &format!("/admin/proposals/{id}/answer"),
            &[
                ("state", "accepted"),
                ("answer", "Accepted: **works in spring**."),
            ],
        )
        .await
        .assert_status(303);
    let feed = app.browser().get("/processes/budget/feed.atom").await;
    feed.assert_status(200)
        .assert_contains("<title>Official answer (Accepted): A compost bin per district</title>")
        .assert_contains(&format!("<id>http://127.0.0.1:8080/proposals/{id}#answer-"))
        // The answer's HTML travels escaped, as Atom's `type="html"` wants.
        .assert_contains("&lt;strong&gt;works in spring&lt;/strong&gt;");
    assert_eq!(entries(&feed.body), 2);
    // Newest first: the answer comes before the proposal.
    let answer = feed.body.find("<title>Official answer").expect("answer entry");
    let proposal = feed.body.find("<title>New proposal").expect("proposal entry");
    assert!(answer < proposal);
}

#[tokio::test]
async fn a_hidden_proposal_never_appears() {
    let app = english_town().await;
    app.process("budget", Allow::ALL).await;
    let (mut citizen, _) = app.citizen("nour").await;
    citizen
        .propose(
            "budget",
            "A visible proposal here",
            "Nothing wrong with this one at all.",
        )
        .await;
    let hidden = citizen
        .propose_id(
            "budget",
            "A moderated proposal",
            "Something staff decided to hide.",
        )
        .await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .post(&format!("/admin/moderation/proposal/{hidden}/hide"), &[])
        .await
        .assert_status(303);
    // Not even for staff: a feed is the same for everyone.
    for reader in [&mut app.browser(), &mut staff] {
        for path in ["/processes/budget/feed.atom", "/feed.atom"] {
            let feed = reader.get(path).await;
            feed.assert_status(200).assert_contains("A visible proposal here");
            assert!(!feed.body.contains("moderated"), "{}", feed.body);
            assert!(!feed.body.contains(&hidden));
        }
    }
}

#[tokio::test]
async fn an_unpublished_process_has_no_feed() {
    let app = english_town().await;
    let detail = app.process("draft", Allow::ALL).await;
    let (mut citizen, _) = app.citizen("nour").await;
    citizen
        .propose(
            "draft",
            "Written before the unpublishing",
            "And now nobody outside staff may see it.",
        )
        .await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .post(&format!("/admin/processes/{}/unpublish", detail.process.id), &[])
        .await
        .assert_status(303);
    app.browser()
        .get("/processes/draft/feed.atom")
        .await
        .assert_status(404);
    staff.get("/processes/draft/feed.atom").await.assert_status(404);
    app.browser()
        .get("/processes/nope/feed.atom")
        .await
        .assert_status(404);
    let town = app.browser().get("/feed.atom").await;
    town.assert_status(200);
    assert!(!town.body.contains("unpublishing"), "{}", town.body);
    assert_eq!(entries(&town.body), 0);
}

#[tokio::test]
async fn markup_in_titles_and_bodies_is_escaped() {
    let app = english_town().await;
    app.process("budget", Allow::ALL).await;
    let (mut citizen, _) = app.citizen("nour").await;
    citizen
        .propose(
            "budget",
            "Bikes & <b>trees</b> \"now\" ]]>",
            "A body with <script>alert(1)</script> and a [link](javascript:alert(2)) & more.",
        )
        .await;
    let feed = app.browser().get("/feed.atom").await;
    feed.assert_status(200)
        .assert_contains("Bikes &amp; &lt;b&gt;trees&lt;/b&gt; &quot;now&quot; ]]&gt;</title>");
    assert!(!feed.body.contains("<b>"), "{}", feed.body);
    assert!(!feed.body.contains("<script"), "{}", feed.body);
    // The content is the sanitised HTML: the script and the javascript: link are gone even once
    // a reader unescapes it.
    assert!(!feed.body.contains("&lt;script"), "{}", feed.body);
    assert!(!feed.body.contains("javascript:"), "{}", feed.body);
}

#[tokio::test]
async fn pages_announce_their_feeds() {
    let app = english_town().await;
    app.process("budget", Allow::ALL).await;
    let mut visitor = app.browser();
    visitor
        .get("/processes/budget")
        .await
        .assert_status(200)
        .assert_contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"News of this process (Atom feed)\" href=\"/processes/budget/feed.atom\">")
        .assert_contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Plenum: news from the participatory processes\" href=\"/feed.atom\">")
        .assert_contains("<a href=\"/processes/budget/feed.atom\" type=\"application/atom+xml\">News of this process (Atom feed)</a>");
    let home = visitor.get("/").await;
    home.assert_status(200).assert_contains(
        "<a href=\"/feed.atom\" type=\"application/atom+xml\">News of all processes (Atom feed)</a>",
    );
    assert!(!home.body.contains("/processes/budget/feed.atom"));
}

#[tokio::test]
async fn an_unchanged_feed_is_answered_304() {
    let app = english_town().await;
    app.process("budget", Allow::ALL).await;
    let mut reader = app.browser();
    let first = reader.get("/processes/budget/feed.atom").await;
    let etag = first
        .headers
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .expect("an ETag")
        .to_string();
    let again = reader
        .send(
            Request::get("/processes/budget/feed.atom")
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    again.assert_status(304);
    assert!(again.body.is_empty());
    // Something new: the old tag no longer matches.
    let (mut citizen, _) = app.citizen("nour").await;
    citizen
        .propose(
            "budget",
            "A compost bin per district",
            "To cut the waste of each district.",
        )
        .await;
    let changed = reader
        .send(
            Request::get("/processes/budget/feed.atom")
                .header(header::IF_NONE_MATCH, &etag)
                .body(Body::empty())
                .expect("request"),
        )
        .await;
    changed
        .assert_status(200)
        .assert_contains("A compost bin per district");
}

#[tokio::test]
async fn authorized_fetch_covers_the_feeds() {
    let app = TestApp::with_config(|c| c.authorized_fetch = true).await;
    app.process("budget", Allow::ALL).await;
    let mut anonymous = app.browser();
    anonymous.get("/feed.atom").await.assert_status(401);
    anonymous
        .get("/processes/budget/feed.atom")
        .await
        .assert_status(401);
    let (mut citizen, _) = app.citizen("alice").await;
    citizen.get("/feed.atom").await.assert_status(200);
}

#[tokio::test]
async fn budget_results_and_project_updates_appear_once_published() {
    let app = english_town().await;
    let (detail, budget) = crate::budgets::budget_process(&app, -1, 7).await;
    let (mut voter, _) = app.citizen("lea").await;
    crate::budgets::cast(&mut voter, &["a", "b"])
        .await
        .assert_status(200);
    crate::budgets::close_vote(&app, &detail).await;
    let before = app.browser().get("/processes/vote-2027/feed.atom").await;
    before.assert_status(200);
    assert_eq!(
        entries(&before.body),
        0,
        "nothing is public before publication: {}",
        before.body
    );

    let (mut staff, _) = app.staff("agent").await;
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(303);
    let project_a = app
        .db({
            let budget = budget.clone();
            move |c| plenum::domain::budgets::projects(c, &budget.id)
        })
        .await
        .into_iter()
        .find(|p| p.code == "a")
        .expect("project a");
    staff
        .post(
            &format!("/admin/budgets/{}/updates", budget.id),
            &[
                ("project_id", project_a.id.as_str()),
                ("status", "in-progress"),
                ("progress", "40"),
                ("note", "Works started on <Monday>."),
            ],
        )
        .await
        .assert_status(303);
    let feed = app.browser().get("/processes/vote-2027/feed.atom").await;
    feed.assert_status(200)
        .assert_contains("<title>Results published: City budget</title>")
        .assert_contains("One ballot counted. Funded projects: Project a, Project b")
        .assert_contains("href=\"http://127.0.0.1:8080/processes/vote-2027/budgets/city/results\"")
        .assert_contains("<title>Project a: in progress, 40 %</title>")
        .assert_contains("<summary>Works started on &lt;Monday&gt;.</summary>");
    assert_eq!(entries(&feed.body), 2, "{}", feed.body);
}
