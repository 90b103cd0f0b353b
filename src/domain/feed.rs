//! What a news feed says happened in a process or in the whole town: new proposals, official
//! answers, published budget results and implementation updates, newest first.
//!
//! A feed is read by anyone, signed in or not, and is cached by feed readers, so it holds only
//! what an anonymous visitor may see: published processes, proposals that are not hidden, and
//! results whose tallies are public.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::budget_results;
use super::budgets::{self, Budget};
use super::implementation;
use super::processes::{self, Process, ProcessDetail};
use super::proposals::Proposal;
use super::Result;
use crate::db::schema::{proposals, users};
use crate::db::AnyConnection;

/// Most entries in one feed: a feed reader polls often and only needs what is new.
pub const MAX_ENTRIES: usize = 50;

/// What happened, with what a feed needs to say it.
#[derive(Debug, Clone)]
pub enum Event {
    /// A citizen published a proposal (`body_html` is sanitised Markdown).
    Proposed {
        proposal: Proposal,
        author: Option<String>,
    },
    /// The town answered a proposal and gave it a state (`answer_html` is sanitised Markdown).
    Answered { proposal: Proposal },
    /// A budget's outcome was published; `funded` are the titles of the funded projects.
    ResultsPublished {
        budget: Budget,
        funded: Vec<String>,
        ballots: i64,
    },
    /// Staff reported how far a funded project has got.
    ProjectUpdated {
        budget: Budget,
        project: String,
        update: implementation::ProjectUpdate,
    },
}

/// One entry, in the process it belongs to.
#[derive(Debug, Clone)]
pub struct Entry {
    pub process: Process,
    pub event: Event,
    pub at: NaiveDateTime,
}

impl Entry {
    /// The page this entry is about, as a path from the site's root.
    pub fn path(&self) -> String {
        match &self.event {
            Event::Proposed { proposal, .. } | Event::Answered { proposal } => {
                format!("/proposals/{}", proposal.id)
            }
            Event::ResultsPublished { budget, .. } => {
                format!("/processes/{}/budgets/{}/results", self.process.slug, budget.slug)
            }
            Event::ProjectUpdated { budget, .. } => {
                format!("/processes/{}/budgets/{}", self.process.slug, budget.slug)
            }
        }
    }

    /// A path with a fragment that names this entry alone and never changes: a feed reader
    /// shows an entry again as new when its id changes.
    pub fn id_path(&self) -> String {
        match &self.event {
            Event::Proposed { .. } => self.path(),
            Event::Answered { proposal } => format!(
                "{}#answer-{}",
                self.path(),
                proposal
                    .answered_at
                    .unwrap_or(self.at)
                    .and_utc()
                    .timestamp_micros()
            ),
            Event::ResultsPublished { .. } => self.path(),
            Event::ProjectUpdated { update, .. } => format!("{}#update-{}", self.path(), update.id),
        }
    }
}

/// The town's feed: every published process.
pub fn town(conn: &mut AnyConnection) -> Result<Vec<Entry>> {
    let visible = processes::list(conn, false)?;
    entries(conn, &visible)
}

/// One process's feed; an unpublished process is not found.
pub fn process(conn: &mut AnyConnection, slug: &str) -> Result<(ProcessDetail, Vec<Entry>)> {
    let detail = processes::detail_by_slug(conn, slug, false)?;
    let found = entries(conn, std::slice::from_ref(&detail))?;
    Ok((detail, found))
}

fn entries(conn: &mut AnyConnection, visible: &[ProcessDetail]) -> Result<Vec<Entry>> {
    let ids: Vec<&str> = visible.iter().map(|d| d.process.id.as_str()).collect();
    let process_of = |id: &str| visible.iter().find(|d| d.process.id == id);
    let limit = MAX_ENTRIES as i64;
    let mut found = Vec::new();

    let proposed: Vec<(Proposal, Option<String>)> = proposals::table
        .left_join(users::table)
        .filter(proposals::process_id.eq_any(&ids))
        .filter(proposals::hidden.eq(false))
        .order((proposals::created_at.desc(), proposals::id.desc()))
        .limit(limit)
        .select((Proposal::as_select(), users::display_name.nullable()))
        .load(conn)?;
    for (proposal, author) in proposed {
        if let Some(detail) = process_of(&proposal.process_id) {
            found.push(Entry {
                process: detail.process.clone(),
                at: proposal.created_at,
                event: Event::Proposed {
                    proposal,
                    author: author.filter(|n| !n.is_empty()),
                },
            });
        }
    }

    let answered: Vec<Proposal> = proposals::table
        .filter(proposals::process_id.eq_any(&ids))
        .filter(proposals::hidden.eq(false))
        .filter(proposals::answered_at.is_not_null())
        .order((proposals::answered_at.desc(), proposals::id.desc()))
        .limit(limit)
        .select(Proposal::as_select())
        .load(conn)?;
    for proposal in answered {
        if let (Some(detail), Some(at)) = (process_of(&proposal.process_id), proposal.answered_at) {
            found.push(Entry {
                process: detail.process.clone(),
                at,
                event: Event::Answered { proposal },
            });
        }
    }

    for detail in visible {
        for budget in budgets::for_process(conn, &detail.process.id)? {
            budget_entries(conn, detail, budget, &mut found)?;
        }
    }

    found.sort_by_key(|entry| std::cmp::Reverse(entry.at));
    found.truncate(MAX_ENTRIES);
    Ok(found)
}

/// A budget's published results and the updates on its funded projects, if anyone may see them.
fn budget_entries(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    budget: Budget,
    found: &mut Vec<Entry>,
) -> Result<()> {
    let (Some(published), Some(at)) = (budget_results::published(&budget), budget.published_at) else {
        return Ok(());
    };
    if !budget_results::tallies_visible(&budget, detail, None) {
        return Ok(());
    }
    let followed = implementation::followed(conn, &budget)?;
    for f in &followed {
        for update in f.updates.iter().take(MAX_ENTRIES) {
            found.push(Entry {
                process: detail.process.clone(),
                at: update.created_at,
                event: Event::ProjectUpdated {
                    budget: budget.clone(),
                    project: f.project.title.clone(),
                    update: update.clone(),
                },
            });
        }
    }
    found.push(Entry {
        process: detail.process.clone(),
        at,
        event: Event::ResultsPublished {
            funded: followed.iter().map(|f| f.project.title.clone()).collect(),
            ballots: published.ballots,
            budget,
        },
    });
    Ok(())
}
