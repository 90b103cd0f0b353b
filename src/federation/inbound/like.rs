//! `Like` of one of our proposals: an endorsement by a person of another server, counted in the
//! class the process's rule gives it (docs/federation.md, "Classes of an endorsement"). Under a
//! `peers` rule the `Like` must carry a residency attestation from a listed peer town.

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use serde_json::Value;
use url::Url;

use super::addresses::named_proposal;
use super::remote_user::{known_remote_user, remote_user};
use super::{receive, Received};
use crate::domain::eligibility::Rule;
use crate::domain::{endorsements, proposals, reactions};
use crate::federation::actors::{self, RemoteActor};
use crate::federation::error::FedError;
use crate::federation::outbox::{Event, Site};
use crate::federation::protocol::Like;
use crate::federation::{urls, FedState};

pub async fn on_like(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    like: Like,
) -> Result<(), FedError> {
    let state = data.0.clone();
    let object = like.object.id_or_empty().to_string();
    // Everything that can be read is read first, outside the single writer: the proposal, its
    // process (whose rule decides the class) and the remote account if there is one. Under
    // `peers` the attestation is checked before the write too (it may need a fetch).
    let (site_, actor_) = (site.clone(), actor.clone());
    let (proposal, detail, known_user) = state
        .db
        .read(move |conn| {
            let proposal_id = named_proposal(conn, &site_, &object)?
                .ok_or_else(|| FedError::not_found("only proposals can be endorsed here"))?;
            let (detail, listed) = proposals::find_with_process(conn, &proposal_id)?;
            Ok::<_, FedError>((listed.proposal, detail, known_remote_user(conn, &actor_)?))
        })
        .await?;
    let rule = actors::Eligibility::of(&detail.process);
    let attested_by = if rule.rule == Rule::Peers {
        Some(attested_host(data, &actor, like.residency.as_ref(), &rule.peer_hosts).await?)
    } else {
        None
    };
    let id = like.id;
    receive(
        &state,
        Received::new(&id, &actor, "Like"),
        move |conn, effects| {
            let user = match known_user {
                Some(user) => user,
                None => remote_user(conn, &actor)?,
            };
            // Under `peers` the attestation was checked above: its host is the actor's and a
            // listed peer, so the rule gives `peer`.
            let class = class_for(&rule, &actor.host);
            // Checked again as the write finds the proposal (it may have been withdrawn or
            // hidden since the read), without reading it once more.
            let endorsed =
                endorsements::endorse_as(conn, &detail, &proposal, &user, class, Some(&id))?.changed;
            if endorsed {
                if let Some(host) = &attested_by {
                    endorsements::set_attested_by(conn, &id, host)?;
                }
            }
            // Lemmy turns a downvote into an upvote with a plain `Like`, no `Undo` first: one
            // vote per person, so the vote against goes.
            let switched = reactions::remove(conn, &proposal.id, &user, reactions::AGAINST)?;
            if endorsed || switched {
                effects.federate(Event::CountsChanged(proposal.id));
            }
            Ok(())
        },
    )
    .await
}

/// The class a remote endorsement counts in, by the process's rule.
pub fn class_for(rule: &actors::Eligibility, actor_host: &str) -> &'static str {
    match rule.rule {
        Rule::Open => endorsements::CLASS_OPEN,
        Rule::Peers if rule.peer_hosts.iter().any(|h| h == actor_host) => endorsements::CLASS_PEER,
        _ => endorsements::CLASS_FEDERATED,
    }
}

/// Under a `peers` rule, the attestation a `Like` carries: checked against the issuing town's
/// key, fetched from its instance actor. Returns the issuing host when it checks out.
async fn attested_host(
    data: &Data<FedState>,
    actor: &RemoteActor,
    attestation: Option<&Value>,
    peer_hosts: &[String],
) -> Result<String, FedError> {
    let issuer_doc = match attestation
        .and_then(|a| a["issuer"].as_str())
        .and_then(|i| Url::parse(i).ok())
    {
        // Only the actor's own server may vouch for it; anything else is refused below, unfetched.
        Some(issuer) if urls::host_of(&issuer) == actor.host => {
            fetch_object_http::<FedState, Value>(&issuer, data)
                .await
                .ok()
                .map(|r| r.object)
        }
        _ => None,
    };
    crate::federation::attestation::check(
        attestation,
        &actor.ap_id,
        issuer_doc.as_ref(),
        peer_hosts,
        chrono::Utc::now(),
    )
    .map(|()| actor.host.clone())
    .map_err(|refusal| FedError::forbidden(format!("not counted as a peer-town resident: {refusal}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(rule: Rule, peers: &[&str]) -> actors::Eligibility {
        actors::Eligibility {
            rule,
            peer_hosts: peers.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn remote_endorsements_count_by_the_process_rule() {
        assert_eq!(
            class_for(&rule(Rule::Residents, &[]), "b.example"),
            endorsements::CLASS_FEDERATED
        );
        assert_eq!(
            class_for(&rule(Rule::Peers, &["b.example"]), "b.example"),
            endorsements::CLASS_PEER
        );
        assert_eq!(
            class_for(&rule(Rule::Peers, &["b.example"]), "c.example"),
            endorsements::CLASS_FEDERATED
        );
        assert_eq!(
            class_for(&rule(Rule::Open, &[]), "mastodon.example"),
            endorsements::CLASS_OPEN
        );
    }
}
