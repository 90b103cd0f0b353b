//! `Flag`: a user of another server (Mastodon, Lemmy) reports a proposal or a comment of ours.
//! The report joins the staff moderation queue beside citizens' reports, filed under the
//! reporting server's actor and naming that server. A server may send at most
//! `FLAGS_PER_SERVER` reports an hour, so one server cannot flood the queue. The other way,
//! staff here forward a report about a mirrored proposal to the town it comes from (`forward`).

use std::sync::Arc;

use chrono::Duration;
use serde_json::Value;

use super::actors::RemoteActor;
use super::apply::{id_of, record_received, remote_user};
use super::error::FedError;
use super::outbox::Site;
use crate::app::AppState;
use crate::db::AnyConnection;
use crate::domain::throttle::{self, Limit};
use crate::domain::{comments, moderation, proposals};

/// Reports one server may send in an hour.
pub const FLAGS_PER_SERVER: Limit = Limit {
    max: 30,
    window: Duration::hours(1),
};

/// Files a report for each proposal or comment of ours the `Flag` names (Mastodon names the
/// reported account and statuses in `object`, Lemmy one post or comment). Objects that are not
/// ours (accounts, other servers' posts) are passed over.
pub async fn on_flag(
    state: &Arc<AppState>,
    site: Site,
    actor: RemoteActor,
    flag: Value,
) -> Result<(), FedError> {
    let named: Vec<String> = match &flag["object"] {
        Value::Array(items) => items.iter().filter_map(id_of).map(str::to_string).collect(),
        other => id_of(other).map(str::to_string).into_iter().collect(),
    };
    let comment = crate::markdown::plain_text(
        flag["content"]
            .as_str()
            .or_else(|| flag["summary"].as_str())
            .unwrap_or_default(),
    );
    let id = flag["id"].as_str().unwrap_or_default().to_string();
    state
        .db
        .write(move |conn| {
            throttle::hit(conn, &format!("flag:{}", actor.host), FLAGS_PER_SERVER)?;
            record_received(conn, &id, &actor.ap_id, "Flag")?;
            let reporter = remote_user(conn, &actor)?;
            for object in named.iter().take(20) {
                if let Some((kind, target)) = local_item(conn, &site, object)? {
                    moderation::report_from_server(conn, &reporter, &actor.host, kind, &target, &comment)?;
                }
            }
            Ok::<_, FedError>(())
        })
        .await
}

/// `("proposal" | "comment", id)` when `object` is one of ours.
fn local_item(
    conn: &mut AnyConnection,
    site: &Site,
    object: &str,
) -> crate::domain::Result<Option<(&'static str, String)>> {
    if let Some(id) = object.strip_prefix(&format!("{}/proposals/", site.base)) {
        return Ok(exists(proposals::find(conn, id).map(|_| ()))?.then(|| ("proposal", id.to_string())));
    }
    if let Some(id) = object.strip_prefix(&format!("{}/comments/", site.base)) {
        return Ok(exists(comments::find(conn, id).map(|_| ()))?.then(|| ("comment", id.to_string())));
    }
    Ok(None)
}

fn exists(found: crate::domain::Result<()>) -> crate::domain::Result<bool> {
    match found {
        Ok(()) => Ok(true),
        Err(crate::domain::Error::NotFound) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Staff report a mirrored proposal to its own town: a `Flag` queued to the process's inbox.
/// `reason` is what staff wrote (plain text, 5 to 1,000 characters).
pub async fn forward(
    state: &Arc<AppState>,
    remote_proposal_id: &str,
    reason: &str,
) -> crate::domain::Result<()> {
    let mut v = crate::domain::validate::Validator::new();
    v.text("reason", reason, 5, 1_000);
    v.finish()?;
    let site = Site::of(&state.config);
    let (id, reason) = (remote_proposal_id.to_string(), reason.trim().to_string());
    state
        .db
        .write(move |conn| {
            let proposal = super::mirror::find_proposal(conn, &id)?;
            let process = super::mirror::find_process(conn, &proposal.remote_process_id)?;
            let target = super::outbox::RemoteTarget {
                proposal: &proposal.ap_id,
                group: &process.ap_id,
                inbox: &process.inbox,
            };
            super::outbox::flag_remote(conn, &site, target, &proposal.author_ap_id, &reason)
        })
        .await?;
    state.deliveries_queued.notify_waiters();
    Ok(())
}
