//! `Undo` of an earlier activity: a follow, an endorsement (`Like`), a boost or a vote against.
//! Lemmy undoes a downvote with `Undo(Like)` too, so an `Undo(Like)` without an endorsement to
//! withdraw withdraws the vote against.

use activitypub_federation::config::Data;
use diesel::prelude::*;

use super::addresses::{local_process_slug, local_proposal_id};
use super::reaction::withdraw_reaction;
use super::{receive, remote_user, Received};
use crate::app::Effects;
use crate::db::schema::{followers, processes};
use crate::db::AnyConnection;
use crate::domain::{endorsements, proposals, reactions};
use crate::federation::actors::RemoteActor;
use crate::federation::error::FedError;
use crate::federation::outbox::{Event, Site};
use crate::federation::protocol::{Object, ObjectKind, Undo};
use crate::federation::FedState;

/// What kind of activity is undone, from the embedded activity's type (none when it is named by
/// id only).
enum Undone {
    Follow,
    /// `Announce` (a share) or `Dislike` (a vote against): the reaction of that kind.
    Reaction(&'static str),
    /// A `Like`, or an activity named by id only.
    LikeOrUnknown,
    Other,
}

impl Undone {
    fn of(inner: &Object) -> Undone {
        match &inner.kind {
            None => Undone::LikeOrUnknown,
            Some(ObjectKind::Other(kind)) => match kind.as_str() {
                "Follow" => Undone::Follow,
                "Like" => Undone::LikeOrUnknown,
                "Dislike" => Undone::Reaction(reactions::AGAINST),
                "Announce" => Undone::Reaction(reactions::SHARE),
                _ => Undone::Other,
            },
            Some(_) => Undone::Other,
        }
    }
}

pub async fn on_undo(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    undo: Undo,
) -> Result<(), FedError> {
    let inner = undo.object;
    if let Some(inner_actor) = inner.actor.id() {
        if inner_actor != actor.ap_id {
            return Err(FedError::forbidden("an actor can only undo its own activities"));
        }
    }
    let undone = Undone::of(&inner);
    let inner_id = inner.id.id_or_empty().to_string();
    let inner_object = inner.object.id_or_empty().to_string();
    let received = Received::new(&undo.id, &actor, "Undo");
    receive(data, received, move |conn, effects| match undone {
        Undone::Follow => {
            let slug = local_process_slug(&site, &inner_object).unwrap_or_default();
            diesel::delete(
                followers::table
                    .filter(followers::actor_ap_id.eq(&actor.ap_id))
                    .filter(
                        followers::follow_ap_id
                            .eq(&inner_id)
                            .or(followers::process_id.eq_any(
                                processes::table
                                    .filter(processes::slug.eq(slug))
                                    .select(processes::id),
                            )),
                    ),
            )
            .execute(conn)?;
            Ok(())
        }
        Undone::Reaction(kind) => {
            let user = remote_user(conn, &actor)?;
            let proposal_id = match local_proposal_id(conn, &site, &inner_object)? {
                Some(p) => Some(p),
                None => reactions::proposal_of(conn, &inner_id)?.map(|(p, _)| p),
            };
            match proposal_id {
                Some(proposal_id) => withdraw_reaction(conn, effects, &user, proposal_id, kind),
                None => Ok(()),
            }
        }
        Undone::LikeOrUnknown => undo_like(conn, effects, &site, &actor, &inner_id, &inner_object),
        Undone::Other => Ok(()),
    })
    .await
}

/// A `Like`, or an activity named by id only: a reaction if we recorded one under that id, else
/// an endorsement, else (Lemmy) the vote against; followers get the new counts.
fn undo_like(
    conn: &mut AnyConnection,
    effects: &mut Effects,
    site: &Site,
    actor: &RemoteActor,
    inner_id: &str,
    inner_object: &str,
) -> Result<(), FedError> {
    let user = remote_user(conn, actor)?;
    if let Some((proposal_id, kind)) = reactions::proposal_of(conn, inner_id)? {
        return withdraw_reaction(conn, effects, &user, proposal_id, &kind);
    }
    let target = match local_proposal_id(conn, site, inner_object)? {
        Some(p) => Some(p),
        // `Undo` of a `Like` given by id only: find the endorsement it made.
        None => endorsements::proposal_of_like(conn, inner_id)?,
    };
    let Some(proposal_id) = target else {
        return Ok(());
    };
    let (detail, listed) = proposals::find_with_process(conn, &proposal_id)?;
    let proposal = listed.proposal;
    if endorsements::unendorse(conn, &detail, &proposal, &user)?.changed {
        effects.federate(Event::CountsChanged(proposal_id));
        return Ok(());
    }
    // Lemmy undoes a downvote too with `Undo(Like)` (a fresh `Like` of the post inside):
    // without an endorsement, it is the vote against.
    withdraw_reaction(conn, effects, &user, proposal_id, reactions::AGAINST)
}
