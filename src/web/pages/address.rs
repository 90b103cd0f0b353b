//! The person's e-mail address: the confirmation link and asking for it again (the banner of
//! every page while the address is unconfirmed), and moving the account to a new address
//! (asked on `/account`, done by the link mailed to the new address).

use std::sync::Arc;

use axum::extract::{Form, Query};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::{account, fields_refused, mailed_link, safe_next, see_other, unprocessable, FormErrors};
use crate::app::{self, AppState};
use crate::domain::account_tokens::Purpose;
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/email/confirm", get(confirm))
        .route("/email/resend", post(resend))
        .route("/email/change", get(change))
        .route("/account/email", post(request_change))
}

#[derive(Deserialize)]
struct TokenQuery {
    #[serde(default)]
    token: String,
}

/// A confirmation link, followed from the mail (signed in or not: the token names the account).
async fn confirm(ctx: Ctx, Query(q): Query<TokenQuery>) -> Result<Response, AppError> {
    match app::addresses::confirm(&ctx.state, q.token).await? {
        Ok(_) => Ok(see_other("/", "email-confirmed")),
        Err(refusal) => Ok(mailed_link::refused(&ctx, Purpose::Confirm, refusal)),
    }
}

#[derive(Deserialize)]
struct ResendForm {
    next: Option<String>,
}

async fn resend(ctx: Ctx, Form(form): Form<ResendForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    app::addresses::resend_confirmation(&ctx.state, user).await?;
    Ok(see_other(&safe_next(form.next.as_deref()), "confirmation-sent"))
}

#[derive(Deserialize)]
struct ChangeForm {
    #[serde(default)]
    new_email: String,
    #[serde(default)]
    current_password: String,
}

async fn request_change(ctx: Ctx, Form(form): Form<ChangeForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let outcome =
        app::addresses::request_change(&ctx.state, user, form.current_password, form.new_email).await;
    match fields_refused(outcome)? {
        Ok(()) => Ok(see_other("/account", "email-change-sent")),
        Err(errors) => Ok(unprocessable(account::page(
            &ctx,
            None,
            FormErrors::new(&ctx.tr, &errors),
        )?)),
    }
}

/// The link mailed to the new address: the account moves there.
async fn change(ctx: Ctx, Query(q): Query<TokenQuery>) -> Result<Response, AppError> {
    match app::addresses::change(&ctx.state, q.token).await? {
        Ok(_) if ctx.user.is_some() => Ok(see_other("/account", "email-changed")),
        Ok(_) => Ok(see_other("/", "email-changed")),
        Err(refusal) => Ok(mailed_link::refused(&ctx, Purpose::ChangeEmail, refusal)),
    }
}
