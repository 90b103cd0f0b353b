//! What staff do with a participatory budget: create it (from a form or a `.pb` file), list its
//! projects, and once its vote has run, publish the signed results and report on the funded
//! projects' implementation. Followers hear of the last two.

use super::{act, AppState, Staff};
use crate::budgeting::pabulib::Election;
use crate::domain::budget_results::{self, Published};
use crate::domain::budgets::{self, Budget, BudgetForm, BudgetProject, ProjectForm};
use crate::domain::implementation::{self, UpdateForm};
use crate::domain::notifications::events;
use crate::domain::processes;
use crate::domain::Result;
use crate::federation::content::escape;
use crate::federation::outbox::Event;
use crate::i18n::Tr;

/// Creates an empty budget in a process; its projects are added one by one.
pub async fn create(
    state: &AppState,
    _staff: &Staff,
    process_id: String,
    form: BudgetForm,
) -> Result<Budget> {
    act(state, move |conn, _effects| {
        budgets::create(conn, &process_id, &form)
    })
    .await
}

/// Adds a project to a budget (from an accepted proposal of the process, or written anew).
pub async fn add_project(
    state: &AppState,
    _staff: &Staff,
    budget_id: String,
    form: ProjectForm,
) -> Result<BudgetProject> {
    act(state, move |conn, _effects| {
        let budget = budgets::find(conn, &budget_id)?;
        budgets::add_project(conn, &budget, &form)
    })
    .await
}

/// What names an imported budget; the rest (projects, ballots, amount) comes from the file.
#[derive(Debug, Clone, Default)]
pub struct ImportForm {
    pub slug: String,
    pub title: String,
    pub currency: String,
    pub rule: String,
}

/// Creates a budget from a `.pb` file's projects and ballots, all or nothing. `staff` is `None`
/// for the operator at the command line (`plenum admin import-budget`).
pub async fn import(
    state: &AppState,
    _staff: Option<&Staff>,
    process_id: String,
    form: ImportForm,
    election: Election,
) -> Result<Budget> {
    act(state, move |conn, _effects| {
        budgets::import(
            conn,
            &process_id,
            form.slug.trim(),
            form.title.trim(),
            form.currency.trim(),
            form.rule.trim(),
            &election,
        )
    })
    .await
}

/// Publishes the signed results (again, if they were: the document is re-signed, followers hear
/// only the first time). Returns the process's and the budget's slugs.
pub async fn publish(state: &AppState, staff: &Staff, budget_id: String) -> Result<(String, String)> {
    let base = state.config.public_url.to_string();
    let key = state.config.secret_key.clone();
    let site_base = state.site().base;
    // The summary for fediverse timelines speaks the town's language, not the staff member's.
    let town = state.town_tr();
    let staff_id = staff.user().id.clone();
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
            events::results_published(conn, &budget.process_id, &detail.process.slug, &budget, &staff_id)?;
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
    let town = state.town_tr();
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
