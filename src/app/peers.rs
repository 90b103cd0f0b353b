//! The town's federation policy, as staff set it: which other servers are allowed or blocked,
//! and whether only the allowed ones may federate at all.

use super::{act, AppState, Staff};
use crate::domain::{Error, Msg, Result};
use crate::federation::policy;

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
