//! Writing a proposal and editing it: the form, its errors, and an edit refused as stale.

use askama::Template;
use axum::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::Response;

use super::{load, load_by_slug};
use crate::app;
use crate::domain::processes::{Capability, ProcessDetail};
use crate::domain::proposals::{self, Listed, ProposalForm};
use crate::domain::{now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::layout::Layout;
use crate::web::pages::{render, see_other, FormErrors};

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

pub(super) async fn new_form(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
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

pub(super) async fn create(
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

pub(super) async fn edit_form(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
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
pub(super) struct EditInput {
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
pub(super) async fn edit(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<EditInput>,
) -> Result<Response, AppError> {
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
