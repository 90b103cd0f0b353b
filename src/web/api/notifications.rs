//! The caller's notifications: the list (in the caller's language) and marking them read.

use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::app;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::notifications::describe;

pub async fn list(ctx: Ctx) -> Result<Json<Value>, AppError> {
    let user = ctx.require_user()?;
    let list = app::notifications::list(&ctx.state, user).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|n| {
            let (text, link) = describe(&ctx.tr, n);
            json!({
                "id": n.id,
                "kind": n.kind,
                "text": text,
                "link": link,
                "process_id": n.process_id,
                "proposal_id": n.proposal_id,
                "comment_id": n.comment_id,
                "created_at": n.created_at.and_utc().to_rfc3339(),
                "read": !n.is_unread(),
            })
        })
        .collect();
    let unread = items.iter().filter(|i| i["read"] == false).count();
    Ok(Json(json!({ "unread": unread, "items": items })))
}

pub async fn mark_read(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    app::notifications::mark_read(&ctx.state, user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub async fn mark_all_read(ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    app::notifications::mark_all_read(&ctx.state, user).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
