//! What staff change in a process: its text and categories, who may act, whether it is
//! published; each change marks the process updated so its followers' copies refresh.

use diesel::prelude::*;
use serde::Deserialize;

use crate::db::schema::{categories, processes, users};
use crate::db::AnyConnection;
use crate::domain::eligibility::Rule;
use crate::domain::validate::{is_handle, Validator};
use crate::domain::{new_id, now, Error, Msg, Result};

use super::{detail_by_id, find_by_id, Category, Process};

/// Who may act, per capability, as staff set it; a rule left out keeps its current value.
#[derive(Debug, Clone, Default)]
pub struct RulesForm {
    pub endorse: Option<String>,
    pub propose: Option<String>,
    pub comment: Option<String>,
    pub vote: Option<String>,
    /// Peer towns (hosts, already normalised) whose residents count under `peers`.
    pub peer_hosts: Vec<String>,
}

/// Sets who may act in a process. An unknown rule changes nothing.
pub fn set_rules(conn: &mut AnyConnection, id: &str, form: &RulesForm) -> Result<()> {
    let chosen = [&form.endorse, &form.propose, &form.comment, &form.vote];
    if chosen
        .iter()
        .any(|r| r.as_deref().is_some_and(|r| Rule::parse(r).is_err()))
    {
        return Err(Error::invalid("rule", Msg::new("federation-rule-invalid")));
    }
    let current = find_by_id(conn, id)?;
    let pick = |sent: &Option<String>, now: &str| sent.clone().unwrap_or_else(|| now.to_string());
    diesel::update(processes::table.filter(processes::id.eq(id)))
        .set((
            processes::eligibility.eq(pick(&form.endorse, &current.eligibility)),
            processes::eligibility_propose.eq(pick(&form.propose, &current.eligibility_propose)),
            processes::eligibility_comment.eq(pick(&form.comment, &current.eligibility_comment)),
            processes::eligibility_vote.eq(pick(&form.vote, &current.eligibility_vote)),
            processes::peer_hosts.eq(form.peer_hosts.join(",")),
        ))
        .execute(conn)?;
    Ok(())
}

/// The fields staff edit on a process.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProcessForm {
    pub slug: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub scope: String,
    /// One category per line (or separated by commas).
    #[serde(default)]
    pub categories: String,
}

fn validate_process(conn: &mut AnyConnection, form: &ProcessForm, own_id: Option<&str>) -> Result<()> {
    let mut v = Validator::new();
    let slug = form.slug.trim();
    if !is_handle(slug) {
        v.add("slug", Msg::new("error-handle"));
    } else {
        let mut query = processes::table.filter(processes::slug.eq(slug)).into_boxed();
        if let Some(id) = own_id {
            query = query.filter(processes::id.ne(id));
        }
        let taken = query.count().get_result::<i64>(conn)? > 0
            || users::table
                .filter(users::username.eq(slug))
                .count()
                .get_result::<i64>(conn)?
                > 0;
        if taken {
            v.add("slug", Msg::new("error-handle-taken"));
        }
    }
    v.text("title", &form.title, 3, 150);
    v.text("description", &form.description, 10, 20_000);
    v.optional_text("scope", &form.scope, 150);
    for name in category_names(&form.categories) {
        if name.chars().count() > 60 {
            v.add("categories", Msg::new("error-too-long").arg("max", 60));
        }
    }
    v.finish()
}

fn category_names(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for name in text.split(['\n', ',']).map(str::trim).filter(|s| !s.is_empty()) {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// Creates an unpublished process.
pub fn create(conn: &mut AnyConnection, form: &ProcessForm) -> Result<Process> {
    validate_process(conn, form, None)?;
    let at = now();
    let id = new_id();
    diesel::insert_into(processes::table)
        .values((
            processes::id.eq(&id),
            processes::slug.eq(form.slug.trim()),
            processes::title.eq(form.title.trim()),
            processes::description.eq(form.description.trim()),
            processes::description_html.eq(crate::markdown::render(form.description.trim())),
            processes::scope.eq(form.scope.trim()),
            processes::published.eq(false),
            processes::created_at.eq(at),
            processes::updated_at.eq(at),
        ))
        .execute(conn)?;
    sync_categories(conn, &id, &form.categories)?;
    find_by_id(conn, &id)
}

/// Updates title, slug, description, scope and categories.
pub fn update(conn: &mut AnyConnection, id: &str, form: &ProcessForm) -> Result<Process> {
    find_by_id(conn, id)?;
    validate_process(conn, form, Some(id))?;
    diesel::update(processes::table.filter(processes::id.eq(id)))
        .set((
            processes::slug.eq(form.slug.trim()),
            processes::title.eq(form.title.trim()),
            processes::description.eq(form.description.trim()),
            processes::description_html.eq(crate::markdown::render(form.description.trim())),
            processes::scope.eq(form.scope.trim()),
            processes::updated_at.eq(now()),
        ))
        .execute(conn)?;
    sync_categories(conn, id, &form.categories)?;
    find_by_id(conn, id)
}

/// Keeps categories that are still listed (their proposals keep them), adds new ones, removes
/// the rest.
fn sync_categories(conn: &mut AnyConnection, process_id: &str, text: &str) -> Result<()> {
    let wanted = category_names(text);
    let existing: Vec<Category> = categories::table
        .filter(categories::process_id.eq(process_id))
        .select(Category::as_select())
        .load(conn)?;
    for old in &existing {
        if !wanted.contains(&old.name) {
            diesel::delete(categories::table.filter(categories::id.eq(&old.id))).execute(conn)?;
        }
    }
    for (position, name) in wanted.iter().enumerate() {
        let position = position as i32;
        match existing.iter().find(|c| &c.name == name) {
            Some(c) => {
                diesel::update(categories::table.filter(categories::id.eq(&c.id)))
                    .set(categories::position.eq(position))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(categories::table)
                    .values((
                        categories::id.eq(new_id()),
                        categories::process_id.eq(process_id),
                        categories::name.eq(name),
                        categories::position.eq(position),
                    ))
                    .execute(conn)?;
            }
        }
    }
    Ok(())
}

/// Publishes or unpublishes. A process needs at least one phase to be published.
pub fn set_published(conn: &mut AnyConnection, id: &str, published: bool) -> Result<()> {
    let detail = detail_by_id(conn, id)?;
    if published && detail.phases.is_empty() {
        return Err(Error::Conflict(Msg::new("error-publish-needs-phase")));
    }
    diesel::update(processes::table.filter(processes::id.eq(id)))
        .set((
            processes::published.eq(published),
            processes::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The process changed (its followers' copies are refreshed from `updated_at`).
pub(in crate::domain) fn touch(conn: &mut AnyConnection, process_id: &str) -> Result<()> {
    diesel::update(processes::table.filter(processes::id.eq(process_id)))
        .set(processes::updated_at.eq(now()))
        .execute(conn)?;
    Ok(())
}
