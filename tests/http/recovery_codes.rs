//! New recovery codes for a person with two-factor sign-in on: asked with the password and a
//! code, shown once, and the old list stops working.

use axum::http::StatusCode;

use crate::common::{Browser, TestApp, PASSWORD};
use crate::two_factor::{code, enrolled_staff, password_step, recovery_codes_shown, town};

const FORM: &str = "/account/two-factor/recovery-codes";

/// `name` signed in with the code of step `s + 1` (the step after enrolment's).
async fn signed_in(app: &TestApp, name: &str, secret: &[u8], s: i64, language: &str) -> Browser {
    let mut b = app.browser();
    b.accept_language = language.into();
    password_step(&mut b, &format!("{name}@example.org")).await;
    let done = b.post("/login/code", &[("code", &code(secret, s + 1))]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    b
}

#[tokio::test]
async fn new_recovery_codes_replace_the_old_ones_and_are_shown_once() {
    let app = town().await;
    let (secret, old, s) = enrolled_staff(&app, "lea").await;
    let mut b = signed_in(&app, "lea", &secret, s, "en").await;
    b.get("/account/two-factor")
        .await
        .assert_contains(&format!("action=\"{FORM}\""))
        .assert_contains("New recovery codes");

    // A recovery code is proof enough (the phone may be what was lost), and is spent with the rest.
    let page = b
        .post(FORM, &[("codes_password", PASSWORD), ("codes_code", &old[0])])
        .await;
    page.assert_status(200);
    assert_eq!(
        page.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "shown once: not cached"
    );
    let new = recovery_codes_shown(&page.body);
    assert_eq!(new.len(), 10, "{}", page.body);
    assert!(new.iter().all(|c| !old.contains(c)), "the new codes are new");
    // The page lists no codes again: they were shown once.
    let after = b.get("/account/two-factor").await;
    after.assert_contains("10 unused recovery codes");
    assert!(recovery_codes_shown(&after.body).is_empty());

    // An old code no longer signs in; a new one does.
    let mut other = app.browser();
    password_step(&mut other, "lea@example.org").await;
    other
        .post("/login/code", &[("code", &old[1])])
        .await
        .assert_status(401);
    assert_eq!(
        other.post("/login/code", &[("code", &new[0])]).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn new_recovery_codes_need_the_password_and_a_code() {
    let app = town().await;
    let (secret, old, s) = enrolled_staff(&app, "marc").await;
    let mut b = signed_in(&app, "marc", &secret, s, "en").await;

    let wrong_password = b
        .post(
            FORM,
            &[
                ("codes_password", "not the password at all"),
                ("codes_code", &old[0]),
            ],
        )
        .await;
    wrong_password
        .assert_status(422)
        .assert_contains("aria-describedby=\"codes_password-error\"");
    // Shown under this form, not under the one that turns two-factor off.
    assert!(!wrong_password.body.contains("disable-password-error"));
    let no_code = b
        .post(FORM, &[("codes_password", PASSWORD), ("codes_code", "")])
        .await;
    no_code
        .assert_status(422)
        .assert_contains("aria-describedby=\"codes_code-error\"");
    assert!(recovery_codes_shown(&no_code.body).is_empty());

    // Nothing changed: the first code of the old list still signs in.
    let mut other = app.browser();
    password_step(&mut other, "marc@example.org").await;
    assert_eq!(
        other.post("/login/code", &[("code", &old[0])]).await.status,
        StatusCode::SEE_OTHER
    );

    // Signed out, the form is no way in.
    let mut stranger = app.browser();
    let refused = stranger
        .post(FORM, &[("codes_password", PASSWORD), ("codes_code", &old[1])])
        .await;
    assert_ne!(refused.status, StatusCode::OK);
    assert!(recovery_codes_shown(&refused.body).is_empty());
}

#[tokio::test]
async fn the_new_codes_form_speaks_french() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "zoe").await;
    let mut b = signed_in(&app, "zoe", &secret, s, "fr").await;
    b.get("/account/two-factor")
        .await
        .assert_contains("Nouveaux codes de secours")
        .assert_contains("Obtenir de nouveaux codes de secours");
    b.post(
        FORM,
        &[("codes_password", "pas le mot de passe"), ("codes_code", "")],
    )
    .await
    .assert_status(422)
    .assert_contains("Le mot de passe est incorrect.")
    .assert_contains("Obtenir de nouveaux codes de secours");
}
