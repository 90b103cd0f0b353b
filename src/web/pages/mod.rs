//! Server-rendered HTML pages. Every page works without JavaScript.

pub mod account;
pub mod address;
pub mod admin;
pub mod attachments;
pub mod auth;
pub mod budgets;
pub mod feeds;
pub mod follow;
pub mod gallery;
pub mod home;
pub mod layout;
mod mailed_link;
mod next;
pub mod notifications;
pub mod participation;
pub mod password;
pub mod processes;
pub mod proposals;
pub mod remote;
pub mod two_factor;
pub mod unsubscribe;
pub mod verify;

use std::sync::Arc;

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

pub use next::safe_next;

use crate::app::AppState;
use crate::domain::{Error, FieldError};
use crate::i18n::Tr;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/static/style.css", get(stylesheet))
        .route("/static/copy.js", get(copy_script))
        .route("/static/ballot.js", get(ballot_script))
        .route(
            "/static/avatar.png",
            get(|| png(include_bytes!("../../../static/avatar.png"))),
        )
        .route(
            "/static/header.png",
            get(|| png(include_bytes!("../../../static/header.png"))),
        )
        .merge(home::router())
        .merge(auth::router())
        .merge(two_factor::router())
        .merge(account::router())
        .merge(address::router())
        .merge(password::router())
        .merge(processes::router())
        .merge(proposals::router())
        .merge(attachments::router())
        .merge(remote::router())
        .merge(verify::router())
        .merge(budgets::router())
        .merge(feeds::router())
        .merge(follow::router())
        .merge(notifications::router())
        .merge(participation::router())
        .merge(unsubscribe::router())
        .merge(admin::router())
}

/// Renders a template, or a plain 500 if the template itself fails (a bug, logged).
pub fn render<T: Template>(page: &T) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, "template error").into_response()
        }
    }
}

/// After a successful form: go to `to`, with a confirmation shown there.
pub fn see_other(to: &str, notice: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{sep}notice={notice}")).into_response()
}

/// An action's outcome as a form's handler reads it: done, or fields refused (the form is shown
/// again with their errors, see [`unprocessable`]); any other failure goes up as it is.
pub fn fields_refused<T>(outcome: Result<T, Error>) -> Result<Result<T, Vec<FieldError>>, AppError> {
    match outcome {
        Ok(value) => Ok(Ok(value)),
        Err(Error::Invalid(errors)) => Ok(Err(errors)),
        Err(e) => Err(e.into()),
    }
}

/// A form shown again because of what the person sent.
pub fn unprocessable(mut page: Response) -> Response {
    *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    page
}

/// Form errors translated for a template: field name → message.
#[derive(Default)]
pub struct FormErrors {
    pub items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn new(tr: &Tr, errors: &[FieldError]) -> FormErrors {
        FormErrors {
            items: errors
                .iter()
                .map(|e| (e.field.to_string(), tr.msg(&e.msg)))
                .collect(),
        }
    }

    /// The message for one field, if it has one.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.items
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, m)| m.as_str())
    }

    pub fn any(&self) -> bool {
        !self.items.is_empty()
    }
}

/// The default avatar and header of a process on the fediverse (Mastodon shows PNG, not SVG).
async fn png(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        bytes,
    )
        .into_response()
}

/// A script served as a file (the CSP allows no inline script).
fn script(source: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        source,
    )
        .into_response()
}

/// The copy button of a process's fediverse handle (progressive enhancement).
async fn copy_script() -> Response {
    script(include_str!("../../../static/copy.js"))
}

/// The ballot's budget bar, kept up to date as the person chooses (progressive enhancement).
async fn ballot_script() -> Response {
    script(include_str!("../../../static/ballot.js"))
}

async fn stylesheet(axum::extract::State(state): axum::extract::State<Arc<AppState>>) -> Response {
    let css = include_str!("../../../static/style.css").replace("#1d4f91", &state.config.primary_color);
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        css,
    )
        .into_response()
}

/// Why the signed-in person may not act under the process's rule for `capability` (translated;
/// it says how to become eligible), or `None`. Anonymous visitors are asked to sign in elsewhere.
pub async fn eligibility_denial(
    ctx: &super::context::Ctx,
    detail: &crate::domain::processes::ProcessDetail,
    capability: crate::domain::processes::Capability,
) -> Result<Option<String>, super::error::AppError> {
    let Some(user) = ctx.user.clone() else {
        return Ok(None);
    };
    let detail = detail.clone();
    let denial = ctx
        .state
        .db
        .read(move |conn| crate::domain::eligibility::denial(conn, &detail, capability, &user))
        .await?;
    Ok(denial.map(|m| ctx.tr.msg(&m)))
}
