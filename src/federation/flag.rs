//! `Flag`: a user of another server (Mastodon, Lemmy) reports a proposal or a comment of ours.
//! The report joins the staff moderation queue beside citizens' reports, filed under the
//! reporting server's actor and naming that server. A server may send at most
//! `FLAGS_PER_SERVER` reports an hour, so one server cannot flood the queue. The other way,
//! staff here forward a report about a mirrored proposal to the town it comes from (`forward`).

use std::sync::Arc;

use super::actors::RemoteActor;
use super::error::FedError;
use super::inbound::{receive, remote_user, Received};
use super::outbox::Site;
use super::protocol::Flag;
use super::FedState;
use crate::app::AppState;
use crate::db::AnyConnection;
use crate::domain::throttle::{self, Limit};
use crate::domain::{comments, moderation, proposals};
use activitypub_federation::config::Data;

/// Reports one server may send in an hour.
pub const FLAGS_PER_SERVER: Limit = Limit::per_hour(30);

/// Files a report for each proposal or comment of ours the `Flag` names (Mastodon names the
/// reported account and statuses in `object`, Lemmy one post or comment). Objects that are not
/// ours (accounts, other servers' posts) are passed over.
pub async fn on_flag(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    flag: Flag,
) -> Result<(), FedError> {
    let comment = crate::markdown::plain_text(flag.comment());
    let received = Received::new(&flag.id, &actor, "Flag");
    let named = flag.object.0;
    receive(data, received, move |conn, _| {
        throttle::hit(conn, &format!("flag:{}", actor.host), FLAGS_PER_SERVER)?;
        let reporter = remote_user(conn, &actor)?;
        for object in named.iter().take(20) {
            if let Some((kind, target)) = local_item(conn, &site, object)? {
                moderation::report_from_server(conn, &reporter, &actor.host, kind, &target, &comment)?;
            }
        }
        Ok(())
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
    crate::app::act(state, move |conn, effects| {
        let proposal = super::mirror::find_proposal(conn, &id)?;
        let process = super::mirror::find_process(conn, &proposal.remote_process_id)?;
        let target = super::outbox::RemoteTarget {
            proposal: &proposal.ap_id,
            group: &process.ap_id,
            inbox: &process.inbox,
        };
        super::outbox::flag_remote(conn, &site, target, &proposal.author_ap_id, &reason)?;
        effects.sent();
        Ok(())
    })
    .await
}
