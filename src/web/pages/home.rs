//! The home page: the town's processes.

use std::sync::Arc;

use askama::Template;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::layout::Layout;
use super::render;
use crate::app::AppState;
use crate::domain::now;
use crate::domain::processes::{self, ProcessDetail};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/", get(home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    layout: Layout<'a>,
    processes: Vec<ProcessDetail>,
    /// Processes of other towns this town follows.
    remote: Vec<crate::federation::mirror::RemoteProcess>,
    now: chrono::NaiveDateTime,
}

async fn home(ctx: Ctx) -> Result<Response, AppError> {
    let staff = ctx.is_staff();
    let (list, remote) = ctx
        .state
        .db
        .read(move |conn| {
            let list = processes::list(conn, staff)?;
            let remote = crate::federation::mirror::list_processes(conn)?;
            Ok::<_, crate::domain::Error>((list, remote))
        })
        .await?;
    Ok(render(&HomePage {
        layout: Layout::new(&ctx, ctx.tr.t("home-title")),
        processes: list,
        remote,
        now: now(),
    }))
}
