//! A budget's published results: the page (facts, chart, table, receipt check) and the
//! machine-readable downloads (the signed JSON document, CSV, the ballot log as `.pb`), which keep
//! raw values.

use askama::Template;
use axum::extract::{Path, Query};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::load;
use crate::domain::ballots;
use crate::domain::budget_results::{self, Published, Tally};
use crate::domain::budgets::{self, Budget};
use crate::domain::processes::ProcessDetail;
use crate::domain::Error;
use crate::i18n::percent_of;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::layout::Layout;
use crate::web::pages::render;

/// One bar of the results chart.
struct Bar {
    /// The project's name, shortened to fit the chart's width (it stands above its bar).
    label: String,
    /// The whole name, for the bar's `<title>` (read on hover and by screen readers).
    title: String,
    /// The votes as the reader writes numbers.
    votes: String,
    selected: bool,
    y: usize,
    width: u64,
}

/// Longest project name shown above a bar, in characters: about the chart's width.
const BAR_LABEL_CHARS: usize = 48;

/// Widest bar, in the chart's units (480 wide): leaves room for the votes after it. Each name
/// stands on its own line above its bar, so the chart stays narrow and a phone shows it whole,
/// its text as large as the page's small print, instead of shrinking a label column and bars
/// side by side until neither can be read.
const BAR_MAX_WIDTH: u64 = 330;

/// Height of one project in the chart: its name, then its bar.
const ROW_HEIGHT: usize = 50;

/// `title` cut to `max` characters (see [`crate::markdown::shorten`]).
fn shortened(title: &str, max: usize) -> String {
    crate::markdown::shorten(title, max)
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
pub(super) struct ReceiptQuery {
    receipt: Option<String>,
}

fn published_or_404(budget: &Budget) -> Result<Published, AppError> {
    budget_results::published(budget).ok_or(AppError(Error::NotFound))
}

pub(super) async fn results(
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
            Some("did-not-fit-remaining-budget") => {
                let remaining = entry.and_then(|n| n["remaining"].as_str()).unwrap_or("");
                ctx.tr.t_with(
                    "reason-did-not-fit",
                    &[("remaining", ctx.tr.amount(remaining, &budget.currency))],
                )
            }
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
            label: shortened(&r.tally.title, BAR_LABEL_CHARS),
            title: r.tally.title.clone(),
            votes: ctx.tr.integer(r.tally.votes),
            selected: r.selected,
            y: i * ROW_HEIGHT,
            width: r.tally.votes.saturating_mul(BAR_MAX_WIDTH) / most,
        })
        .collect();
    // The published document writes amounts as decimal texts and counts as numbers.
    let number = |v: &serde_json::Value| {
        v.as_str()
            .and_then(|s| s.parse::<f64>().ok())
            .or(v.as_f64())
            .unwrap_or(0.0)
    };
    let percent = |v: &serde_json::Value, w: &serde_json::Value| percent_of(number(v), number(w));
    let percent_used = percent(&outcome["cost"], &outcome["budget"]);
    let percent_represented = percent(&outcome["voters_with_funded_project"], &outcome["voters"]);
    let title = ctx
        .tr
        .t_with("results-title", &[("budget", budget.title.clone())]);
    Ok(render(&ResultsPage {
        layout: Layout::new(&ctx, title),
        detail,
        chart_height: bars.len() * ROW_HEIGHT + 8,
        bars,
        rows,
        budget,
        published,
        receipt,
        percent_used,
        percent_represented,
    }))
}

pub(super) async fn results_json(
    ctx: Ctx,
    Path((slug, budget)): Path<(String, String)>,
) -> Result<Response, AppError> {
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

pub(super) async fn results_csv(
    ctx: Ctx,
    Path((slug, budget)): Path<(String, String)>,
) -> Result<Response, AppError> {
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

pub(super) async fn ballot_log(
    ctx: Ctx,
    Path((slug, budget)): Path<(String, String)>,
) -> Result<Response, AppError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_names_are_cut_on_a_word_with_an_ellipsis() {
        assert_eq!(shortened("Jardin partagé", 30), "Jardin partagé");
        assert_eq!(
            shortened("Rénovation complète du gymnase de l'école Jean Jaurès", 30),
            "Rénovation complète du…"
        );
        // One long word is cut inside it rather than dropped.
        assert_eq!(shortened("Anticonstitutionnellement", 10), "Anticonst…");
        assert!(shortened(&"é".repeat(100), 30).chars().count() <= 30);
    }
}
