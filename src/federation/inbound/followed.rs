//! What a process we follow sends us: proposals and comments relayed by `Announce`, changes by
//! `Update`, signed results and news by `Create`. Each object is mirrored only as its origin
//! serves it, and only under the process that sent it.

use std::sync::Arc;

use activitypub_federation::config::Data;
use activitypub_federation::fetch::fetch_object_http;
use serde_json::Value;
use url::Url;

use super::{receive, Received};
use crate::app::AppState;
use crate::federation::actors::{self, RemoteActor};
use crate::federation::error::FedError;
use crate::federation::mirror::{self, RemoteProcess};
use crate::federation::protocol::{Announce, Create, Object, ObjectKind, Update};
use crate::federation::{urls, FedState};

/// The followed process `actor` is, or a refusal: we take these activities from processes we
/// follow only.
pub async fn followed_process(state: &Arc<AppState>, actor: &RemoteActor) -> Result<RemoteProcess, FedError> {
    let ap_id = actor.ap_id.clone();
    state
        .db
        .read(move |conn| mirror::find_process_by_ap_id(conn, &ap_id))
        .await?
        .ok_or_else(|| FedError::forbidden("we do not follow this actor"))
}

/// A followed process published something: its signed budget results (checked against the
/// Ed25519 key in its actor's `assertionMethod`, and kept with the outcome of that check) or a
/// note for timelines (nothing to keep here).
pub async fn on_publication(
    data: &Data<FedState>,
    actor: RemoteActor,
    create: Create,
) -> Result<(), FedError> {
    let state = data.0.clone();
    let process = followed_process(&state, &actor).await?;
    let object = create.object;
    let object_id = object.id.id_or_empty().to_string();
    if urls::host_of_str(&object_id) != actor.host || !object.attributed_to.is(&actor.ap_id) {
        return Err(FedError::forbidden(
            "the process can only publish its own objects",
        ));
    }
    let received = Received::new(&create.id, &actor, "Create");
    if !object.is(ObjectKind::Document) {
        return receive(&state, received, |_, _| Ok(())).await;
    }
    let group: Value = fetch_object_http::<FedState, Value>(&actor.id_url, data)
        .await?
        .object;
    // The proof covers the document exactly as sent.
    let verified = actors::proof_verifies(&group, &object.raw, None);
    if !verified {
        tracing::warn!(results = %object_id, process = %actor.ap_id, "received results whose proof does not verify");
    }
    receive(&state, received, move |conn, _| {
        mirror::upsert_results(conn, &process, &object.raw, verified)?;
        Ok(())
    })
    .await
}

/// A followed process relays a proposal or a comment: `Announce(Create(x))`, `Announce(Update(x))`
/// or `Announce(x)`; what matters is x.
pub async fn on_announce(
    data: &Data<FedState>,
    actor: RemoteActor,
    announce: Announce,
) -> Result<(), FedError> {
    let state = data.0.clone();
    let process = followed_process(&state, &actor).await?;
    let object = announce.object.unwrap_create_or_update();
    if let Some(object) = trusted_object(data, &actor, &object).await? {
        mirror_object(data, &process, object).await?;
    }
    // Recorded once mirrored: a refused object leaves no trace (the mirror's upserts are
    // idempotent, so a copy racing this one changes nothing twice).
    receive(&state, Received::new(&announce.id, &actor, "Announce"), |_, _| {
        Ok(())
    })
    .await
}

/// A followed process changed itself (title, phases, eligibility) or one of its proposals.
pub async fn on_update(data: &Data<FedState>, actor: RemoteActor, update: Update) -> Result<(), FedError> {
    let state = data.0.clone();
    let process = followed_process(&state, &actor).await?;
    let received = Received::new(&update.id, &actor, "Update");
    let object = update.object;
    if object.id.is(&actor.ap_id) {
        let inbox = process.inbox.clone();
        return receive(&state, received, move |conn, _| {
            mirror::upsert_process(conn, &object.raw, &inbox, None)?;
            Ok(())
        })
        .await;
    }
    mirror_object(data, &process, object).await?;
    receive(&state, received, |_, _| Ok(())).await
}

/// The object of an activity as we may trust it: embedded when it comes from the sender's own
/// server, otherwise fetched from its origin. `None` when it is one of ours.
async fn trusted_object(
    data: &Data<FedState>,
    sender: &RemoteActor,
    object: &Object,
) -> Result<Option<Object>, FedError> {
    let id = object.id().ok_or_else(|| FedError::bad("object without id"))?;
    let url = Url::parse(id).map_err(|_| FedError::bad("object id is not a URL"))?;
    let host = urls::host_of(&url);
    if host == data.config.domain() {
        return Ok(None);
    }
    if object.raw.is_object() && host == sender.host {
        return Ok(Some(object.clone()));
    }
    let fetched = fetch_object_http::<FedState, Value>(&url, data).await?;
    Ok(Some(Object::from_json(fetched.object)))
}

/// The name to show for the author of a mirrored object.
async fn author_name(data: &Data<FedState>, author: &str) -> String {
    let Ok(url) = Url::parse(author) else {
        return String::new();
    };
    match activitypub_federation::fetch::object_id::ObjectId::<RemoteActor>::from(url)
        .dereference(data)
        .await
    {
        Ok(actor) => format!("{} ({}@{})", actor.name, actor.preferred_username, actor.host),
        Err(e) => {
            tracing::info!(author, reason = %e, "could not fetch the author of a mirrored object");
            author.to_string()
        }
    }
}

/// Mirrors an object a followed process sent us (a proposal or a comment).
pub async fn mirror_object(
    data: &Data<FedState>,
    process: &RemoteProcess,
    object: Object,
) -> Result<(), FedError> {
    let author = object.attributed_to.id_or_empty().to_string();
    // An object is written on its author's server: a process may relay a comment by a person
    // of a third server, but only as that server serves it (`trusted_object` fetched it from
    // there), never under a name it picked.
    let object_host = urls::host_of_str(object.id.id_or_empty());
    if object_host.is_empty() || urls::host_of_str(&author) != object_host {
        return Err(FedError::forbidden(
            "the object's author is not on the server the object comes from",
        ));
    }
    let name = author_name(data, &author).await;
    let process = process.clone();
    let state = data.0.clone();
    match object.kind {
        Some(ObjectKind::Page | ObjectKind::Article) => {
            if !object.audience.is(&process.ap_id) {
                return Err(FedError::forbidden("the proposal belongs to another process"));
            }
            state
                .db
                .write(move |conn| mirror::upsert_proposal(conn, &process, &object.raw, &name))
                .await?;
        }
        Some(ObjectKind::Note) => {
            let parent = object.in_reply_to.id_or_empty().to_string();
            state
                .db
                .write(move |conn| {
                    // Only under a proposal of the process that sent it: a followed process
                    // cannot attach comments to another town's proposals.
                    match mirror::find_proposal_by_ap_id(conn, &parent)? {
                        Some(proposal) if proposal.remote_process_id == process.id => {
                            mirror::upsert_comment(conn, &proposal, &object.raw, &name)?;
                            Ok(())
                        }
                        Some(_) => Err(FedError::forbidden(
                            "the comment answers a proposal of another process",
                        )),
                        None => Ok(()),
                    }
                })
                .await?;
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::federation::actors;

    #[test]
    fn results_verify_only_with_the_key_the_process_lists() {
        let key = crate::budgeting::proof::new_key();
        let method = "https://a.example/processes/p#ed25519-key";
        let document =
            serde_json::json!({"id": "https://a.example/r.json", "type": "Document", "ballots": 10});
        let signed = crate::budgeting::proof::sign(&document, &key, method, "2026-11-26T00:00:00Z");
        let group = serde_json::json!({"assertionMethod": [{
            "id": method,
            "type": "Multikey",
            "publicKeyMultibase": crate::budgeting::proof::public_multibase(&key.verifying_key()),
        }]});
        assert!(actors::proof_verifies(&group, &signed, None));
        let mut tampered = signed.clone();
        tampered["ballots"] = serde_json::json!(11);
        assert!(!actors::proof_verifies(&group, &tampered, None));
        let other = crate::budgeting::proof::new_key();
        let impostor = serde_json::json!({"assertionMethod": [{
            "id": method,
            "publicKeyMultibase": crate::budgeting::proof::public_multibase(&other.verifying_key()),
        }]});
        assert!(!actors::proof_verifies(&impostor, &signed, None));
        assert!(!actors::proof_verifies(&serde_json::json!({}), &signed, None));
    }
}
