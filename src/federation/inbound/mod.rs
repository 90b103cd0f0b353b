//! What an inbound activity does, once `inbox` has checked who sent it and read it into a
//! typed [`Activity`]: one file per activity, each with its checks and its effect.
//!
//! As a followed town we answer `Follow`/`Undo(Follow)` (`follow`), count `Like`/`Undo(Like)`
//! under the process's eligibility rule (`like`, `undo`), record boosts and votes against
//! (`reaction`), take `Create(Note)` replies as comments and their edits (`reply`), proposals
//! posted from Lemmy (`federation::posted`) and reports (`federation::flag`). As a follower we
//! mirror what followed processes `Announce`, `Update`, `Create` and `Delete` (`followed`).
//! Every activity id is recorded in the same transaction as its effect, so a repeat is refused
//! and nothing applies twice.

mod addresses;
mod delete;
mod follow;
mod followed;
mod like;
mod reaction;
mod remote_user;
mod reply;
mod undo;

use activitypub_federation::config::Data;
use diesel::prelude::*;

use super::actors::RemoteActor;
use super::error::FedError;
use super::outbox::Site;
use super::protocol::{Activity, Announce, Create, ObjectKind, Update};
use super::FedState;
use crate::app::{AppState, Effects};
use crate::db::schema::received_activities;
use crate::db::AnyConnection;
use crate::domain::{now, reactions};

pub use followed::mirror_object;
pub use like::class_for;
pub use remote_user::remote_user;

/// Applies one verified activity from `actor`.
pub async fn apply(data: &Data<FedState>, actor: RemoteActor, activity: Activity) -> Result<(), FedError> {
    let site = Site::of(&data.config);
    match activity {
        Activity::Follow(follow) => follow::on_follow(data, site, actor, follow).await,
        Activity::Accept(answer) => follow::on_answer(data, actor, answer, true).await,
        Activity::Reject(answer) => follow::on_answer(data, actor, answer, false).await,
        Activity::Undo(undo) => undo::on_undo(data, site, actor, undo).await,
        Activity::Like(like) => like::on_like(data, site, actor, like).await,
        Activity::Dislike(vote) => reaction::on_reaction(data, site, actor, vote, reactions::AGAINST).await,
        Activity::Create(create) => on_create(data, site, actor, create).await,
        Activity::Announce(announce) => on_announce(data, site, actor, announce).await,
        Activity::Update(update) => on_update(data, actor, update).await,
        Activity::Delete(delete) => delete::on_delete(data, actor, delete).await,
        Activity::Flag(flag) => super::flag::on_flag(data, site, actor, flag).await,
        // Any other type passed the same checks; it is acknowledged and ignored.
        Activity::Other => {
            tracing::info!(actor = %actor.ap_id, "activity type we do not act on: ignored");
            Ok(())
        }
    }
}

/// A `Create`: a post in one of our processes by a person elsewhere (Lemmy), what a followed
/// process publishes (signed results, news), or a reply.
async fn on_create(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    create: Create,
) -> Result<(), FedError> {
    let object = &create.object;
    if object.is(ObjectKind::Page) && actor.kind != "Group" {
        return super::posted::on_create_page(data, site, actor, create).await;
    }
    if object.is(ObjectKind::Document) || (actor.kind == "Group" && object.in_reply_to.id().is_none()) {
        return followed::on_publication(data, actor, create).await;
    }
    reply::on_reply(data, site, actor, create).await
}

/// An `Announce`: someone boosting one of our proposals (a share), or a followed process
/// relaying what it holds.
async fn on_announce(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    announce: Announce,
) -> Result<(), FedError> {
    if announce
        .object
        .id()
        .is_some_and(|o| addresses::local_proposal(&site, o).is_some())
    {
        let boost = super::protocol::Vote {
            id: announce.id,
            actor: announce.actor,
            object: announce.object.id,
        };
        return reaction::on_reaction(data, site, actor, boost, reactions::SHARE).await;
    }
    followed::on_announce(data, actor, announce).await
}

/// An `Update`: someone edited a reply they made here (Mastodon and Lemmy send `Update(Note)`),
/// or a followed process changed itself or one of its proposals.
async fn on_update(data: &Data<FedState>, actor: RemoteActor, update: Update) -> Result<(), FedError> {
    let object_id = update.object.id.id_or_empty();
    if super::urls::host_of_str(object_id) != actor.host {
        return Err(FedError::forbidden("object id is not on the actor's server"));
    }
    if update.object.is(ObjectKind::Note) && actor.kind != "Group" {
        return reply::on_reply_edited(data, actor, update).await;
    }
    followed::on_update(data, actor, update).await
}

/// An activity as the record of ids received keeps it: a second copy is refused by its id.
pub struct Received {
    pub id: String,
    pub actor: String,
    pub kind: &'static str,
}

impl Received {
    pub fn new(id: &str, actor: &RemoteActor, kind: &'static str) -> Received {
        Received {
            id: id.to_string(),
            actor: actor.ap_id.clone(),
            kind,
        }
    }
}

/// The inbound counterpart of `app::act`: runs an activity's `effect` in one write transaction
/// that first records the activity's id (a second copy racing this one fails on it and is
/// answered 409), then queues the federation events the effect raised, and wakes the delivery
/// workers once it has committed. Every inbound write goes through here, so an effect cannot
/// forget to record, to federate or to wake.
pub async fn receive<T, F>(state: &AppState, received: Received, effect: F) -> Result<T, FedError>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, &mut Effects) -> Result<T, FedError> + Send + 'static,
{
    crate::app::transact(state, move |conn, effects| {
        record_received(conn, &received.id, &received.actor, received.kind)?;
        effect(conn, effects)
    })
    .await
}

/// Records an applied activity's id, in the transaction of its effect: a second copy then
/// fails on the key and is answered 409.
pub fn record_received(
    conn: &mut AnyConnection,
    id: &str,
    actor: &str,
    kind: &str,
) -> crate::domain::Result<()> {
    diesel::insert_into(received_activities::table)
        .values((
            received_activities::ap_id.eq(id),
            received_activities::actor_ap_id.eq(actor),
            received_activities::kind.eq(kind),
            received_activities::received_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
