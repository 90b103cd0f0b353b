//! Open redirects: the address people are sent back to after signing in, signing up or switching
//! language stays on this site, whatever encoding the `next` field uses.

use crate::common::{TestApp, PASSWORD};

/// Ways of writing "another site" that browsers (WHATWG URL parsing) or a decoding proxy accept.
const ATTACKS: &[&str] = &[
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\/evil.example",
    "/\t/evil.example",
    "/%09/evil.example",
    "/\r\n//evil.example",
    "/%0d%0a//evil.example",
    "%2F%2Fevil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/%252F/evil.example",
    " //evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "\u{ff0f}\u{ff0f}evil.example",
    "/%EF%BC%8F/evil.example",
];

/// Resolves `location` as a browser would, against the town's address, and checks the host.
#[track_caller]
fn assert_stays_here(location: &str, expected: &str, attack: &str) {
    let base = url::Url::parse("http://town.example/").unwrap();
    let resolved = base.join(location).expect("a resolvable Location");
    assert_eq!(
        resolved.host_str(),
        Some("town.example"),
        "{attack:?} sent the browser to {resolved}"
    );
    assert_eq!(location, expected, "{attack:?} was not replaced by the home page");
}

#[tokio::test]
async fn sign_in_redirect_refuses_open_redirect_encodings() {
    let app = TestApp::new().await;
    app.user("marie", plenum::domain::accounts::Role::Citizen).await;
    let mut b = app.browser();
    for attack in ATTACKS {
        let page = b
            .post(
                "/login",
                &[
                    ("email", "marie@example.org"),
                    ("password", PASSWORD),
                    ("next", attack),
                ],
            )
            .await;
        page.assert_status(303);
        assert_stays_here(page.location(), "/?notice=signed-in", attack);
    }
}

#[tokio::test]
async fn sign_in_form_does_not_carry_a_foreign_next_address() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    for attack in ["/%09/evil.example", "//evil.example", "/%5Cevil.example"] {
        let query: String = url::form_urlencoded::byte_serialize(attack.as_bytes()).collect();
        b.get(&format!("/login?next={query}"))
            .await
            .assert_status(200)
            .assert_contains("name=\"next\" value=\"/\"");
    }
}

#[tokio::test]
async fn sign_up_redirect_refuses_open_redirect_encodings() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    for (i, attack) in ATTACKS.iter().enumerate() {
        let (email, username) = (format!("person{i}@example.org"), format!("person{i}"));
        let page = b
            .post(
                "/signup",
                &[
                    ("email", &email),
                    ("username", &username),
                    ("display_name", "Someone"),
                    ("password", PASSWORD),
                    ("next", attack),
                ],
            )
            .await;
        page.assert_status(303);
        assert_stays_here(page.location(), "/?notice=signed-up", attack);
    }
}

#[tokio::test]
async fn locale_switch_redirect_refuses_open_redirect_encodings() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    for attack in ATTACKS {
        let page = b.post("/locale", &[("lang", "en"), ("next", attack)]).await;
        page.assert_status(303);
        assert_stays_here(page.location(), "/", attack);
    }
}

#[tokio::test]
async fn paths_of_this_site_are_still_followed_after_sign_in_and_locale() {
    let app = TestApp::new().await;
    app.user("marie", plenum::domain::accounts::Role::Citizen).await;
    let mut b = app.browser();
    let page = b
        .post(
            "/locale",
            &[("lang", "fr"), ("next", "/processes?q=green%20park")],
        )
        .await;
    assert_eq!(page.location(), "/processes?q=green%20park");
    let page = b
        .post(
            "/login",
            &[
                ("email", "marie@example.org"),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(page.location(), "/account?notice=signed-in");
}
