//! Participatory processes, their phases and categories, and the one rule that says what a phase
//! allows right now.

mod editing;
mod parts_cache;

pub(in crate::domain) use editing::touch;
pub use editing::{create, set_published, set_rules, update, ProcessForm, RulesForm};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use super::eligibility::Rule;
use super::{Error, Msg, Result};
use crate::db::schema::{categories, phases, processes};
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

pub fn find_by_id(conn: &mut AnyConnection, id: &str) -> Result<Process> {
    Ok(processes::table
        .filter(processes::id.eq(id))
        .select(Process::as_select())
        .first(conn)?)
}

/// A process read by the caller (joined to what it read with it), with its phases and
/// categories.
pub fn detail_of(conn: &mut AnyConnection, process: Process) -> Result<ProcessDetail> {
    let (phases, categories) = parts_cache::phases_and_categories(conn, &process)?;
    Ok(ProcessDetail {
        process,
        phases,
        categories,
    })
}

pub fn detail_by_id(conn: &mut AnyConnection, id: &str) -> Result<ProcessDetail> {
    let process = find_by_id(conn, id)?;
    detail_of(conn, process)
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
    detail_of(conn, process)
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
    found.into_iter().map(|p| detail_of(conn, p)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{new_id, now};
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
