//! Processes of other towns that we follow, and their proposals and comments as last received.
//! Everything shown here came from another server: HTML is sanitised, names are plain text.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use super::protocol::plenum::{self, Lenient};
use super::urls;
use crate::db::schema::{
    remote_comments, remote_endorsements, remote_processes, remote_proposals, remote_results,
};
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

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = remote_proposals)]
pub struct RemoteProposal {
    pub id: String,
    pub ap_id: String,
    pub remote_process_id: String,
    pub author_name: String,
    pub author_ap_id: String,
    pub title: String,
    pub content_html: String,
    pub url: String,
    pub state: String,
    pub answer_html: Option<String>,
    pub binding_count: i64,
    pub federated_count: i64,
    pub comment_count: i64,
    pub deleted: bool,
    pub published_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = remote_comments)]
pub struct RemoteComment {
    pub id: String,
    pub ap_id: String,
    pub remote_proposal_id: String,
    pub author_name: String,
    pub author_ap_id: String,
    pub content_html: String,
    pub created_at: NaiveDateTime,
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

fn time_of(value: &Lenient<String>) -> Option<NaiveDateTime> {
    value
        .get()
        .and_then(|s| chrono::DateTime::parse_from_rfc3339(s).ok())
        .map(|t| t.naive_utc())
}

/// Plain text of at most `max` characters.
fn text(value: &str, max: usize) -> String {
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

/// Stores a proposal (`Page`) of a followed process; a newer copy replaces an older one.
pub fn upsert_proposal(
    conn: &mut AnyConnection,
    process: &RemoteProcess,
    page: &Value,
    author_name: &str,
) -> Result<()> {
    let page: plenum::Post = plenum::read(page);
    let ap_id = page.id.id_or_empty().to_string();
    let updated = time_of(&page.updated)
        .or_else(|| time_of(&page.published))
        .unwrap_or_else(now);
    let published = time_of(&page.published).unwrap_or(updated);
    let title = text(page.name.or_empty(), 300);
    let content = crate::markdown::sanitize(page.content.or_empty());
    let url = urls::web_link(page.url.text(), &ap_id);
    let author = page.attributed_to.id_or_empty().to_string();
    let state = text(page.state.or_empty(), 40);
    let state = if state.is_empty() {
        "published".to_string()
    } else {
        state
    };
    let answer = page.official_answer.get().map(|a| crate::markdown::sanitize(a));
    let count = |n: &Lenient<i64>| n.get().copied().unwrap_or(0).max(0);
    let existing: Option<(String, NaiveDateTime)> = remote_proposals::table
        .filter(remote_proposals::ap_id.eq(&ap_id))
        .select((remote_proposals::id, remote_proposals::updated_at))
        .first(conn)
        .optional()?;
    let values = (
        remote_proposals::author_name.eq(author_name),
        remote_proposals::author_ap_id.eq(&author),
        remote_proposals::title.eq(&title),
        remote_proposals::content_html.eq(&content),
        remote_proposals::url.eq(&url),
        remote_proposals::state.eq(&state),
        remote_proposals::answer_html.eq(&answer),
        remote_proposals::binding_count.eq(count(&page.binding_endorsements)),
        remote_proposals::federated_count.eq(count(&page.federated_endorsements)),
        remote_proposals::comment_count.eq(count(&page.comment_count)),
        remote_proposals::updated_at.eq(updated),
    );
    match existing {
        // Activities can arrive out of order: keep the newest copy (equal times carry new counts).
        Some((_, stored)) if stored > updated => {}
        Some((id, _)) => {
            // Only the process a proposal came with may change it.
            diesel::update(
                remote_proposals::table
                    .filter(remote_proposals::id.eq(id))
                    .filter(remote_proposals::remote_process_id.eq(&process.id)),
            )
            .set(values)
            .execute(conn)?;
        }
        None => {
            diesel::insert_into(remote_proposals::table)
                .values((
                    remote_proposals::id.eq(new_id()),
                    remote_proposals::ap_id.eq(&ap_id),
                    remote_proposals::remote_process_id.eq(&process.id),
                    remote_proposals::published_at.eq(published),
                    remote_proposals::deleted.eq(false),
                    values,
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn mark_proposal_deleted(
    conn: &mut AnyConnection,
    process: &RemoteProcess,
    ap_id: &str,
) -> Result<usize> {
    Ok(diesel::update(
        remote_proposals::table
            .filter(remote_proposals::ap_id.eq(ap_id))
            .filter(remote_proposals::remote_process_id.eq(&process.id)),
    )
    .set(remote_proposals::deleted.eq(true))
    .execute(conn)?)
}

pub fn find_proposal_by_ap_id(conn: &mut AnyConnection, ap_id: &str) -> Result<Option<RemoteProposal>> {
    Ok(remote_proposals::table
        .filter(remote_proposals::ap_id.eq(ap_id))
        .select(RemoteProposal::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_proposal(conn: &mut AnyConnection, id: &str) -> Result<RemoteProposal> {
    let mut proposal: RemoteProposal = remote_proposals::table
        .filter(remote_proposals::id.eq(id))
        .filter(remote_proposals::deleted.eq(false))
        .select(RemoteProposal::as_select())
        .first(conn)?;
    proposal.url = urls::web_link(Some(&proposal.url), &proposal.ap_id);
    Ok(proposal)
}

pub fn proposals_of(conn: &mut AnyConnection, process_id: &str) -> Result<Vec<RemoteProposal>> {
    Ok(remote_proposals::table
        .filter(remote_proposals::remote_process_id.eq(process_id))
        .filter(remote_proposals::deleted.eq(false))
        .order(remote_proposals::published_at.desc())
        .select(RemoteProposal::as_select())
        .load(conn)?)
}

/// Stores a comment on a mirrored proposal (ours, sent from here, or relayed by the process).
pub fn upsert_comment(
    conn: &mut AnyConnection,
    proposal: &RemoteProposal,
    note: &Value,
    author_name: &str,
) -> Result<()> {
    let note: plenum::Post = plenum::read(note);
    let ap_id = note.id.id_or_empty().to_string();
    let exists: i64 = remote_comments::table
        .filter(remote_comments::ap_id.eq(&ap_id))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    diesel::insert_into(remote_comments::table)
        .values((
            remote_comments::id.eq(new_id()),
            remote_comments::ap_id.eq(&ap_id),
            remote_comments::remote_proposal_id.eq(&proposal.id),
            remote_comments::author_name.eq(author_name),
            remote_comments::author_ap_id.eq(note.attributed_to.id_or_empty()),
            remote_comments::content_html.eq(crate::markdown::sanitize(note.content.or_empty())),
            remote_comments::created_at.eq(time_of(&note.published).unwrap_or_else(now)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn comments_of(conn: &mut AnyConnection, proposal_id: &str) -> Result<Vec<RemoteComment>> {
    Ok(remote_comments::table
        .filter(remote_comments::remote_proposal_id.eq(proposal_id))
        .order(remote_comments::created_at.asc())
        .select(RemoteComment::as_select())
        .load(conn)?)
}

/// The `Like` a local person sent for a mirrored proposal, if they endorsed it.
pub fn endorsement_of(conn: &mut AnyConnection, user_id: &str, proposal_id: &str) -> Result<Option<String>> {
    Ok(remote_endorsements::table
        .filter(remote_endorsements::user_id.eq(user_id))
        .filter(remote_endorsements::remote_proposal_id.eq(proposal_id))
        .select(remote_endorsements::like_ap_id)
        .first(conn)
        .optional()?)
}

pub fn record_endorsement(
    conn: &mut AnyConnection,
    user_id: &str,
    proposal_id: &str,
    like_id: &str,
) -> Result<()> {
    diesel::insert_into(remote_endorsements::table)
        .values((
            remote_endorsements::user_id.eq(user_id),
            remote_endorsements::remote_proposal_id.eq(proposal_id),
            remote_endorsements::like_ap_id.eq(like_id),
            remote_endorsements::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn forget_endorsement(conn: &mut AnyConnection, user_id: &str, proposal_id: &str) -> Result<()> {
    diesel::delete(
        remote_endorsements::table
            .filter(remote_endorsements::user_id.eq(user_id))
            .filter(remote_endorsements::remote_proposal_id.eq(proposal_id)),
    )
    .execute(conn)?;
    Ok(())
}

/// Budget results a followed process published, as received.
#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = remote_results)]
pub struct RemoteResults {
    pub id: String,
    pub ap_id: String,
    pub remote_process_id: String,
    pub title: String,
    pub url: String,
    pub document: String,
    pub verified: bool,
    pub received_at: NaiveDateTime,
}

impl RemoteResults {
    /// Titles of the funded projects, read from the document's outcome and tallies.
    pub fn funded(&self) -> Vec<String> {
        let Ok(doc) = serde_json::from_str::<Value>(&self.document) else {
            return Vec::new();
        };
        let selected = crate::budgeting::cli::selected_ids(&doc["outcome"]);
        doc["tallies"]
            .as_array()
            .map(|tallies| {
                tallies
                    .iter()
                    .filter(|t| {
                        t["code"]
                            .as_str()
                            .is_some_and(|c| selected.iter().any(|s| s == c))
                    })
                    .map(|t| text(t["title"].as_str().unwrap_or_default(), 200))
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub fn upsert_results(
    conn: &mut AnyConnection,
    process: &RemoteProcess,
    document: &Value,
    verified: bool,
) -> Result<()> {
    let post: plenum::Post = plenum::read(document);
    let ap_id = post.id.id_or_empty().to_string();
    diesel::delete(remote_results::table.filter(remote_results::ap_id.eq(&ap_id))).execute(conn)?;
    diesel::insert_into(remote_results::table)
        .values((
            remote_results::id.eq(new_id()),
            remote_results::ap_id.eq(&ap_id),
            remote_results::remote_process_id.eq(&process.id),
            remote_results::title.eq(text(post.name.or_empty(), 300)),
            remote_results::url.eq(urls::web_link(post.url.text(), &ap_id)),
            remote_results::document.eq(document.to_string()),
            remote_results::verified.eq(verified),
            remote_results::received_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn results_of(conn: &mut AnyConnection, process_id: &str) -> Result<Vec<RemoteResults>> {
    Ok(remote_results::table
        .filter(remote_results::remote_process_id.eq(process_id))
        .order(remote_results::received_at.desc())
        .select(RemoteResults::as_select())
        .load::<RemoteResults>(conn)?
        .into_iter()
        .map(|mut r| {
            r.url = urls::web_link(Some(&r.url), &r.ap_id);
            r
        })
        .collect())
}
