//! Reactions to one of our proposals that are not endorsements: a boost (`Announce`, a share)
//! and a vote against (Lemmy's `Dislike`). Recorded once per person, counted on the proposal
//! apart from endorsements, sent to followers with the debounced counts.

use activitypub_federation::config::Data;

use super::addresses::named_proposal;
use super::{receive, remote_user, Received};
use crate::app::Effects;
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::{endorsements, processes as process_rules, proposals, reactions};
use crate::federation::actors::RemoteActor;
use crate::federation::error::FedError;
use crate::federation::outbox::{Event, Site};
use crate::federation::protocol::Vote;
use crate::federation::FedState;

pub async fn on_reaction(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    vote: Vote,
    kind: &'static str,
) -> Result<(), FedError> {
    let object = vote.object.id_or_empty().to_string();
    let received = Received::new(&vote.id, &actor, kind);
    receive(data, received, move |conn, effects| {
        let proposal_id = named_proposal(conn, &site, &object)?
            .ok_or_else(|| FedError::not_found("only proposals can be boosted or voted on here"))?;
        let proposal = proposals::find(conn, &proposal_id)?;
        if proposal.hidden {
            return Err(FedError::not_found("no such proposal"));
        }
        let user = remote_user(conn, &actor)?;
        let added = reactions::add(conn, &proposal, &user, kind, &vote.id)?;
        // Lemmy turns an upvote into a downvote with a plain `Dislike`: the endorsement goes,
        // where the phase still lets endorsements change (after it they stay as counted).
        let switched = kind == reactions::AGAINST && {
            let detail = process_rules::detail_by_id(conn, &proposal.process_id)?;
            match endorsements::unendorse(conn, &detail, &proposal, &user) {
                Ok(removed) => removed.changed,
                Err(crate::domain::Error::Forbidden(_)) => false,
                Err(e) => return Err(e.into()),
            }
        };
        if added || switched {
            effects.federate(Event::CountsChanged(proposal_id));
        }
        Ok(())
    })
    .await
}

/// Withdraws a share or a vote against; if there was one, followers get the new counts.
pub fn withdraw_reaction(
    conn: &mut AnyConnection,
    effects: &mut Effects,
    user: &User,
    proposal_id: String,
    kind: &str,
) -> Result<(), FedError> {
    if reactions::remove(conn, &proposal_id, user, kind)? {
        effects.federate(Event::CountsChanged(proposal_id));
    }
    Ok(())
}
