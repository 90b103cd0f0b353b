//! The citizen journey through the HTML pages: browse, propose, edit, withdraw, endorse,
//! comment, report, account.

use std::collections::HashSet;

use plenum::domain::{endorsements, proposals};

use crate::common::{Allow, Browser, TestApp, PASSWORD};
use crate::town::{propose_checked, TestTown, PROPOSAL_BODY};

async fn propose(b: &mut Browser, slug: &str, title: &str) -> String {
    propose_checked(b, slug, title, PROPOSAL_BODY).await
}

#[tokio::test]
async fn home_lists_published_processes_only() {
    let app = TestApp::new().await;
    let detail = app.process("budget-2026", Allow::ALL).await;
    let draft_slug = "draft-process".to_string();
    app.state
        .db
        .write(move |c| {
            plenum::domain::processes::create(
                c,
                &plenum::domain::processes::ProcessForm {
                    slug: draft_slug,
                    title: "Secret draft".into(),
                    description: "Not ready yet for the public.".into(),
                    ..Default::default()
                },
            )
        })
        .await
        .unwrap();
    let mut b = app.browser();
    b.get("/")
        .await
        .assert_status(200)
        .assert_contains(&detail.process.title);
    assert!(!b.get("/").await.body.contains("Secret draft"));
    b.get("/processes/draft-process").await.assert_status(404);
    b.get("/processes/no-such-process")
        .await
        .assert_status(404)
        .assert_contains("does not exist");
}

#[tokio::test]
async fn citizen_proposes_edits_and_history_keeps_versions() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .await;
    let mut b = town.browser_of("marie");
    b.get("/processes/budget/proposals/new")
        .await
        .assert_status(200)
        .assert_contains("<label for=\"title\">");
    let id = propose(&mut b, "budget", "Benches in the park").await;
    b.get(&format!("/proposals/{id}"))
        .await
        .assert_status(200)
        .assert_contains("Benches in the park")
        .assert_contains("Edit the proposal");
    let page = b
        .post(
            &format!("/proposals/{id}/edit"),
            &[
                ("title", "Shaded benches in the park"),
                ("body", "A new body with **bold** words and more detail."),
                ("version", "1"),
            ],
        )
        .await;
    page.assert_status(303);
    let page = b.get(&format!("/proposals/{id}")).await;
    page.assert_contains("Shaded benches in the park")
        .assert_contains("<strong>bold</strong>");
    b.get(&format!("/proposals/{id}/history"))
        .await
        .assert_status(200)
        .assert_contains("Version 2")
        .assert_contains("Version 1")
        .assert_contains("Benches in the park");
}

#[tokio::test]
async fn invalid_proposal_is_explained_and_not_stored() {
    let app = TestApp::new().await;
    let detail = app.process("budget", Allow::ALL).await;
    let (mut b, _) = app.citizen("marie").await;
    let page = b
        .post(
            "/processes/budget/proposals",
            &[("title", "Hi"), ("body", ""), ("category_id", "nope")],
        )
        .await;
    page.assert_status(422)
        .assert_contains("at least 5 characters")
        .assert_contains("This field is required")
        .assert_contains("choose a category");
    let process_id = detail.process.id.clone();
    let count = app
        .db(move |c| proposals::list(c, &process_id, &Default::default()).map(|l| l.total))
        .await;
    assert_eq!(count, 0);
}

#[tokio::test]
async fn markdown_is_sanitised() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .await;
    let mut b = town.browser_of("marie");
    let id = b
        .propose_id(
            "budget",
            "Scripted proposal",
            "Hello <script>alert('x')</script> <img src=x onerror=alert(1)> [link](javascript:alert(1))",
        )
        .await;
    let page = b.get(&format!("/proposals/{id}")).await;
    assert!(!page.body.contains("<script>alert"));
    assert!(!page.body.contains("onerror"));
    assert!(!page.body.contains("javascript:alert"));
}

#[tokio::test]
async fn closed_phase_gives_a_clear_403() {
    let town = TestTown::new()
        .with_process("closed", Allow::NOTHING)
        .with_citizen("marie")
        .await;
    let mut b = town.browser_of("marie");
    let page = b.get("/processes/closed/proposals/new").await;
    page.assert_status(403)
        .assert_contains("New proposals are not accepted during the current phase");
    let page = b
        .post(
            "/processes/closed/proposals",
            &[("title", "Too late"), ("body", "A body long enough to be valid.")],
        )
        .await;
    page.assert_status(403);
    b.get("/processes/closed")
        .await
        .assert_contains("New proposals are not accepted");
}

#[tokio::test]
async fn anonymous_visitor_is_sent_to_sign_in() {
    let app = TestApp::new().await;
    app.process("budget", Allow::ALL).await;
    let mut b = app.browser();
    let page = b.get("/processes/budget/proposals/new").await;
    page.assert_status(303);
    assert_eq!(
        page.location(),
        "/login?next=%2Fprocesses%2Fbudget%2Fproposals%2Fnew"
    );
    let page = b
        .post(
            "/processes/budget/proposals",
            &[
                ("title", "Anonymous"),
                ("body", "A body long enough to be valid."),
            ],
        )
        .await;
    page.assert_status(303);
    assert!(page.location().starts_with("/login"));
}

#[tokio::test]
async fn only_the_author_edits_and_withdraws() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("budget", "marie", "Author's proposal")
        .await;
    let mut author = town.browser_of("marie");
    let mut other = town.browser_of("paul");
    let id = town.proposal("Author's proposal");
    other
        .get(&format!("/proposals/{id}/edit"))
        .await
        .assert_status(403)
        .assert_contains("Only the author");
    other
        .post(
            &format!("/proposals/{id}/edit"),
            &[("title", "Hijacked title"), ("body", "Hijacked body text here.")],
        )
        .await
        .assert_status(403);
    other
        .post(&format!("/proposals/{id}/withdraw"), &[])
        .await
        .assert_status(403);
    author
        .post(&format!("/proposals/{id}/withdraw"), &[])
        .await
        .assert_status(303);
    // Withdrawn proposals leave the default list but stay readable, marked as such.
    assert!(!author
        .get("/processes/budget")
        .await
        .body
        .contains("Author&#39;s proposal"));
    author
        .get("/processes/budget?state=withdrawn")
        .await
        .assert_contains("Author&#39;s proposal");
    author
        .get(&format!("/proposals/{id}"))
        .await
        .assert_contains("Withdrawn");
    // No more endorsements for a withdrawn proposal.
    other
        .post(&format!("/proposals/{id}/endorse"), &[])
        .await
        .assert_status(403);
}

#[tokio::test]
async fn endorsing_twice_counts_once_and_unendorse_works() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("budget", "marie", "Popular proposal")
        .await;
    let mut b = town.browser_of("paul");
    let id = town.proposal("Popular proposal");
    b.post(&format!("/proposals/{id}/endorse"), &[])
        .await
        .assert_status(303);
    b.post(&format!("/proposals/{id}/endorse"), &[])
        .await
        .assert_status(303);
    b.get(&format!("/proposals/{id}"))
        .await
        .assert_contains("1 endorsement")
        .assert_contains("Withdraw my endorsement");
    let pid = id.clone();
    assert_eq!(town.db(move |c| endorsements::count_rows(c, &pid)).await, 1);
    b.post(&format!("/proposals/{id}/unendorse"), &[])
        .await
        .assert_status(303);
    b.post(&format!("/proposals/{id}/unendorse"), &[])
        .await
        .assert_status(303);
    b.get(&format!("/proposals/{id}"))
        .await
        .assert_contains("No endorsements");
    let pid = id.clone();
    let stored = town.db(move |c| proposals::find(c, &pid)).await;
    assert_eq!(stored.endorsement_count, 0);
}

#[tokio::test]
async fn concurrent_double_endorsement_counts_once() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("budget", "marie", "Contested proposal")
        .await;
    let b = town.browser_of("paul");
    let id = town.proposal("Contested proposal");
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let mut browser = b.clone();
        let path = format!("/proposals/{id}/endorse");
        tasks.push(tokio::spawn(async move {
            browser.post(&path, &[]).await.status.as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 303);
    }
    let pid = id.clone();
    let (rows, stored) = town
        .db(move |c| Ok((endorsements::count_rows(c, &pid)?, proposals::find(c, &pid)?)))
        .await;
    assert_eq!(rows, 1);
    assert_eq!(stored.endorsement_count, 1);
}

#[tokio::test]
async fn parallel_endorsements_by_different_people_all_count() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_proposal("budget", "marie", "Shared proposal")
        .await;
    let id = town.proposal("Shared proposal");
    let mut browsers = Vec::new();
    for i in 0..12 {
        browsers.push(town.citizen(&format!("voter{i}")).await.0);
    }
    let mut tasks = Vec::new();
    for mut browser in browsers {
        let path = format!("/proposals/{id}/endorse");
        tasks.push(tokio::spawn(async move {
            browser.post(&path, &[]).await.status.as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 303);
    }
    let pid = id.clone();
    let stored = town.db(move |c| proposals::find(c, &pid)).await;
    assert_eq!(stored.endorsement_count, 12);
}

#[tokio::test]
async fn endorsement_closed_phase_is_refused_with_reason() {
    let app = TestApp::new().await;
    app.process(
        "budget",
        Allow {
            proposals: true,
            endorsements: false,
            comments: true,
        },
    )
    .await;
    let (mut b, _) = app.citizen("marie").await;
    let id = propose(&mut b, "budget", "Unendorsable proposal").await;
    b.post(&format!("/proposals/{id}/endorse"), &[])
        .await
        .assert_status(403)
        .assert_contains("Endorsements are closed during the current phase");
}

#[tokio::test]
async fn comments_thread_with_stances() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("budget", "marie", "Debated proposal")
        .await;
    let mut author = town.browser_of("marie");
    let mut b = town.browser_of("paul");
    let id = town.proposal("Debated proposal");
    let page = b
        .post(
            &format!("/proposals/{id}/comments"),
            &[("body", "I am in favour."), ("stance", "for")],
        )
        .await;
    page.assert_status(303);
    let page = b.get(&format!("/proposals/{id}")).await;
    page.assert_contains("I am in favour.")
        .assert_contains("stance-for");
    let comment_id = page
        .body
        .split("id=\"comment-")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    author
        .post(
            &format!("/proposals/{id}/comments"),
            &[
                ("body", "Thanks, but what about cost?"),
                ("stance", "neutral"),
                ("parent_id", &comment_id),
            ],
        )
        .await
        .assert_status(303);
    let page = b.get(&format!("/proposals/{id}")).await;
    page.assert_contains("comment depth-1")
        .assert_contains("2 comments");
    // Bad stance and reply to a foreign comment are refused.
    b.post(
        &format!("/proposals/{id}/comments"),
        &[("body", "Hmm"), ("stance", "maybe")],
    )
    .await
    .assert_status(422);
    b.post(
        &format!("/proposals/{id}/comments"),
        &[("body", "Hmm"), ("parent_id", "nope")],
    )
    .await
    .assert_status(422);
    b.post(&format!("/proposals/{id}/comments"), &[("body", "  ")])
        .await
        .assert_status(422);
}

#[tokio::test]
async fn proposal_list_filters_sorts_searches_and_pages() {
    let app = TestApp::new().await;
    let detail = app.process("budget", Allow::ALL).await;
    let mobility = detail.categories[0].id.clone();
    let (mut b, _) = app.citizen("marie").await;
    for i in 0..25 {
        let title = format!("Proposal number {i:02}");
        let mut fields = vec![
            ("title", title.as_str()),
            ("body", "Crèche près de l'école, un body assez long."),
        ];
        if i % 5 == 0 {
            fields.push(("category_id", mobility.as_str()));
        }
        b.post("/processes/budget/proposals", &fields)
            .await
            .assert_status(303);
    }
    // Paging: 20 per page, then 5.
    let page1 = b.get("/processes/budget").await;
    page1
        .assert_contains("25 proposals")
        .assert_contains("Page 1 of 2");
    let ids_on = |body: &str| -> HashSet<String> {
        body.split("href=\"/proposals/")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let first = ids_on(&page1.body);
    let second = ids_on(&b.get("/processes/budget?page=2").await.body);
    assert_eq!(first.len(), 20);
    assert_eq!(second.len(), 5);
    assert!(
        first.is_disjoint(&second),
        "random order must be stable across pages"
    );
    // The same visitor sees the same order again.
    assert_eq!(page1.body, b.get("/processes/budget").await.body);
    // Category filter.
    b.get(&format!("/processes/budget?category={mobility}"))
        .await
        .assert_contains("5 proposals");
    // Accent- and case-insensitive search.
    b.get("/processes/budget?q=CRECHE")
        .await
        .assert_contains("25 proposals");
    b.get("/processes/budget?q=number%2007")
        .await
        .assert_contains("1 proposal");
    // Newest first.
    let newest = b.get("/processes/budget?sort=newest").await;
    let pos24 = newest.body.find("Proposal number 24").unwrap();
    let pos23 = newest.body.find("Proposal number 23").unwrap();
    assert!(pos24 < pos23);
}

#[tokio::test]
async fn random_order_differs_between_visitors() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .await;
    let mut b = town.browser_of("marie");
    for i in 0..15 {
        b.post(
            "/processes/budget/proposals",
            &[
                ("title", &format!("Idea {i:02} here")),
                ("body", "A body long enough to be valid."),
            ],
        )
        .await;
    }
    let order = |body: &str| -> Vec<String> {
        body.split("href=\"/proposals/")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().to_string())
            .collect()
    };
    let mut orders = HashSet::new();
    for _ in 0..4 {
        let mut visitor = town.browser();
        orders.insert(order(&visitor.get("/processes/budget").await.body));
    }
    assert!(orders.len() > 1, "four visitors all saw the same order");
}

#[tokio::test]
async fn report_is_recorded_once() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("marie")
        .with_citizen("paul")
        .with_proposal("budget", "marie", "Reported proposal")
        .await;
    let mut b = town.browser_of("paul");
    let id = town.proposal("Reported proposal");
    b.get(&format!("/report/proposal/{id}"))
        .await
        .assert_status(200)
        .assert_contains("<legend>");
    b.post(&format!("/report/proposal/{id}"), &[("reason", "bogus")])
        .await
        .assert_status(422);
    for _ in 0..2 {
        let page = b
            .post(
                &format!("/report/proposal/{id}"),
                &[("reason", "spam"), ("details", "Ads")],
            )
            .await;
        page.assert_status(303);
        assert!(page.location().contains("notice=reported"));
    }
    let open = town.db(plenum::domain::moderation::open_reports).await;
    assert_eq!(open.len(), 1);
    b.get("/report/other/xyz").await.assert_status(404);
}

#[tokio::test]
async fn account_export_and_deletion() {
    let app = TestApp::new().await;
    app.process("budget", Allow::ALL).await;
    let (mut b, user) = app.citizen("marie").await;
    let id = propose(&mut b, "budget", "My own proposal").await;
    b.post(&format!("/proposals/{id}/endorse"), &[]).await;
    b.get("/account")
        .await
        .assert_status(200)
        .assert_contains("marie@example.org");
    let export = b.get("/account/export.json").await;
    export.assert_status(200);
    let data = export.json();
    assert_eq!(data["account"]["email"], "marie@example.org");
    assert_eq!(data["proposals"][0]["title"], "My own proposal");
    assert_eq!(data["endorsements"].as_array().unwrap().len(), 1);
    assert!(data["account"].get("password_hash").is_none());
    // Wrong password: nothing happens.
    b.post("/account/delete", &[("password", "not my password")])
        .await
        .assert_status(422);
    b.post("/account/delete", &[("password", PASSWORD)])
        .await
        .assert_status(303);
    // Signed out, the account is gone, the proposal stays without a name, the endorsement is withdrawn.
    let page = b.get(&format!("/proposals/{id}")).await;
    page.assert_contains("Former participant")
        .assert_contains("No endorsements");
    let uid = user.id.clone();
    let stored = app.db(move |c| plenum::domain::accounts::find(c, &uid)).await;
    assert!(stored.email.is_none() && stored.deleted_at.is_some() && stored.password_hash.is_none());
    let page = b
        .post(
            "/login",
            &[("email", "marie@example.org"), ("password", PASSWORD)],
        )
        .await;
    page.assert_status(401);
}

#[tokio::test]
async fn language_setting_in_account_wins_over_browser() {
    let app = TestApp::new().await;
    let (mut b, _) = app.citizen("marie").await;
    b.post("/account/locale", &[("locale", "fr")])
        .await
        .assert_status(303);
    b.get("/").await.assert_contains("lang=\"fr\"");
    b.post("/account/locale", &[("locale", "xx")])
        .await
        .assert_status(422);
}

#[tokio::test]
async fn api_token_is_shown_once() {
    let app = TestApp::new().await;
    let (mut b, _) = app.citizen("marie").await;
    let page = b.post("/account/tokens", &[("label", "My app")]).await;
    page.assert_status(200).assert_contains("plenum_");
    assert!(!b.get("/account").await.body.contains("plenum_"));
}
