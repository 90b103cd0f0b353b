//! "My participation" (`/account/participation`): the signed-in person's proposals,
//! endorsements, comments, ballots and verification, each with its state and a link. Always the
//! person's own: the page reads the session's account and takes no id from the request.

use std::sync::Arc;

use askama::Template;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::layout::Layout;
use super::render;
use crate::app::AppState;
use crate::domain::participation::{self, Participation, SECTION_LIMIT};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/account/participation", get(show))
}

#[derive(Template)]
#[template(path = "participation.html")]
struct ParticipationPage<'a> {
    layout: Layout<'a>,
    mine: Participation,
    limit: i64,
}

impl ParticipationPage<'_> {
    fn state_name(&self, state: &str) -> String {
        self.layout.tr.t(&format!("state-{state}"))
    }

    /// A comment's first words, as plain text.
    fn excerpt(&self, body: &str) -> String {
        crate::domain::budgets::cards::excerpt(body, 140)
    }
}

async fn show(ctx: Ctx) -> Result<Response, AppError> {
    let user_id = ctx.require_user()?.id.clone();
    let mine = ctx
        .state
        .db
        .read(move |conn| participation::of(conn, &user_id))
        .await?;
    Ok(render(&ParticipationPage {
        layout: Layout::new(&ctx, ctx.tr.t("participation-title")),
        mine,
        limit: SECTION_LIMIT,
    }))
}
