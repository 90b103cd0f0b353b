//! A proposal's page and everything a citizen does there: write, edit, withdraw, endorse,
//! comment, report.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::layout::Layout;
use super::{render, see_other, FormErrors};
use crate::app::{self, AppState};
use crate::domain::attachments::{self, OwnerKind};
use crate::domain::budgets::{self, Budget, BudgetProject};
use crate::domain::comments::{self, CommentForm, ThreadItem};
use crate::domain::moderation::{self, ReportForm};
use crate::domain::processes::{Capability, ProcessDetail};
use crate::domain::proposals::{self, Listed, ProposalForm, Version};
use crate::domain::subscriptions::{self, Target};
use crate::domain::{endorsements, now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

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
#[template(path = "proposal_form.html")]
struct ProposalFormPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    form: ProposalForm,
    errors: FormErrors,
    /// Where the form posts.
    action: String,
    editing: bool,
    /// Editing: the version the form was written against, sent back with it.
    version: i32,
    /// Editing after someone else's edit: the version now stored, shown above the form.
    conflict: Option<Listed>,
    conflict_message: Option<String>,
}

impl ProposalFormPage<'_> {
    fn selected(&self, category_id: &str) -> bool {
        self.form.category_id.as_deref() == Some(category_id)
    }
}

async fn new_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    ctx.require_user()?;
    let detail = load_by_slug(&ctx, slug).await?;
    detail
        .check(Capability::CreateProposal, now())
        .map_err(Error::Forbidden)?;
    let action = format!("/processes/{}/proposals", detail.process.slug);
    Ok(render(&ProposalFormPage {
        layout: Layout::new(&ctx, ctx.tr.t("proposal-new")),
        detail,
        form: ProposalForm::default(),
        errors: FormErrors::default(),
        action,
        editing: false,
        version: 0,
        conflict: None,
        conflict_message: None,
    }))
}

fn form_again(
    ctx: &Ctx,
    detail: ProcessDetail,
    form: ProposalForm,
    errors: &[crate::domain::FieldError],
    action: String,
    version: Option<i32>,
) -> Response {
    let editing = version.is_some();
    let title = ctx.tr.t(if editing { "proposal-edit" } else { "proposal-new" });
    let mut response = render(&ProposalFormPage {
        layout: Layout::new(ctx, title),
        detail,
        form,
        errors: FormErrors::new(&ctx.tr, errors),
        action,
        editing,
        version: version.unwrap_or(0),
        conflict: None,
        conflict_message: None,
    });
    *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    response
}

async fn create(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<ProposalForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let detail = load_by_slug(&ctx, slug).await?;
    match app::proposals::create(&ctx.state, user, detail.clone(), form.clone()).await {
        Ok(p) => Ok(see_other(&format!("/proposals/{}", p.id), "proposal-created")),
        Err(Error::Invalid(errors)) => {
            let action = format!("/processes/{}/proposals", detail.process.slug);
            Ok(form_again(&ctx, detail, form, &errors, action, None))
        }
        Err(e) => Err(e.into()),
    }
}

async fn edit_form(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load(&ctx, id).await?;
    proposals::check_editable(&detail, &listed.proposal, &user)?;
    let p = listed.proposal;
    Ok(render(&ProposalFormPage {
        layout: Layout::new(&ctx, ctx.tr.t("proposal-edit")),
        detail,
        form: ProposalForm {
            title: p.title,
            body: p.body,
            category_id: p.category_id,
        },
        errors: FormErrors::default(),
        action: format!("/proposals/{}/edit", p.id),
        editing: true,
        version: p.version,
        conflict: None,
        conflict_message: None,
    }))
}

/// The edit form as sent: the proposal's fields and the version they were written against.
#[derive(Debug, Clone, serde::Deserialize)]
struct EditInput {
    title: String,
    body: String,
    #[serde(default)]
    category_id: Option<String>,
    /// A number in a hidden field; read as text so that a missing or garbled one is a clear
    /// conflict rather than a form-decoding error.
    #[serde(default)]
    version: String,
}

/// Saves an edit. One written against an older version than the stored one (the author edited
/// meanwhile on another device or tab) is not saved: the form comes back with their text, the
/// version now stored above it and a message saying so; sending it again then replaces that
/// version, knowingly.
async fn edit(ctx: Ctx, Path(id): Path<String>, Form(input): Form<EditInput>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load(&ctx, id.clone()).await?;
    let form = ProposalForm {
        title: input.title,
        body: input.body,
        category_id: input.category_id,
    };
    // Versions start at 1: a form without one was written against no version we know of, and
    // is refused as stale (after the check that the sender is the author).
    let version = input.version.trim().parse::<i32>().ok();
    let result = app::proposals::edit(
        &ctx.state,
        user,
        detail.clone(),
        listed.proposal.id.clone(),
        version.unwrap_or(0),
        form.clone(),
    )
    .await;
    match result {
        Ok(p) => Ok(see_other(&format!("/proposals/{}", p.id), "proposal-updated")),
        Err(Error::Invalid(errors)) => Ok(form_again(
            &ctx,
            detail,
            form,
            &errors,
            format!("/proposals/{id}/edit"),
            version,
        )),
        Err(Error::Conflict(msg)) => {
            // The version now stored, as the author would read it.
            let (detail, current) = load(&ctx, id.clone()).await?;
            let mut response = render(&ProposalFormPage {
                layout: Layout::new(&ctx, ctx.tr.t("proposal-edit")),
                detail,
                form,
                errors: FormErrors::default(),
                conflict_message: Some(ctx.tr.msg(&msg)),
                action: format!("/proposals/{id}/edit"),
                editing: true,
                version: current.proposal.version,
                conflict: Some(current),
            });
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
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

async fn withdraw(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (_, listed) = load(&ctx, id).await?;
    app::proposals::withdraw(&ctx.state, user, listed.proposal.id.clone()).await?;
    Ok(see_other(
        &format!("/proposals/{}", listed.proposal.id),
        "proposal-withdrawn",
    ))
}

async fn endorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, true).await
}

async fn unendorse(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_endorsement(ctx, id, false).await
}

async fn set_endorsement(ctx: Ctx, id: String, on: bool) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, listed) = load(&ctx, id).await?;
    app::endorsements::set(&ctx.state, user, detail, listed.proposal.id.clone(), on).await?;
    let notice = if on { "endorsed" } else { "unendorsed" };
    Ok(see_other(&format!("/proposals/{}", listed.proposal.id), notice))
}

async fn comment(
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

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage<'a> {
    layout: Layout<'a>,
    kind: String,
    id: String,
    reasons: &'static [&'static str],
    errors: FormErrors,
}

fn check_kind(kind: &str) -> Result<(), AppError> {
    if moderation::KINDS.contains(&kind) {
        Ok(())
    } else {
        Err(AppError(Error::NotFound))
    }
}

async fn report_form(ctx: Ctx, Path((kind, id)): Path<(String, String)>) -> Result<Response, AppError> {
    ctx.require_user()?;
    check_kind(&kind)?;
    Ok(render(&ReportPage {
        layout: Layout::new(&ctx, ctx.tr.t("report-title")),
        kind,
        id,
        reasons: moderation::REASONS,
        errors: FormErrors::default(),
    }))
}

async fn report(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
    Form(form): Form<ReportForm>,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    check_kind(&kind)?;
    // Back to the proposal the reported item belongs to.
    match app::moderation::report(&ctx.state, user, kind.clone(), id.clone(), form).await {
        Ok(proposal_id) => Ok(see_other(&format!("/proposals/{proposal_id}"), "reported")),
        Err(Error::Invalid(errors)) => {
            let mut response = render(&ReportPage {
                layout: Layout::new(&ctx, ctx.tr.t("report-title")),
                kind,
                id,
                reasons: moderation::REASONS,
                errors: FormErrors::new(&ctx.tr, &errors),
            });
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e.into()),
    }
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
