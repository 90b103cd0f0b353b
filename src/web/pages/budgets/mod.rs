//! A budget's public pages: the ballot (projects as cards, a budget bar that a script keeps up
//! to date and a button that does without it), the review before casting and the receipt
//! (`cast`), each project's page (`project`), the results with their chart and downloads, and
//! the receipt check (`results`).

use std::sync::Arc;

use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;

use super::layout::Layout;
use super::render;
use crate::app::AppState;
use crate::domain::ballots::{self, CheckedBallot};
use crate::domain::budget_results::{self, Tally};
use crate::domain::budgets::{self, BallotType, Budget, BudgetProject};
use crate::domain::processes::{self, Capability, ProcessDetail};
use crate::domain::{now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

mod bar;
mod cast;
mod project;
mod results;

use bar::BudgetBar;
use results::{ballot_log, results, results_csv, results_json};

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/processes/{slug}/budgets/{budget}", get(show))
        .route("/processes/{slug}/budgets/{budget}/ballot", post(cast::ballot))
        .route(
            "/processes/{slug}/budgets/{budget}/ballot/review",
            post(cast::review),
        )
        .route(
            "/processes/{slug}/budgets/{budget}/projects/{project}",
            get(project::show),
        )
        .route("/processes/{slug}/budgets/{budget}/results", get(results))
        .route(
            "/processes/{slug}/budgets/{budget}/results.json",
            get(results_json),
        )
        .route("/processes/{slug}/budgets/{budget}/results.csv", get(results_csv))
        .route("/processes/{slug}/budgets/{budget}/ballots.pb", get(ballot_log))
}

/// A budget as its pages show it: its process, itself, its projects.
type Loaded = (ProcessDetail, Budget, Vec<BudgetProject>);

async fn load(ctx: &Ctx, slug: String, budget_slug: String) -> Result<Loaded, AppError> {
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

/// One project of the ballot, as a card: what it is, what it costs, and the choice control.
pub struct Card {
    pub project: BudgetProject,
    pub checked: bool,
    pub points: u64,
    /// The start of its description, as plain text.
    pub excerpt: String,
    /// The category of the proposal it came from.
    pub category: Option<String>,
    /// Its cost in the budget bar's unit, for the script.
    pub scaled_cost: String,
}

#[derive(Template)]
#[template(path = "budget.html")]
struct BudgetPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    cards: Vec<Card>,
    /// Why the signed-in person cannot vote now (translated), if they cannot.
    vote_denial: Option<String>,
    has_voted: bool,
    bar: BudgetBar,
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
        ballot_hint(self.layout.tr, &self.budget)
    }

    /// The budget's address, which the ballot's forms post under.
    fn base(&self) -> String {
        format!(
            "/processes/{}/budgets/{}",
            self.detail.process.slug, self.budget.slug
        )
    }

    fn project_path(&self, project: &BudgetProject) -> String {
        project_path(&self.detail, &self.budget, project)
    }
}

/// Where a project's own page is.
pub fn project_path(detail: &ProcessDetail, budget: &Budget, project: &BudgetProject) -> String {
    format!(
        "/processes/{}/budgets/{}/projects/{}",
        detail.process.slug, budget.slug, project.id
    )
}

/// What the ballot asks for, in a sentence.
fn ballot_hint(tr: &crate::i18n::Tr, budget: &Budget) -> String {
    match budget.ballot_type() {
        BallotType::Approval if budget.max_choices > 0 => tr.t_with(
            "ballot-hint-approval-max",
            &[
                ("min", budget.min_choices.max(1).to_string()),
                ("max", budget.max_choices.to_string()),
            ],
        ),
        BallotType::Approval => tr.t("ballot-hint-approval"),
        BallotType::Knapsack => tr.t("ballot-hint-knapsack"),
        BallotType::Cumulative => {
            tr.t_with("ballot-hint-cumulative", &[("points", tr.integer(budget.points))])
        }
        BallotType::Choose1 => tr.t("ballot-hint-choose-1"),
    }
}

/// The ballot's cards, with the person's current choices and each project's category (one
/// query for all of them).
async fn cards(
    ctx: &Ctx,
    budget: &Budget,
    projects: Vec<BudgetProject>,
    selection: &CheckedBallot,
) -> Result<Vec<Card>, AppError> {
    let places = bar::places(budget, &projects);
    let (projects, categories) = ctx
        .state
        .db
        .read(move |conn| {
            let categories = budgets::cards::categories_of(conn, &projects)?;
            Ok::<_, Error>((projects, categories))
        })
        .await?;
    Ok(projects
        .into_iter()
        .map(|p| {
            let at = selection.choices.iter().position(|c| *c == p.code);
            Card {
                checked: at.is_some(),
                points: at.and_then(|i| selection.points.get(i).copied()).unwrap_or(0),
                excerpt: budgets::cards::excerpt(&p.description, budgets::cards::EXCERPT_CHARS),
                category: categories.get(&p.id).cloned(),
                scaled_cost: bar::scaled_cost(&p, places),
                project: p,
            }
        })
        .collect())
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
    let bar = BudgetBar::new(&ctx.tr, &budget, &projects, &selection);
    let input_type = match budget.ballot_type() {
        BallotType::Choose1 => "radio",
        BallotType::Cumulative => "number",
        _ => "checkbox",
    };
    let cards = cards(ctx, &budget, projects, &selection).await?;
    let published = budget.published_outcome.is_some();
    let title = budget.title.clone();
    let mut response = render(&BudgetPage {
        layout: Layout::new(ctx, title),
        detail,
        budget,
        cards,
        vote_denial,
        has_voted,
        bar,
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
