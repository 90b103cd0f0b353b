//! A budget's public pages: the ballot (with running total, no JavaScript needed), the
//! receipt, the results with their chart and downloads, and the receipt check.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, RawForm};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::layout::Layout;
use super::render;
use crate::app::{self, AppState};
use crate::budgeting::amount::Decimal;
use crate::domain::ballots::{self, CheckedBallot};
use crate::domain::budget_results::{self, Tally};
use crate::domain::budgets::{self, BallotType, Budget, BudgetProject};
use crate::domain::processes::{self, Capability, ProcessDetail};
use crate::domain::{now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

mod results;

use results::{ballot_log, results, results_csv, results_json};

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/processes/{slug}/budgets/{budget}", get(show))
        .route("/processes/{slug}/budgets/{budget}/ballot", post(ballot))
        .route("/processes/{slug}/budgets/{budget}/results", get(results))
        .route(
            "/processes/{slug}/budgets/{budget}/results.json",
            get(results_json),
        )
        .route("/processes/{slug}/budgets/{budget}/results.csv", get(results_csv))
        .route("/processes/{slug}/budgets/{budget}/ballots.pb", get(ballot_log))
}

async fn load(
    ctx: &Ctx,
    slug: String,
    budget_slug: String,
) -> Result<(ProcessDetail, Budget, Vec<BudgetProject>), AppError> {
    let staff = ctx.is_staff();
    Ok(ctx
        .state
        .db
        .read(move |conn| {
            let detail = processes::detail_by_slug(conn, &slug, staff)?;
            let budget = budgets::by_slug(conn, &detail.process.id, &budget_slug)?;
            let projects = budgets::projects(conn, &budget.id)?;
            Ok::<_, Error>((detail, budget, projects))
        })
        .await?)
}

/// One line of the ballot form.
struct Choice {
    project: BudgetProject,
    checked: bool,
    points: u64,
}

#[derive(Template)]
#[template(path = "budget.html")]
struct BudgetPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    choices: Vec<Choice>,
    /// Why the signed-in person cannot vote now (translated), if they cannot.
    vote_denial: Option<String>,
    has_voted: bool,
    /// Running total of the chosen projects and what is left.
    total: Decimal,
    remaining: Option<Decimal>,
    over_budget: bool,
    error: Option<String>,
    tallies: Option<Vec<Tally>>,
    published: bool,
    input_type: &'static str,
    followed: Vec<crate::domain::implementation::Followed>,
    /// The first image of each project that has one, by project id (see `pages::gallery`).
    thumbs: std::collections::HashMap<String, super::gallery::Picture>,
}

impl BudgetPage<'_> {
    fn status_name(&self, status: &str) -> String {
        self.layout.tr.t(&format!("status-{status}"))
    }

    fn ballot_hint(&self) -> String {
        let tr = self.layout.tr;
        match self.budget.ballot_type() {
            BallotType::Approval if self.budget.max_choices > 0 => tr.t_with(
                "ballot-hint-approval-max",
                &[
                    ("min", self.budget.min_choices.max(1).to_string()),
                    ("max", self.budget.max_choices.to_string()),
                ],
            ),
            BallotType::Approval => tr.t("ballot-hint-approval"),
            BallotType::Knapsack => tr.t("ballot-hint-knapsack"),
            BallotType::Cumulative => tr.t_with(
                "ballot-hint-cumulative",
                &[("points", self.budget.points.to_string())],
            ),
            BallotType::Choose1 => tr.t("ballot-hint-choose-1"),
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn page(
    ctx: &Ctx,
    detail: ProcessDetail,
    budget: Budget,
    projects: Vec<BudgetProject>,
    selection: Option<CheckedBallot>,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let vote_denial = match detail.check(Capability::Vote, now()) {
        Err(msg) => Some(ctx.tr.msg(&msg)),
        Ok(()) if ctx.user.is_none() => Some(ctx.tr.t("ballot-sign-in")),
        Ok(()) => super::eligibility_denial(ctx, &detail, Capability::Vote).await?,
    };
    let project_ids: Vec<String> = projects.iter().map(|p| p.id.clone()).collect();
    let (has_voted, current, tallies, followed, images) = {
        let user = ctx.user.clone();
        let key = ctx.state.config.secret_key.clone();
        let b = budget.clone();
        let show_tallies = budget_results::tallies_visible(&budget, &detail, user.as_ref());
        ctx.state
            .db
            .read(move |conn| {
                let current = match &user {
                    Some(u) => ballots::current(conn, &key, &b, u)?,
                    None => None,
                };
                let tallies = if show_tallies {
                    Some(budget_results::tallies(conn, &key, &b)?)
                } else {
                    None
                };
                let followed = crate::domain::implementation::followed(conn, &b)?;
                let images = crate::domain::attachments::first_images(
                    conn,
                    crate::domain::attachments::OwnerKind::Project,
                    &project_ids,
                )?;
                Ok::<_, Error>((current.is_some(), current, tallies, followed, images))
            })
            .await?
    };
    let selection = selection.or(current).unwrap_or(CheckedBallot {
        choices: Vec::new(),
        points: Vec::new(),
    });
    let total = ballots::chosen_cost(&projects, &selection.choices);
    let remaining = total.and_then(|t| budget.amount().checked_sub(&t));
    let total = total.unwrap_or(Decimal::from_units(0));
    let input_type = match budget.ballot_type() {
        BallotType::Choose1 => "radio",
        BallotType::Cumulative => "number",
        _ => "checkbox",
    };
    let choices = projects
        .into_iter()
        .map(|p| {
            let at = selection.choices.iter().position(|c| *c == p.code);
            Choice {
                checked: at.is_some(),
                points: at.and_then(|i| selection.points.get(i).copied()).unwrap_or(0),
                project: p,
            }
        })
        .collect();
    let published = budget.published_outcome.is_some();
    let title = budget.title.clone();
    let mut response = render(&BudgetPage {
        layout: Layout::new(ctx, title),
        detail,
        budget,
        choices,
        vote_denial,
        has_voted,
        total,
        over_budget: remaining.is_none(),
        remaining,
        error,
        tallies,
        published,
        input_type,
        followed,
        thumbs: images
            .iter()
            .map(|(id, a)| (id.clone(), super::gallery::Picture::thumb(a)))
            .collect(),
    });
    *response.status_mut() = status;
    Ok(response)
}

async fn show(ctx: Ctx, Path((slug, budget)): Path<(String, String)>) -> Result<Response, AppError> {
    let (detail, budget, projects) = load(&ctx, slug, budget).await?;
    page(&ctx, detail, budget, projects, None, None, StatusCode::OK).await
}

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    receipt: String,
}

async fn ballot(
    ctx: Ctx,
    Path((slug, budget)): Path<(String, String)>,
    RawForm(bytes): RawForm,
) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let (detail, budget, projects) = load(&ctx, slug, budget).await?;
    let (input, cast) = ballots::parse_form(&bytes);
    let checked = ballots::check(&budget, &projects, &input);
    if !cast || checked.is_err() {
        // "Check my choices", or a ballot that cannot be cast: show the form again with the
        // running total and what is wrong; nothing is stored.
        let selection = CheckedBallot {
            choices: input.choices.clone(),
            points: input.points.clone(),
        };
        let (error, status) = match checked {
            Err(Error::Invalid(errors)) if cast => (
                Some(
                    errors
                        .iter()
                        .map(|e| ctx.tr.msg(&e.msg))
                        .collect::<Vec<_>>()
                        .join(" "),
                ),
                StatusCode::UNPROCESSABLE_ENTITY,
            ),
            _ => (None, StatusCode::OK),
        };
        return page(&ctx, detail, budget, projects, Some(selection), error, status).await;
    }
    let receipt =
        app::ballots::cast(&ctx.state, user, detail.clone(), budget.clone(), projects, input).await?;
    let title = ctx.tr.t("receipt-title");
    Ok(render(&ReceiptPage {
        layout: Layout::new(&ctx, title),
        detail,
        budget,
        receipt,
    }))
}
