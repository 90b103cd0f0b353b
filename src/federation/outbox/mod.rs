//! What we send, built from what just changed, queued in the same transaction as the change.
//!
//! A process relays its proposals to its followers the way a Lemmy community does (FEP-1b12):
//! the author's `Create(Page)` wrapped in the process's `Announce`, plus `Announce(Page)` for
//! software that can only show a fetchable object; later changes are the process's `Update`,
//! moderation removal its `Delete`. A citizen acting on another town's proposal sends `Like`,
//! `Undo(Like)` or `Create(Note)` to that process.
//!
//! - [`relay`]: a process's proposals and comments, to its followers;
//! - [`news`]: the process itself changed, its results, its news;
//! - [`lemmy`]: the forms Lemmy's community protocol wants besides ours;
//! - [`remote`]: what this town and its citizens send to another town's process.

mod lemmy;
mod news;
mod relay;
mod remote;

use diesel::prelude::*;
use serde_json::{json, Value};

use super::keys::Owner;
use super::queue::{self, Signer};
use super::urls;
use crate::db::schema::{followers, processes, proposals};
use crate::db::AnyConnection;
use crate::domain::Result;

pub use crate::app::Site;
pub use remote::{accept_follow, comment, flag_remote, follow, like, undo_like, unfollow, RemoteTarget};

/// Something changed that followers of a process should hear about.
#[derive(Debug, Clone)]
pub enum Event {
    ProposalCreated(String),
    ProposalChanged(String),
    /// Only the counts of a proposal changed (endorsements): debounced, see
    /// [`queue::enqueue_coalesced`].
    CountsChanged(String),
    ProposalRemoved(String),
    CommentCreated(String),
    ProcessChanged(String),
    /// A budget's signed results were published; `summary_html` is the readable summary for
    /// timelines, in the town's language.
    ResultsPublished {
        budget_id: String,
        summary_html: String,
    },
    /// News of a process for timelines (an implementation update), as HTML.
    News {
        process_id: String,
        html: String,
    },
}

/// Queues the activities for `event`. Does nothing when nobody follows the process.
pub fn after(conn: &mut AnyConnection, site: &Site, event: Event) -> Result<usize> {
    match event {
        Event::ProposalCreated(id) => relay::proposal_created(conn, site, &id),
        Event::ProposalChanged(id) => relay::proposal_changed(conn, site, &id),
        Event::CountsChanged(id) => relay::counts_changed(conn, site, &id),
        Event::ProposalRemoved(id) => relay::proposal_removed(conn, site, &id),
        Event::CommentCreated(id) => relay::comment_created(conn, site, &id),
        Event::ProcessChanged(id) => news::process_changed(conn, site, &id),
        Event::ResultsPublished {
            budget_id,
            summary_html,
        } => news::results_published(conn, site, &budget_id, &summary_html),
        Event::News { process_id, html } => news::news(conn, site, &process_id, &html),
    }
}

/// Which peers a queued activity is for ([`super::forms`]).
#[derive(Debug, Clone, Copy)]
enum Peers {
    All,
    Taking(&'static str),
}

/// A new activity: the row it is stored under and the id it is served at.
struct NewActivity {
    row: String,
    id: String,
}

impl NewActivity {
    fn on(site: &Site) -> Self {
        let (row, id) = queue::new_activity(&site.base);
        NewActivity { row, id }
    }
}

/// The fields every activity we send has; callers add `cc` and `audience` where they apply.
fn activity(id: &str, kind: &str, actor: impl Into<Value>, object: Value, to: Value) -> Value {
    json!({
        "@context": urls::context(),
        "id": id,
        "type": kind,
        "actor": actor.into(),
        "object": object,
        "to": to,
    })
}

/// Builds a new activity from its id and queues it, signed by `signer`, for `inboxes` of `peers`.
/// Returns the activity's id and how many deliveries were queued.
fn send(
    conn: &mut AnyConnection,
    site: &Site,
    signer: &Signer,
    peers: Peers,
    inboxes: impl IntoIterator<Item = String>,
    build: impl FnOnce(&str) -> Value,
) -> Result<(String, usize)> {
    let new = NewActivity::on(site);
    let body = build(&new.id);
    let queued = match peers {
        Peers::All => queue::enqueue(conn, &site.domain, &new.row, signer, &body, inboxes)?,
        Peers::Taking(form) => {
            queue::enqueue_for(conn, &site.domain, form, &new.row, signer, &body, inboxes)?
        }
    };
    Ok((new.id, queued))
}

/// Builds a new activity from its id and stores it so it can be fetched there, unsent (the inner
/// activity of an `Announce`).
fn record(
    conn: &mut AnyConnection,
    site: &Site,
    signer: &Signer,
    build: impl FnOnce(&str) -> Value,
) -> Result<Value> {
    let new = NewActivity::on(site);
    let body = build(&new.id);
    queue::record(conn, &new.row, signer, &body)?;
    Ok(body)
}

/// An activity of the process for its followers: public, copied to its followers collection,
/// in its audience (FEP-1b12).
fn to_followers(id: &str, kind: &str, group: &str, object: Value) -> Value {
    let mut body = activity(id, kind, group, object, json!([urls::PUBLIC]));
    body["cc"] = json!([format!("{group}/followers")]);
    body["audience"] = json!(group);
    body
}

/// A process that someone follows: who follows it (delivery inboxes), and the process as signer
/// and as actor id.
struct Followed {
    inboxes: Vec<String>,
    signer: Signer,
    group: String,
}

impl Followed {
    /// Queues a new activity of the process, built from its id, for its followers of `peers`.
    /// Returns how many deliveries were queued.
    fn send(
        &self,
        conn: &mut AnyConnection,
        site: &Site,
        peers: Peers,
        build: impl FnOnce(&str) -> Value,
    ) -> Result<usize> {
        Ok(send(conn, site, &self.signer, peers, self.inboxes.clone(), build)?.1)
    }
}

/// The process's followers, or `None` when nobody follows it, so nothing needs to be built.
fn followed(conn: &mut AnyConnection, site: &Site, process_id: &str) -> Result<Option<Followed>> {
    let rows: Vec<(String, String, String)> = followers::table
        .inner_join(processes::table)
        .filter(followers::process_id.eq(process_id))
        .select((followers::inbox, processes::id, processes::slug))
        .distinct()
        .load(conn)?;
    Ok(Followed::from_rows(site, rows))
}

/// The followers of the process that holds a proposal: one statement, as [`followed`] (the
/// proposal's process is joined rather than read first).
fn proposal_followed(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<Option<Followed>> {
    let rows: Vec<(String, String, String)> = followers::table
        .inner_join(processes::table)
        .inner_join(proposals::table.on(proposals::process_id.eq(followers::process_id)))
        .filter(proposals::id.eq(proposal_id))
        .select((followers::inbox, processes::id, processes::slug))
        .distinct()
        .load(conn)?;
    Ok(Followed::from_rows(site, rows))
}

impl Followed {
    /// From (inbox, process id, process slug) rows, the process the same on each; `None`
    /// without any.
    fn from_rows(site: &Site, rows: Vec<(String, String, String)>) -> Option<Followed> {
        let (_, process_id, slug) = rows.first()?.clone();
        let (signer, group) = signer_of(site, process_id, &slug);
        Some(Followed {
            inboxes: rows.into_iter().map(|(inbox, _, _)| inbox).collect(),
            signer,
            group,
        })
    }
}

/// A process as the signer of what it sends, and its actor id.
fn signer_of(site: &Site, process_id: String, slug: &str) -> (Signer, String) {
    let group = urls::process(&site.base, slug);
    let signer = Signer {
        owner: Owner::Process,
        owner_id: process_id,
        actor_id: group.clone(),
    };
    (signer, group)
}

fn process_signer(conn: &mut AnyConnection, site: &Site, process_id: &str) -> Result<(Signer, String)> {
    let slug: String = processes::table
        .filter(processes::id.eq(process_id))
        .select(processes::slug)
        .first(conn)?;
    Ok(signer_of(site, process_id.to_string(), &slug))
}
