//! A process relays its proposals and their comments to its followers.

use serde_json::{json, Value};

use super::lemmy::{self, page_for_lemmy};
use super::{proposal_followed, record, to_followers, Followed, Peers, Site};
use crate::db::AnyConnection;
use crate::domain::{comments, proposals as proposal_rules, Result};
use crate::federation::forms::CLASSIC;
use crate::federation::{objects, queue, urls};

/// How long count updates wait for more changes before they are sent.
const COUNTS_DEBOUNCE_SECS: i64 = 3;

pub(super) fn proposal_created(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let Some(to) = proposal_followed(conn, site, proposal_id)? else {
        return Ok(0);
    };
    let proposal = proposal_rules::find(conn, proposal_id)?;
    let page = objects::proposal_page(conn, &site.base, &proposal)?;
    // A post from another server made a proposal here: its server has it already.
    let to = not_to_origin(site, to, page["attributedTo"].as_str());
    let create = authored_create(conn, site, &to, page)?;
    let page_id = urls::proposal(&site.base, proposal_id);
    announce(conn, site, &to, create, Some(&page_id))
}

pub(super) fn proposal_changed(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let Some(to) = proposal_followed(conn, site, proposal_id)? else {
        return Ok(0);
    };
    let proposal = proposal_rules::find(conn, proposal_id)?;
    if proposal.hidden {
        return proposal_removed(conn, site, proposal_id);
    }
    let page = objects::proposal_page(conn, &site.base, &proposal)?;
    let author = page["attributedTo"].as_str().unwrap_or_default().to_string();
    let elsewhere = foreign_host(site, &author);
    let to = without_host(to, elsewhere.as_deref());
    let mut sent = to.send(conn, site, Peers::Taking(CLASSIC), |id| {
        to_followers(id, "Update", &to.group, page.clone())
    })?;
    // Lemmy takes a post's new version from its author only (`actor` = `attributedTo`; a
    // moderator may only lock, feature or remove it), staff's answers included: it is sent in
    // the author's name, by the process that holds the proposal. A proposal by someone
    // elsewhere, or by an account since deleted, is not sent to it.
    if author != to.group && elsewhere.is_none() {
        let page = page_for_lemmy(&page, &proposal, &site.locale);
        let inner = lemmy::person_activity("Update", &author, &to.group, page);
        sent += lemmy::announce(conn, site, &to, inner)?;
    }
    Ok(sent)
}

pub(super) fn counts_changed(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let Some(to) = proposal_followed(conn, site, proposal_id)? else {
        return Ok(0);
    };
    let proposal = proposal_rules::find(conn, proposal_id)?;
    if proposal.hidden {
        return Ok(0);
    }
    let page = objects::proposal_page(conn, &site.base, &proposal)?;
    let (row, id) = queue::new_activity(&site.base);
    let update = to_followers(&id, "Update", &to.group, page);
    // Lemmy keeps its own counts and shows none of ours: not sent to it.
    let sent = queue::enqueue_coalesced(
        conn,
        &site.domain,
        &format!("counts:{proposal_id}"),
        chrono::Duration::seconds(COUNTS_DEBOUNCE_SECS),
        &row,
        &to.signer,
        &update,
        to.inboxes,
    )?;
    if sent > 0 {
        queue::set_form(conn, &row, CLASSIC)?;
    }
    Ok(sent)
}

pub(super) fn proposal_removed(conn: &mut AnyConnection, site: &Site, proposal_id: &str) -> Result<usize> {
    let Some(to) = proposal_followed(conn, site, proposal_id)? else {
        return Ok(0);
    };
    let page_id = urls::proposal(&site.base, proposal_id);
    let mut sent = to.send(conn, site, Peers::Taking(CLASSIC), |id| {
        to_followers(id, "Delete", &to.group, json!(page_id))
    })?;
    // For Lemmy a moderator's `Delete` with a `summary` is a removal (without one, the
    // author deleting their own post).
    if let Some(actor) = lemmy::moderator(conn, site)? {
        let mut inner = lemmy::person_activity("Delete", &actor, &to.group, json!(page_id));
        inner["summary"] = json!("Removed by the town's moderators");
        sent += lemmy::announce(conn, site, &to, inner)?;
    }
    Ok(sent)
}

pub(super) fn comment_created(conn: &mut AnyConnection, site: &Site, comment_id: &str) -> Result<usize> {
    let comment = comments::find(conn, comment_id)?;
    let Some(to) = proposal_followed(conn, site, &comment.proposal_id)? else {
        return Ok(0);
    };
    let note = objects::comment_note(conn, &site.base, &comment)?;
    // A reply from another server is not announced back to it.
    let to = not_to_origin(site, to, note["id"].as_str());
    let create = authored_create(conn, site, &to, note)?;
    let sent = announce(conn, site, &to, create, None)?;
    // The comment count shown by followers changed too.
    Ok(sent + counts_changed(conn, site, &comment.proposal_id)?)
}

/// The author's `Create` of `object`, addressed as the object is, in the process's audience;
/// stored so that it can be fetched at its id (Mastodon fetches what it is announced).
fn authored_create(conn: &mut AnyConnection, site: &Site, to: &Followed, object: Value) -> Result<Value> {
    record(conn, site, &to.signer, |id| {
        let mut create = super::activity(
            id,
            "Create",
            object["attributedTo"].clone(),
            object.clone(),
            object["to"].clone(),
        );
        create["cc"] = object["cc"].clone();
        create["audience"] = json!(to.group);
        create
    })
}

/// The process announces a wrapped activity (`Create`, `Update`…) and, for Mastodon, the bare
/// object too.
fn announce(
    conn: &mut AnyConnection,
    site: &Site,
    to: &Followed,
    inner: Value,
    object_id: Option<&str>,
) -> Result<usize> {
    let mut sent = to.send(conn, site, Peers::All, |id| {
        to_followers(id, "Announce", &to.group, inner)
    })?;
    if let Some(object_id) = object_id {
        // Lemmy answers 400 to an announced bare object (it fetches it expecting an activity).
        sent += to.send(conn, site, Peers::Taking(CLASSIC), |id| {
            to_followers(id, "Announce", &to.group, json!(object_id))
        })?;
    }
    Ok(sent)
}

/// The followers without those on the server `origin` comes from, when that is not this one:
/// a server is never sent its own object back (Lemmy refuses it: "cant accept local object from
/// remote instance").
fn not_to_origin(site: &Site, to: Followed, origin: Option<&str>) -> Followed {
    let host = origin.and_then(|id| foreign_host(site, id));
    without_host(to, host.as_deref())
}

/// The followers without those on `host`.
fn without_host(mut to: Followed, host: Option<&str>) -> Followed {
    if let Some(host) = host {
        to.inboxes.retain(|inbox| urls::host_of_str(inbox) != host);
    }
    to
}

/// The server an object came from, when it is not this one.
fn foreign_host(site: &Site, id: &str) -> Option<String> {
    let host = urls::host_of_str(id);
    (!host.is_empty() && host != site.domain).then_some(host)
}
