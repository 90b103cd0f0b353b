//! Two-factor sign-in pages: the second step of signing in (a code after the password), and the
//! account page that turns it on (secret, QR code, confirmation, recovery codes) or off.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Query};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use base64::Engine;
use serde::Deserialize;

use super::auth::{login_page, with_session, NextQuery};
use super::layout::Layout;
use super::{fields_refused, render, safe_next, see_other, unprocessable, FormErrors};
use crate::app::two_factor::SecondStep;
use crate::app::{self, AppState};
use crate::domain::{totp, two_factor as rules, FieldError, Msg};
use crate::web::context::{cookie, set_cookie, Ctx, SESSION_COOKIE};
use crate::web::error::AppError;

/// The cookie that holds a half-done sign-in (its secret; the row is in the database).
pub const PENDING_COOKIE: &str = "plenum_pending";
/// Where staff are sent to turn two-factor sign-in on.
pub const ENROL_PATH: &str = "/account/two-factor";

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/login/code", get(code_form).post(code_submit))
        .route(ENROL_PATH, get(show).post(confirm))
        .route("/account/two-factor/disable", post(disable))
        .route("/account/two-factor/recovery-codes", post(regenerate_codes))
}

#[derive(Template)]
#[template(path = "login_code.html")]
struct CodePage<'a> {
    layout: Layout<'a>,
    error: Option<String>,
    next: String,
}

/// After a right password on an account with two-factor sign-in: the half-done sign-in's
/// cookie, and the way to the code form. The browser's old session cookie is cleared (the
/// session itself was ended by the sign-in).
pub(super) fn ask_code(ctx: &Ctx, pending: &str, next: &str) -> Response {
    let next: String = url::form_urlencoded::byte_serialize(next.as_bytes()).collect();
    let mut response = Redirect::to(&format!("/login/code?next={next}")).into_response();
    let lifetime = rules::PENDING_LIFETIME.num_seconds();
    let headers = response.headers_mut();
    headers.append(
        header::SET_COOKIE,
        set_cookie(&ctx.state, PENDING_COOKIE, pending, lifetime),
    );
    headers.append(header::SET_COOKIE, set_cookie(&ctx.state, SESSION_COOKIE, "", 0));
    response
}

fn code_page(ctx: &Ctx, error: Option<String>, next: String) -> Response {
    render(&CodePage {
        layout: Layout::new(ctx, ctx.tr.t("two-factor-code-title")),
        error,
        next,
    })
}

async fn code_form(ctx: Ctx, headers: axum::http::HeaderMap, Query(q): Query<NextQuery>) -> Response {
    let next = safe_next(q.next.as_deref());
    if cookie(&headers, PENDING_COOKIE).is_none() {
        return sign_in_again(&ctx, next);
    }
    code_page(&ctx, None, next)
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

async fn code_submit(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref());
    let Some(pending) = cookie(&headers, PENDING_COOKIE).map(str::to_string) else {
        return Ok(sign_in_again(&ctx, next));
    };
    let code: String = form.code.chars().take(64).collect();
    let step =
        app::two_factor::finish_sign_in(&ctx.state, pending, ctx.visitor.clone(), code, ctx.client.clone())
            .await?;
    match step {
        SecondStep::Done(session) => {
            let mut response = with_session(&ctx, &session.secret, see_other(&next, "signed-in"));
            response
                .headers_mut()
                .append(header::SET_COOKIE, set_cookie(&ctx.state, PENDING_COOKIE, "", 0));
            Ok(response)
        }
        SecondStep::WrongCode => {
            let mut response = code_page(&ctx, Some(ctx.tr.t("two-factor-error-code")), next);
            *response.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(response)
        }
        SecondStep::NoPending => Ok(sign_in_again(&ctx, next)),
    }
}

/// No half-done sign-in for this browser: the sign-in form, saying why, and the stale cookie
/// cleared.
fn sign_in_again(ctx: &Ctx, next: String) -> Response {
    let mut response = login_page(
        ctx,
        String::new(),
        Some(ctx.tr.t("two-factor-sign-in-again")),
        next,
    );
    *response.status_mut() = StatusCode::UNAUTHORIZED;
    response
        .headers_mut()
        .append(header::SET_COOKIE, set_cookie(&ctx.state, PENDING_COOKIE, "", 0));
    response
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct EnrolPage<'a> {
    layout: Layout<'a>,
    /// Staff sent here because they must turn it on first.
    must_enrol: bool,
    /// On: how many recovery codes are left, said. Off: `None`, and the secret to enrol with.
    codes_left: Option<String>,
    secret_text: String,
    otpauth_uri: String,
    /// The QR code of `otpauth_uri`, an SVG as a `data:` address for an `<img>`.
    qr_data_uri: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "two_factor_codes.html")]
struct RecoveryCodesPage<'a> {
    layout: Layout<'a>,
    codes: Vec<String>,
}

async fn show(ctx: Ctx) -> Result<Response, AppError> {
    enrol_page(&ctx, &[]).await
}

async fn enrol_page(ctx: &Ctx, errors: &[FieldError]) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let title = ctx.tr.t("two-factor-title");
    let errors = FormErrors::new(&ctx.tr, errors);
    if app::two_factor::is_enabled(&ctx.state, user).await? {
        let user_id = user.id.clone();
        let left = ctx
            .state
            .db
            .read(move |conn| rules::recovery_codes_left(conn, &user_id))
            .await?;
        return Ok(render(&EnrolPage {
            layout: Layout::new(ctx, title),
            must_enrol: false,
            codes_left: Some(ctx.tr.msg(&Msg::new("two-factor-codes-left").arg("count", left))),
            secret_text: String::new(),
            otpauth_uri: String::new(),
            qr_data_uri: String::new(),
            errors,
        }));
    }
    let secret = app::two_factor::start_enrolment(&ctx.state, user).await?;
    let account = user.email.clone().unwrap_or_else(|| user.username.clone());
    let uri = totp::otpauth_uri(&secret, &ctx.state.config.town_name, &account);
    Ok(render(&EnrolPage {
        layout: Layout::new(ctx, title),
        must_enrol: ctx.must_enrol,
        codes_left: None,
        secret_text: grouped(&totp::base32(&secret)),
        qr_data_uri: qr_data_uri(&uri),
        otpauth_uri: uri,
        errors,
    }))
}

/// The base32 secret in groups of four, easier to read out and type.
fn grouped(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The QR code of `uri`, drawn on the server as an SVG (no script, no third party), as a
/// `data:` address the page's `<img>` shows (the CSP allows `data:` images).
fn qr_data_uri(uri: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(uri.as_bytes()) else {
        return String::new();
    };
    let svg = code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    format!(
        "data:image/svg+xml;base64,{}",
        base64::engine::general_purpose::STANDARD.encode(svg)
    )
}

#[derive(Deserialize)]
struct ConfirmForm {
    #[serde(default)]
    code: String,
}

async fn confirm(ctx: Ctx, Form(form): Form<ConfirmForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let code: String = form.code.chars().take(64).collect();
    match fields_refused(app::two_factor::confirm(&ctx.state, user, code).await)? {
        Ok(codes) => Ok(recovery_codes_page(&ctx, codes)),
        Err(errors) => Ok(unprocessable(enrol_page(&ctx, &errors).await?)),
    }
}

/// The recovery codes, shown this once.
fn recovery_codes_page(ctx: &Ctx, codes: Vec<String>) -> Response {
    let mut response = render(&RecoveryCodesPage {
        layout: Layout::new(ctx, ctx.tr.t("two-factor-codes-title")),
        codes,
    });
    // Shown once: not kept by the browser's cache or history.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

#[derive(Deserialize)]
struct DisableForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    code: String,
}

async fn disable(ctx: Ctx, Form(form): Form<DisableForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let code: String = form.code.chars().take(64).collect();
    let outcome = app::two_factor::disable(&ctx.state, user, form.password, code, ctx.client.clone()).await;
    match fields_refused(outcome)? {
        Ok(()) => Ok(see_other(ENROL_PATH, "two-factor-off")),
        Err(errors) => Ok(unprocessable(enrol_page(&ctx, &errors).await?)),
    }
}

/// The form for new recovery codes sits beside the one that turns two-factor off, on the same
/// page: its fields have names of their own, so a refusal shows under the form that was sent.
#[derive(Deserialize)]
struct RegenerateForm {
    #[serde(default)]
    codes_password: String,
    #[serde(default)]
    codes_code: String,
}

async fn regenerate_codes(ctx: Ctx, Form(form): Form<RegenerateForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let code: String = form.codes_code.chars().take(64).collect();
    let outcome = app::two_factor::regenerate_recovery_codes(
        &ctx.state,
        user,
        form.codes_password,
        code,
        ctx.client.clone(),
    )
    .await;
    match fields_refused(outcome)? {
        Ok(codes) => Ok(recovery_codes_page(&ctx, codes)),
        Err(errors) => {
            let errors: Vec<FieldError> = errors
                .into_iter()
                .map(|e| FieldError {
                    field: match e.field {
                        "password" => "codes_password",
                        "code" => "codes_code",
                        other => other,
                    },
                    msg: e.msg,
                })
                .collect();
            Ok(unprocessable(enrol_page(&ctx, &errors).await?))
        }
    }
}
