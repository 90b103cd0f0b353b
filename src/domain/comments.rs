//! Threaded comments with a stance (for, against, neutral).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::accounts::User;
use super::processes::{Capability, ProcessDetail};
use super::proposals::Proposal;
use super::validate::Validator;
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::{comments, proposals, users};
use crate::db::AnyConnection;

pub const STANCES: &[&str] = &["for", "against", "neutral"];
/// Replies deeper than this are shown at this depth, so threads stay readable on a phone.
pub const MAX_DISPLAY_DEPTH: usize = 4;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = comments)]
pub struct Comment {
    pub id: String,
    pub proposal_id: String,
    pub author_id: Option<String>,
    pub parent_id: Option<String>,
    pub body: String,
    pub body_html: String,
    pub stance: String,
    pub hidden: bool,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommentForm {
    pub body: String,
    #[serde(default)]
    pub stance: String,
    #[serde(default)]
    pub parent_id: Option<String>,
}

/// A comment placed in its thread.
#[derive(Debug, Clone, Serialize)]
pub struct ThreadItem {
    pub comment: Comment,
    pub author_name: Option<String>,
    pub depth: usize,
}

/// Adds a comment or a reply, if the current phase accepts comments.
pub fn add(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    author: &User,
    form: &CommentForm,
) -> Result<Comment> {
    detail
        .check(Capability::Comment, now())
        .map_err(Error::Forbidden)?;
    super::eligibility::check(conn, detail, Capability::Comment, author)?;
    if proposal.hidden {
        return Err(Error::NotFound);
    }
    let mut v = Validator::new();
    v.text("body", &form.body, 1, 5_000);
    let stance = if form.stance.is_empty() {
        "neutral"
    } else {
        form.stance.as_str()
    };
    if !STANCES.contains(&stance) {
        v.add("stance", Msg::new("error-stance"));
    }
    let parent_id = form.parent_id.clone().filter(|p| !p.is_empty());
    if let Some(parent) = &parent_id {
        let same_proposal = comments::table
            .filter(comments::id.eq(parent))
            .filter(comments::proposal_id.eq(&proposal.id))
            .count()
            .get_result::<i64>(conn)?
            > 0;
        if !same_proposal {
            v.add("parent_id", Msg::new("error-parent"));
        }
    }
    v.finish()?;
    let body = form.body.trim().to_string();
    let comment = Comment {
        id: new_id(),
        proposal_id: proposal.id.clone(),
        author_id: Some(author.id.clone()),
        parent_id,
        body_html: crate::markdown::render(&body),
        body,
        stance: stance.to_string(),
        hidden: false,
        created_at: now(),
    };
    insert(conn, comment, None)
}

/// The comments of a proposal in reading order: each comment followed by its replies.
/// Hidden comments stay in the thread for staff; others see a placeholder (body removed).
pub fn thread(conn: &mut AnyConnection, proposal_id: &str, include_hidden: bool) -> Result<Vec<ThreadItem>> {
    let rows: Vec<(Comment, Option<String>)> = comments::table
        .left_join(users::table)
        .filter(comments::proposal_id.eq(proposal_id))
        .order((comments::created_at.asc(), comments::id.asc()))
        .select((Comment::as_select(), users::display_name.nullable()))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    fn walk(
        rows: &[(Comment, Option<String>)],
        parent: Option<&str>,
        depth: usize,
        include_hidden: bool,
        out: &mut Vec<ThreadItem>,
    ) {
        for (comment, author) in rows.iter().filter(|(c, _)| c.parent_id.as_deref() == parent) {
            let mut comment = comment.clone();
            if comment.hidden && !include_hidden {
                comment.body.clear();
                comment.body_html.clear();
            }
            let id = comment.id.clone();
            out.push(ThreadItem {
                comment,
                author_name: author.clone().filter(|n| !n.is_empty()),
                depth: depth.min(MAX_DISPLAY_DEPTH),
            });
            walk(rows, Some(&id), depth + 1, include_hidden, out);
        }
    }
    walk(&rows, None, 0, include_hidden, &mut out);
    Ok(out)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Comment> {
    Ok(comments::table
        .filter(comments::id.eq(id))
        .select(Comment::as_select())
        .first(conn)?)
}

/// The comment here that a remote author sent with id `ap_id`, if it is theirs.
pub fn find_remote(conn: &mut AnyConnection, ap_id: &str, author_id: &str) -> Result<Option<String>> {
    Ok(comments::table
        .filter(comments::ap_id.eq(ap_id))
        .filter(comments::author_id.eq(author_id))
        .select(comments::id)
        .first(conn)
        .optional()?)
}

/// Hides or shows a comment (moderation).
pub fn set_hidden(conn: &mut AnyConnection, id: &str, hidden: bool) -> Result<()> {
    let changed = diesel::update(comments::table.filter(comments::id.eq(id)))
        .set(comments::hidden.eq(hidden))
        .execute(conn)?;
    if changed == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// The text of a comment from another server, checked and sanitised: done before the write
/// (parsing HTML is the slow part, and the database has one writer).
pub struct RemoteText {
    body: String,
    body_html: String,
}

impl RemoteText {
    /// From the HTML a remote server sent: its plain text within the same limits as ours, and
    /// the HTML sanitised.
    pub fn from_html(html: &str) -> Result<RemoteText> {
        let body = crate::markdown::plain_text(html);
        let mut v = Validator::new();
        v.text("body", &body, 1, 5_000);
        v.finish()?;
        Ok(RemoteText {
            body,
            body_html: crate::markdown::sanitize(html),
        })
    }
}

/// Adds a comment that came from another server. Its `ap_id` is unique: the same remote comment
/// arriving twice is stored once.
pub fn add_remote(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    author: &User,
    text: RemoteText,
    parent_id: Option<String>,
    ap_id: &str,
) -> Result<Comment> {
    detail
        .check(Capability::Comment, now())
        .map_err(Error::Forbidden)?;
    if proposal.hidden {
        return Err(Error::NotFound);
    }
    if let Some(existing) = comments::table
        .filter(comments::ap_id.eq(ap_id))
        .select(Comment::as_select())
        .first(conn)
        .optional()?
    {
        return Ok(existing);
    }
    let comment = Comment {
        id: new_id(),
        proposal_id: proposal.id.clone(),
        author_id: Some(author.id.clone()),
        parent_id,
        body_html: text.body_html,
        body: text.body,
        stance: "neutral".into(),
        hidden: false,
        created_at: now(),
    };
    insert(conn, comment, Some(ap_id))
}

/// Stores a new comment (with the id it came with from another server, if any) and counts it.
fn insert(conn: &mut AnyConnection, comment: Comment, ap_id: Option<&str>) -> Result<Comment> {
    diesel::insert_into(comments::table)
        .values((
            comments::id.eq(&comment.id),
            comments::proposal_id.eq(&comment.proposal_id),
            comments::author_id.eq(&comment.author_id),
            comments::parent_id.eq(&comment.parent_id),
            comments::body.eq(&comment.body),
            comments::body_html.eq(&comment.body_html),
            comments::stance.eq(&comment.stance),
            comments::hidden.eq(false),
            comments::created_at.eq(comment.created_at),
            comments::ap_id.eq(ap_id),
        ))
        .execute(conn)?;
    diesel::update(proposals::table.filter(proposals::id.eq(&comment.proposal_id)))
        .set(proposals::comment_count.eq(proposals::comment_count + 1))
        .execute(conn)?;
    Ok(comment)
}

/// A remote author edited their comment: the new text replaces the old.
pub fn edit_remote(conn: &mut AnyConnection, comment_id: &str, text: RemoteText) -> Result<()> {
    diesel::update(comments::table.filter(comments::id.eq(comment_id)))
        .set((
            comments::body.eq(&text.body),
            comments::body_html.eq(&text.body_html),
        ))
        .execute(conn)?;
    Ok(())
}
