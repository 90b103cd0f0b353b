//! Our objects as ActivityPub JSON: a proposal is a `Page`, a comment a `Note`.

use diesel::prelude::*;
use serde_json::{json, Value};

use super::urls;
use crate::db::schema::{comments, processes, proposals, remote_actors, users};
use crate::db::AnyConnection;
use crate::domain::attachments::{self, OwnerKind};
use crate::domain::comments::Comment;
use crate::domain::proposals::Proposal;
use crate::domain::Result;

/// The id of whoever wrote something here: a local person, or the remote actor behind an
/// account made for them.
pub fn author_id(conn: &mut AnyConnection, base: &str, user_id: Option<&str>) -> Result<Option<String>> {
    let Some(user_id) = user_id else {
        return Ok(None);
    };
    if let Some(remote) = remote_actors::table
        .filter(remote_actors::local_user_id.eq(user_id))
        .select(remote_actors::ap_id)
        .first::<String>(conn)
        .optional()?
    {
        return Ok(Some(remote));
    }
    Ok(users::table
        .filter(users::id.eq(user_id))
        .filter(users::deleted_at.is_null())
        .select(users::username)
        .first::<String>(conn)
        .optional()?
        .map(|u| urls::person(base, &u)))
}

/// A readable excerpt for timelines that show `summary` and drop `content` (Mastodon).
fn excerpt(text: &str) -> String {
    let plain = crate::markdown::plain_text(text);
    let mut out: String = plain.chars().take(280).collect();
    if plain.chars().count() > 280 {
        out.push('…');
    }
    out
}

/// A proposal as a `Page`, with its state, official answer and endorsement counts by class.
pub fn proposal_page(conn: &mut AnyConnection, base: &str, proposal: &Proposal) -> Result<Value> {
    let slug: String = processes::table
        .filter(processes::id.eq(&proposal.process_id))
        .select(processes::slug)
        .first(conn)?;
    let group = urls::process(base, &slug);
    let id = urls::proposal(base, &proposal.id);
    let author = author_id(conn, base, proposal.author_id.as_deref())?.unwrap_or_else(|| group.clone());
    let (attachment, image) = attachments_json(conn, base, &proposal.id)?;
    let mut page = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Page",
        "name": proposal.title,
        "content": proposal.body_html,
        "mediaType": "text/html",
        "source": { "content": proposal.body, "mediaType": "text/markdown" },
        "summary": excerpt(&proposal.body_html),
        "url": id,
        "attributedTo": author,
        "audience": group,
        "to": [group, urls::PUBLIC],
        "cc": [format!("{group}/followers")],
        "tag": [{ "type": "Mention", "href": group }],
        "published": proposal.created_at.and_utc().to_rfc3339(),
        "updated": proposal.updated_at.and_utc().to_rfc3339(),
        "state": proposal.state,
        "officialAnswer": proposal.answer_html,
        "bindingEndorsements": proposal.endorsement_count,
        "federatedEndorsements": proposal.federated_count,
        "againstCount": proposal.against_count,
        "commentCount": proposal.comment_count,
        "likes": { "type": "Collection", "totalItems": proposal.endorsement_count + proposal.federated_count },
        "shares": { "type": "Collection", "totalItems": proposal.share_count },
    });
    if !attachment.is_empty() {
        page["attachment"] = Value::Array(attachment);
    }
    if let Some(image) = image {
        page["image"] = image;
    }
    Ok(page)
}

/// A proposal's images and documents as ActivityStreams `Image` and `Document` objects (what
/// Mastodon shows as media, Lemmy as the post's link and thumbnail), and its first image as the
/// `image` of the `Page`. `name` is an image's text alternative, a document's file name.
fn attachments_json(
    conn: &mut AnyConnection,
    base: &str,
    proposal_id: &str,
) -> Result<(Vec<Value>, Option<Value>)> {
    let shown = attachments::of(conn, OwnerKind::Proposal, proposal_id)?;
    let images: Vec<Value> = shown
        .images
        .iter()
        .map(|a| {
            let (width, height) = a.dimensions(1200);
            json!({
                "type": "Image",
                "mediaType": a.content_type,
                "url": format!("{base}{}", a.url("1200")),
                "name": a.alt_text,
                "width": width,
                "height": height,
            })
        })
        .collect();
    let first = images.first().cloned();
    let documents = shown.documents.iter().map(|a| {
        json!({
            "type": "Document",
            "mediaType": a.content_type,
            "url": format!("{base}{}", a.url("file")),
            "name": a.file_name,
        })
    });
    Ok((images.iter().cloned().chain(documents).collect(), first))
}

/// A comment as a `Note` replying to its proposal (or to the comment it answers).
pub fn comment_note(conn: &mut AnyConnection, base: &str, comment: &Comment) -> Result<Value> {
    let proposal_url = urls::proposal(base, &comment.proposal_id);
    let slug: String = proposals::table
        .inner_join(processes::table)
        .filter(proposals::id.eq(&comment.proposal_id))
        .select(processes::slug)
        .first(conn)?;
    let group = urls::process(base, &slug);
    let in_reply_to = match &comment.parent_id {
        Some(parent) => note_id(conn, base, parent)?,
        None => proposal_url,
    };
    let id = note_id(conn, base, &comment.id)?;
    let author = author_id(conn, base, comment.author_id.as_deref())?.unwrap_or_else(|| group.clone());
    Ok(json!({
        "@context": urls::context(),
        "id": id,
        "type": "Note",
        "content": comment.body_html,
        "mediaType": "text/html",
        "attributedTo": author,
        "inReplyTo": in_reply_to,
        "audience": group,
        "to": [group, urls::PUBLIC],
        "cc": [format!("{group}/followers")],
        "published": comment.created_at.and_utc().to_rfc3339(),
        "stance": comment.stance,
    }))
}

/// A comment's id: the remote id it arrived with, or our own address for it.
pub fn note_id(conn: &mut AnyConnection, base: &str, comment_id: &str) -> Result<String> {
    let ap_id: Option<String> = comments::table
        .filter(comments::id.eq(comment_id))
        .select(comments::ap_id)
        .first(conn)?;
    Ok(ap_id.unwrap_or_else(|| urls::comment(base, comment_id)))
}
