//! Staff pages: the dashboard, processes and their phases, official answers, moderation.
//!
//! Every handler starts with `ctx.require_staff()?`, so citizens get 403 and anonymous people
//! are sent to the sign-in page. Each change runs in one `Db::write` transaction.

mod answers;
mod budget_results;
mod budgets;
mod census;
mod federation;
mod mail;
mod moderation;
mod phases;
mod processes;

use std::sync::Arc;

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::layout::Layout;
use super::{render, FormErrors};
use crate::app::AppState;
use crate::domain::moderation as moderation_rules;
use crate::domain::processes::{self as process_rules, ProcessDetail};
use crate::domain::{Error, FieldError};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/census", get(census::page))
        .route("/admin/census/import", post(census::import))
        .route("/admin/census/verify", post(census::verify_in_person))
        .route("/admin/census/revoke", post(census::revoke))
        .route("/admin/mail", get(mail::page))
        .route("/admin/mail/{id}/retry", post(mail::retry))
        .route("/admin/federation", get(federation::page))
        .route("/admin/federation/follow", post(federation::follow_process))
        .route(
            "/admin/federation/unfollow/{id}",
            post(federation::unfollow_process),
        )
        .route("/admin/federation/report/{id}", post(federation::forward_report))
        .route("/admin/federation/peers", post(federation::set_peer))
        .route("/admin/federation/mode", post(federation::set_mode))
        .route(
            "/admin/processes/{id}/eligibility",
            post(federation::set_eligibility),
        )
        .route("/admin/processes", post(processes::create))
        .route("/admin/processes/new", get(processes::new_form))
        .route(
            "/admin/processes/{id}",
            get(processes::edit_form).post(processes::update),
        )
        .route("/admin/processes/{id}/publish", post(processes::publish))
        .route("/admin/processes/{id}/unpublish", post(processes::unpublish))
        .route("/admin/processes/{id}/phases", post(phases::add))
        .route("/admin/processes/{id}/phases/{phase_id}", post(phases::update))
        .route(
            "/admin/processes/{id}/phases/{phase_id}/delete",
            post(phases::delete),
        )
        .route(
            "/admin/proposals/{id}/answer",
            get(answers::form).post(answers::save),
        )
        .route("/admin/reports", get(moderation::reports))
        .route("/admin/moderation/{kind}/{id}/{action}", post(moderation::decide))
        .route(
            "/admin/processes/{id}/budgets",
            get(budgets::list).post(budgets::create),
        )
        .route("/admin/processes/{id}/budgets/import", post(budgets::import))
        .route("/admin/budgets/{id}", get(budgets::show))
        .route("/admin/budgets/{id}/projects", post(budgets::add_project))
        .route("/admin/budgets/{id}/updates", post(budgets::add_update))
        .route("/admin/budgets/{id}/ballots.pb", get(budgets::export))
        .route("/admin/budgets/{id}/compare", get(budget_results::compare))
        .route("/admin/budgets/{id}/publish", post(budget_results::publish))
}

/// A problem listed at the top of a page, linking to the field that has it.
pub struct SummaryItem {
    /// The `id` of the field, without `#`.
    pub anchor: String,
    pub message: String,
}

/// Translated errors of one form plus the summary lines that point at its fields, whose ids are
/// `{prefix}{field}` (the prefix keeps ids unique when a page holds several forms).
fn translate(ctx: &Ctx, errors: &[FieldError], prefix: &str) -> (FormErrors, Vec<SummaryItem>) {
    let summary = errors
        .iter()
        .map(|e| SummaryItem {
            anchor: format!("{prefix}{}", e.field),
            message: ctx.tr.msg(&e.msg),
        })
        .collect();
    (FormErrors::new(&ctx.tr, errors), summary)
}

/// A page re-rendered because of what the person sent, with the status that says why.
fn with_status(mut response: Response, status: StatusCode) -> Response {
    *response.status_mut() = status;
    response
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct DashboardPage<'a> {
    layout: Layout<'a>,
    processes: Vec<ProcessDetail>,
    open_reports: i64,
}

async fn dashboard(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_staff()?;
    let (processes, open_reports) = ctx
        .state
        .db
        .read(|conn| {
            let processes = process_rules::list(conn, true)?;
            let open = moderation_rules::open_reports(conn)?.len() as i64;
            Ok::<_, Error>((processes, open))
        })
        .await?;
    Ok(render(&DashboardPage {
        layout: Layout::new(&ctx, ctx.tr.t("admin-dashboard-title")),
        processes,
        open_reports,
    }))
}
