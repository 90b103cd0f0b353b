//! What staff do with a participatory budget once its vote has run: publish the signed results
//! and report on the funded projects' implementation. Followers hear of both.

use super::{act, AppState, Staff};
use crate::domain::budget_results::{self, Published};
use crate::domain::budgets;
use crate::domain::implementation::{self, UpdateForm};
use crate::domain::processes;
use crate::domain::Result;
use crate::federation::content::escape;
use crate::federation::outbox::Event;
use crate::i18n::Tr;

/// Publishes the signed results (again, if they were: the document is re-signed, followers hear
/// only the first time). Returns the process's and the budget's slugs.
pub async fn publish(state: &AppState, _staff: &Staff, budget_id: String) -> Result<(String, String)> {
    let base = state.config.public_url.to_string();
    let key = state.config.secret_key.clone();
    let site_base = state.site().base;
    // The summary for fediverse timelines speaks the town's language, not the staff member's.
    let town = state
        .i18n
        .tr(&state.config.default_locale)
        .in_zone(state.config.timezone);
    act(state, move |conn, effects| {
        let budget = budgets::find(conn, &budget_id)?;
        let detail = processes::detail_by_id(conn, &budget.process_id)?;
        let first_time = budget.published_outcome.is_none();
        let published = budget_results::publish(conn, &key, &base, &detail, &budget)?;
        if first_time {
            let summary_html =
                results_summary(&town, &site_base, &detail.process.slug, &budget.slug, &published);
            effects.federate(Event::ResultsPublished {
                budget_id: budget.id.clone(),
                summary_html,
            });
        }
        Ok((detail.process.slug, budget.slug))
    })
    .await
}

/// The readable summary of published results that followers' timelines show.
fn results_summary(
    tr: &Tr,
    base: &str,
    process_slug: &str,
    budget_slug: &str,
    published: &Published,
) -> String {
    let selected = published.selected();
    let funded: Vec<String> = published
        .tallies
        .iter()
        .filter(|t| selected.contains(&t.code))
        .map(|t| t.title.clone())
        .collect();
    let url = format!("{base}/processes/{process_slug}/budgets/{budget_slug}/results");
    let text = tr.t_with(
        "federation-results-summary",
        &[
            ("title", published.title.clone()),
            ("funded", funded.len().to_string()),
            ("projects", published.tallies.len().to_string()),
            ("ballots", tr.integer(published.ballots)),
            ("list", funded.join(", ")),
        ],
    );
    format!("<p>{}</p><p><a href=\"{url}\">{url}</a></p>", escape(&text))
}

/// Records a dated implementation update on a funded project; followers get it as a note.
pub async fn add_update(state: &AppState, _staff: &Staff, budget_id: String, form: UpdateForm) -> Result<()> {
    let town = state
        .i18n
        .tr(&state.config.default_locale)
        .in_zone(state.config.timezone);
    act(state, move |conn, effects| {
        let budget = budgets::find(conn, &budget_id)?;
        let update = implementation::add_update(conn, &budget, &form)?;
        let project = budgets::projects(conn, &budget.id)?
            .into_iter()
            .find(|p| p.id == update.project_id)
            .map(|p| p.title)
            .unwrap_or_default();
        let html = format!(
            "<p>{}</p>",
            escape(&town.t_with(
                "federation-implementation-news",
                &[
                    ("project", project),
                    ("status", town.t(&format!("status-{}", update.status))),
                    ("progress", town.percent(update.progress.to_string())),
                    ("note", update.note.clone()),
                ],
            ))
        );
        effects.federate(Event::News {
            process_id: budget.process_id,
            html,
        });
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::budget_results::Tally;
    use crate::i18n::I18n;

    fn published(ballots: i64) -> Published {
        let tally = |code: &str, title: &str| Tally {
            code: code.into(),
            title: title.into(),
            cost: "130000".into(),
            votes: 1,
            points: 0,
        };
        Published {
            budget: "ville".into(),
            title: "Budget de la ville".into(),
            currency: "EUR".into(),
            rule: "greedy".into(),
            outcome: serde_json::json!({ "selected": ["a"] }),
            tallies: vec![tally("a", "Jardin"), tally("b", "Pistes")],
            ballots,
            ballots_set_aside: 0,
            ballot_log_sha256: String::new(),
        }
    }

    #[test]
    fn the_results_summary_writes_counts_in_the_towns_language() {
        let summary = |lang: &str| {
            let tr = I18n::shared().tr(lang);
            results_summary(&tr, "https://ville.test", "budget", "ville", &published(12345))
        };
        let fr = summary("fr");
        assert!(fr.contains("12\u{202F}345 bulletins comptés"), "{fr}");
        assert!(fr.contains("(Jardin)"), "{fr}");
        let en = summary("en");
        assert!(en.contains("12,345 ballots counted"), "{en}");
        assert!(
            en.contains("https://ville.test/processes/budget/budgets/ville/results"),
            "{en}"
        );
    }
}
