//! Filling in, reviewing and casting a ballot, without JavaScript: the ballot form posts to
//! `review` (choices checked, listed with their total, carried on in hidden fields) or back to
//! `ballot` to update the total; the review posts to `ballot` to cast or to change the choices.
//! The cast checks everything again, so what a review page carries proves nothing.

use askama::Template;
use axum::extract::{Path, RawForm};
use axum::http::StatusCode;
use axum::response::Response;

use super::bar::BudgetBar;
use super::{load, page, Loaded};
use crate::app;
use crate::domain::accounts::User;
use crate::domain::ballots::{self, BallotInput, CheckedBallot};
use crate::domain::budgets::{BallotType, Budget};
use crate::domain::processes::{Capability, ProcessDetail};
use crate::domain::{eligibility, now, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::layout::Layout;
use crate::web::pages::render;

#[derive(Template)]
#[template(path = "receipt.html")]
struct ReceiptPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    receipt: String,
}

/// One chosen project on the review page.
struct ReviewLine {
    title: String,
    cost: String,
    /// Points given (cumulative ballots), else 0.
    points: u64,
}

#[derive(Template)]
#[template(path = "ballot_review.html")]
struct ReviewPage<'a> {
    layout: Layout<'a>,
    detail: ProcessDetail,
    budget: Budget,
    lines: Vec<ReviewLine>,
    /// The choices again, as the ballot form sends them, for the cast or the change.
    hidden: Vec<(String, String)>,
    bar: BudgetBar,
    has_voted: bool,
}

impl ReviewPage<'_> {
    /// "12 points", grouped from 1,000 on.
    fn points(&self, n: &u64) -> String {
        let n = i64::try_from(*n).unwrap_or(i64::MAX);
        self.layout.tr.plural("review-points", "points", n, &[])
    }
}

/// The form shown again with the choices as sent, and why they cannot be cast (422), or with
/// the total updated (200).
async fn form_again(
    ctx: &Ctx,
    (detail, budget, projects): Loaded,
    input: &BallotInput,
    refused: Option<Error>,
) -> Result<Response, AppError> {
    let selection = CheckedBallot {
        choices: input.choices.clone(),
        points: input.points.clone(),
    };
    let (error, status) = match refused {
        Some(Error::Invalid(errors)) => (
            Some(
                errors
                    .iter()
                    .map(|e| ctx.tr.msg(&e.msg))
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Some(other) => return Err(other.into()),
        None => (None, StatusCode::OK),
    };
    page(ctx, detail, budget, projects, Some(selection), error, status).await
}

/// What both posts of the ballot form start from: the voter (signed in), the budget with its
/// process and projects, the choices sent, and whether they are to be cast.
async fn posted_ballot(
    ctx: &Ctx,
    slug: String,
    budget: String,
    bytes: &[u8],
) -> Result<(User, Loaded, BallotInput, bool), AppError> {
    let user = ctx.require_user()?.clone();
    let loaded = load(ctx, slug, budget).await?;
    let (input, cast) = ballots::parse_form(bytes);
    Ok((user, loaded, input, cast))
}

/// `POST …/ballot`: `action=cast` casts (every rule checked again, in the cast's transaction);
/// anything else (`check`, `change`) shows the form again with these choices and their total.
pub(super) async fn ballot(
    ctx: Ctx,
    Path((slug, budget)): Path<(String, String)>,
    RawForm(bytes): RawForm,
) -> Result<Response, AppError> {
    let (user, (detail, budget, projects), input, cast) = posted_ballot(&ctx, slug, budget, &bytes).await?;
    let checked = ballots::check(&budget, &projects, &input);
    if !cast || checked.is_err() {
        let refused = if cast { checked.err() } else { None };
        return form_again(&ctx, (detail, budget, projects), &input, refused).await;
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

/// `POST …/ballot/review`: the choices checked as the cast will check them (who may vote now,
/// the ballot's rules) and listed with their total; nothing is stored.
pub(super) async fn review(
    ctx: Ctx,
    Path((slug, budget)): Path<(String, String)>,
    RawForm(bytes): RawForm,
) -> Result<Response, AppError> {
    let (user, (detail, budget, projects), input, _) = posted_ballot(&ctx, slug, budget, &bytes).await?;
    let has_voted = {
        let (detail, budget, key) = (
            detail.clone(),
            budget.clone(),
            ctx.state.config.secret_key.clone(),
        );
        ctx.state
            .db
            .read(move |conn| {
                detail.check(Capability::Vote, now()).map_err(Error::Forbidden)?;
                eligibility::check(conn, &detail, Capability::Vote, &user)?;
                Ok::<_, Error>(ballots::current(conn, &key, &budget, &user)?.is_some())
            })
            .await?
    };
    let ballot = match ballots::check(&budget, &projects, &input) {
        Ok(ballot) => ballot,
        Err(refused) => return form_again(&ctx, (detail, budget, projects), &input, Some(refused)).await,
    };
    let cumulative = budget.ballot_type() == BallotType::Cumulative;
    let mut lines = Vec::with_capacity(ballot.choices.len());
    let mut hidden = Vec::with_capacity(ballot.choices.len());
    for (i, code) in ballot.choices.iter().enumerate() {
        let Some(project) = projects.iter().find(|p| p.code == *code) else {
            continue;
        };
        let points = if cumulative {
            ballot.points.get(i).copied().unwrap_or(0)
        } else {
            0
        };
        lines.push(ReviewLine {
            title: project.title.clone(),
            cost: ctx.tr.amount(&project.cost, &budget.currency),
            points,
        });
        hidden.push(if cumulative {
            (format!("points-{code}"), points.to_string())
        } else {
            ("choice".to_string(), code.clone())
        });
    }
    let bar = BudgetBar::new(&ctx.tr, &budget, &projects, &ballot);
    let title = ctx.tr.t("review-title");
    Ok(render(&ReviewPage {
        layout: Layout::new(&ctx, title),
        detail,
        budget,
        lines,
        hidden,
        bar,
        has_voted,
    }))
}
