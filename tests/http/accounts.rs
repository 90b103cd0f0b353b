//! Sign-up, sign-in, sessions, CSRF and the language switch.

use crate::common::{TestApp, PASSWORD};

#[tokio::test]
async fn signup_creates_an_account_and_signs_in() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/signup")
        .await
        .assert_status(200)
        .assert_contains("name=\"csrf\"");
    let page = b
        .post(
            "/signup",
            &[
                ("email", "Marie@Example.org"),
                ("username", "marie"),
                ("display_name", "Marie Curie"),
                ("password", PASSWORD),
            ],
        )
        .await;
    page.assert_status(303);
    assert!(page.location().contains("notice=signed-up"));
    b.get("/").await.assert_contains("Marie Curie");
}

#[tokio::test]
async fn signup_explains_each_invalid_field() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let page = b
        .post(
            "/signup",
            &[
                ("email", "not-an-address"),
                ("username", "X"),
                ("display_name", ""),
                ("password", "password123"),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("Please enter an e-mail address")
        .assert_contains("Use 3 to 40 lowercase letters")
        .assert_contains("This field is required")
        .assert_contains("too common")
        .assert_contains("aria-invalid=\"true\"");
}

#[tokio::test]
async fn short_password_is_refused_with_the_minimum() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.post(
        "/signup",
        &[
            ("email", "a@example.org"),
            ("username", "abc"),
            ("display_name", "Abc"),
            ("password", "k7#Qz!"),
        ],
    )
    .await
    .assert_status(422)
    .assert_contains("at least 8 characters");
}

#[tokio::test]
async fn email_already_used_is_refused() {
    let app = TestApp::new().await;
    app.user("marie", plenum::domain::accounts::Role::Citizen).await;
    let mut b = app.browser();
    b.post(
        "/signup",
        &[
            ("email", "marie@example.org"),
            ("username", "marie2"),
            ("display_name", "Marie"),
            ("password", PASSWORD),
        ],
    )
    .await
    .assert_status(422)
    .assert_contains("already uses this e-mail");
}

#[tokio::test]
async fn form_without_csrf_token_is_refused() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/").await;
    let page = b
        .post_raw(
            "/login",
            &[("email", "x@example.org".into()), ("password", PASSWORD.into())],
        )
        .await;
    page.assert_status(403).assert_contains("This form has expired");
    let page = b
        .post_raw(
            "/login",
            &[
                ("email", "x@example.org".into()),
                ("password", PASSWORD.into()),
                ("csrf", "0000".into()),
            ],
        )
        .await;
    page.assert_status(403);
}

#[tokio::test]
async fn wrong_password_is_refused_then_throttled() {
    let app = TestApp::new().await;
    app.user("marie", plenum::domain::accounts::Role::Citizen).await;
    let mut b = app.browser();
    for _ in 0..10 {
        b.post(
            "/login",
            &[("email", "marie@example.org"), ("password", "wrong password!")],
        )
        .await
        .assert_status(401)
        .assert_contains("e-mail address or the password is wrong");
    }
    // Past the limit even the right password waits.
    let page = b
        .post(
            "/login",
            &[("email", "marie@example.org"), ("password", PASSWORD)],
        )
        .await;
    page.assert_status(429).assert_contains("Too many attempts");
    assert!(page.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = TestApp::new().await;
    let (mut b, _) = app.citizen("marie").await;
    let old_session = b.cookies.get("plenum_session").cloned().expect("session");
    b.post("/logout", &[]).await.assert_status(303);
    assert!(!b.cookies.contains_key("plenum_session"));
    // The old cookie no longer works, even if replayed.
    b.cookies.insert("plenum_session".into(), old_session);
    let page = b.get("/account").await;
    page.assert_status(303);
    assert!(page.location().starts_with("/login"));
}

#[tokio::test]
async fn language_follows_accept_language_then_the_switch() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.accept_language = "fr-FR,fr;q=0.9".into();
    b.get("/")
        .await
        .assert_contains("lang=\"fr\"")
        .assert_contains("Démarches participatives");
    b.post("/locale", &[("lang", "en"), ("next", "/")])
        .await
        .assert_status(303);
    b.get("/")
        .await
        .assert_contains("lang=\"en\"")
        .assert_contains("Participatory processes");
}

#[tokio::test]
async fn security_headers_are_set() {
    let app = TestApp::new().await;
    let page = app.browser().get("/").await;
    let csp = page
        .headers
        .get("content-security-policy")
        .expect("CSP")
        .to_str()
        .unwrap();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(page.headers.get("x-frame-options").unwrap(), "DENY");
    let cookie = page
        .headers
        .get("set-cookie")
        .expect("visitor cookie")
        .to_str()
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
}
