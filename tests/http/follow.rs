//! "Follow from your server": the handle on the page, and where the form sends a visitor,
//! against the loopback peer's WebFinger (`peer_webfinger.rs`), hostile answers included.

use crate::common::*;
use crate::peer::Peer;

/// Our process actor's URL, percent-encoded as it travels in `{uri}`.
const ACTOR: &str = "http%3A%2F%2F127.0.0.1%3A8080%2Fprocesses%2Fbudget";

async fn town_and_peer() -> (TestApp, Peer) {
    let app = TestApp::new().await;
    app.process("budget", Allow::ALL).await;
    (app, Peer::start().await)
}

async fn follow(app: &TestApp, account: &str) -> Page {
    app.browser()
        .post("/processes/budget/follow", &[("account", account)])
        .await
}

#[tokio::test]
async fn the_process_page_shows_its_handle_and_the_form() {
    let (app, _) = town_and_peer().await;
    let page = app.browser().get("/processes/budget").await;
    page.assert_status(200)
        .assert_contains("<code id=\"process-handle\">@budget@127.0.0.1:8080</code>")
        .assert_contains("<form method=\"post\" action=\"/processes/budget/follow\">")
        .assert_contains("<label for=\"account\">")
        // The copy button is shown only by its script; without scripts the handle is text.
        .assert_contains("data-copy=\"process-handle\"")
        .assert_contains(" hidden>")
        .assert_contains("<script src=\"/static/copy.js\" defer></script>");
    // The handle is the one WebFinger resolves.
    app.browser()
        .get("/.well-known/webfinger?resource=acct:budget@127.0.0.1:8080")
        .await
        .assert_status(200)
        .assert_contains("http://127.0.0.1:8080/processes/budget");
    let csp = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    // Test mode (loopback peers over http) lets forms go to http too; production only to https.
    assert!(csp.contains("form-action 'self' https: http:;"), "{csp}");
    let production = TestApp::with_config(|c| c.federation_allow_private.clear()).await;
    production.process("budget", Allow::ALL).await;
    let page = production.browser().get("/processes/budget").await;
    let csp = page
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(csp.contains("form-action 'self' https:;"), "{csp}");
    let home = production.browser().get("/").await;
    let csp = home
        .headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert!(
        csp.contains("form-action 'self';"),
        "every other page keeps its own forms: {csp}"
    );
    app.browser()
        .get("/static/copy.js")
        .await
        .assert_status(200)
        .assert_contains("navigator.clipboard");
}

#[tokio::test]
async fn a_handle_leads_to_its_servers_subscribe_template() {
    let (app, peer) = town_and_peer().await;
    let page = follow(&app, &format!("@ada@{}", peer.host())).await;
    page.assert_status(303);
    assert_eq!(
        page.location(),
        format!("http://{}/authorize_follow?acct={ACTOR}", peer.host())
    );
}

#[tokio::test]
async fn without_a_template_or_a_handle_mastodons_address_is_used() {
    let (app, peer) = town_and_peer().await;
    let fallback = format!("http://{}/authorize_interaction?uri={ACTOR}", peer.host());
    for account in [
        format!("@bea@{}", peer.host()),
        format!("nobody@{}", peer.host()),
        peer.host(),
        format!("{}/", peer.base),
    ] {
        let page = follow(&app, &account).await;
        page.assert_status(303);
        assert_eq!(page.location(), fallback, "{account}");
    }
}

#[tokio::test]
async fn hostile_templates_are_never_followed() {
    let (app, peer) = town_and_peer().await;
    let fallback = format!("http://{}/authorize_interaction?uri={ACTOR}", peer.host());
    for name in ["js", "elsewhere", "crlf", "userinfo", "moved", "huge"] {
        let page = follow(&app, &format!("@{name}@{}", peer.host())).await;
        page.assert_status(303);
        assert_eq!(page.location(), fallback, "{name}");
    }
}

#[tokio::test]
async fn malformed_input_is_refused_with_the_form_kept() {
    let (app, _) = town_and_peer().await;
    for account in [
        "not a handle",
        "@ada@evil.example/@social.example",
        "https://social.example/users/ada",
        "ada@<b>x</b>.example",
    ] {
        let page = follow(&app, account).await;
        page.assert_status(422)
            .assert_contains("Please write your address as @name@your.server")
            .assert_contains("aria-invalid=\"true\"");
        let kept = account.replace('<', "&#60;").replace('>', "&#62;");
        assert!(
            page.body
                .contains(&format!("value=\"{}\"", kept.replace('"', "&#34;")))
                || page.body.contains(&format!(
                    "value=\"{}\"",
                    account.replace('<', "&lt;").replace('>', "&gt;")
                )),
            "{account}: {}",
            page.body
        );
        assert!(!page.body.contains("<b>x</b>"));
    }
    let mut french = app.browser();
    french.accept_language = "fr".into();
    french
        .post("/processes/budget/follow", &[("account", "n'importe quoi")])
        .await
        .assert_status(422)
        .assert_contains("Écrivez votre adresse sous la forme @nom@votre.serveur");
}

#[tokio::test]
async fn an_unreachable_server_is_said_so() {
    let (app, _) = town_and_peer().await;
    // A port nobody listens on any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("address").port();
    drop(listener);
    let account = format!("@ada@localhost:{port}");
    follow(&app, &account)
        .await
        .assert_status(422)
        .assert_contains("Your server could not be reached")
        .assert_contains(&format!("value=\"{account}\""));
}

#[tokio::test]
async fn following_needs_the_csrf_token_and_a_published_process() {
    let (app, peer) = town_and_peer().await;
    let mut visitor = app.browser();
    visitor.get("/").await;
    visitor
        .post_raw(
            "/processes/budget/follow",
            &[("account", format!("@ada@{}", peer.host()))],
        )
        .await
        .assert_status(403);
    follow_unknown(&app, &peer).await;
}

async fn follow_unknown(app: &TestApp, peer: &Peer) {
    app.browser()
        .post(
            "/processes/nope/follow",
            &[("account", &format!("@ada@{}", peer.host()))],
        )
        .await
        .assert_status(404);
    app.browser()
        .get("/processes/nope/follow")
        .await
        .assert_status(404);
    app.browser()
        .get("/processes/budget/follow")
        .await
        .assert_status(200)
        .assert_contains("@budget@127.0.0.1:8080");
}
