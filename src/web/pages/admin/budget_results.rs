//! Staff compare the budgeting rules on a budget's real ballots, then publish the outcome.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::super::layout::Layout;
use super::super::{render, see_other};
use crate::app;
use crate::budgeting::Outcome;
use crate::domain::budget_results::{self, COMPARED};
use crate::domain::budgets::{self, Budget};
use crate::domain::processes::{self, ProcessDetail};
use crate::domain::Error;
use crate::i18n::percent_of;
use crate::web::context::Ctx;
use crate::web::error::AppError;

/// One row of the comparison.
pub struct Compared {
    pub outcome: Outcome,
    pub name: String,
    pub declared: bool,
    pub percent_used: String,
    pub percent_represented: String,
}

#[derive(Template)]
#[template(path = "admin/budget_compare.html")]
struct ComparePage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    rows: Vec<Compared>,
    ballots: i64,
    can_publish: bool,
}

pub async fn compare(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let staff = ctx.require_staff()?.clone();
    let key = ctx.state.config.secret_key.clone();
    let (detail, budget, outcomes, ballots) = ctx
        .state
        .db
        .read(move |conn| {
            let budget = budgets::find(conn, &id)?;
            let detail = processes::detail_by_id(conn, &budget.process_id)?;
            // Hidden tallies stay hidden from everyone, staff included, until the close.
            if !budget_results::tallies_visible(&budget, &detail, Some(&staff)) {
                return Err(Error::Forbidden(crate::domain::Msg::new("denied-tallies-hidden")));
            }
            let outcomes = budget_results::compare(conn, &key, &budget)?;
            let ballots = budgets::ballot_count(conn, &budget.id)?;
            Ok::<_, Error>((detail, budget, outcomes, ballots))
        })
        .await?;
    let declared = budget.rule();
    let rows = outcomes
        .into_iter()
        .zip(COMPARED)
        .map(|(outcome, rule)| Compared {
            name: format!(
                "{} ({})",
                ctx.tr.t(&format!("rule-{}", rule.name())),
                ctx.tr.t(&format!("utility-{}", rule.utility().name()))
            ),
            declared: rule == declared,
            percent_used: percent_of(outcome.cost.to_f64(), outcome.budget.to_f64()),
            percent_represented: percent_of(outcome.voters_with_funded_project as f64, outcome.voters as f64),
            outcome,
        })
        .collect();
    let can_publish = budget_results::vote_closed(&detail) && budget.published_outcome.is_none();
    let title = ctx
        .tr
        .t_with("compare-title", &[("budget", budget.title.clone())]);
    Ok(render(&ComparePage {
        layout: Layout::new(&ctx, title),
        detail,
        budget,
        rows,
        ballots,
        can_publish,
    }))
}

pub async fn publish(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let (process, budget) = app::budgets::publish(&ctx.state, &staff, id).await?;
    Ok(see_other(
        &format!("/processes/{process}/budgets/{budget}/results"),
        "budget-published",
    ))
}
