//! A budget's public pages: the ballot (with running total, no JavaScript needed), the
//! receipt, the results with their chart and downloads, and the receipt check.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, RawForm};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::layout::Layout;
use super::render;
use crate::app::{self, AppState};
use crate::budgeting::amount::Decimal;
use crate::domain::ballots::{self, CheckedBallot};
use crate::domain::budget_results::{self, Published, Tally};
use crate::domain::budgets::{self, BallotType, Budget, BudgetProject};
use crate::domain::processes::{self, Capability, ProcessDetail};
use crate::domain::{now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

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
    let (has_voted, current, tallies, followed) = {
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
                Ok::<_, Error>((current.is_some(), current, tallies, followed))
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

/// One bar of the results chart.
struct Bar {
    code: String,
    title: String,
    votes: u64,
    selected: bool,
    y: usize,
    width: u64,
}

/// One project's line in the results table.
struct ResultRow {
    tally: Tally,
    selected: bool,
    reason: String,
}

#[derive(Template)]
#[template(path = "budget_results.html")]
struct ResultsPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    published: Published,
    rows: Vec<ResultRow>,
    bars: Vec<Bar>,
    chart_height: usize,
    receipt: Option<(String, bool)>,
    percent_used: String,
    percent_represented: String,
}

impl ResultsPage<'_> {
    fn rule_name(&self) -> String {
        self.layout.tr.t(&format!("rule-{}", self.published.rule))
    }
}

#[derive(Deserialize)]
struct ReceiptQuery {
    receipt: Option<String>,
}

fn published_or_404(budget: &Budget) -> Result<Published, AppError> {
    budget_results::published(budget).ok_or(AppError(Error::NotFound))
}

async fn results(
    ctx: Ctx,
    Path((slug, budget)): Path<(String, String)>,
    Query(q): Query<ReceiptQuery>,
) -> Result<Response, AppError> {
    let (detail, budget, _) = load(&ctx, slug, budget).await?;
    let published = published_or_404(&budget)?;
    let receipt = match q.receipt.filter(|r| !r.trim().is_empty()) {
        Some(r) => {
            let (b, key) = (budget.clone(), ctx.state.config.secret_key.clone());
            let shown = r.trim().to_string();
            let found = ctx
                .state
                .db
                .read(move |conn| ballots::receipt_is_counted(conn, &key, &b, &r))
                .await?;
            Some((shown, found))
        }
        None => None,
    };
    let outcome = &published.outcome;
    let selected = published.selected();
    let reason_of = |code: &str| -> String {
        let entry = outcome["not_selected"]
            .as_array()
            .and_then(|a| a.iter().find(|n| n["project"] == code));
        match entry.and_then(|n| n["reason"].as_str()) {
            Some("did-not-fit-remaining-budget") => ctx.tr.t_with(
                "reason-did-not-fit",
                &[(
                    "remaining",
                    entry.unwrap()["remaining"].as_str().unwrap_or("").to_string(),
                )],
            ),
            Some(key) => ctx.tr.t(&format!("reason-{key}")),
            None => String::new(),
        }
    };
    let mut rows: Vec<ResultRow> = published
        .tallies
        .iter()
        .map(|t| ResultRow {
            selected: selected.contains(&t.code),
            reason: reason_of(&t.code),
            tally: t.clone(),
        })
        .collect();
    rows.sort_by(|a, b| {
        b.tally
            .votes
            .cmp(&a.tally.votes)
            .then(a.tally.code.cmp(&b.tally.code))
    });
    let most = rows.iter().map(|r| r.tally.votes).max().unwrap_or(0).max(1);
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| Bar {
            code: r.tally.code.clone(),
            title: r.tally.title.clone(),
            votes: r.tally.votes,
            selected: r.selected,
            y: i * 28,
            width: r.tally.votes * 400 / most,
        })
        .collect();
    let percent = |v: &serde_json::Value, w: &serde_json::Value| {
        let (a, b) = (
            v.as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .or(v.as_f64())
                .unwrap_or(0.0),
            w.as_str()
                .and_then(|s| s.parse::<f64>().ok())
                .or(w.as_f64())
                .unwrap_or(0.0),
        );
        if b > 0.0 {
            format!("{:.1}", 100.0 * a / b)
        } else {
            "0".into()
        }
    };
    let percent_used = percent(&outcome["cost"], &outcome["budget"]);
    let percent_represented = percent(&outcome["voters_with_funded_project"], &outcome["voters"]);
    let title = ctx
        .tr
        .t_with("results-title", &[("budget", budget.title.clone())]);
    Ok(render(&ResultsPage {
        layout: Layout::new(&ctx, title),
        detail,
        chart_height: bars.len() * 28 + 10,
        bars,
        rows,
        budget,
        published,
        receipt,
        percent_used,
        percent_represented,
    }))
}

async fn results_json(ctx: Ctx, Path((slug, budget)): Path<(String, String)>) -> Result<Response, AppError> {
    let (_, budget, _) = load(&ctx, slug, budget).await?;
    published_or_404(&budget)?;
    // The stored text is served as is: re-serialising could change what the proof covers.
    let text = budget.published_outcome.unwrap_or_default();
    Ok((
        [(header::CONTENT_TYPE, "application/activity+json; charset=utf-8")],
        text,
    )
        .into_response())
}

async fn results_csv(ctx: Ctx, Path((slug, budget)): Path<(String, String)>) -> Result<Response, AppError> {
    let (_, budget, _) = load(&ctx, slug, budget).await?;
    let published = published_or_404(&budget)?;
    let selected = published.selected();
    let quote = |s: &str| format!("\"{}\"", s.replace('"', "\"\""));
    let mut csv = String::from("project_id,title,cost,votes,points,selected\n");
    for t in &published.tallies {
        csv += &format!(
            "{},{},{},{},{},{}\n",
            quote(&t.code),
            quote(&t.title),
            t.cost,
            t.votes,
            t.points,
            selected.contains(&t.code)
        );
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-results.csv\"", budget.slug),
            ),
        ],
        csv,
    )
        .into_response())
}

async fn ballot_log(ctx: Ctx, Path((slug, budget)): Path<(String, String)>) -> Result<Response, AppError> {
    let (_, budget, _) = load(&ctx, slug, budget).await?;
    published_or_404(&budget)?;
    let (b, key) = (budget.clone(), ctx.state.config.secret_key.clone());
    let (text, _) = ctx
        .state
        .db
        .read(move |conn| budgets::ballot_log(conn, &key, &b))
        .await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}-ballots.pb\"", budget.slug),
            ),
        ],
        text,
    )
        .into_response())
}
