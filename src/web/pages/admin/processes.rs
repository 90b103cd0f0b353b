//! Creating, editing, publishing and unpublishing a process. The edit page also holds the
//! phase forms (see `phases.rs`), so every staff task on a process happens on one page.

use crate::app;
use askama::Template;
use axum::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::Response;

use super::phases::{PhaseInput, PhaseView};
use super::{translate, with_status, SummaryItem};
use crate::domain::processes::{self, ProcessDetail, ProcessForm};
use crate::domain::{Error, FieldError, Msg};
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::layout::Layout;
use crate::web::pages::{fields_refused, render, see_other, unprocessable, FormErrors};

#[derive(Template)]
#[template(path = "admin/process_new.html")]
struct NewPage<'a> {
    layout: Layout<'a>,
    form: ProcessForm,
    errors: FormErrors,
    summary: Vec<SummaryItem>,
}

pub async fn new_form(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_staff()?;
    Ok(render(&NewPage {
        layout: Layout::new(&ctx, ctx.tr.t("admin-process-new-title")),
        form: ProcessForm::default(),
        errors: FormErrors::default(),
        summary: Vec::new(),
    }))
}

/// The process form as sent; every field may be missing, so a bad request still gets a page.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct ProcessInput {
    slug: String,
    title: String,
    description: String,
    scope: String,
    categories: String,
}

impl From<ProcessInput> for ProcessForm {
    fn from(i: ProcessInput) -> ProcessForm {
        ProcessForm {
            slug: i.slug,
            title: i.title,
            description: i.description,
            scope: i.scope,
            categories: i.categories,
        }
    }
}

pub async fn create(ctx: Ctx, Form(input): Form<ProcessInput>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let form = ProcessForm::from(input);
    let outcome = app::processes::create(&ctx.state, &staff, form.clone()).await;
    match fields_refused(outcome)? {
        Ok(process) => Ok(see_other(
            &format!("/admin/processes/{}", process.id),
            "process-saved",
        )),
        Err(errors) => {
            let (errors, summary) = translate(&ctx, &errors, "");
            Ok(unprocessable(render(&NewPage {
                layout: Layout::new(&ctx, ctx.tr.t("admin-process-new-title")),
                form,
                errors,
                summary,
            })))
        }
    }
}

#[derive(Template)]
#[template(path = "admin/process_edit.html")]
struct EditPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    form: ProcessForm,
    errors: FormErrors,
    /// Every problem on the page, whichever form it comes from.
    summary: Vec<SummaryItem>,
    /// Why publishing was refused, shown next to the publication buttons.
    publish_error: Option<String>,
    /// The stored phases' forms, then the "add a phase" form.
    phases: Vec<PhaseView>,
}

/// What went wrong with the form just sent, so the edit page shows it in place.
#[derive(Default)]
pub struct Rejected {
    pub process: Option<(ProcessForm, Vec<FieldError>)>,
    /// The phase form (its phase id, or `None` for the new phase), as sent, with its errors.
    pub phase: Option<(Option<String>, PhaseInput, Vec<FieldError>)>,
    pub publish: Option<Msg>,
}

/// The edit page of process `id`, showing `rejected` if a form was refused.
pub async fn edit_page(ctx: &Ctx, id: String, rejected: Rejected) -> Result<Response, AppError> {
    let detail = ctx
        .state
        .db
        .read(move |conn| processes::detail_by_id(conn, &id))
        .await?;
    let mut summary = Vec::new();
    let (form, errors) = match rejected.process {
        Some((form, errors)) => {
            let (errors, lines) = translate(ctx, &errors, "");
            summary.extend(lines);
            (form, errors)
        }
        None => (form_of(&detail), FormErrors::default()),
    };
    // At most one phase form was sent: the stored phase it edits, or the new one (`None`).
    let mut sent = rejected.phase;
    let mut take_sent = |this: Option<&str>| {
        if sent
            .as_ref()
            .is_some_and(|(target, _, _)| target.as_deref() == this)
        {
            sent.take().map(|(_, input, errors)| (input, errors))
        } else {
            None
        }
    };
    let process_id = detail.process.id.clone();
    let mut phases = Vec::with_capacity(detail.phases.len());
    for (i, phase) in detail.phases.iter().enumerate() {
        phases.push(match take_sent(Some(&phase.id)) {
            Some((input, errors)) => {
                let (view, lines) = PhaseView::sent(ctx, &process_id, Some(phase), i + 1, input, &errors);
                summary.extend(lines);
                view
            }
            None => PhaseView::stored(&process_id, phase, i + 1),
        });
    }
    let new_number = detail.phases.len() + 1;
    let new_phase = match take_sent(None) {
        Some((input, errors)) => {
            let (view, lines) = PhaseView::sent(ctx, &process_id, None, new_number, input, &errors);
            summary.extend(lines);
            view
        }
        None => PhaseView::blank(&process_id, new_number, detail.phases.last()),
    };
    phases.push(new_phase);
    let publish_error = rejected.publish.map(|m| ctx.tr.msg(&m));
    if let Some(message) = &publish_error {
        summary.push(SummaryItem {
            anchor: "publication".into(),
            message: message.clone(),
        });
    }
    let title = ctx.tr.t_with(
        "admin-process-edit-title",
        &[("title", detail.process.title.clone())],
    );
    Ok(render(&EditPage {
        layout: Layout::new(ctx, title),
        detail,
        form,
        errors,
        summary,
        publish_error,
        phases,
    }))
}

/// The stored process as the form shows it, categories one per line.
fn form_of(detail: &ProcessDetail) -> ProcessForm {
    ProcessForm {
        slug: detail.process.slug.clone(),
        title: detail.process.title.clone(),
        description: detail.process.description.clone(),
        scope: detail.process.scope.clone(),
        categories: detail
            .categories
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require_staff()?;
    edit_page(&ctx, id, Rejected::default()).await
}

pub async fn update(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<ProcessInput>,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let form = ProcessForm::from(input);
    let outcome = app::processes::update(&ctx.state, &staff, id.clone(), form.clone()).await;
    match fields_refused(outcome)? {
        Ok(_) => Ok(see_other(&format!("/admin/processes/{id}"), "process-saved")),
        Err(errors) => {
            let rejected = Rejected {
                process: Some((form, errors)),
                ..Rejected::default()
            };
            Ok(unprocessable(edit_page(&ctx, id, rejected).await?))
        }
    }
}

pub async fn publish(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_published(ctx, id, true).await
}

pub async fn unpublish(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    set_published(ctx, id, false).await
}

async fn set_published(ctx: Ctx, id: String, published: bool) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    match app::processes::set_published(&ctx.state, &staff, id.clone(), published).await {
        Ok(()) => Ok(see_other(&format!("/admin/processes/{id}"), "process-saved")),
        // Shown on the edit page rather than an error page, so the way out (add a phase) is there.
        Err(Error::Conflict(msg)) => {
            let rejected = Rejected {
                publish: Some(msg),
                ..Rejected::default()
            };
            let page = edit_page(&ctx, id, rejected).await?;
            Ok(with_status(page, StatusCode::CONFLICT))
        }
        Err(e) => Err(e.into()),
    }
}
