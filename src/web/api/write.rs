//! What a signed-in citizen can change: proposals, endorsements, comments, reports.
//! Endorsing is `PUT` and un-endorsing `DELETE` on one resource, so repeating either is harmless.

use crate::federation::outbox::{self, Event};
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use super::read::{load_process, load_proposal};
use super::ApiJson;
use crate::domain::comments::{self, CommentForm};
use crate::domain::moderation::{self, ReportForm};
use crate::domain::proposals::{self, ProposalForm};
use crate::domain::{endorsements, Error, Msg};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub async fn create_proposal(
    ctx: Ctx,
    Path(slug): Path<String>,
    ApiJson(form): ApiJson<ProposalForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let detail = load_process(&ctx, slug).await?;
    let site = ctx.state.site();
    let proposal = ctx
        .state
        .db
        .write(move |conn| {
            let proposal = proposals::create(conn, &detail, &user, &form)?;
            outbox::after(conn, &site, Event::ProposalCreated(proposal.id.clone()))?;
            Ok::<_, Error>(proposal)
        })
        .await?;
    ctx.state.deliveries_ready();
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
    let site = ctx.state.site();
    let proposal = ctx
        .state
        .db
        .write(move |conn| {
            let current = proposals::find(conn, &listed.proposal.id)?;
            proposals::check_editable(&detail, &current, &user)?;
            if current.version != body.version {
                return Err(Error::Conflict(Msg::new("error-edited-meanwhile")));
            }
            let edited = proposals::edit(conn, &detail, &current, &user, &body.form)?;
            outbox::after(conn, &site, Event::ProposalChanged(current.id.clone()))?;
            Ok(edited)
        })
        .await?;
    ctx.state.deliveries_ready();
    Ok(Json(proposal).into_response())
}

pub async fn withdraw(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (_, listed) = load_proposal(&ctx, id).await?;
    let site = ctx.state.site();
    let proposal = ctx
        .state
        .db
        .write(move |conn| {
            let current = proposals::find(conn, &listed.proposal.id)?;
            proposals::withdraw(conn, &current, &user)?;
            outbox::after(conn, &site, Event::ProposalChanged(current.id.clone()))?;
            proposals::find(conn, &current.id)
        })
        .await?;
    ctx.state.deliveries_ready();
    Ok(Json(proposal).into_response())
}

async fn set_endorsement(ctx: Ctx, id: String, on: bool) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load_proposal(&ctx, id).await?;
    let site = ctx.state.site();
    let (changed, count) = ctx
        .state
        .db
        .write(move |conn| {
            let current = proposals::find(conn, &listed.proposal.id)?;
            let changed = if on {
                endorsements::endorse(conn, &detail, &current, &user)?
            } else {
                endorsements::unendorse(conn, &detail, &current, &user)?
            };
            if changed {
                outbox::after(conn, &site, Event::CountsChanged(current.id.clone()))?;
            }
            Ok::<_, Error>((changed, proposals::find(conn, &current.id)?.endorsement_count))
        })
        .await?;
    ctx.state.deliveries_ready();
    Ok(Json(json!({"endorsed": on, "changed": changed, "endorsement_count": count})).into_response())
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
    let site = ctx.state.site();
    let comment = ctx
        .state
        .db
        .write(move |conn| {
            let comment = comments::add(conn, &detail, &listed.proposal, &user, &form)?;
            outbox::after(conn, &site, Event::CommentCreated(comment.id.clone()))?;
            Ok::<_, Error>(comment)
        })
        .await?;
    ctx.state.deliveries_ready();
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
    ctx.state
        .db
        .write(move |conn| moderation::report(conn, &user, &body.kind, &body.id, &body.form))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
