//! Processes of other towns that this town follows, as citizens here see them: their phases,
//! proposals, answers and counts as last received, and the forms to endorse and comment, which
//! are sent to the process's town as signed activities.

use std::sync::Arc;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::layout::Layout;
use super::{render, see_other};
use crate::app::{self, AppState};
use crate::domain::eligibility::Rule;
use crate::domain::validate::Validator;
use crate::domain::Error;
use crate::federation::mirror::{
    self, RemoteComment, RemotePhase, RemoteProcess, RemoteProposal, RemoteResults,
};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/remote/processes/{id}", get(process_page))
        .route("/remote/proposals/{id}", get(proposal_page))
        .route("/remote/proposals/{id}/endorse", post(endorse))
        .route("/remote/proposals/{id}/unendorse", post(unendorse))
        .route("/remote/proposals/{id}/comments", post(comment))
}

#[derive(Template)]
#[template(path = "remote_process.html")]
struct ProcessPage<'a> {
    layout: Layout<'a>,
    process: RemoteProcess,
    phases: Vec<RemotePhase>,
    proposals: Vec<RemoteProposal>,
    results: Vec<RemoteResults>,
}

async fn process_page(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let (process, proposals, results) = ctx
        .state
        .db
        .read(move |conn| {
            let process = mirror::find_process(conn, &id)?;
            let proposals = mirror::proposals_of(conn, &process.id)?;
            let results = mirror::results_of(conn, &process.id)?;
            Ok::<_, Error>((process, proposals, results))
        })
        .await?;
    Ok(render(&ProcessPage {
        layout: Layout::new(&ctx, process.title.clone()),
        phases: process.phases(),
        process,
        proposals,
        results,
    }))
}

#[derive(Template)]
#[template(path = "remote_proposal.html")]
struct ProposalPage<'a> {
    layout: Layout<'a>,
    process: RemoteProcess,
    proposal: RemoteProposal,
    comments: Vec<RemoteComment>,
    endorsed: bool,
    /// Why the person cannot endorse from here (a `peers` process and no verified residency).
    denial: Option<String>,
}

async fn proposal_page(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user_id = ctx.user.as_ref().map(|u| u.id.clone());
    let (process, proposal, comments, endorsed, verified) = ctx
        .state
        .db
        .read(move |conn| {
            let proposal = mirror::find_proposal(conn, &id)?;
            let process = mirror::find_process(conn, &proposal.remote_process_id)?;
            let comments = mirror::comments_of(conn, &proposal.id)?;
            let (endorsed, verified) = match user_id {
                Some(u) => (
                    mirror::endorsement_of(conn, &u, &proposal.id)?.is_some(),
                    crate::domain::census::is_verified(conn, &u)?,
                ),
                None => (false, false),
            };
            Ok::<_, Error>((process, proposal, comments, endorsed, verified))
        })
        .await?;
    let denial = (process.rule() == Rule::Peers && !verified && !endorsed)
        .then(|| ctx.tr.t("remote-peers-verify-first"));
    Ok(render(&ProposalPage {
        layout: Layout::new(&ctx, proposal.title.clone()),
        process,
        proposal,
        comments,
        endorsed,
        denial,
    }))
}

async fn set_endorsement(ctx: Ctx, id: String, on: bool) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let back = format!("/remote/proposals/{id}");
    app::remote::set_endorsement(&ctx.state, user, id, on).await?;
    let notice = if on {
        "remote-endorsed"
    } else {
        "remote-unendorsed"
    };
    Ok(see_other(&back, notice))
}

async fn endorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, true).await
}

async fn unendorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, false).await
}

#[derive(Debug, Deserialize)]
pub struct CommentInput {
    body: String,
}

async fn comment(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<CommentInput>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let mut v = Validator::new();
    v.text("body", &input.body, 1, 5_000);
    v.finish()?;
    let back = format!("/remote/proposals/{id}");
    app::remote::comment(&ctx.state, user, id, input.body).await?;
    Ok(see_other(&back, "remote-commented"))
}
