//! A proposal's page and everything a citizen does there: its page, history and ActivityPub form
//! here; writing and editing in `writing`, withdrawing, endorsing and commenting in `acting`,
//! reporting in `report`.

use std::sync::Arc;

use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::layout::Layout;
use super::render;
use crate::app::{self, AppState};
use crate::domain::attachments::{self, OwnerKind};
use crate::domain::budgets::{self, Budget, BudgetProject};
use crate::domain::comments::{self, ThreadItem};
use crate::domain::processes::{Capability, ProcessDetail};
use crate::domain::proposals::{self, Listed, Version};
use crate::domain::subscriptions::{self, Target};
use crate::domain::{endorsements, now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

mod acting;
mod report;
mod writing;

use acting::{comment, endorse, unendorse, withdraw};
use report::{report, report_form};
use writing::{create, edit, edit_form, new_form};

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/processes/{slug}/proposals/new", get(new_form))
        .route("/processes/{slug}/proposals", post(create))
        .route("/proposals/{id}", get(show))
        .route("/proposals/{id}/edit", get(edit_form).post(edit))
        .route("/proposals/{id}/history", get(history))
        .route("/proposals/{id}/withdraw", post(withdraw))
        .route("/proposals/{id}/endorse", post(endorse))
        .route("/proposals/{id}/unendorse", post(unendorse))
        .route("/proposals/{id}/comments", post(comment))
        .route("/report/{kind}/{id}", get(report_form).post(report))
}

/// The proposal with its process; hidden proposals and drafts exist only for staff.
async fn load(ctx: &Ctx, id: String) -> Result<(ProcessDetail, Listed), AppError> {
    Ok(app::proposals::view(&ctx.state, ctx.user.as_ref(), id).await?)
}

async fn load_by_slug(ctx: &Ctx, slug: String) -> Result<ProcessDetail, AppError> {
    Ok(app::processes::view(&ctx.state, ctx.user.as_ref(), slug).await?)
}

#[derive(Template)]
#[template(path = "proposal.html")]
struct ProposalPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    item: Listed,
    category: Option<String>,
    thread: Vec<ThreadItem>,
    endorsed: bool,
    /// The signed-in person follows this proposal (hears of comments and answers).
    following: bool,
    /// Why endorsing / commenting is not possible now (translated), if it is not.
    endorse_denial: Option<String>,
    comment_denial: Option<String>,
    can_edit: bool,
    can_withdraw: bool,
    stances: &'static [&'static str],
    /// For staff: endorsements counted because a peer town vouched for them, per town.
    attested: Vec<(String, i64)>,
    /// The budget projects this proposal became, with what each costs.
    projects: Vec<(Budget, BudgetProject)>,
    /// Its images and documents.
    gallery: super::gallery::Gallery,
}

async fn show(
    ctx: Ctx,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, AppError> {
    if crate::federation::content::wants_activity_json(&headers) {
        return page_json(&ctx, id).await;
    }
    let (detail, item) = load(&ctx, id).await?;
    let staff = ctx.is_staff();
    let (thread, endorsed, following, attested, projects, shown) = {
        let proposal_id = item.proposal.id.clone();
        let user_id = ctx.user.as_ref().map(|u| u.id.clone());
        ctx.state
            .db
            .read(move |conn| {
                let thread = comments::thread(conn, &proposal_id, staff)?;
                let (endorsed, following) = match user_id {
                    Some(u) => (
                        endorsements::endorsed_by(conn, &u, std::slice::from_ref(&proposal_id))?
                            .contains(&proposal_id),
                        subscriptions::is_following(conn, &u, Target::Proposal, &proposal_id)?,
                    ),
                    None => (false, false),
                };
                let attested = if staff {
                    endorsements::attested_counts(conn, &proposal_id)?
                } else {
                    Vec::new()
                };
                let projects = budgets::projects_of_proposal(conn, &proposal_id)?;
                let shown = attachments::of(conn, OwnerKind::Proposal, &proposal_id)?;
                Ok::<_, Error>((thread, endorsed, following, attested, projects, shown))
            })
            .await?
    };
    let at = now();
    let endorse_denial = match detail.check(Capability::Endorse, at) {
        Err(m) => Some(ctx.tr.msg(&m)),
        Ok(()) if !item.proposal.is_open() => Some(ctx.tr.t("denied-proposal-closed")),
        Ok(()) => super::eligibility_denial(&ctx, &detail, Capability::Endorse).await?,
    };
    let comment_denial = match detail.check(Capability::Comment, at) {
        Err(m) => Some(ctx.tr.msg(&m)),
        Ok(()) => super::eligibility_denial(&ctx, &detail, Capability::Comment).await?,
    };
    let (can_edit, can_withdraw) = match &ctx.user {
        Some(u) => (
            proposals::check_editable(&detail, &item.proposal, u).is_ok(),
            item.proposal.is_by(u) && item.proposal.state() == proposals::ProposalState::Published,
        ),
        None => (false, false),
    };
    let manage = (can_edit || staff).then(|| format!("/attachments/proposal/{}", item.proposal.id));
    let gallery = super::gallery::Gallery::new(&ctx.tr, &shown, manage);
    let category = item
        .proposal
        .category_id
        .as_deref()
        .and_then(|c| detail.category(c))
        .map(|c| c.name.clone());
    Ok(render(&ProposalPage {
        layout: Layout::new(&ctx, item.proposal.title.clone()),
        detail,
        item,
        category,
        thread,
        endorsed,
        following,
        endorse_denial,
        comment_denial,
        can_edit,
        can_withdraw,
        stances: comments::STANCES,
        attested,
        projects,
        gallery,
    }))
}

#[derive(Template)]
#[template(path = "proposal_history.html")]
struct HistoryPage<'a> {
    layout: Layout<'a>,
    item: Listed,
    versions: Vec<(Version, String)>,
}

async fn history(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let (_, item) = load(&ctx, id).await?;
    let proposal_id = item.proposal.id.clone();
    let versions = ctx
        .state
        .db
        .read(move |conn| proposals::versions(conn, &proposal_id))
        .await?
        .into_iter()
        .map(|v| {
            let html = crate::markdown::render(&v.body);
            (v, html)
        })
        .collect();
    Ok(render(&HistoryPage {
        layout: Layout::new(
            &ctx,
            ctx.tr
                .t_with("history-title", &[("title", item.proposal.title.clone())]),
        ),
        item,
        versions,
    }))
}

/// The proposal as an ActivityPub `Page` (content negotiation on its address).
async fn page_json(ctx: &Ctx, id: String) -> Result<Response, AppError> {
    let base = ctx.state.config.base();
    let body = ctx
        .state
        .db
        .read(move |conn| {
            let proposal = proposals::find(conn, &id)?;
            if proposal.hidden {
                return Err(crate::domain::Error::NotFound);
            }
            crate::federation::objects::proposal_page(conn, &base, &proposal)
        })
        .await?;
    Ok(crate::federation::routes::activity_json(&body))
}
