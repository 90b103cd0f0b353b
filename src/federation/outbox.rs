//! What we send, built from what just changed, queued in the same transaction as the change.
//!
//! A process relays its proposals to its followers the way a Lemmy community does (FEP-1b12):
//! the author's `Create(Page)` wrapped in the process's `Announce`, plus `Announce(Page)` for
//! software that can only show a fetchable object; later changes are the process's `Update`,
//! moderation removal its `Delete`. A citizen acting on another town's proposal sends `Like`,
//! `Undo(Like)` or `Create(Note)` to that process.

use diesel::prelude::*;
use serde_json::{json, Value};

use super::forms::{CLASSIC, LEMMY};
use super::keys::Owner;
use super::queue::{self, Signer};
use super::{actors, objects, urls};
use crate::db::schema::{followers, processes, proposals, users};
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::{comments, processes as process_rules, proposals as proposal_rules, Result};

pub use crate::app::Site;

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

/// An activity of the process for its followers: public, copied to its followers collection,
/// in its audience (FEP-1b12).
fn to_followers(id: &str, kind: &str, group: &str, object: Value) -> Value {
    json!({
        "@context": urls::context(),
        "id": id,
        "type": kind,
        "actor": group,
        "object": object,
        "to": [urls::PUBLIC],
        "cc": [format!("{group}/followers")],
        "audience": group,
    })
}

/// Queues the activities for `event`. Does nothing when nobody follows the process.
pub fn after(conn: &mut AnyConnection, site: &Site, event: Event) -> Result<usize> {
    match event {
        Event::ProposalCreated(id) => proposal_created(conn, site, &id),
        Event::ProposalChanged(id) => proposal_changed(conn, site, &id),
        Event::CountsChanged(id) => counts_changed(conn, site, &id),
        Event::ProposalRemoved(id) => proposal_removed(conn, site, &id),
        Event::CommentCreated(id) => comment_created(conn, site, &id),
        Event::ProcessChanged(id) => process_changed(conn, site, &id),
        Event::ResultsPublished {
            budget_id,
            summary_html,
        } => results_published(conn, site, &budget_id, &summary_html),
        Event::News { process_id, html } => news(conn, site, &process_id, &html),
    }
}

fn follower_inboxes(conn: &mut AnyConnection, process_id: &str) -> Result<Vec<String>> {
    Ok(followers::table
        .filter(followers::process_id.eq(process_id))
        .select(followers::inbox)
        .distinct()
        .load(conn)?)
}

/// Who follows a process (delivery inboxes), and the process as signer and actor id; `None`
/// when nobody follows it, so nothing needs to be built.
fn followed(
    conn: &mut AnyConnection,
    site: &Site,
    process_id: &str,
) -> Result<Option<(Vec<String>, Signer, String)>> {
    let inboxes = follower_inboxes(conn, process_id)?;
    if inboxes.is_empty() {
        return Ok(None);
    }
    let (signer, group) = process_signer(conn, site, process_id)?;
    Ok(Some((inboxes, signer, group)))
}

fn process_signer(conn: &mut AnyConnection, site: &Site, process_id: &str) -> Result<(Signer, String)> {
    let slug: String = processes::table
        .filter(processes::id.eq(process_id))
        .select(processes::slug)
        .first(conn)?;
    let group = urls::process(&site.base, &slug);
    Ok((
        Signer {
            owner: Owner::Process,
            owner_id: process_id.to_string(),
            actor_id: group.clone(),
        },
        group,
    ))
}

fn person_signer(site: &Site, user: &User) -> Signer {
    Signer {
        owner: Owner::Person,
        owner_id: user.id.clone(),
        actor_id: urls::person(&site.base, &user.username),
    }
}

fn proposal_process(conn: &mut AnyConnection, proposal_id: &str) -> Result<String> {
    Ok(proposals::table
        .filter(proposals::id.eq(proposal_id))
        .select(proposals::process_id)
        .first(conn)?)
}

/// The process announces a wrapped activity (`Create`, `Update`…) and, for Mastodon, the bare
/// object too.
fn announce(
    conn: &mut AnyConnection,
    site: &Site,
    signer: &Signer,
    group: &str,
    inner: Value,
    object_id: Option<&str>,
    inboxes: &[String],
) -> Result<usize> {
    let (row, id) = queue::new_activity(&site.base);
    let wrapped = to_followers(&id, "Announce", group, inner);
    let mut sent = queue::enqueue(
        conn,
        &site.domain,
        &row,
        signer,
        &wrapped,
        inboxes.iter().cloned(),
    )?;
    if let Some(object_id) = object_id {
        // Lemmy answers 400 to an announced bare object (it fetches it expecting an activity).
        let (row, id) = queue::new_activity(&site.base);
        let bare = to_followers(&id, "Announce", group, json!(object_id));
        sent += queue::enqueue_for(
            conn,
            &site.domain,
            CLASSIC,
            &row,
            signer,
            &bare,
            inboxes.iter().cloned(),
        )?;
    }
    Ok(sent)
}

/// The process announces a person's activity to the peers that take the Lemmy forms (FEP-1b12
/// as Lemmy reads it: the inner activity by a `Person`, embedded, stored at its id).
fn announce_for_lemmy(
    conn: &mut AnyConnection,
    site: &Site,
    signer: &Signer,
    group: &str,
    inner: Value,
    inboxes: &[String],
) -> Result<usize> {
    let (inner_row, _) = inner_row(&inner);
    queue::record(conn, &inner_row, signer, &inner)?;
    let (row, id) = queue::new_activity(&site.base);
    let wrapped = to_followers(&id, "Announce", group, inner);
    queue::enqueue_for(
        conn,
        &site.domain,
        LEMMY,
        &row,
        signer,
        &wrapped,
        inboxes.iter().cloned(),
    )
}

/// The row id of an activity built with [`queue::new_activity`]: the last segment of its id.
fn inner_row(activity: &Value) -> (String, String) {
    let id = activity["id"].as_str().unwrap_or_default().to_string();
    (id.rsplit('/').next().unwrap_or_default().to_string(), id)
}

/// A person's activity about something in the process, as Lemmy wants it inside the
/// community's `Announce`.
fn person_activity(site: &Site, kind: &str, actor: &str, group: &str, object: Value) -> Value {
    let (_, id) = queue::new_activity(&site.base);
    json!({
        "@context": urls::context(),
        "id": id,
        "type": kind,
        "actor": actor,
        "object": object,
        "to": [urls::PUBLIC],
        "cc": [group],
        "audience": group,
    })
}

/// Who speaks for the town's staff to Lemmy: the longest-standing administrator, listed in the
/// process's `moderators` collection (Lemmy checks a moderator's changes against it).
fn moderator(conn: &mut AnyConnection, site: &Site) -> Result<Option<String>> {
    Ok(users::table
        .filter(users::role.eq(crate::domain::accounts::Role::Admin.as_str()))
        .filter(users::deleted_at.is_null())
        .order((users::created_at.asc(), users::id.asc()))
        .select(users::username)
        .first::<String>(conn)
        .optional()?
        .map(|u| urls::person(&site.base, &u)))
}

/// The server an object came from, when it is not this one: it is never sent its own object
/// back (Lemmy refuses it: "cant accept local object from remote instance").
fn foreign_host(site: &Site, id: &str) -> Option<String> {
    let host = urls::host_of_str(id);
    (!host.is_empty() && host != site.domain).then_some(host)
}

/// `inboxes` without those on the servers in `hosts`.
fn not_on(inboxes: Vec<String>, hosts: &[String]) -> Vec<String> {
    inboxes
        .into_iter()
        .filter(|inbox| !hosts.contains(&urls::host_of_str(inbox)))
        .collect()
}

/// The `Page` as Lemmy shows it: Lemmy keeps only the text, so the state and the official
/// answer are written under the body (in `content` and in the Markdown `source` it prefers), in
/// the town's language.
pub fn page_for_lemmy(page: &Value, proposal: &crate::domain::proposals::Proposal, locale: &str) -> Value {
    let mut page = page.clone();
    if proposal.state() == crate::domain::proposals::ProposalState::Published
        && proposal.answer_html.is_none()
    {
        return page;
    }
    let tr = crate::i18n::I18n::shared().tr(locale);
    let state = tr.t_with(
        "federation-lemmy-state",
        &[("state", tr.t(&format!("state-{}", proposal.state)))],
    );
    let state_html = super::content::escape(&state);
    let mut html = format!("<hr><p><strong>{state_html}</strong></p>");
    let mut markdown = format!("\n\n---\n\n**{state}**");
    if let (Some(answer_html), Some(answer)) = (&proposal.answer_html, &proposal.answer) {
        let heading = tr.t("federation-lemmy-official-answer");
        let heading_html = super::content::escape(&heading);
        html.push_str(&format!("<p><strong>{heading_html}</strong></p>{answer_html}"));
        markdown.push_str(&format!("\n\n**{heading}**\n\n{answer}"));
    }
    let content = format!("{}{html}", page["content"].as_str().unwrap_or_default());
    page["content"] = Value::String(content);
    let source = format!(
        "{}{markdown}",
        page["source"]["content"].as_str().unwrap_or_default()
    );
    page["source"] = json!({ "content": source, "mediaType": "text/markdown" });
    page
}

fn proposal_created(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let process_id = proposal_process(conn, proposal_id)?;
    let Some((inboxes, signer, group)) = followed(conn, site, &process_id)? else {
        return Ok(0);
    };
    let proposal = proposal_rules::find(conn, proposal_id)?;
    let page = objects::proposal_page(conn, &site.base, &proposal)?;
    let author = page["attributedTo"].clone();
    // A post from another server made a proposal here: its server has it already.
    let origin: Vec<String> = author
        .as_str()
        .and_then(|a| foreign_host(site, a))
        .into_iter()
        .collect();
    let inboxes = not_on(inboxes, &origin);
    let (create_row, create_id) = queue::new_activity(&site.base);
    let create = json!({
        "@context": urls::context(),
        "id": create_id,
        "type": "Create",
        "actor": author,
        "object": page,
        "to": page["to"],
        "cc": page["cc"],
        "audience": group,
    });
    // Stored so that it can be fetched at its id (Mastodon fetches what it is announced).
    queue::record(conn, &create_row, &signer, &create)?;
    let page_id = urls::proposal(&site.base, proposal_id);
    announce(conn, site, &signer, &group, create, Some(&page_id), &inboxes)
}

fn proposal_changed(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let process_id = proposal_process(conn, proposal_id)?;
    let Some((inboxes, signer, group)) = followed(conn, site, &process_id)? else {
        return Ok(0);
    };
    let proposal = proposal_rules::find(conn, proposal_id)?;
    if proposal.hidden {
        return proposal_removed(conn, site, proposal_id);
    }
    let page = objects::proposal_page(conn, &site.base, &proposal)?;
    let author = page["attributedTo"].as_str().unwrap_or_default().to_string();
    let origin: Vec<String> = foreign_host(site, &author).into_iter().collect();
    let inboxes = not_on(inboxes, &origin);
    let (row, id) = queue::new_activity(&site.base);
    let update = to_followers(&id, "Update", &group, page.clone());
    let mut sent = queue::enqueue_for(
        conn,
        &site.domain,
        CLASSIC,
        &row,
        &signer,
        &update,
        inboxes.clone(),
    )?;
    // Lemmy takes a post's new version from its author only (`actor` = `attributedTo`; a
    // moderator may only lock, feature or remove it), staff's answers included: it is sent in
    // the author's name, by the process that holds the proposal. A proposal by someone
    // elsewhere, or by an account since deleted, is not sent to it.
    if author != group && origin.is_empty() {
        let inner = person_activity(
            site,
            "Update",
            &author,
            &group,
            page_for_lemmy(&page, &proposal, &site.locale),
        );
        sent += announce_for_lemmy(conn, site, &signer, &group, inner, &inboxes)?;
    }
    Ok(sent)
}

/// How long count updates wait for more changes before they are sent.
pub const COUNTS_DEBOUNCE_SECS: i64 = 3;

fn counts_changed(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let process_id = proposal_process(conn, proposal_id)?;
    let Some((inboxes, signer, group)) = followed(conn, site, &process_id)? else {
        return Ok(0);
    };
    let proposal = proposal_rules::find(conn, proposal_id)?;
    if proposal.hidden {
        return Ok(0);
    }
    let page = objects::proposal_page(conn, &site.base, &proposal)?;
    let (row, id) = queue::new_activity(&site.base);
    let update = to_followers(&id, "Update", &group, page);
    // Lemmy keeps its own counts and shows none of ours: not sent to it.
    let sent = queue::enqueue_coalesced(
        conn,
        &site.domain,
        &format!("counts:{proposal_id}"),
        chrono::Duration::seconds(COUNTS_DEBOUNCE_SECS),
        &row,
        &signer,
        &update,
        inboxes,
    )?;
    if sent > 0 {
        queue::set_form(conn, &row, CLASSIC)?;
    }
    Ok(sent)
}

fn proposal_removed(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let process_id = proposal_process(conn, proposal_id)?;
    let Some((inboxes, signer, group)) = followed(conn, site, &process_id)? else {
        return Ok(0);
    };
    let page_id = urls::proposal(&site.base, proposal_id);
    let (row, id) = queue::new_activity(&site.base);
    let delete = to_followers(&id, "Delete", &group, json!(page_id));
    let mut sent = queue::enqueue_for(
        conn,
        &site.domain,
        CLASSIC,
        &row,
        &signer,
        &delete,
        inboxes.clone(),
    )?;
    // For Lemmy a moderator's `Delete` with a `summary` is a removal (without one, the
    // author deleting their own post).
    if let Some(actor) = moderator(conn, site)? {
        let mut inner = person_activity(site, "Delete", &actor, &group, json!(page_id));
        inner["summary"] = json!("Removed by the town's moderators");
        sent += announce_for_lemmy(conn, site, &signer, &group, inner, &inboxes)?;
    }
    Ok(sent)
}

fn comment_created(conn: &mut AnyConnection, site: &Site, comment_id: &str) -> Result<usize> {
    let comment = comments::find(conn, comment_id)?;
    let process_id = proposal_process(conn, &comment.proposal_id)?;
    let Some((inboxes, signer, group)) = followed(conn, site, &process_id)? else {
        return Ok(0);
    };
    let note = objects::comment_note(conn, &site.base, &comment)?;
    // A reply from another server is not announced back to it.
    let origin: Vec<String> = note["id"]
        .as_str()
        .and_then(|id| foreign_host(site, id))
        .into_iter()
        .collect();
    let inboxes = not_on(inboxes, &origin);
    let (create_row, create_id) = queue::new_activity(&site.base);
    let create = json!({
        "@context": urls::context(),
        "id": create_id,
        "type": "Create",
        "actor": note["attributedTo"],
        "object": note,
        "to": note["to"],
        "cc": note["cc"],
        "audience": group,
    });
    queue::record(conn, &create_row, &signer, &create)?;
    let sent = announce(conn, site, &signer, &group, create, None, &inboxes)?;
    // The comment count shown by followers changed too.
    Ok(sent + counts_changed(conn, site, &comment.proposal_id)?)
}

fn process_changed(conn: &mut AnyConnection, site: &Site, process_id: &str) -> Result<usize> {
    let Some((inboxes, signer, group)) = followed(conn, site, process_id)? else {
        return Ok(0);
    };
    let detail = process_rules::detail_by_id(conn, process_id)?;
    let actor = actors::process_json(conn, &site.base, &detail, site.logo.as_deref())?;
    let (row, id) = queue::new_activity(&site.base);
    let update = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Update",
        "actor": group,
        "object": actor,
        "to": [urls::PUBLIC],
        "cc": [format!("{group}/followers")],
    });
    let mut sent = queue::enqueue_for(
        conn,
        &site.domain,
        CLASSIC,
        &row,
        &signer,
        &update,
        inboxes.clone(),
    )?;
    // Lemmy takes a community's changes from one of its moderators, announced.
    if let Some(moderator) = moderator(conn, site)? {
        let inner = person_activity(site, "Update", &moderator, &group, actor);
        sent += announce_for_lemmy(conn, site, &signer, &group, inner, &inboxes)?;
    }
    Ok(sent)
}

/// The signed results `Document` (FEP-8b32 proof inside, as published), created by the process,
/// and a readable `Note` for timelines.
fn results_published(
    conn: &mut AnyConnection,
    site: &Site,
    budget_id: &str,
    summary_html: &str,
) -> Result<usize> {
    let budget = crate::domain::budgets::find(conn, budget_id)?;
    let Some((inboxes, signer, group)) = followed(conn, site, &budget.process_id)? else {
        return Ok(0);
    };
    let Some(text) = budget.published_outcome.as_deref() else {
        return Ok(0);
    };
    let document: Value = serde_json::from_str(text).map_err(|e| {
        crate::domain::Error::Db(crate::db::DbError::Task(format!(
            "stored results unreadable: {e}"
        )))
    })?;
    let (row, id) = queue::new_activity(&site.base);
    let create = to_followers(&id, "Create", &group, document);
    // Lemmy takes no object created by a community itself.
    let sent = queue::enqueue_for(conn, &site.domain, CLASSIC, &row, &signer, &create, inboxes)?;
    Ok(sent + news(conn, site, &budget.process_id, summary_html)?)
}

/// A `Note` by the process to its followers' timelines; stored so it can be fetched at its id.
fn news(conn: &mut AnyConnection, site: &Site, process_id: &str, html: &str) -> Result<usize> {
    let Some((inboxes, signer, group)) = followed(conn, site, process_id)? else {
        return Ok(0);
    };
    let (note_row, note_id) = queue::new_activity(&site.base);
    let note = json!({
        "@context": urls::context(),
        "id": note_id,
        "type": "Note",
        "attributedTo": group,
        "content": html,
        "mediaType": "text/html",
        "to": [urls::PUBLIC],
        "cc": [format!("{group}/followers")],
        "audience": group,
        "published": crate::domain::now().and_utc().to_rfc3339(),
    });
    queue::record(conn, &note_row, &signer, &note)?;
    let (row, id) = queue::new_activity(&site.base);
    let create = to_followers(&id, "Create", &group, note);
    queue::enqueue_for(conn, &site.domain, CLASSIC, &row, &signer, &create, inboxes)
}

/// The process accepts a follow; the whole `Follow` is embedded (Lemmy checks it).
pub fn accept_follow(
    conn: &mut AnyConnection,
    site: &Site,
    process_id: &str,
    follow: &Value,
    inbox: &str,
) -> Result<usize> {
    let (signer, group) = process_signer(conn, site, process_id)?;
    let (row, id) = queue::new_activity(&site.base);
    let accept = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Accept",
        "actor": group,
        "object": follow,
        "to": [follow["actor"]],
    });
    queue::enqueue(conn, &site.domain, &row, &signer, &accept, [inbox.to_string()])
}

fn instance_signer(site: &Site) -> Signer {
    Signer {
        owner: Owner::Instance,
        owner_id: super::keys::INSTANCE_ID.into(),
        actor_id: urls::instance_actor(&site.base),
    }
}

/// Our instance follows a remote process. Returns the `Follow` id.
pub fn follow(conn: &mut AnyConnection, site: &Site, group: &str, inbox: &str) -> Result<String> {
    let signer = instance_signer(site);
    let (row, id) = queue::new_activity(&site.base);
    let follow = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Follow",
        "actor": signer.actor_id,
        "object": group,
        "to": [group],
    });
    queue::enqueue(conn, &site.domain, &row, &signer, &follow, [inbox.to_string()])?;
    Ok(id)
}

pub fn unfollow(
    conn: &mut AnyConnection,
    site: &Site,
    group: &str,
    follow_id: &str,
    inbox: &str,
) -> Result<()> {
    let signer = instance_signer(site);
    let (row, id) = queue::new_activity(&site.base);
    let undo = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Undo",
        "actor": signer.actor_id,
        "object": { "id": follow_id, "type": "Follow", "actor": signer.actor_id, "object": group },
        "to": [group],
    });
    queue::enqueue(conn, &site.domain, &row, &signer, &undo, [inbox.to_string()])?;
    Ok(())
}

/// Staff here report a proposal of another town to that town (`Flag`, as Mastodon and Lemmy send
/// reports): from the instance actor, naming the proposal and its author, to the process's inbox.
pub fn flag_remote(
    conn: &mut AnyConnection,
    site: &Site,
    target: RemoteTarget<'_>,
    author: &str,
    reason: &str,
) -> Result<()> {
    let signer = instance_signer(site);
    let (row, id) = queue::new_activity(&site.base);
    let objects: Vec<&str> = [target.proposal, author]
        .into_iter()
        .filter(|o| !o.is_empty())
        .collect();
    let flag = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Flag",
        "actor": signer.actor_id,
        "object": objects,
        "content": reason,
        "to": [target.group],
    });
    queue::enqueue(
        conn,
        &site.domain,
        &row,
        &signer,
        &flag,
        [target.inbox.to_string()],
    )?;
    Ok(())
}

/// A proposal of another town that a citizen here acts on: its id, its process, and the
/// process's inbox.
#[derive(Debug, Clone, Copy)]
pub struct RemoteTarget<'a> {
    pub proposal: &'a str,
    pub group: &'a str,
    pub inbox: &'a str,
}

/// A citizen here endorses a proposal of another town. Returns the `Like` id.
///
/// With `attest`, the `Like` carries a residency attestation signed by this instance (for a
/// `peers` process, which counts residents of its peer towns); the caller checked that the person
/// is a verified resident.
pub fn like(
    conn: &mut AnyConnection,
    site: &Site,
    user: &User,
    target: RemoteTarget,
    attest: bool,
) -> Result<String> {
    let RemoteTarget {
        proposal,
        group,
        inbox,
    } = target;
    let signer = person_signer(site, user);
    let (row, id) = queue::new_activity(&site.base);
    let mut like = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Like",
        "actor": signer.actor_id,
        "object": proposal,
        "audience": group,
        "to": [group],
    });
    if attest {
        let key = crate::domain::signing_keys::for_owner(conn, super::attestation::INSTANCE_KEY_OWNER)?;
        like["residency"] = super::attestation::issue(&site.base, &key, &signer.actor_id, chrono::Utc::now());
    }
    queue::enqueue(conn, &site.domain, &row, &signer, &like, [inbox.to_string()])?;
    Ok(id)
}

pub fn undo_like(
    conn: &mut AnyConnection,
    site: &Site,
    user: &User,
    like_id: &str,
    target: RemoteTarget,
) -> Result<()> {
    let RemoteTarget {
        proposal,
        group,
        inbox,
    } = target;
    let signer = person_signer(site, user);
    let (row, id) = queue::new_activity(&site.base);
    let undo = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Undo",
        "actor": signer.actor_id,
        "object": { "id": like_id, "type": "Like", "actor": signer.actor_id, "object": proposal },
        "audience": group,
        "to": [group],
    });
    queue::enqueue(conn, &site.domain, &row, &signer, &undo, [inbox.to_string()])?;
    Ok(())
}

/// A citizen here comments on a proposal of another town. Returns the `Note`'s id.
pub fn comment(
    conn: &mut AnyConnection,
    site: &Site,
    user: &User,
    note_id: &str,
    content_html: &str,
    target: RemoteTarget,
) -> Result<Value> {
    let RemoteTarget {
        proposal,
        group,
        inbox,
    } = target;
    let signer = person_signer(site, user);
    let (row, id) = queue::new_activity(&site.base);
    let note = json!({
        "id": note_id,
        "type": "Note",
        "attributedTo": signer.actor_id,
        "content": content_html,
        "mediaType": "text/html",
        "inReplyTo": proposal,
        "audience": group,
        "to": [group, urls::PUBLIC],
        "published": crate::domain::now().and_utc().to_rfc3339(),
    });
    let create = json!({
        "@context": urls::context(),
        "id": id,
        "type": "Create",
        "actor": signer.actor_id,
        "object": note,
        "audience": group,
        "to": [group, urls::PUBLIC],
    });
    queue::enqueue(conn, &site.domain, &row, &signer, &create, [inbox.to_string()])?;
    Ok(note)
}
