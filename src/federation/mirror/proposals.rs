//! Proposals of followed processes as last received, their comments, and our citizens'
//! endorsements of them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use serde_json::Value;

use crate::db::schema::{remote_comments, remote_endorsements, remote_proposals};
use crate::db::AnyConnection;
use crate::domain::{new_id, now, Result};
use crate::federation::protocol::plenum::{self, Lenient};
use crate::federation::urls;

use super::{text, time_of, RemoteProcess};

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
