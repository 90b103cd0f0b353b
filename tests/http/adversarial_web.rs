//! The web side of the adversarial suite: forms without or with another person's CSRF token,
//! another account's ids (IDOR), stored script in every field shown back, oversize and
//! malformed forms. Each attack is refused and changes nothing; the controls next to them work.

use axum::body::Body;
use axum::http::{header, Method, Request};
use diesel::prelude::*;

use plenum::db::schema::{comments, processes, proposals, reports, users};
use plenum::domain::Error;

use crate::common::{Allow, Browser, TestApp};

async fn counts(app: &TestApp) -> [i64; 5] {
    app.db(|c| {
        Ok::<_, Error>([
            proposals::table.count().get_result(c)?,
            comments::table.count().get_result(c)?,
            reports::table.count().get_result(c)?,
            processes::table.count().get_result(c)?,
            users::table.count().get_result(c)?,
        ])
    })
    .await
}

/// Alice's proposal in an open process, and the path of its page.
async fn alice_proposal(alice: &mut Browser) -> String {
    alice
        .propose(
            "budget-2026",
            "A fountain for the square",
            "Drinking water for everyone, all summer.",
        )
        .await
}

#[tokio::test]
async fn every_writing_route_refuses_a_missing_or_foreign_csrf_token() {
    let app = TestApp::new().await;
    app.process("budget-2026", Allow::ALL).await;
    let (mut alice, _) = app.citizen("alice").await;
    let (mut staff, _) = app.staff("sam").await;
    let (mallory, _) = app.citizen("mallory").await;
    let proposal = alice_proposal(&mut alice).await;
    let id = proposal.trim_start_matches("/proposals/");
    let routes = [
        "/processes/budget-2026/proposals".to_string(),
        format!("{proposal}/edit"),
        format!("{proposal}/withdraw"),
        format!("{proposal}/endorse"),
        format!("{proposal}/unendorse"),
        format!("{proposal}/comments"),
        format!("/report/proposal/{id}"),
        "/processes/budget-2026/budgets/b/ballot".into(),
        "/processes/budget-2026/budgets/b/ballot/review".into(),
        "/processes/budget-2026/follow".into(),
        "/account/locale".into(),
        "/account/tokens".into(),
        "/account/delete".into(),
        "/account/verify".into(),
        "/logout".into(),
        "/remote/proposals/x/endorse".into(),
        "/remote/proposals/x/comments".into(),
        "/admin/processes".into(),
        format!("/admin/moderation/proposal/{id}/hide"),
        "/admin/census/verify".into(),
        "/admin/census/revoke".into(),
        "/admin/federation/mode".into(),
        "/admin/federation/peers".into(),
        "/admin/federation/follow".into(),
        "/admin/budgets/b/publish".into(),
        format!("/attachments/proposal/{id}"),
        format!("/attachments/proposal/{id}/x/remove"),
    ];
    let fields = |csrf: Option<String>| {
        let mut f = vec![
            ("title", "Forged through another site".to_string()),
            (
                "body",
                "This text was posted by a page on another site.".to_string(),
            ),
            ("reason", "spam".to_string()),
            ("mode", "allowlist".to_string()),
        ];
        if let Some(token) = csrf {
            f.push(("csrf", token));
        }
        f
    };
    let before = counts(&app).await;
    let mut failures = Vec::new();
    for path in &routes {
        for (who, browser) in [("alice", &mut alice), ("staff", &mut staff)] {
            for (what, token) in [("no token", None), ("mallory's token", Some(mallory.csrf()))] {
                let page = browser.post_raw(path, &fields(token)).await;
                if page.status.as_u16() != 403 {
                    failures.push(format!("{who}, {what}, {path}: {}", page.status));
                }
            }
        }
    }
    // The JSON API with a session cookie but no CSRF header is refused the same way.
    let api = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1{proposal}/withdraw"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .expect("request");
    let page = alice.send(api).await;
    if page.status.as_u16() != 403 {
        failures.push(format!("API withdraw without CSRF header: {}", page.status));
    }
    assert!(failures.is_empty(), "not refused:\n{}", failures.join("\n"));
    assert_eq!(counts(&app).await, before, "nothing written");
    let proposal_page = alice.get(&proposal).await;
    proposal_page.assert_contains("A fountain for the square");
    // Control: the same form with the right token goes through.
    alice
        .post(
            &format!("{proposal}/comments"),
            &[("body", "A real comment, with its token.")],
        )
        .await;
    assert_eq!(counts(&app).await[1], before[1] + 1);
}

#[tokio::test]
async fn another_accounts_proposal_cannot_be_changed_and_citizens_reach_no_staff_action() {
    let app = TestApp::new().await;
    app.process("budget-2026", Allow::ALL).await;
    let (mut alice, _) = app.citizen("alice").await;
    let (mut mallory, _) = app.citizen("mallory").await;
    let proposal = alice_proposal(&mut alice).await;
    let id = proposal.trim_start_matches("/proposals/").to_string();
    let before = counts(&app).await;
    let mut refused = Vec::new();
    let edit = mallory
        .post(
            &format!("{proposal}/edit"),
            &[
                ("title", "Mallory's title now"),
                ("body", "Mallory rewrote this proposal entirely."),
                ("version", "1"),
            ],
        )
        .await;
    refused.push(("edit another's proposal", edit.status.as_u16()));
    let withdraw = mallory.post(&format!("{proposal}/withdraw"), &[]).await;
    refused.push(("withdraw another's proposal", withdraw.status.as_u16()));
    let api = mallory
        .api(
            Method::POST,
            &format!("/api/v1/proposals/{id}/withdraw"),
            Some(serde_json::json!({})),
            None,
        )
        .await;
    refused.push(("withdraw through the API", api.status.as_u16()));
    for path in [
        "/admin/processes".to_string(),
        format!("/admin/moderation/proposal/{id}/hide"),
        "/admin/federation/mode".into(),
        "/admin/federation/peers".into(),
        "/admin/census/revoke".into(),
    ] {
        let page = mallory
            .post(&path, &[("mode", "allowlist"), ("host", "evil.example")])
            .await;
        refused.push(("a staff action by a citizen", page.status.as_u16()));
    }
    // 403 or 404; 422 where the form is read before the role is (nothing is done either way).
    for (what, status) in &refused {
        assert!([403, 404, 422].contains(status), "{what}: {status}");
    }
    assert_eq!(counts(&app).await, before);
    let page = app.browser().get(&proposal).await;
    page.assert_contains("A fountain for the square");
    assert!(!page.body.contains("Mallory"), "the proposal is unchanged");
    let hidden: bool = app
        .db(move |c| Ok::<_, Error>(proposals::table.find(&id).select(proposals::hidden).first(c)?))
        .await;
    assert!(!hidden);
}

/// Script in every field a citizen fills and the site shows back: proposal title and body,
/// comment, display name.
#[tokio::test]
async fn stored_script_in_any_field_is_never_served_as_markup() {
    // Eve signs up through the form and proposes at once: confirming her address is not the
    // subject here (`account_mail.rs`).
    let app = TestApp::with_config(|c| c.require_email_confirmation = false).await;
    app.process("budget-2026", Allow::ALL).await;
    let payloads = [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<iframe src=\"https://evil.example\"></iframe>",
        "\"><script>alert(1)</script>",
        "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
        "<form action=\"https://evil.example\"><input name=password></form>",
    ];
    let mut browser = app.browser();
    browser.get("/").await;
    let signup = browser
        .post(
            "/signup",
            &[
                ("email", "eve@example.org"),
                ("username", "eve"),
                ("display_name", "<script>alert('name')</script>Eve"),
                ("password", crate::common::PASSWORD),
            ],
        )
        .await;
    assert!(signup.status.is_redirection(), "sign-up: {}", signup.status);
    let mut pages = Vec::new();
    for (n, payload) in payloads.iter().enumerate() {
        let path = browser
            .propose(
                "budget-2026",
                &format!("Proposal {n} {payload}"),
                &format!("A long enough body. {payload} And more text after it."),
            )
            .await;
        browser
            .post(
                &format!("{path}/comments"),
                &[("body", &format!("Comment {payload} with words."))],
            )
            .await;
        pages.push(path);
    }
    pages.push("/processes/budget-2026".into());
    pages.push("/processes/budget-2026/proposals".into());
    for path in &pages {
        for accept in ["text/html", "application/activity+json"] {
            let request = Request::get(path.as_str())
                .header(header::ACCEPT, accept)
                .body(Body::empty())
                .expect("request");
            let body = app.browser().send(request).await.body;
            // In activity JSON, `name` is plain text (receivers escape it); the HTML is in
            // `content` and `summary`.
            let body = if accept == "text/html" {
                body.to_lowercase()
            } else {
                let json: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
                let html = |v: &serde_json::Value| {
                    ["content", "summary", "officialAnswer"]
                        .iter()
                        .map(|k| v[*k].as_str().unwrap_or_default().to_lowercase())
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                html(&json)
            };
            // Markup, not escaped text: escaped, `<` is `&#60;` or `&lt;` and nothing runs.
            for forbidden in [
                "<script>alert",
                "<img src=x onerror",
                "<img src=\"x\" onerror",
                "onerror=\"alert",
                "<svg onload",
                "onload=\"alert",
                "href=\"javascript:",
                "href=\"jav&#x09;",
                "<iframe",
                "style=\"background:url(javascript",
                "href=\"data:",
                "<form action=\"https://evil",
                "<script>alert('name')",
            ] {
                if let Some(at) = body.find(forbidden) {
                    let from = at.saturating_sub(120);
                    panic!(
                        "{path} ({accept}) serves {forbidden:?}: {:?}",
                        body.get(from..(at + 60).min(body.len()))
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn oversize_and_malformed_forms_are_refused_with_nothing_stored() {
    let app = TestApp::new().await;
    app.process("budget-2026", Allow::ALL).await;
    let (mut alice, _) = app.citizen("alice").await;
    let before = counts(&app).await;
    let long_title = "t".repeat(10_000);
    let page = alice
        .post(
            "/processes/budget-2026/proposals",
            &[
                ("title", &long_title),
                ("body", "A body that is long enough to pass."),
            ],
        )
        .await;
    assert!(
        page.status.is_client_error(),
        "title of 10,000 characters: {}",
        page.status
    );
    let huge = "b".repeat(300 * 1024);
    let page = alice
        .post(
            "/processes/budget-2026/proposals",
            &[("title", "A proper title"), ("body", &huge)],
        )
        .await;
    assert!(page.status.is_client_error(), "300 KiB form: {}", page.status);
    let broken = Request::post("/processes/budget-2026/proposals")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("title=%ZZ%&body=%&csrf={}", alice.csrf())))
        .expect("request");
    let page = alice.send(broken).await;
    assert!(page.status.is_client_error(), "malformed form: {}", page.status);
    let nul = alice
        .post(
            "/processes/budget-2026/proposals",
            &[
                ("title", "Nul\u{0}byte title"),
                ("body", "A body that is long enough to pass."),
            ],
        )
        .await;
    // PostgreSQL refuses NUL in text: a message, not a 500 (or an SQLite-only proposal).
    nul.assert_status(422);
    assert_eq!(counts(&app).await, before);
    // Sign-up names: ASCII handles only, so no confusable or mixed-script twin of a name.
    let mut visitor = app.browser();
    visitor.get("/").await;
    for twin in ["аlice", "alicе", "ALICE", "al ice", "alice\u{200b}", "ａlice"] {
        let page = visitor
            .post(
                "/signup",
                &[
                    ("email", "twin@example.org"),
                    ("username", twin),
                    ("display_name", "Twin"),
                    ("password", crate::common::PASSWORD),
                ],
            )
            .await;
        assert!(!page.status.is_redirection(), "{twin:?} was accepted");
    }
}

/// Hostile files through the staff upload forms: each refused with a message, and what was
/// stored before (a census, the budgets) stays as it was.
#[tokio::test]
async fn hostile_census_and_pb_uploads_are_refused_and_keep_what_was_there() {
    use plenum::domain::budgets;
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("sam").await;
    let census = "document;birth_date;postcode\nAB123;01/02/1990;31000\nCD456;1985-04-03;31100\n";
    crate::census::upload(&mut staff, census).await.assert_status(303);
    let entries = crate::census::entries(&app).await;
    let long_field = "x".repeat(1_000_000);
    let hostile_census = [
        (
            "binary with NUL",
            "\u{0}\u{1}\u{2}PK\u{3}\u{4}garbage\u{0}".to_string(),
        ),
        ("a header only", "document;birth_date;postcode\n".to_string()),
        (
            "rows of the wrong width",
            "document;birth_date;postcode\nAB1;01/02/1990\nCD2;1;2;3;4\n".to_string(),
        ),
        (
            "a one-megabyte field",
            format!("document;birth_date;postcode\n{long_field};01/02/1990;31000\n"),
        ),
        ("no header at all", "AB123;01/02/1990;31000\n".to_string()),
    ];
    for (what, file) in &hostile_census {
        let page = crate::census::upload(&mut staff, file).await;
        assert!(page.status.is_client_error(), "census {what}: {}", page.status);
        assert_eq!(
            crate::census::entries(&app).await,
            entries,
            "census {what} changed the census"
        );
    }

    let (detail, _) = crate::budgets::budget_process(&app, -1, 7).await;
    let path = format!(
        "/admin/processes/{}/budgets/import?csrf={}",
        detail.process.id,
        staff.csrf()
    );
    let count = || {
        let id = detail.process.id.clone();
        app.db(move |c| budgets::for_process(c, &id))
    };
    let before = count().await.len();
    let head = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n";
    let hostile_pb = [
        ("a cost that is no number", format!("{head}p1;sixty;Trees\nVOTES\nvoter_id;vote\n1;p1\n")),
        ("a negative cost", format!("{head}p1;-60;Pays us\nVOTES\nvoter_id;vote\n1;p1\n")),
        ("a vote for no project", format!("{head}p1;60;Trees\nVOTES\nvoter_id;vote\n1;p9\n")),
        ("the same voter twice", format!("{head}p1;60;Trees\nVOTES\nvoter_id;vote\n1;p1\n1;p1\n")),
        ("no sections", "just some text\n".to_string()),
        ("empty", String::new()),
        ("binary", "\u{0}\u{ff}\u{fe}META\u{0}".to_string()),
        (
            "cumulative points that wrap",
            "META\nkey;value\nbudget;100\nvote_type;cumulative\nmax_sum_points;10\nPROJECTS\nproject_id;cost;name\n\
             p1;60;Trees\np2;50;Bench\nVOTES\nvoter_id;vote;points\n1;p1,p2;18446744073709551615,11\n"
                .to_string(),
        ),
    ];
    for (what, file) in &hostile_pb {
        let page = staff.send(crate::budget_staff::import_request(&path, file)).await;
        assert!(page.status.is_client_error(), ".pb {what}: {}", page.status);
        assert_eq!(count().await.len(), before, ".pb {what} imported something");
    }
}
