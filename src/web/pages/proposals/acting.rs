//! What a citizen does to a proposal from its page besides writing it: withdraw it (its author),
//! endorse it or take the endorsement back, comment.

use axum::extract::{Form, Path};
use axum::response::Response;

use super::load;
use crate::app;
use crate::domain::comments::CommentForm;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::see_other;

pub(super) async fn withdraw(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (_, listed) = load(&ctx, id).await?;
    app::proposals::withdraw(&ctx.state, user, listed.proposal.id.clone()).await?;
    Ok(see_other(
        &format!("/proposals/{}", listed.proposal.id),
        "proposal-withdrawn",
    ))
}

pub(super) async fn endorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, true).await
}

pub(super) async fn unendorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, false).await
}

async fn set_endorsement(ctx: Ctx, id: String, on: bool) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load(&ctx, id).await?;
    app::endorsements::set(&ctx.state, user, detail, listed.proposal.clone(), on).await?;
    let notice = if on { "endorsed" } else { "unendorsed" };
    Ok(see_other(&format!("/proposals/{}", listed.proposal.id), notice))
}

pub(super) async fn comment(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(form): Form<CommentForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load(&ctx, id).await?;
    let created = app::comments::add(&ctx.state, user, detail, listed.proposal.clone(), form).await?;
    Ok(see_other(
        &format!("/proposals/{}", listed.proposal.id),
        &format!("comment-added#comment-{}", created.id),
    ))
}
