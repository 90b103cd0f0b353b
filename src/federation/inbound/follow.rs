//! Following, both ways: a `Follow` of one of our processes (the follower is stored, one row per
//! actor, and answered with an `Accept`), and the `Accept` or `Reject` a process we follow
//! answers our own `Follow` with.

use activitypub_federation::config::Data;
use diesel::prelude::*;

use super::addresses::local_process_slug;
use super::followed::followed_process;
use super::{receive, Received};
use crate::db::schema::followers;
use crate::domain::{now, processes as process_rules};
use crate::federation::actors::RemoteActor;
use crate::federation::error::FedError;
use crate::federation::outbox::{self, Site};
use crate::federation::protocol::{Answer, Follow};
use crate::federation::{mirror, FedState};

pub async fn on_follow(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    follow: Follow,
) -> Result<(), FedError> {
    let slug = local_process_slug(&site, follow.object.id_or_empty())
        .ok_or_else(|| FedError::not_found("only processes can be followed here"))?;
    let received = Received::new(&follow.id, &actor, "Follow");
    receive(data, received, move |conn, effects| {
        let detail = process_rules::detail_by_slug(conn, &slug, false)?;
        let inbox = actor.delivery_inbox();
        diesel::delete(
            followers::table
                .filter(followers::process_id.eq(&detail.process.id))
                .filter(followers::actor_ap_id.eq(&actor.ap_id)),
        )
        .execute(conn)?;
        diesel::insert_into(followers::table)
            .values((
                followers::process_id.eq(&detail.process.id),
                followers::actor_ap_id.eq(&actor.ap_id),
                followers::inbox.eq(&inbox),
                followers::follow_ap_id.eq(&follow.id),
                followers::created_at.eq(now()),
            ))
            .execute(conn)?;
        // The Accept goes to the follower's own inbox: it is addressed to that actor.
        outbox::accept_follow(conn, &site, &detail.process.id, &follow.raw, &actor.inbox)?;
        effects.sent();
        Ok(())
    })
    .await
}

/// The followed process answered our `Follow`: accepted (then its outbox is read once, to catch
/// up) or refused.
pub async fn on_answer(
    data: &Data<FedState>,
    actor: RemoteActor,
    answer: Answer,
    accepted: bool,
) -> Result<(), FedError> {
    let state = data.0.clone();
    let process = followed_process(&state, &actor).await?;
    if !answer.object.is(&process.follow_ap_id) {
        return Err(FedError::bad("this is not an answer to our follow"));
    }
    let process_id = process.id.clone();
    let received = Received::new(&answer.id, &actor, if accepted { "Accept" } else { "Reject" });
    receive(&state, received, move |conn, _| {
        mirror::set_follow_state(conn, &process_id, if accepted { "accepted" } else { "rejected" })?;
        Ok(())
    })
    .await?;
    if accepted {
        let state = state.clone();
        tokio::spawn(async move {
            if let Err(e) = crate::federation::follow::backfill(&state, &process).await {
                tracing::warn!(process = %process.ap_id, error = %e, "could not read the outbox of a followed process");
            }
        });
    }
    Ok(())
}
