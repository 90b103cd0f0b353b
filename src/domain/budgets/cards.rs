//! What a citizen reads of a budget's projects beyond their rows: a short excerpt of the
//! description, and the category of the proposal a project came from. Read for the whole ballot
//! in one query, so the ballot costs the same whatever its number of projects.

use std::collections::HashMap;

use diesel::prelude::*;

use super::BudgetProject;
use crate::db::schema::{budget_projects, categories, proposals};
use crate::db::AnyConnection;
use crate::domain::Result;

/// Longest excerpt of a project's description on a ballot card, in characters.
pub const EXCERPT_CHARS: usize = 220;

/// The category name of each project that came from a categorised proposal, by project id.
pub fn categories_of(
    conn: &mut AnyConnection,
    projects: &[BudgetProject],
) -> Result<HashMap<String, String>> {
    let from: Vec<&str> = projects.iter().filter_map(|p| p.proposal_id.as_deref()).collect();
    if from.is_empty() {
        return Ok(HashMap::new());
    }
    let names: HashMap<String, String> = proposals::table
        .inner_join(categories::table)
        .filter(proposals::id.eq_any(&from))
        .select((proposals::id, categories::name))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    Ok(projects
        .iter()
        .filter_map(|p| {
            let name = names.get(p.proposal_id.as_deref()?)?;
            Some((p.id.clone(), name.clone()))
        })
        .collect())
}

/// One project of one budget: a project id given with another budget's address is not found.
pub fn project_of(conn: &mut AnyConnection, budget_id: &str, project_id: &str) -> Result<BudgetProject> {
    Ok(budget_projects::table
        .filter(budget_projects::budget_id.eq(budget_id))
        .filter(budget_projects::id.eq(project_id))
        .select(BudgetProject::as_select())
        .first(conn)?)
}

/// The description as plain text (its Markdown rendered, tags dropped, spaces folded), cut to
/// `max` characters on a word with an ellipsis.
pub fn excerpt(markdown: &str, max: usize) -> String {
    let text = crate::markdown::plain_text(&crate::markdown::render(markdown));
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::markdown::shorten(&folded, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_is_plain_text_cut_on_a_word() {
        assert_eq!(
            excerpt("Install **six benches**\n\n- under the trees", 100),
            "Install six benches under the trees"
        );
        let long = "word ".repeat(100);
        let cut = excerpt(&long, 30);
        assert!(cut.ends_with('…') && cut.chars().count() <= 30, "{cut}");
        // Markup the author typed is not kept as markup, nor shown as tags.
        assert_eq!(excerpt("<script>alert(1)</script>Shade", 50), "Shade");
    }
}
