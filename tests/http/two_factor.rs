//! Two-factor sign-in (TOTP and recovery codes), on the default setting: staff must have it.
//! Codes are computed here by the RFC 6238 code under test's own vectors (see
//! `src/domain/totp.rs`); the browser journey computes them with pyotp instead.
//!
//! Codes are taken in increasing steps from the step at the start of a test (`s`, then `s + 1`),
//! so a step boundary passing during the test leaves each inside the ±1 window.

use axum::http::{Method, StatusCode};
use serde_json::json;

use plenum::config::StaffTwoFactor;
use plenum::domain::accounts::Role;
use plenum::domain::{now, processes, totp};
use plenum::web::context::SESSION_COOKIE;

use crate::common::{Allow, Browser, TestApp, PASSWORD};

const PENDING_COOKIE: &str = "plenum_pending";

/// An application on the production default: staff must use two-factor sign-in.
pub(crate) async fn town() -> TestApp {
    TestApp::with_config(|c| c.staff_two_factor = StaffTwoFactor::Required).await
}

fn step_now() -> i64 {
    totp::step_at(now().and_utc().timestamp())
}

pub(crate) fn code(secret: &[u8], step: i64) -> String {
    totp::code_for_step(secret, step, totp::DIGITS)
}

/// Turns two-factor sign-in on through the pages, as a person would: reads the key off the
/// page, confirms with the code of step `s`. Returns the secret and the recovery codes.
async fn enrol(b: &mut Browser, s: i64) -> (Vec<u8>, Vec<String>) {
    let page = b.get("/account/two-factor").await;
    page.assert_status(200);
    let shown = between(&page.body, r#"<code id="two-factor-secret">"#, "</code>");
    let secret = totp::from_base32(&shown).expect("the key is base32");
    assert_eq!(secret.len(), 20, "a 160-bit secret");
    assert!(
        page.body.contains("data:image/svg+xml;base64,"),
        "a QR code is drawn"
    );
    assert!(
        page.body.contains("otpauth://totp/"),
        "the otpauth URI is offered"
    );
    let done = b
        .post("/account/two-factor", &[("code", &code(&secret, s))])
        .await;
    done.assert_status(200);
    let codes = recovery_codes_shown(&done.body);
    assert_eq!(codes.len(), 10, "ten recovery codes: {}", done.body);
    (secret, codes)
}

/// The recovery codes a page lists.
pub(crate) fn recovery_codes_shown(body: &str) -> Vec<String> {
    body.split("<li><code>")
        .skip(1)
        .map(|rest| rest.split("</code>").next().unwrap_or_default().to_string())
        .collect()
}

fn between(text: &str, start: &str, end: &str) -> String {
    let from = text.find(start).map(|i| i + start.len()).expect("start marker");
    let to = text[from..].find(end).expect("end marker") + from;
    text[from..to].to_string()
}

/// The password step: a right password on an account with two-factor sign-in leads to the
/// code form and no session.
pub(crate) async fn password_step(b: &mut Browser, email: &str) {
    let page = b
        .post("/login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(page.location().starts_with("/login/code"), "{}", page.location());
    assert!(
        !b.cookies.contains_key(SESSION_COOKIE),
        "no session before the code"
    );
    assert!(b.cookies.contains_key(PENDING_COOKIE));
}

/// A staff member with two-factor sign-in on, and the step it was confirmed at.
pub(crate) async fn enrolled_staff(app: &TestApp, name: &str) -> (Vec<u8>, Vec<String>, i64) {
    app.user(name, Role::Admin).await;
    let mut b = app.browser();
    b.login(&format!("{name}@example.org")).await;
    let s = step_now();
    let (secret, codes) = enrol(&mut b, s).await;
    (secret, codes, s)
}

#[tokio::test]
async fn staff_without_two_factor_are_sent_to_enrol_and_kept_from_staff_pages() {
    let app = town().await;
    app.user("clara", Role::Admin).await;
    let mut b = app.browser();
    let page = b
        .post(
            "/login",
            &[("email", "clara@example.org"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert!(
        page.location().starts_with("/account/two-factor"),
        "{}",
        page.location()
    );
    // Every staff page and action sends them to turn it on first.
    let admin = b.get("/admin").await;
    assert_eq!(admin.status, StatusCode::SEE_OTHER);
    assert_eq!(admin.location(), "/account/two-factor");
    let create = b
        .post(
            "/admin/processes",
            &[
                ("slug", "sneaky"),
                ("title", "Sneaky process"),
                ("description", "Made before enrolling."),
            ],
        )
        .await;
    assert_eq!(create.location(), "/account/two-factor");
    assert!(
        app.db(|c| Ok(processes::detail_by_slug(c, "sneaky", true).is_err()))
            .await,
        "no process was made"
    );
    let page = b.get("/account/two-factor").await;
    page.assert_status(200)
        .assert_contains("Staff accounts must use two-factor sign-in");
}

#[tokio::test]
async fn an_api_token_of_staff_without_two_factor_gives_no_staff_sight() {
    let app = town().await;
    app.user("dana", Role::Admin).await;
    let p = app.process("hidden-plan", Allow::ALL).await;
    let id = p.process.id.clone();
    app.state
        .db
        .write(move |c| processes::set_published(c, &id, false))
        .await
        .expect("unpublished");
    let mut b = app.browser();
    let issued = b
        .api(
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"email": "dana@example.org", "password": PASSWORD})),
            None,
        )
        .await;
    issued.assert_status(201);
    let token = issued.json()["token"].as_str().expect("token").to_string();
    let unpublished = b
        .api(Method::GET, "/api/v1/processes/hidden-plan", None, Some(&token))
        .await;
    assert_eq!(
        unpublished.status,
        StatusCode::NOT_FOUND,
        "staff sight needs two-factor first"
    );

    let mut web = app.browser();
    web.login("dana@example.org").await;
    enrol(&mut web, step_now()).await;
    let seen = b
        .api(Method::GET, "/api/v1/processes/hidden-plan", None, Some(&token))
        .await;
    seen.assert_status(200);
}

#[tokio::test]
async fn enrolment_needs_a_current_code_then_shows_ten_recovery_codes_once() {
    let app = town().await;
    app.user("eve", Role::Admin).await;
    let mut b = app.browser();
    b.login("eve@example.org").await;
    let page = b.get("/account/two-factor").await;
    let shown = between(&page.body, r#"<code id="two-factor-secret">"#, "</code>");
    // Reloading keeps the same key (the phone may have scanned it already).
    let again = b.get("/account/two-factor").await;
    assert_eq!(
        between(&again.body, r#"<code id="two-factor-secret">"#, "</code>"),
        shown
    );
    let secret = totp::from_base32(&shown).expect("base32");
    let s = step_now();
    let wrong = b
        .post("/account/two-factor", &[("code", &code(&secret, s - 5))])
        .await;
    wrong.assert_status(422).assert_contains("aria-invalid=\"true\"");
    assert_eq!(b.get("/admin").await.status, StatusCode::SEE_OTHER, "still off");

    let done = b
        .post("/account/two-factor", &[("code", &code(&secret, s))])
        .await;
    done.assert_status(200);
    assert_eq!(
        done.headers.get("cache-control").and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    assert_eq!(done.body.matches("<li><code>").count(), 10);
    b.get("/admin").await.assert_status(200);
    // The codes are not shown again; the page says how many are left.
    let status = b.get("/account/two-factor").await;
    status
        .assert_status(200)
        .assert_contains("10 unused recovery codes");
    assert!(!status.body.contains("<li><code>"));
    // Confirming again changes nothing.
    let twice = b
        .post("/account/two-factor", &[("code", &code(&secret, s + 1))])
        .await;
    twice.assert_status(409);
}

#[tokio::test]
async fn signing_in_asks_for_the_code_after_the_password() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "fanny").await;
    let mut b = app.browser();
    password_step(&mut b, "fanny@example.org").await;
    b.get("/login/code")
        .await
        .assert_status(200)
        .assert_contains("autocomplete=\"one-time-code\"");
    let done = b
        .post(
            "/login/code",
            &[("code", &code(&secret, s + 1)), ("next", "/admin")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(done.location().starts_with("/admin"));
    assert!(b.cookies.contains_key(SESSION_COOKIE));
    assert!(
        !b.cookies.contains_key(PENDING_COOKIE),
        "the half-done sign-in is over"
    );
    b.get("/admin").await.assert_status(200);
}

#[tokio::test]
async fn replayed_code_is_refused() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "gaby").await;
    let used = code(&secret, s + 1);
    let mut first = app.browser();
    password_step(&mut first, "gaby@example.org").await;
    assert_eq!(
        first.post("/login/code", &[("code", &used)]).await.status,
        StatusCode::SEE_OTHER
    );

    // Someone who saw that code over the person's shoulder tries it too.
    let mut second = app.browser();
    password_step(&mut second, "gaby@example.org").await;
    let replay = second.post("/login/code", &[("code", &used)]).await;
    replay.assert_status(401).assert_contains("already used");
    assert!(!second.cookies.contains_key(SESSION_COOKIE));
    // So is the code of the step before it (older than the last accepted one).
    let older = second.post("/login/code", &[("code", &code(&secret, s))]).await;
    older.assert_status(401);
}

#[tokio::test]
async fn code_from_an_old_step_is_refused() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "hugo").await;
    let mut b = app.browser();
    password_step(&mut b, "hugo@example.org").await;
    for old in [s - 3, s - 10, s - 2880] {
        b.post("/login/code", &[("code", &code(&secret, old))])
            .await
            .assert_status(401);
    }
    assert!(!b.cookies.contains_key(SESSION_COOKIE));
    // The right code still works afterwards (the failures were below the limit).
    let done = b.post("/login/code", &[("code", &code(&secret, s + 1))]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn brute_forcing_codes_is_throttled_even_when_the_password_is_typed_again() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "ines").await;
    let mut b = app.browser();
    let guesses = [
        "000000", "111111", "222222", "333333", "444444", "555555", "666666", "777777",
    ];
    password_step(&mut b, "ines@example.org").await; // 1 attempt
    for guess in &guesses[..5] {
        // 2..=6
        if *guess != code(&secret, s) && *guess != code(&secret, s + 1) {
            b.post("/login/code", &[("code", guess)]).await.assert_status(401);
        }
    }
    // Typing the password again does not wipe the failures out.
    password_step(&mut b, "ines@example.org").await; // 7
    for guess in &guesses[5..8] {
        // 8..=10
        if *guess != code(&secret, s) && *guess != code(&secret, s + 1) {
            b.post("/login/code", &[("code", guess)]).await.assert_status(401);
        }
    }
    // Past ten attempts even the right code waits.
    let right = b.post("/login/code", &[("code", &code(&secret, s + 1))]).await;
    right.assert_status(429);
    assert!(right.headers.contains_key("retry-after"));
    assert!(!b.cookies.contains_key(SESSION_COOKIE));
    // And so does the API's token exchange for that account.
    let api = b
        .api(
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"email": "ines@example.org", "password": PASSWORD, "code": code(&secret, s + 1)})),
            None,
        )
        .await;
    api.assert_status(429);
}

#[tokio::test]
async fn recovery_code_reused_is_refused() {
    let app = town().await;
    let (_, codes, _) = enrolled_staff(&app, "jade").await;
    let mut first = app.browser();
    password_step(&mut first, "jade@example.org").await;
    // Typed in capitals and without the dash, it still counts.
    let typed = codes[0].replace('-', "").to_uppercase();
    assert_eq!(
        first.post("/login/code", &[("code", &typed)]).await.status,
        StatusCode::SEE_OTHER
    );
    first
        .get("/account/two-factor")
        .await
        .assert_contains("9 unused recovery codes");

    let mut second = app.browser();
    password_step(&mut second, "jade@example.org").await;
    second
        .post("/login/code", &[("code", &codes[0])])
        .await
        .assert_status(401);
    // Another one of the list works.
    assert_eq!(
        second.post("/login/code", &[("code", &codes[1])]).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn second_step_without_the_first_is_refused() {
    let app = town().await;
    let (secret, codes, s) = enrolled_staff(&app, "karl").await;
    let mut b = app.browser();
    let page = b.post("/login/code", &[("code", &code(&secret, s + 1))]).await;
    page.assert_status(401).assert_contains("sign in again");
    assert!(!b.cookies.contains_key(SESSION_COOKIE));
    // A made-up pending cookie is no better.
    b.cookies
        .insert(PENDING_COOKIE.into(), "forged-pending-secret".into());
    let forged = b.post("/login/code", &[("code", &codes[0])]).await;
    forged.assert_status(401);
    assert!(!b.cookies.contains_key(SESSION_COOKIE));
    // Nothing was spent: the recovery code still works through the real steps.
    password_step(&mut b, "karl@example.org").await;
    assert_eq!(
        b.post("/login/code", &[("code", &codes[0])]).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn second_step_token_from_another_browser_is_refused() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "lena").await;
    let mut victim = app.browser();
    password_step(&mut victim, "lena@example.org").await;
    let stolen = victim
        .cookies
        .get(PENDING_COOKIE)
        .cloned()
        .expect("pending cookie");

    let mut thief = app.browser();
    thief.get("/").await;
    thief.cookies.insert(PENDING_COOKIE.into(), stolen);
    let tried = thief
        .post("/login/code", &[("code", &code(&secret, s + 1))])
        .await;
    tried.assert_status(401);
    assert!(!thief.cookies.contains_key(SESSION_COOKIE));

    // The code was not spent and the victim's sign-in is intact.
    let done = victim
        .post("/login/code", &[("code", &code(&secret, s + 1))])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn staff_page_reached_by_a_half_signed_in_browser_is_refused() {
    let app = town().await;
    enrolled_staff(&app, "mila").await;
    let mut b = app.browser();
    password_step(&mut b, "mila@example.org").await;
    for path in [
        "/admin",
        "/admin/processes/new",
        "/account",
        "/account/two-factor",
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            page.location().starts_with("/login"),
            "{path}: {}",
            page.location()
        );
    }
    let me = b.api(Method::GET, "/api/v1/me", None, None).await;
    me.assert_status(401);
}

#[tokio::test]
async fn disabling_two_factor_without_a_code_is_refused() {
    let app = town().await;
    let (secret, codes, s) = enrolled_staff(&app, "nina").await;
    let mut b = app.browser();
    password_step(&mut b, "nina@example.org").await;
    b.post("/login/code", &[("code", &code(&secret, s + 1))]).await;

    // Someone at a browser left signed in, without the phone.
    let no_code = b
        .post(
            "/account/two-factor/disable",
            &[("password", PASSWORD), ("code", "")],
        )
        .await;
    no_code.assert_status(422);
    let wrong_password = b
        .post(
            "/account/two-factor/disable",
            &[("password", "not the password at all"), ("code", &codes[1])],
        )
        .await;
    wrong_password.assert_status(422);
    b.get("/account/two-factor").await.assert_contains("is on");

    // The next step's code may not have come yet: a recovery code does as well.
    let done = b
        .post(
            "/account/two-factor/disable",
            &[("password", PASSWORD), ("code", &codes[1])],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    // Off, and staff are once more kept from staff pages until they turn it on again.
    assert_eq!(b.get("/admin").await.location(), "/account/two-factor");
}

#[tokio::test]
async fn api_token_needs_the_code_when_two_factor_is_on() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "olga").await;
    let mut b = app.browser();
    let body = |code: Option<String>| {
        let mut v = json!({"email": "olga@example.org", "password": PASSWORD});
        if let Some(c) = code {
            v["code"] = json!(c);
        }
        Some(v)
    };
    let missing = b.api(Method::POST, "/api/v1/tokens", body(None), None).await;
    missing.assert_status(401);
    assert_eq!(missing.json()["error"], "two_factor_required");
    let wrong = b
        .api(
            Method::POST,
            "/api/v1/tokens",
            body(Some(code(&secret, s - 4))),
            None,
        )
        .await;
    wrong.assert_status(401);
    assert_eq!(wrong.json()["error"], "unauthenticated");
    let issued = b
        .api(
            Method::POST,
            "/api/v1/tokens",
            body(Some(code(&secret, s + 1))),
            None,
        )
        .await;
    issued.assert_status(201);
}

#[tokio::test]
async fn a_citizen_may_turn_two_factor_on() {
    let app = town().await;
    let (mut b, _) = app.citizen("paul").await;
    let s = step_now();
    let (secret, _) = enrol(&mut b, s).await;
    let mut other = app.browser();
    password_step(&mut other, "paul@example.org").await;
    let done = other
        .post("/login/code", &[("code", &code(&secret, s + 1))])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn citizens_sign_in_with_the_password_alone_until_they_turn_it_on() {
    let app = town().await;
    let (mut b, _) = app.citizen("quentin").await;
    b.get("/account")
        .await
        .assert_status(200)
        .assert_contains("/account/two-factor");
}

#[tokio::test]
async fn an_expired_half_done_sign_in_is_refused() {
    use diesel::prelude::*;
    use plenum::db::schema::pending_sign_ins;
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "rita").await;
    let mut b = app.browser();
    password_step(&mut b, "rita@example.org").await;
    // Left alone past its five minutes.
    app.state
        .db
        .write(|c| {
            diesel::update(pending_sign_ins::table)
                .set(pending_sign_ins::expires_at.eq(now() - chrono::Duration::seconds(1)))
                .execute(c)?;
            Ok::<_, plenum::domain::Error>(())
        })
        .await
        .expect("aged");
    let page = b.post("/login/code", &[("code", &code(&secret, s + 1))]).await;
    page.assert_status(401).assert_contains("sign in again");
    assert!(!b.cookies.contains_key(SESSION_COOKIE));
}

#[tokio::test]
async fn one_code_sent_from_two_browsers_at_once_signs_in_once() {
    let app = town().await;
    let (secret, _, s) = enrolled_staff(&app, "sami").await;
    let (mut one, mut two) = (app.browser(), app.browser());
    password_step(&mut one, "sami@example.org").await;
    password_step(&mut two, "sami@example.org").await;
    let c = code(&secret, s + 1);
    let fields = [("code", c.as_str())];
    let (a, b) = tokio::join!(one.post("/login/code", &fields), two.post("/login/code", &fields));
    let signed_in = [a.status, b.status]
        .iter()
        .filter(|s| **s == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(signed_in, 1, "{} and {}", a.status, b.status);
}
