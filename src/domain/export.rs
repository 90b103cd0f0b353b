//! "Download my data": everything stored about a person, as one JSON document (GDPR art. 15/20).

use diesel::prelude::*;
use serde_json::{json, Value};

use super::accounts::User;
use super::comments::Comment;
use super::moderation::Report;
use super::proposals::{Proposal, Version};
use super::Result;
use crate::db::schema::{
    api_tokens, ballot_casts, comments, endorsements, proposal_versions, proposals, reports, sessions,
    subscriptions, verifications,
};
use crate::db::AnyConnection;

pub fn export_user(conn: &mut AnyConnection, user: &User) -> Result<Value> {
    let own_proposals: Vec<Proposal> = proposals::table
        .filter(proposals::author_id.eq(&user.id))
        .select(Proposal::as_select())
        .load(conn)?;
    let versions: Vec<Version> = proposal_versions::table
        .filter(proposal_versions::editor_id.eq(&user.id))
        .select(Version::as_select())
        .load(conn)?;
    let own_comments: Vec<Comment> = comments::table
        .filter(comments::author_id.eq(&user.id))
        .select(Comment::as_select())
        .load(conn)?;
    let endorsed: Vec<(String, chrono::NaiveDateTime)> = endorsements::table
        .filter(endorsements::user_id.eq(&user.id))
        .select((endorsements::proposal_id, endorsements::created_at))
        .load(conn)?;
    let own_reports: Vec<Report> = reports::table
        .filter(reports::reporter_id.eq(&user.id))
        .select(Report::as_select())
        .load(conn)?;
    let session_times: Vec<(chrono::NaiveDateTime, chrono::NaiveDateTime)> = sessions::table
        .filter(sessions::user_id.eq(&user.id))
        .select((sessions::created_at, sessions::expires_at))
        .load(conn)?;
    let tokens: Vec<(String, chrono::NaiveDateTime)> = api_tokens::table
        .filter(api_tokens::user_id.eq(&user.id))
        .select((api_tokens::label, api_tokens::created_at))
        .load(conn)?;
    let own_notifications = super::notifications::latest(conn, &user.id, i64::MAX)?;
    let followed: Vec<(String, String, chrono::NaiveDateTime)> = subscriptions::table
        .filter(subscriptions::user_id.eq(&user.id))
        .select((
            subscriptions::target_kind,
            subscriptions::target_id,
            subscriptions::created_at,
        ))
        .load(conn)?;
    // Where the person voted and on which day; what they chose is sealed and not theirs to
    // take away from the ballot box (voting.md).
    let voted: Vec<(String, chrono::NaiveDateTime)> = ballot_casts::table
        .filter(ballot_casts::user_id.eq(&user.id))
        .select((ballot_casts::budget_id, ballot_casts::first_cast_at))
        .load(conn)?;
    let verification: Option<(String, chrono::NaiveDateTime)> = verifications::table
        .filter(verifications::user_id.eq(&user.id))
        .select((verifications::method, verifications::created_at))
        .first(conn)
        .optional()?;
    // What they uploaded: the rows (the files are at each `url`, while the item is visible).
    let uploads: Vec<Value> = super::attachments::by_uploader(conn, &user.id)?
        .into_iter()
        .map(|a| {
            let main = if a.is_image() { "1200" } else { "file" };
            json!({
                "id": a.id,
                "on": { "kind": a.owner_kind, "id": a.owner_id },
                "kind": a.kind,
                "content_type": a.content_type,
                "byte_size": a.byte_size,
                "sha256": a.sha256,
                "alt_text": a.alt_text,
                "file_name": a.file_name,
                "url": a.url(main),
                "created_at": a.created_at,
            })
        })
        .collect();
    Ok(json!({
        "format": "plenum-personal-data/1",
        "exported_at": super::now(),
        "account": user,
        "proposals": own_proposals,
        "proposal_versions": versions,
        "attachments": uploads,
        "comments": own_comments,
        "endorsements": endorsed.into_iter().map(|(p, at)| json!({"proposal_id": p, "created_at": at})).collect::<Vec<_>>(),
        "reports": own_reports,
        "sessions": session_times.into_iter().map(|(c, e)| json!({"created_at": c, "expires_at": e})).collect::<Vec<_>>(),
        "notifications": own_notifications,
        "following": followed.into_iter().map(|(k, id, at)| json!({"kind": k, "id": id, "created_at": at})).collect::<Vec<_>>(),
        "ballots_cast": voted.into_iter().map(|(b, at)| json!({"budget_id": b, "first_cast_at": at})).collect::<Vec<_>>(),
        "verification": verification.map(|(method, at)| json!({"method": method, "verified_at": at})),
        "api_tokens": tokens.into_iter().map(|(l, c)| json!({"label": l, "created_at": c})).collect::<Vec<_>>(),
    }))
}
