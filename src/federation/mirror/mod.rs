//! Processes of other towns that we follow, and their proposals and comments as last received.
//! Everything shown here came from another server: HTML is sanitised, names are plain text.

mod proposals;
mod results;

pub use proposals::{
    comments_of, endorsement_of, find_proposal, find_proposal_by_ap_id, forget_endorsement,
    mark_proposal_deleted, proposals_of, record_endorsement, upsert_comment, upsert_proposal, RemoteComment,
    RemoteProposal,
};
pub use results::{results_of, upsert_results, RemoteResults};

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::protocol::plenum::{self, Lenient};
use super::urls;
use crate::db::schema::remote_processes;
use crate::db::AnyConnection;
use crate::domain::eligibility::Rule;
use crate::domain::{new_id, now, Result};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = remote_processes)]
pub struct RemoteProcess {
    pub id: String,
    pub ap_id: String,
    pub host: String,
    pub handle: String,
    pub title: String,
    pub summary_html: String,
    pub url: String,
    pub inbox: String,
    pub current_phase: Option<String>,
    pub phases_json: String,
    pub eligibility: String,
    pub follow_state: String,
    pub follow_ap_id: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl RemoteProcess {
    /// The endorsing rule the town publishes (stored only when we know it; else `residents`).
    pub fn rule(&self) -> Rule {
        Rule::parse(&self.eligibility).unwrap_or(Rule::Residents)
    }
}

/// A phase as the remote process describes it.
#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct RemotePhase {
    pub kind: String,
    #[serde(rename = "startTime")]
    pub start: String,
    #[serde(rename = "endTime")]
    pub end: String,
}

impl RemoteProcess {
    pub fn phases(&self) -> Vec<RemotePhase> {
        serde_json::from_str(&self.phases_json).unwrap_or_default()
    }

    /// `handle@host`, what staff typed to follow it.
    pub fn address(&self) -> String {
        format!("{}@{}", self.handle, self.host)
    }
}

pub(super) fn time_of(value: &Lenient<String>) -> Option<NaiveDateTime> {
    value
        .get()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.naive_utc())
}

/// Plain text of at most `max` characters.
pub(super) fn text(value: &str, max: usize) -> String {
    crate::markdown::plain_text(value).chars().take(max).collect()
}

pub fn find_process_by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> Result<Option<RemoteProcess>> {
    Ok(remote_processes::table
        .filter(remote_processes::ap_id.eq(ap_id))
        .select(RemoteProcess::as_select())
        .first(conn)
        .optional()?)
}

/// A followed process, its link checked again on the way out (rows stored before links were
/// checked on the way in may hold any text).
pub fn find_process(conn: &mut AnyConnection, id: &str) -> Result<RemoteProcess> {
    let mut process: RemoteProcess = remote_processes::table
        .filter(remote_processes::id.eq(id))
        .select(RemoteProcess::as_select())
        .first(conn)?;
    process.url = urls::web_link(Some(&process.url), &process.ap_id);
    Ok(process)
}

pub fn list_processes(conn: &mut AnyConnection) -> Result<Vec<RemoteProcess>> {
    Ok(remote_processes::table
        .order(remote_processes::title.asc())
        .select(RemoteProcess::as_select())
        .load(conn)?)
}

/// Records (or refreshes) a process we start following, from its `Group` document.
pub fn upsert_process(
    conn: &mut AnyConnection,
    group: &Value,
    inbox: &str,
    follow_ap_id: Option<&str>,
) -> Result<RemoteProcess> {
    let group: plenum::Group = plenum::read(group);
    let ap_id = group.id.id_or_empty().to_string();
    let host = urls::host_of_str(&ap_id);
    let handle = text(group.preferred_username.or_empty(), 100);
    let title = text(group.name.or_empty(), 300);
    let summary = crate::markdown::sanitize(group.summary.or_empty());
    let url = urls::web_link(group.url.text(), &ap_id);
    let phases = group
        .phases
        .get()
        .and_then(|phases| serde_json::to_string(phases).ok())
        .unwrap_or_else(|| "[]".into());
    let current = group.current_phase.get().map(|s| text(s, 40));
    // Only a rule we know is stored (bounded, and read back as one); anything else reads as
    // the strictest, `residents`.
    let eligibility = group
        .eligibility
        .get()
        .and_then(|r| Rule::parse(r).ok())
        .unwrap_or(Rule::Residents)
        .as_str()
        .to_string();
    let at = now();
    // What the process says of itself, written on every copy received.
    let described = (
        remote_processes::handle.eq(&handle),
        remote_processes::title.eq(&title),
        remote_processes::summary_html.eq(&summary),
        remote_processes::url.eq(&url),
        remote_processes::inbox.eq(inbox),
        remote_processes::current_phase.eq(&current),
        remote_processes::phases_json.eq(&phases),
        remote_processes::eligibility.eq(&eligibility),
        remote_processes::updated_at.eq(at),
    );
    if let Some(existing) = find_process_by_ap_id(conn, &ap_id)? {
        diesel::update(remote_processes::table.filter(remote_processes::id.eq(&existing.id)))
            .set(described)
            .execute(conn)?;
        if let Some(follow) = follow_ap_id {
            diesel::update(remote_processes::table.filter(remote_processes::id.eq(&existing.id)))
                .set((
                    remote_processes::follow_ap_id.eq(follow),
                    remote_processes::follow_state.eq("pending"),
                ))
                .execute(conn)?;
        }
    } else {
        diesel::insert_into(remote_processes::table)
            .values((
                remote_processes::id.eq(new_id()),
                remote_processes::ap_id.eq(&ap_id),
                remote_processes::host.eq(&host),
                remote_processes::follow_state.eq("pending"),
                remote_processes::follow_ap_id.eq(follow_ap_id.unwrap_or_default()),
                remote_processes::created_at.eq(at),
                described,
            ))
            .execute(conn)?;
    }
    find_process_by_ap_id(conn, &ap_id)?.ok_or(crate::domain::Error::NotFound)
}

pub fn set_follow_state(conn: &mut AnyConnection, id: &str, state: &str) -> Result<()> {
    diesel::update(remote_processes::table.filter(remote_processes::id.eq(id)))
        .set(remote_processes::follow_state.eq(state))
        .execute(conn)?;
    Ok(())
}

pub fn remove_process(conn: &mut AnyConnection, id: &str) -> Result<()> {
    diesel::delete(remote_processes::table.filter(remote_processes::id.eq(id))).execute(conn)?;
    Ok(())
}
