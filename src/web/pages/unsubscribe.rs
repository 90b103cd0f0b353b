//! `/unsubscribe/{token}`: the link at the foot of every notification mail. `GET` shows what the
//! link stops and a button; `POST` does it, without sign-in or CSRF cookie (the signed token
//! is the authority, and RFC 8058 one-click clients POST `List-Unsubscribe=One-Click` from no
//! browser at all). A forged or altered token gets a page that says what to do instead.

use std::sync::Arc;

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::layout::Layout;
use super::render;
use crate::app::{self, AppState};
use crate::domain::Error;
use crate::mail::unsubscribe::Scope;
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/unsubscribe/{token}", get(confirm).post(apply))
}

/// The path prefix the CSRF check leaves to the token (see `context::is_csrf_exempt`).
pub const PREFIX: &str = "/unsubscribe/";

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct UnsubscribePage<'a> {
    layout: Layout<'a>,
    /// The question (before) or what was done (after).
    message: String,
    /// The form's action; none once done, or when the link is refused.
    action: Option<String>,
}

fn page(ctx: &Ctx, status: StatusCode, message: String, action: Option<String>) -> Response {
    let mut response = render(&UnsubscribePage {
        layout: Layout::new(ctx, ctx.tr.t("unsubscribe-title")),
        message,
        action,
    });
    *response.status_mut() = status;
    response
}

fn refused(ctx: &Ctx) -> Response {
    page(ctx, StatusCode::NOT_FOUND, ctx.tr.t("unsubscribe-invalid"), None)
}

async fn confirm(ctx: Ctx, Path(token): Path<String>) -> Response {
    match app::mail::read_link(&ctx.state, &token) {
        Ok((_, scope)) => {
            let question = match scope {
                Scope::All => "unsubscribe-confirm",
                Scope::Process(_) => "unsubscribe-confirm-process",
            };
            page(
                &ctx,
                StatusCode::OK,
                ctx.tr.t(question),
                Some(format!("{PREFIX}{token}")),
            )
        }
        Err(_) => refused(&ctx),
    }
}

async fn apply(ctx: Ctx, Path(token): Path<String>) -> Result<Response, AppError> {
    match app::mail::unsubscribe(&ctx.state, token).await {
        Ok(scope) => {
            let done = match scope {
                Scope::All => "unsubscribe-done",
                Scope::Process(_) => "unsubscribe-done-process",
            };
            Ok(page(&ctx, StatusCode::OK, ctx.tr.t(done), None).into_response())
        }
        Err(Error::NotFound) => Ok(refused(&ctx)),
        Err(e) => Err(e.into()),
    }
}
