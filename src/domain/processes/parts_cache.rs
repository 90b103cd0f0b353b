//! A node's copy of each process's phases and categories, checked against the process row.
//!
//! Nearly every page and inbound activity reads a process with its phases and categories: three
//! statements, two of them for rows that change a few times in a process's life. Every change to
//! phases or categories also sets the process's `updated_at` in the same transaction
//! (`editing::touch`, `editing::update`), and the process row is read fresh each time; so the
//! phases and categories remembered for the `updated_at` just read are the current ones, on every
//! node, with no delay to document. The phases are read after the process row, so what is kept
//! under a given `updated_at` is never older than it: a change committed in between only makes the
//! next read miss.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::{Category, Phase, Process};
use crate::db::schema::{categories, phases};
use crate::db::AnyConnection;
use crate::domain::Result;

/// Enough for every process a town runs; past it the map starts again from empty.
const MAX_PROCESSES: usize = 1024;

/// What is remembered of one process, with the `updated_at` it was read under.
struct Parts {
    updated_at: NaiveDateTime,
    phases: Vec<Phase>,
    categories: Vec<Category>,
}

/// Keyed by process id: ids are drawn at random, so two towns in one process (tests) never
/// share an entry.
static PARTS: LazyLock<Mutex<HashMap<String, Parts>>> = LazyLock::new(Default::default);

/// The phases (in order) and categories of `process`, from memory when its `updated_at` has
/// not moved since they were read.
pub(super) fn phases_and_categories(
    conn: &mut AnyConnection,
    process: &Process,
) -> Result<(Vec<Phase>, Vec<Category>)> {
    if let Some(found) = remembered(process) {
        return Ok(found);
    }
    let read_phases: Vec<Phase> = phases::table
        .filter(phases::process_id.eq(&process.id))
        .order(phases::position.asc())
        .select(Phase::as_select())
        .load(conn)?;
    let read_categories: Vec<Category> = categories::table
        .filter(categories::process_id.eq(&process.id))
        .order(categories::position.asc())
        .select(Category::as_select())
        .load(conn)?;
    if let Ok(mut parts) = PARTS.lock() {
        if parts.len() >= MAX_PROCESSES {
            parts.clear();
        }
        parts.insert(
            process.id.clone(),
            Parts {
                updated_at: process.updated_at,
                phases: read_phases.clone(),
                categories: read_categories.clone(),
            },
        );
    }
    Ok((read_phases, read_categories))
}

fn remembered(process: &Process) -> Option<(Vec<Phase>, Vec<Category>)> {
    let parts = PARTS.lock().ok()?;
    let found = parts.get(&process.id)?;
    (found.updated_at == process.updated_at).then(|| (found.phases.clone(), found.categories.clone()))
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use diesel::RunQueryDsl;

    use super::super::{
        add_phase, create, detail_by_id, touch, update, update_phase, PhaseForm, ProcessForm,
    };
    use crate::db::testing::TestDatabase;
    use crate::db::Db;
    use crate::domain::now;

    fn form(categories: &str) -> ProcessForm {
        ProcessForm {
            slug: "berges".into(),
            title: "Les berges".into(),
            description: "Aménager les berges.".into(),
            scope: String::new(),
            categories: categories.into(),
        }
    }

    fn phase(kind: &str, endorse: bool) -> PhaseForm {
        PhaseForm {
            kind: kind.into(),
            starts_at: now() - Duration::days(1),
            ends_at: now() + Duration::days(10),
            proposals_enabled: true,
            endorsements_enabled: endorse,
            comments_enabled: true,
        }
    }

    /// Each change to phases or categories made through the domain is seen by the very next read;
    /// a change elsewhere (another node) is seen as soon as the process row says so.
    #[test]
    fn every_change_to_phases_or_categories_is_read_at_once() {
        let database = TestDatabase::fresh();
        let db = Db::connect(&database.url).expect("connect");
        db.write_blocking(|conn| -> crate::domain::Result<()> {
            let process = create(conn, &form("Parcs\nVoirie"))?;
            let added = add_phase(conn, &process.id, &phase("proposals", false))?;
            let first = detail_by_id(conn, &process.id)?;
            assert_eq!(first.phases.len(), 1);
            assert!(!first.phases[0].endorsements_enabled);
            assert_eq!(first.categories.len(), 2);
            // Read twice: the second comes from memory, and is the same.
            assert_eq!(detail_by_id(conn, &process.id)?.phases.len(), 1);

            update_phase(conn, &process.id, &added.id, &phase("proposals", true))?;
            assert!(detail_by_id(conn, &process.id)?.phases[0].endorsements_enabled);

            update(conn, &process.id, &form("Parcs"))?;
            let names: Vec<String> = detail_by_id(conn, &process.id)?
                .categories
                .into_iter()
                .map(|c| c.name)
                .collect();
            assert_eq!(names, vec!["Parcs".to_string()]);

            // A row changed without its process being touched is not read again: the phases
            // come from memory while `updated_at` stands still...
            let end_endorsements = format!(
                "UPDATE phases SET endorsements_enabled = false WHERE id = '{}'",
                added.id
            );
            diesel::sql_query(end_endorsements).execute(conn)?;
            assert!(detail_by_id(conn, &process.id)?.phases[0].endorsements_enabled);
            // ...and another node's change, which touches the process in the same transaction
            // as the domain always does, is read at once.
            touch(conn, &process.id)?;
            assert!(!detail_by_id(conn, &process.id)?.phases[0].endorsements_enabled);
            Ok(())
        })
        .expect("changes");
    }
}
