//! Reporting a proposal or a comment to the moderators: the form and what it sends.

use askama::Template;
use axum::extract::{Form, Path};
use axum::http::StatusCode;
use axum::response::Response;

use crate::app;
use crate::domain::moderation::{self, ReportForm};
use crate::domain::Error;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::layout::Layout;
use crate::web::pages::{render, see_other, FormErrors};

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

pub(super) async fn report_form(
    ctx: Ctx,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Response, AppError> {
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

pub(super) async fn report(
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
