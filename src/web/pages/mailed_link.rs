//! The page shown when a mailed link does not work: what happened (unknown, used, expired) and
//! what to do instead, with the right status (400 for a link we never made, 410 for one that
//! worked once and no longer does).

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;

use super::layout::Layout;
use super::render;
use crate::domain::account_tokens::{Purpose, Refusal};
use crate::web::context::Ctx;

#[derive(Template)]
#[template(path = "link_refused.html")]
struct RefusedPage<'a> {
    layout: Layout<'a>,
    reason: String,
    what_to_do: String,
    /// Where to ask for a new link, and the words of that link.
    next_step: (&'static str, String),
}

/// The page for a refused link of `purpose`.
pub fn refused(ctx: &Ctx, purpose: Purpose, refusal: Refusal) -> Response {
    let (what_to_do, next_step) = match purpose {
        Purpose::Reset => ("link-reset-again", ("/password/forgot", "link-reset-ask")),
        Purpose::Confirm if ctx.user.is_some() => ("link-confirm-again", ("/account", "nav-account")),
        Purpose::Confirm => ("link-confirm-again", ("/login", "nav-login")),
        Purpose::ChangeEmail => ("link-change-again", ("/account", "nav-account")),
    };
    let mut response = render(&RefusedPage {
        layout: Layout::new(ctx, ctx.tr.t("link-refused-title")),
        reason: ctx.tr.t(refusal.key()),
        what_to_do: ctx.tr.t(what_to_do),
        next_step: (next_step.0, ctx.tr.t(next_step.1)),
    });
    *response.status_mut() = match refusal {
        Refusal::Unknown => StatusCode::BAD_REQUEST,
        Refusal::Used | Refusal::Expired => StatusCode::GONE,
    };
    response
}
