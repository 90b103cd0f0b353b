//! ActivityPub federation: actors, objects, the signed inbox and the persistent delivery queue.
//!
//! `activitypub_federation` does the protocol mechanics we should not write twice: HTTP
//! signatures (with `http-signature-normalization`), Digest checks, bounded fetches that refuse
//! private addresses, WebFinger lookups. Plenum keeps what the crate keeps in memory in its
//! database instead: remote actors, the delivery queue (see `queue`), the ids of activities
//! already applied. Layers: `inbox` (checks) → `protocol` (typed activities) → `inbound` (one file
//! per activity: its rules and effect); domain events → `outbox` → `queue`.

pub mod actors;
pub mod attestation;
pub mod collections;
pub mod content;
pub mod deliver;
pub mod error;
pub mod flag;
pub mod follow;
pub mod forms;
pub mod inbound;
pub mod inbox;
pub mod keys;
pub mod mirror;
pub mod objects;
pub mod outbox;
pub mod policy;
pub mod posted;
pub mod protocol;
pub mod queue;
pub mod routes;
pub mod signatures;
pub mod signed_fetch;
pub mod subscribe;
pub mod urls;

use std::sync::Arc;

use activitypub_federation::config::{Data, FederationConfig};

use crate::app::AppState;
pub use crate::app::FedState;

/// The crate's configuration for this instance, built once per process.
pub async fn config(state: &Arc<AppState>) -> anyhow::Result<FederationConfig<FedState>> {
    let built = state
        .federation
        .get_or_try_init(|| async {
            // Fetches are signed by the instance actor, so servers that require signed fetches
            // (Mastodon's secure mode) answer us.
            let base = state.config.base();
            let pair = state
                .db
                .write(|conn| keys::for_owner(conn, keys::Owner::Instance, keys::INSTANCE_ID))
                .await
                .map_err(|e| anyhow::anyhow!("instance key: {e}"))?;
            let instance = actors::LocalSigner {
                id: url::Url::parse(&urls::instance_actor(&base))?,
                public_pem: pair.public_pem,
                private_pem: pair.private_pem,
            };
            FederationConfig::builder()
                .signed_fetch_actor(&instance)
                // Sign `(request-target) host date digest` with a `Date` header, as Mastodon
                // does, not draft 11's `(created)`/`(expires)`: Fedify and Pleroma need `Date`.
                .http_signature_compat(true)
                .domain(state.config.domain())
                .app_data(FedState(state.clone()))
                // Test/debug only: http, explicit ports, and the listed loopback servers.
                .debug(!state.config.federation_allow_private.is_empty())
                .url_verifier(Box::new(ListedPrivateHosts(
                    state.config.federation_allow_private.clone(),
                )))
                .http_fetch_limit(50)
                .build()
                .await
                .map_err(|e| anyhow::anyhow!("federation configuration: {e}"))
        })
        .await?;
    Ok(built.clone())
}

/// A request context for the crate (fetch counter starts at zero).
pub async fn data(state: &Arc<AppState>) -> anyhow::Result<Data<FedState>> {
    Ok(config(state).await?.to_request_data())
}

/// In test/debug mode, the only servers federation may reach are the listed ones (`*`: any).
/// Outside it the crate itself refuses private and loopback addresses, so this list is empty and
/// lets everything through to that check.
#[derive(Clone)]
struct ListedPrivateHosts(Vec<String>);

#[async_trait::async_trait]
impl activitypub_federation::config::UrlVerifier for ListedPrivateHosts {
    async fn verify(&self, url: &url::Url) -> Result<(), activitypub_federation::error::Error> {
        if self.0.is_empty() || self.0.iter().any(|h| h == "*") {
            return Ok(());
        }
        let host = urls::host_of(url);
        if self.0.contains(&host) {
            Ok(())
        } else {
            Err(activitypub_federation::error::Error::UrlVerificationError(
                "this address is not among the servers test mode may reach",
            ))
        }
    }
}
