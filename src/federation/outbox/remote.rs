//! What this town and its citizens send to another town's process: the instance follows it,
//! reports to it; a citizen endorses or comments on its proposals. And the answer a process of
//! ours gives to a follow.

use serde_json::{json, Value};

use super::{activity, process_signer, send, Peers, Site};
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::Result;
use crate::federation::keys::{Owner, INSTANCE_ID};
use crate::federation::queue::Signer;
use crate::federation::{attestation, urls};

/// A proposal of another town that a citizen here acts on: its id, its process, and the
/// process's inbox.
#[derive(Debug, Clone, Copy)]
pub struct RemoteTarget<'a> {
    pub proposal: &'a str,
    pub group: &'a str,
    pub inbox: &'a str,
}

fn person_signer(site: &Site, user: &User) -> Signer {
    Signer {
        owner: Owner::Person,
        owner_id: user.id.clone(),
        actor_id: urls::person(&site.base, &user.username),
    }
}

fn instance_signer(site: &Site) -> Signer {
    Signer {
        owner: Owner::Instance,
        owner_id: INSTANCE_ID.into(),
        actor_id: urls::instance_actor(&site.base),
    }
}

/// Queues one activity for one inbox; returns its id.
fn send_one(
    conn: &mut AnyConnection,
    site: &Site,
    signer: &Signer,
    inbox: &str,
    build: impl FnOnce(&str) -> Value,
) -> Result<String> {
    Ok(send(conn, site, signer, Peers::All, [inbox.to_string()], build)?.0)
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
    let (_, sent) = send(conn, site, &signer, Peers::All, [inbox.to_string()], |id| {
        activity(
            id,
            "Accept",
            group.as_str(),
            follow.clone(),
            json!([follow["actor"]]),
        )
    })?;
    Ok(sent)
}

/// Our instance follows a remote process. Returns the `Follow` id.
pub fn follow(conn: &mut AnyConnection, site: &Site, group: &str, inbox: &str) -> Result<String> {
    let signer = instance_signer(site);
    send_one(conn, site, &signer, inbox, |id| {
        activity(
            id,
            "Follow",
            signer.actor_id.as_str(),
            json!(group),
            json!([group]),
        )
    })
}

pub fn unfollow(
    conn: &mut AnyConnection,
    site: &Site,
    group: &str,
    follow_id: &str,
    inbox: &str,
) -> Result<()> {
    let signer = instance_signer(site);
    let actor = signer.actor_id.as_str();
    let follow = json!({ "id": follow_id, "type": "Follow", "actor": actor, "object": group });
    send_one(conn, site, &signer, inbox, |id| {
        activity(id, "Undo", actor, follow, json!([group]))
    })?;
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
    let reported: Vec<&str> = [target.proposal, author]
        .into_iter()
        .filter(|o| !o.is_empty())
        .collect();
    send_one(conn, site, &signer, target.inbox, |id| {
        let mut flag = activity(
            id,
            "Flag",
            signer.actor_id.as_str(),
            json!(reported),
            json!([target.group]),
        );
        flag["content"] = json!(reason);
        flag
    })?;
    Ok(())
}

/// A citizen's activity about a proposal of another town, addressed to its process.
fn about_remote(id: &str, kind: &str, signer: &Signer, object: Value, target: RemoteTarget) -> Value {
    let mut body = activity(id, kind, signer.actor_id.as_str(), object, json!([target.group]));
    body["audience"] = json!(target.group);
    body
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
    let signer = person_signer(site, user);
    let residency = if attest {
        let key = crate::domain::signing_keys::for_owner(conn, attestation::INSTANCE_KEY_OWNER)?;
        Some(attestation::issue(
            &site.base,
            &key,
            &signer.actor_id,
            chrono::Utc::now(),
        ))
    } else {
        None
    };
    send_one(conn, site, &signer, target.inbox, |id| {
        let mut like = about_remote(id, "Like", &signer, json!(target.proposal), target);
        if let Some(residency) = residency {
            like["residency"] = residency;
        }
        like
    })
}

pub fn undo_like(
    conn: &mut AnyConnection,
    site: &Site,
    user: &User,
    like_id: &str,
    target: RemoteTarget,
) -> Result<()> {
    let signer = person_signer(site, user);
    let like = json!({ "id": like_id, "type": "Like", "actor": signer.actor_id, "object": target.proposal });
    send_one(conn, site, &signer, target.inbox, |id| {
        about_remote(id, "Undo", &signer, like, target)
    })?;
    Ok(())
}

/// A citizen here comments on a proposal of another town. Returns the `Note`.
pub fn comment(
    conn: &mut AnyConnection,
    site: &Site,
    user: &User,
    note_id: &str,
    content_html: &str,
    target: RemoteTarget,
) -> Result<Value> {
    let signer = person_signer(site, user);
    let public = json!([target.group, urls::PUBLIC]);
    let note = json!({
        "id": note_id,
        "type": "Note",
        "attributedTo": signer.actor_id,
        "content": content_html,
        "mediaType": "text/html",
        "inReplyTo": target.proposal,
        "audience": target.group,
        "to": public,
        "published": crate::domain::now().and_utc().to_rfc3339(),
    });
    send_one(conn, site, &signer, target.inbox, |id| {
        let mut create = about_remote(id, "Create", &signer, note.clone(), target);
        create["to"] = public;
        create
    })?;
    Ok(note)
}
