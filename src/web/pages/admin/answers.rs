//! The town's official answer to a proposal.

use crate::app;
use askama::Template;
use axum::extract::{Form, Path};
use axum::response::Response;
use serde::Deserialize;

use super::{translate, SummaryItem};
use crate::domain::processes::{self, Process};
use crate::domain::proposals::{self, Listed, ProposalState};
use crate::domain::Error;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::layout::Layout;
use crate::web::pages::{fields_refused, render, see_other, unprocessable, FormErrors};

/// The answer form as sent.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnswerInput {
    state: String,
    answer: String,
}

#[derive(Template)]
#[template(path = "admin/answer.html")]
struct AnswerPage<'a> {
    layout: Layout<'a>,
    item: Listed,
    process: Process,
    form: AnswerInput,
    errors: FormErrors,
    summary: Vec<SummaryItem>,
}

impl AnswerPage<'_> {
    fn states(&self) -> &'static [ProposalState] {
        ProposalState::ANSWERS
    }
}

async fn page(
    ctx: &Ctx,
    id: String,
    form: Option<AnswerInput>,
    errors: &[crate::domain::FieldError],
) -> Result<Response, AppError> {
    let (item, process) = ctx
        .state
        .db
        .read(move |conn| {
            let item = proposals::find_listed(conn, &id, true)?;
            let process = processes::find_by_id(conn, &item.proposal.process_id)?;
            Ok::<_, Error>((item, process))
        })
        .await?;
    // A proposal not answered yet starts at "evaluating", the usual first answer.
    let form = form.unwrap_or_else(|| AnswerInput {
        state: if ProposalState::ANSWERS.contains(&item.proposal.state()) {
            item.proposal.state.clone()
        } else {
            ProposalState::Evaluating.as_str().into()
        },
        answer: item.proposal.answer.clone().unwrap_or_default(),
    });
    // The state is a group of radio buttons: its error links to the first one.
    let (errors, mut summary) = translate(ctx, errors, "");
    for line in &mut summary {
        if line.anchor == "state" {
            line.anchor = format!("state-{}", ProposalState::ANSWERS[0]);
        }
    }
    let title = ctx
        .tr
        .t_with("admin-answer-title", &[("title", item.proposal.title.clone())]);
    Ok(render(&AnswerPage {
        layout: Layout::new(ctx, title),
        item,
        process,
        form,
        errors,
        summary,
    }))
}

pub async fn form(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    ctx.require_staff()?;
    page(&ctx, id, None, &[]).await
}

pub async fn save(
    ctx: Ctx,
    Path(id): Path<String>,
    Form(input): Form<AnswerInput>,
) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let outcome = app::proposals::answer(
        &ctx.state,
        &staff,
        id.clone(),
        input.state.clone(),
        input.answer.clone(),
    )
    .await;
    match fields_refused(outcome)? {
        Ok(()) => Ok(see_other(&format!("/proposals/{id}"), "answer-saved")),
        Err(errors) => Ok(unprocessable(page(&ctx, id, Some(input), &errors).await?)),
    }
}
