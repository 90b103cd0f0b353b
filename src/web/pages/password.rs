//! A forgotten password: `/password/forgot` asks for a link (the same answer whether or not an
//! account has the address), `/password/reset?token=…` sets a new password with it.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Query};
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::layout::Layout;
use super::{fields_refused, mailed_link, render, see_other, unprocessable, FormErrors};
use crate::app::{self, AppState};
use crate::domain::account_tokens::Purpose;
use crate::domain::password;
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/password/forgot", get(forgot_form).post(forgot))
        .route("/password/reset", get(reset_form).post(reset))
}

#[derive(Template)]
#[template(path = "password_forgot.html")]
struct ForgotPage<'a> {
    layout: Layout<'a>,
    /// The request was taken: the page says what happens next, whatever the address.
    sent: bool,
}

async fn forgot_form(ctx: Ctx) -> Response {
    render(&ForgotPage {
        layout: Layout::new(&ctx, ctx.tr.t("forgot-title")),
        sent: false,
    })
}

#[derive(Deserialize)]
struct ForgotForm {
    #[serde(default)]
    email: String,
}

/// The answer does not depend on the address: an unknown one, a blocked account and a known
/// one get the same page (only the throttle, which counts every address alike, answers 429).
async fn forgot(ctx: Ctx, Form(form): Form<ForgotForm>) -> Result<Response, AppError> {
    app::password_reset::ask(&ctx.state, form.email, ctx.client.clone()).await?;
    Ok(render(&ForgotPage {
        layout: Layout::new(&ctx, ctx.tr.t("forgot-title")),
        sent: true,
    }))
}

#[derive(Template)]
#[template(path = "password_reset.html")]
struct ResetPage<'a> {
    layout: Layout<'a>,
    token: String,
    errors: FormErrors,
    min_chars: usize,
    recommended_chars: usize,
}

fn reset_page(ctx: &Ctx, token: String, errors: FormErrors) -> Response {
    render(&ResetPage {
        layout: Layout::new(ctx, ctx.tr.t("reset-title")),
        token,
        errors,
        min_chars: password::MIN_CHARS,
        recommended_chars: password::RECOMMENDED_CHARS,
    })
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// Shows the form only for a link that still works; following the link spends nothing.
async fn reset_form(ctx: Ctx, Query(q): Query<TokenQuery>) -> Result<Response, AppError> {
    match app::password_reset::check(&ctx.state, q.token.clone()).await? {
        Ok(()) => Ok(reset_page(&ctx, q.token, FormErrors::default())),
        Err(refusal) => Ok(mailed_link::refused(&ctx, Purpose::Reset, refusal)),
    }
}

#[derive(Deserialize)]
struct ResetForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
}

async fn reset(ctx: Ctx, Form(form): Form<ResetForm>) -> Result<Response, AppError> {
    let outcome = app::password_reset::reset(&ctx.state, form.token.clone(), form.password).await;
    match fields_refused(outcome)? {
        Ok(Ok(_)) => Ok(see_other("/login", "password-reset")),
        Ok(Err(refusal)) => Ok(mailed_link::refused(&ctx, Purpose::Reset, refusal)),
        Err(errors) => Ok(unprocessable(reset_page(
            &ctx,
            form.token,
            FormErrors::new(&ctx.tr, &errors),
        ))),
    }
}
