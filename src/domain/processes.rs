//! Participatory processes, their phases and categories, and the one rule that says what a phase
//! allows right now.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::eligibility::Rule;
use super::validate::{is_handle, Validator};
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::{categories, phases, processes, users};
use crate::db::AnyConnection;

pub use super::phases::{add_phase, delete_phase, update_phase, PhaseForm};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = processes)]
pub struct Process {
    pub id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub description_html: String,
    pub scope: String,
    pub published: bool,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// Who may endorse: a [`Rule`], as text; read through [`Process::rule_for`].
    pub eligibility: String,
    pub eligibility_propose: String,
    pub eligibility_comment: String,
    pub eligibility_vote: String,
    /// Peer towns (hosts) whose residents count under `peers`, comma-separated.
    pub peer_hosts: String,
}

impl Process {
    /// The rule for `capability`. A stored rule this version does not know reads as
    /// `Residents`, the strictest: nobody gains a right from it.
    pub fn rule_for(&self, capability: Capability) -> Rule {
        let stored = match capability {
            Capability::CreateProposal => &self.eligibility_propose,
            Capability::Endorse => &self.eligibility,
            Capability::Comment => &self.eligibility_comment,
            Capability::Vote => &self.eligibility_vote,
        };
        Rule::parse(stored).unwrap_or(Rule::Residents)
    }
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = phases)]
pub struct Phase {
    pub id: String,
    pub process_id: String,
    pub position: i32,
    pub kind: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    pub proposals_enabled: bool,
    pub endorsements_enabled: bool,
    pub comments_enabled: bool,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = categories)]
pub struct Category {
    pub id: String,
    pub process_id: String,
    pub name: String,
    pub position: i32,
}

super::stored::stored_enum! {
    /// The kinds of phase a process goes through, in their usual order; stored in `phases.kind`.
    pub enum PhaseKind {
        Information = "information",
        Proposals = "proposals",
        Evaluation = "evaluation",
        Vote = "vote",
        Results = "results",
        Implementation = "implementation",
    }
}

impl Phase {
    /// The stored kind; one this version does not know reads as `Information` (a phase that
    /// opens nothing by its kind alone).
    pub fn kind(&self) -> PhaseKind {
        PhaseKind::parse(&self.kind).unwrap_or(PhaseKind::Information)
    }
}

/// Things a citizen may do only while a phase allows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capability {
    CreateProposal,
    Endorse,
    Comment,
    /// Casting or changing a budget ballot: open exactly during a `vote` phase.
    Vote,
}

impl Capability {
    fn allowed_by(self, phase: &Phase) -> bool {
        match self {
            Capability::CreateProposal => phase.proposals_enabled,
            Capability::Endorse => phase.endorsements_enabled,
            Capability::Comment => phase.comments_enabled,
            Capability::Vote => phase.kind() == PhaseKind::Vote,
        }
    }

    fn denial_key(self) -> &'static str {
        match self {
            Capability::CreateProposal => "denied-proposals-closed",
            Capability::Endorse => "denied-endorsements-closed",
            Capability::Comment => "denied-comments-closed",
            Capability::Vote => "denied-vote-closed",
        }
    }
}

/// A process with its phases (in order) and categories.
#[derive(Debug, Clone, Serialize)]
pub struct ProcessDetail {
    pub process: Process,
    pub phases: Vec<Phase>,
    pub categories: Vec<Category>,
}

impl ProcessDetail {
    /// The phase whose dates contain `at`, if any.
    pub fn phase_at(&self, at: NaiveDateTime) -> Option<&Phase> {
        self.phases.iter().find(|p| p.starts_at <= at && at < p.ends_at)
    }

    /// The single place that decides whether `capability` is open now. The error says why not,
    /// and when it will open if a later phase allows it.
    pub fn check(&self, capability: Capability, at: NaiveDateTime) -> Result<(), Msg> {
        if !self.process.published {
            return Err(Msg::new("denied-not-published"));
        }
        if let Some(phase) = self.phase_at(at) {
            if capability.allowed_by(phase) {
                return Ok(());
            }
        }
        let current = self
            .phase_at(at)
            .map(|p| p.kind.clone())
            .unwrap_or_else(|| "none".into());
        let next = self
            .phases
            .iter()
            .filter(|p| p.starts_at > at && capability.allowed_by(p))
            .min_by_key(|p| p.starts_at);
        let msg = Msg::new(capability.denial_key()).arg("phase", current);
        Err(match next {
            Some(p) => msg.moment("opens", p.starts_at),
            None => msg.arg("opens", "never"),
        })
    }

    pub fn allows(&self, capability: Capability, at: NaiveDateTime) -> bool {
        self.check(capability, at).is_ok()
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }
}

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
pub(super) fn touch(conn: &mut AnyConnection, process_id: &str) -> Result<()> {
    diesel::update(processes::table.filter(processes::id.eq(process_id)))
        .set(processes::updated_at.eq(now()))
        .execute(conn)?;
    Ok(())
}

pub fn find_by_id(conn: &mut AnyConnection, id: &str) -> Result<Process> {
    Ok(processes::table
        .filter(processes::id.eq(id))
        .select(Process::as_select())
        .first(conn)?)
}

fn load_detail(conn: &mut AnyConnection, process: Process) -> Result<ProcessDetail> {
    let phases = phases::table
        .filter(phases::process_id.eq(&process.id))
        .order(phases::position.asc())
        .select(Phase::as_select())
        .load(conn)?;
    let categories = categories::table
        .filter(categories::process_id.eq(&process.id))
        .order(categories::position.asc())
        .select(Category::as_select())
        .load(conn)?;
    Ok(ProcessDetail {
        process,
        phases,
        categories,
    })
}

pub fn detail_by_id(conn: &mut AnyConnection, id: &str) -> Result<ProcessDetail> {
    let process = find_by_id(conn, id)?;
    load_detail(conn, process)
}

/// A process by its slug; unpublished ones only for staff (`include_unpublished`).
pub fn detail_by_slug(
    conn: &mut AnyConnection,
    slug: &str,
    include_unpublished: bool,
) -> Result<ProcessDetail> {
    let process: Process = processes::table
        .filter(processes::slug.eq(slug))
        .select(Process::as_select())
        .first(conn)?;
    if !process.published && !include_unpublished {
        return Err(Error::NotFound);
    }
    load_detail(conn, process)
}

/// Processes for the home page: published ones, newest first; staff also see drafts.
pub fn list(conn: &mut AnyConnection, include_unpublished: bool) -> Result<Vec<ProcessDetail>> {
    let mut query = processes::table
        .order(processes::created_at.desc())
        .select(Process::as_select())
        .into_boxed();
    if !include_unpublished {
        query = query.filter(processes::published.eq(true));
    }
    let found: Vec<Process> = query.load(conn)?;
    found.into_iter().map(|p| load_detail(conn, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn phase(kind: &str, start: NaiveDateTime, days: i64, endorse: bool) -> Phase {
        Phase {
            id: new_id(),
            process_id: "p".into(),
            position: 1,
            kind: kind.into(),
            starts_at: start,
            ends_at: start + Duration::days(days),
            proposals_enabled: kind == "proposals",
            endorsements_enabled: endorse,
            comments_enabled: true,
        }
    }

    fn detail(published: bool, phases: Vec<Phase>) -> ProcessDetail {
        let at = now();
        ProcessDetail {
            process: Process {
                id: "p".into(),
                slug: "budget".into(),
                title: "Budget".into(),
                description: String::new(),
                description_html: String::new(),
                scope: String::new(),
                published,
                created_at: at,
                updated_at: at,
                eligibility: "open".into(),
                eligibility_propose: "open".into(),
                eligibility_comment: "open".into(),
                eligibility_vote: "open".into(),
                peer_hosts: String::new(),
            },
            phases,
            categories: vec![],
        }
    }

    #[test]
    fn capability_follows_the_current_phase() {
        let t = now();
        let d = detail(true, vec![phase("proposals", t - Duration::days(1), 2, true)]);
        assert!(d.allows(Capability::CreateProposal, t));
        assert!(d.allows(Capability::Endorse, t));
        assert!(!d.allows(Capability::CreateProposal, t + Duration::days(3)));
    }

    #[test]
    fn denial_names_the_phase_and_when_it_opens() {
        let t = now();
        let d = detail(
            true,
            vec![
                phase("information", t - Duration::days(1), 2, false),
                phase("evaluation", t + Duration::days(1), 2, true),
            ],
        );
        let msg = d.check(Capability::Endorse, t).unwrap_err();
        assert_eq!(msg.key, "denied-endorsements-closed");
        assert_eq!(msg.args[0], ("phase", "information".to_string()));
        assert!(matches!(
            msg.shown[..],
            [("opens", crate::domain::Shown::Moment(_))]
        ));
    }

    #[test]
    fn unpublished_processes_allow_nothing() {
        let t = now();
        let d = detail(false, vec![phase("proposals", t - Duration::days(1), 2, true)]);
        assert_eq!(
            d.check(Capability::CreateProposal, t).unwrap_err().key,
            "denied-not-published"
        );
    }
}
