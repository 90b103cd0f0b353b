//! Following funded projects after the vote: dated updates with a status and a progress
//! percentage, shown publicly. Only projects the published outcome funds can be followed.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::budget_results;
use super::budgets::{self, Budget, BudgetProject};
use super::validate::Validator;
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::project_updates;
use crate::db::AnyConnection;

/// Where a funded project stands.
pub const STATUSES: [&str; 5] = ["planned", "in-progress", "delayed", "done", "cancelled"];

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = project_updates)]
pub struct ProjectUpdate {
    pub id: String,
    pub project_id: String,
    pub status: String,
    pub progress: i32,
    pub note: String,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct UpdateForm {
    pub project_id: String,
    pub status: String,
    pub progress: String,
    #[serde(default)]
    pub note: String,
}

/// A funded project with its updates, newest first.
#[derive(Debug, Clone, Serialize)]
pub struct Followed {
    pub project: BudgetProject,
    pub updates: Vec<ProjectUpdate>,
}

impl Followed {
    pub fn latest(&self) -> Option<&ProjectUpdate> {
        self.updates.first()
    }
}

/// Funded projects of a published budget with their updates (empty before publication).
pub fn followed(conn: &mut AnyConnection, budget: &Budget) -> Result<Vec<Followed>> {
    let Some(published) = budget_results::published(budget) else {
        return Ok(Vec::new());
    };
    let funded = published.selected();
    let projects: Vec<BudgetProject> = budgets::projects(conn, &budget.id)?
        .into_iter()
        .filter(|p| funded.contains(&p.code))
        .collect();
    let ids: Vec<&str> = projects.iter().map(|p| p.id.as_str()).collect();
    let mut by_project: HashMap<String, Vec<ProjectUpdate>> = HashMap::new();
    for u in project_updates::table
        .filter(project_updates::project_id.eq_any(&ids))
        .order((project_updates::created_at.desc(), project_updates::id.desc()))
        .select(ProjectUpdate::as_select())
        .load(conn)?
    {
        by_project.entry(u.project_id.clone()).or_default().push(u);
    }
    Ok(projects
        .into_iter()
        .map(|p| Followed {
            updates: by_project.remove(&p.id).unwrap_or_default(),
            project: p,
        })
        .collect())
}

/// Records an update on a funded project of `budget`.
pub fn add_update(conn: &mut AnyConnection, budget: &Budget, form: &UpdateForm) -> Result<ProjectUpdate> {
    let mut v = Validator::new();
    if !STATUSES.contains(&form.status.as_str()) {
        v.add("status", Msg::new("error-choose-one"));
    }
    let progress = match form.progress.trim().parse::<i32>() {
        Ok(p) if (0..=100).contains(&p) => p,
        _ => {
            v.add("progress", Msg::new("error-percent"));
            0
        }
    };
    v.optional_text("note", &form.note, 5_000);
    v.finish()?;
    let funded = followed(conn, budget)?;
    if !funded.iter().any(|f| f.project.id == form.project_id) {
        return Err(Error::Forbidden(Msg::new("denied-not-funded")));
    }
    let id = new_id();
    diesel::insert_into(project_updates::table)
        .values((
            project_updates::id.eq(&id),
            project_updates::project_id.eq(&form.project_id),
            project_updates::status.eq(&form.status),
            project_updates::progress.eq(progress),
            project_updates::note.eq(form.note.trim()),
            project_updates::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(project_updates::table
        .find(&id)
        .select(ProjectUpdate::as_select())
        .first(conn)?)
}
