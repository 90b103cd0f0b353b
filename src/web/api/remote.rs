//! Public reads of what this town mirrors from the towns it follows: their processes (with the
//! state of our follow), their proposals with the counts last received, and whether the caller
//! endorsed one from here. The same data as the `/remote/…` pages, for programs and tests.

use axum::extract::Path;
use axum::Json;
use serde_json::{json, Value};

use crate::domain::Error;
use crate::federation::mirror::{self, RemoteProcess, RemoteProposal};
use crate::web::context::Ctx;
use crate::web::error::AppError;

fn process_json(process: &RemoteProcess) -> Value {
    json!({
        "id": process.id,
        "ap_id": process.ap_id,
        "address": process.address(),
        "title": process.title,
        "url": process.url,
        "follow_state": process.follow_state,
        "eligibility": process.rule().as_str(),
        "current_phase": process.current_phase,
    })
}

fn proposal_json(proposal: &RemoteProposal) -> Value {
    json!({
        "id": proposal.id,
        "ap_id": proposal.ap_id,
        "process_id": proposal.remote_process_id,
        "title": proposal.title,
        "url": proposal.url,
        "state": proposal.state,
        "binding_count": proposal.binding_count,
        "federated_count": proposal.federated_count,
        "comment_count": proposal.comment_count,
    })
}

pub async fn processes(ctx: Ctx) -> Result<Json<Value>, AppError> {
    let list = ctx.state.db.read(mirror::list_processes).await?;
    Ok(Json(
        json!({"items": list.iter().map(process_json).collect::<Vec<_>>()}),
    ))
}

pub async fn process(ctx: Ctx, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let (process, proposals) = ctx
        .state
        .db
        .read(move |conn| {
            let process = mirror::find_process(conn, &id)?;
            let proposals = mirror::proposals_of(conn, &process.id)?;
            Ok::<_, Error>((process, proposals))
        })
        .await?;
    let mut body = process_json(&process);
    body["proposals"] = proposals.iter().map(proposal_json).collect();
    Ok(Json(body))
}

pub async fn proposal(ctx: Ctx, Path(id): Path<String>) -> Result<Json<Value>, AppError> {
    let user_id = ctx.user.as_ref().map(|u| u.id.clone());
    let (proposal, endorsed) = ctx
        .state
        .db
        .read(move |conn| {
            let proposal = mirror::find_proposal(conn, &id)?;
            let endorsed = match user_id {
                Some(user) => Some(mirror::endorsement_of(conn, &user, &proposal.id)?.is_some()),
                None => None,
            };
            Ok::<_, Error>((proposal, endorsed))
        })
        .await?;
    let mut body = proposal_json(&proposal);
    body["endorsed_by_me"] = json!(endorsed);
    Ok(Json(body))
}
