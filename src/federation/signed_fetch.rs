//! Signed GETs ("authorized fetch", Mastodon's secure mode), inbound.
//!
//! Any GET that carries an HTTP signature (either scheme) is verified: a bad one is a `401`, a
//! signer from a blocked server a `403`. With `PLENUM_AUTHORIZED_FETCH=true`, a request for
//! activity JSON must be signed, so a blocked server cannot read what it is refused by asking
//! anonymously; the same goes for the JSON API, published results (`results.json`) and the Atom feeds, which a
//! signed-in person or a signed request still reads. Discovery stays open (WebFinger, NodeInfo, the instance actor): a peer must be
//! able to fetch the key it will check our own signed fetches with, or two secure servers would
//! wait on each other.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::FedError;
use super::signatures::{self, Claim};
use super::{policy, urls};
use crate::app::AppState;

/// Paths answered to anyone, signed or not.
fn always_open(path: &str) -> bool {
    path == "/actor" || path.starts_with("/.well-known/") || path.starts_with("/nodeinfo/")
}

/// Paths that answer activity JSON whatever the `Accept` header asks (no HTML page behind
/// them): with authorized fetch, an unsigned GET of these is refused even without an `Accept`
/// header, or a refused server could read them by leaving the header out.
fn answers_only_activity_json(path: &str) -> bool {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    matches!(
        segments.as_slice(),
        ["actor", "outbox"]
            | ["users", _]
            | ["users", _, "outbox"]
            | ["activities", _]
            | ["processes", _, "outbox" | "followers" | "featured" | "moderators"]
    )
}

/// A GET for activity JSON: asked for by `Accept`, or on a path that serves nothing else.
fn is_federation_get(parts: &axum::http::request::Parts) -> bool {
    crate::federation::content::wants_activity_json(&parts.headers)
        || answers_only_activity_json(parts.uri.path())
}

/// The JSON API, published results and the Atom feeds carry the same data as the federation
/// documents: with authorized fetch, a refused server must not read them anonymously either. The
/// API's own description stays open.
fn is_public_data_api(path: &str) -> bool {
    path.starts_with("/api/v1/") || path.ends_with("/results.json") || path.ends_with("/feed.atom")
}

/// A person signed in (session or API token), as the context layer found them.
fn signed_in(parts: &axum::http::request::Parts) -> bool {
    parts.extensions.get::<crate::app::SignedIn>().is_some()
}

pub async fn guard(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method != axum::http::Method::GET || always_open(parts.uri.path()) {
        return next.run(Request::from_parts(parts, body)).await;
    }
    if !signatures::is_signed(&parts.headers) {
        if state.config.authorized_fetch && is_public_data_api(parts.uri.path()) && !signed_in(&parts) {
            tracing::info!(path = %parts.uri.path(), "anonymous API read refused (authorized fetch)");
            return FedError::unauthorized("this server answers its data API to signed requests and signed-in people only (authorized fetch)",
            )
            .into_response();
        }
        if state.config.authorized_fetch && is_federation_get(&parts) {
            tracing::info!(path = %parts.uri.path(), "unsigned fetch refused (authorized fetch)");
            return FedError::unauthorized("this server answers signed requests only (authorized fetch): sign the GET with your actor's key",
            )
            .into_response();
        }
        return next.run(Request::from_parts(parts, body)).await;
    }
    let (checked, key) = match signatures::claim(&parts.headers) {
        Ok(claim) => (check(&state, &parts, &claim).await, claim.key_id),
        Err(e) => (Err(e), String::new()),
    };
    match checked {
        Ok(()) => {
            tracing::debug!(path = %parts.uri.path(), key = %key, "signed fetch verified");
            next.run(Request::from_parts(parts, body)).await
        }
        Err(e) => {
            tracing::warn!(path = %parts.uri.path(), key = %key, status = e.status().as_u16(), reason = %e.reason(), "signed fetch refused");
            e.into_response()
        }
    }
}

/// The signer's server may federate with us, and the signature verifies with its key.
async fn check(
    state: &Arc<AppState>,
    parts: &axum::http::request::Parts,
    claim: &Claim,
) -> Result<(), FedError> {
    let signer = url::Url::parse(claim.owner()).map_err(|_| FedError::unauthorized("keyId is not a URL"))?;
    let host = urls::host_of(&signer);
    let rules = state.db.read(policy::load).await?;
    if !rules.allows(&host) {
        return Err(FedError::forbidden(format!(
            "{host} may not federate with this instance"
        )));
    }
    let data = super::data(state).await.map_err(FedError::from)?;
    signatures::verify_by_signer(&data, claim, parts, None, None).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn federation_only_paths_are_guarded_whatever_the_accept_header() {
        for path in [
            "/actor/outbox",
            "/users/ada",
            "/users/ada/outbox",
            "/activities/0190-abc",
            "/processes/budget-2026/outbox",
            "/processes/budget-2026/followers",
            "/processes/budget-2026/featured",
            "/processes/budget-2026/moderators",
        ] {
            assert!(answers_only_activity_json(path), "{path}");
        }
        // Pages with an HTML form stay open to browsers (the guard then looks at Accept).
        for path in [
            "/processes/budget-2026",
            "/proposals/x",
            "/comments/x",
            "/",
            "/actor",
        ] {
            assert!(!answers_only_activity_json(path), "{path}");
        }
    }
}
