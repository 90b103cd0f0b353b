//! What a signed-in citizen can change: proposals, endorsements, comments, reports.
//! Endorsing is `PUT` and un-endorsing `DELETE` on one resource, so repeating either is harmless.

use crate::app;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::read::{load_process, load_proposal};
use super::ApiJson;
use crate::domain::comments::CommentForm;
use crate::domain::moderation::{self, ReportForm};
use crate::domain::proposals::ProposalForm;
use crate::domain::{Error, Msg};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub async fn create_proposal(
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(form): ApiJson<ProposalForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let detail = load_process(&ctx, slug).await?;
    let proposal = app::proposals::create(&ctx.state, user, detail, form).await?;
    Ok((StatusCode::CREATED, Json(proposal)).into_response())
}

/// An edit names the version it was written against; a newer stored version means someone
/// (the author on another device) changed it meanwhile: 409, nothing saved.
#[derive(Debug, Deserialize)]
pub struct EditBody {
    version: i32,
    #[serde(flatten)]
    form: ProposalForm,
}

pub async fn edit_proposal(
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<EditBody>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load_proposal(&ctx, id).await?;
    let proposal = app::proposals::edit(
        &ctx.state,
        user,
        detail,
        listed.proposal.id,
        body.version,
        body.form,
    )
    .await?;
    Ok(Json(proposal).into_response())
}

pub async fn withdraw(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (_, listed) = load_proposal(&ctx, id).await?;
    let proposal = app::proposals::withdraw(&ctx.state, user, listed.proposal.id).await?;
    Ok(Json(proposal).into_response())
}

async fn set_endorsement(ctx: Ctx, id: String, on: bool) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load_proposal(&ctx, id).await?;
    let done = app::endorsements::set(&ctx.state, user, detail, listed.proposal, on).await?;
    Ok(
        Json(json!({"endorsed": on, "changed": done.changed, "endorsement_count": done.count}))
            .into_response(),
    )
}

pub async fn endorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, true).await
}

pub async fn unendorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, false).await
}

pub async fn comment(
    ctx: Ctx,
    Path(id): Path<String>,
    ApiJson(form): ApiJson<CommentForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load_proposal(&ctx, id).await?;
    let comment = app::comments::add(&ctx.state, user, detail, listed.proposal, form).await?;
    Ok((StatusCode::CREATED, Json(comment)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct ReportBody {
    kind: String,
    id: String,
    #[serde(flatten)]
    form: ReportForm,
}

pub async fn report(ctx: Ctx, ApiJson(body): ApiJson<ReportBody>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    if !moderation::KINDS.contains(&body.kind.as_str()) {
        return Err(Error::invalid("kind", Msg::new("api-error-report-kind")).into());
    }
    app::moderation::report(&ctx.state, user, body.kind, body.id, body.form).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
