//! What staff do about other towns: follow their processes (and stop), forward a report about
//! a mirrored proposal to the town it comes from, and the federation policy (which servers are
//! allowed or blocked, and whether only the allowed ones may federate at all). Following and
//! forwarding speak to the other server; `federation::follow` and `federation::flag` hold how.

use std::sync::Arc;

use super::{act, AppState, Staff};
use crate::domain::{Error, Msg, Result};
use crate::federation::error::FedError;
use crate::federation::mirror::RemoteProcess;
use crate::federation::{flag, follow as following, policy};

/// Follows another town's process by its address (`@slug@host`, or its URL): its actor is
/// fetched, the process mirrored and a `Follow` sent.
pub async fn follow(
    state: &Arc<AppState>,
    _staff: &Staff,
    address: String,
) -> Result<RemoteProcess, FedError> {
    following::follow(state, &address).await
}

/// Stops following a mirrored process (an `Undo(Follow)` goes to its town).
pub async fn unfollow(
    state: &Arc<AppState>,
    _staff: &Staff,
    remote_process_id: String,
) -> Result<(), FedError> {
    following::unfollow(state, &remote_process_id).await
}

/// Sends a `Flag` about a mirrored proposal to the town it comes from, with staff's reason.
pub async fn forward_report(
    state: &Arc<AppState>,
    _staff: &Staff,
    remote_proposal_id: String,
    reason: String,
) -> Result<()> {
    flag::forward(state, &remote_proposal_id, &reason).await
}

/// What staff decide about one server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerPolicy {
    Allow,
    Block,
    /// Forget the decision: the server is treated as any other again.
    Remove,
}

/// Sets the policy of the server named by `address` (a host, or a URL on it).
pub async fn set_peer(state: &AppState, _staff: &Staff, address: String, choice: PeerPolicy) -> Result<()> {
    let Some(host) = policy::normalise_host(&address) else {
        return Err(Error::invalid("host", Msg::new("federation-host-invalid")));
    };
    let stored = match choice {
        PeerPolicy::Allow => Some("allow"),
        PeerPolicy::Block => Some("block"),
        PeerPolicy::Remove => None,
    };
    act(state, move |conn, _effects| policy::set_peer(conn, &host, stored)).await
}

/// `allowlist`: only allowed servers federate; otherwise every server not blocked does.
pub async fn set_mode(state: &AppState, _staff: &Staff, allowlist: bool) -> Result<()> {
    act(state, move |conn, _effects| policy::set_mode(conn, allowlist)).await
}
