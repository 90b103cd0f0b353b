//! The inbox: every POST is checked before anything is stored.
//!
//! Order of the checks (each refusal is logged with its reason, and nothing is stored):
//! size → JSON shape → signature headers parsed strictly and the key's owner is the actor →
//! instance policy → activity id on the actor's server → not seen before → what needs no key
//! (`signatures::precheck`: each signed header once, our host, the target, a fresh `Date` or
//! `created`, the body's digest) → the actor (as stored, read with the two checks before when
//! fetched within the hour; otherwise through the crate, which fetches it) → HTTP signature by
//! that actor's key (both schemes, checked with OpenSSL) → our rules in `apply`.

use std::sync::Arc;

use activitypub_federation::config::Data;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use url::Url;

use super::actors::RemoteActor;
use super::error::FedError;
use super::inbound;
use super::protocol::{self, Activity};
use super::signatures::{self, Scheme};
use super::{policy, urls, FedState};
use crate::app::AppState;

/// Largest activity we accept. Real activities are a few kilobytes.
pub const MAX_ACTIVITY_BYTES: usize = 256 * 1024;

/// Every inbox (shared, instance, process, person) is this handler: the activity says what it
/// is about, and Mastodon sends replies and likes to the author's inbox, Lemmy to the group's.
pub async fn post_inbox(State(state): State<Arc<AppState>>, request: Request<Body>) -> Response {
    match receive(&state, request).await {
        Ok((id, actor, scheme)) => {
            tracing::info!(activity = %id, actor = %actor, signature = scheme.name(), "inbound activity accepted");
            StatusCode::ACCEPTED.into_response()
        }
        Err((e, id, actor)) => {
            tracing::warn!(status = e.status().as_u16(), reason = %e.reason(), activity = %id, actor = %actor, "inbound activity rejected");
            e.into_response()
        }
    }
}

type Rejection = (FedError, String, String);

/// Returns the activity's id, its actor and the signature scheme it came with.
async fn receive(
    state: &Arc<AppState>,
    request: Request<Body>,
) -> Result<(String, String, Scheme), Rejection> {
    let reject = |e: FedError| (e, String::new(), String::new());
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ACTIVITY_BYTES)
        .await
        .map_err(|_| {
            reject(FedError::too_large(format!(
                "activity larger than {MAX_ACTIVITY_BYTES} bytes"
            )))
        })?;
    let json: Value = serde_json::from_slice(&bytes)
        .map_err(|e| reject(FedError::bad(format!("body is not JSON: {e}"))))?;
    let id = json["id"].as_str().unwrap_or_default().to_string();
    let actor = protocol::id_of(&json["actor"]).unwrap_or_default().to_string();
    let with = |e: FedError| (e, id.clone(), actor.clone());
    if !json["type"].is_string() {
        return Err(with(FedError::bad("activity without a type")));
    }
    let (id_url, actor_url) = match (Url::parse(&id), Url::parse(&actor)) {
        (Ok(i), Ok(a)) => (i, a),
        _ => return Err(with(FedError::bad("activity id and actor must be URLs"))),
    };
    // Read into its type once: an activity of a type we do not act on reads as `Other`.
    let activity = protocol::read(json)
        .map_err(|e| with(FedError::bad(format!("the activity could not be read: {e}"))))?;
    let claim = signatures::claim(&parts.headers).map_err(with)?;
    // One actor cannot sign for another, even where the two share a key.
    if claim.owner() != actor {
        return Err(with(FedError::unauthorized(
            "the signing key does not belong to the activity's actor",
        )));
    }
    let actor_host = urls::host_of(&actor_url);
    // One trip to the database for the instance policy, whether the id was seen, and the
    // signer as we stored it (so that checking the signature needs no second trip); two
    // statements.
    let seen_id = id.clone();
    let signer_id = actor.clone();
    let (rules, seen, stored_signer) = state
        .db
        .read(move |conn| -> Result<_, crate::domain::Error> {
            let (rules, seen) = policy::load_with_seen(conn, &seen_id)?;
            Ok((rules, seen, RemoteActor::find(conn, &signer_id)?))
        })
        .await
        .map_err(|e| with(e.into()))?;
    if !rules.allows(&actor_host) {
        return Err(with(FedError::forbidden(format!(
            "{actor_host} may not federate with this instance"
        ))));
    }
    if urls::host_of(&id_url) != actor_host {
        return Err(with(FedError::forbidden(
            "activity id is not on the actor's server",
        )));
    }
    if seen {
        return Err(with(FedError::conflict("activity already received")));
    }
    let data = super::data(state).await.map_err(|e| with(e.into()))?;
    let result = receive_verified(&data, &claim, &parts, &bytes, activity, stored_signer).await;
    result.map_err(|e| {
        // Two copies racing: the second one's record of the id fails on the primary key.
        if matches!(e, FedError::Conflict(_)) {
            with(FedError::conflict("activity already received"))
        } else {
            with(e)
        }
    })?;
    Ok((id, actor, claim.scheme))
}

/// Verifies the signature (either scheme) with the signer's key, then applies the activity as
/// the signer's: the key's owner is the activity's actor (checked before).
async fn receive_verified(
    data: &Data<FedState>,
    claim: &signatures::Claim,
    parts: &axum::http::request::Parts,
    body: &Bytes,
    activity: Activity,
    stored_signer: Option<RemoteActor>,
) -> Result<(), FedError> {
    let actor = signatures::verify_by_signer(data, claim, parts, Some(body), stored_signer).await?;
    inbound::apply(data, actor, activity).await
}
