//! Whether a person may act in a process, by its rule for that capability: the one place that
//! decides it for pages, the API and federation alike.

use super::accounts::User;
use super::processes::{Capability, ProcessDetail};
use super::{census, Error, Msg, Result};
use crate::db::AnyConnection;

super::stored::stored_enum! {
    /// Who may act, per capability of a process (stored in `processes.eligibility*`).
    pub enum Rule {
        /// Every account here; for endorsements, support from elsewhere counts too.
        Open = "open",
        /// Accounts verified against the census or at the town hall.
        Residents = "residents",
        /// Residents, and residents of the process's listed peer towns.
        Peers = "peers",
    }
}

/// Why `user` may not act (a message that also says how to become eligible), or `None`.
///
/// People of other servers are not judged here: federation counts their support in a class
/// of its own (see `federation::inbound::class_for`).
pub fn denial(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    capability: Capability,
    user: &User,
) -> Result<Option<Msg>> {
    if detail.process.rule_for(capability) == Rule::Open || user.is_remote() {
        return Ok(None);
    }
    if census::is_verified(conn, &user.id)? {
        return Ok(None);
    }
    Ok(Some(Msg::new("denied-not-resident")))
}

/// As [`denial`], as an error to return.
pub fn check(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    capability: Capability,
    user: &User,
) -> Result<()> {
    match denial(conn, detail, capability, user)? {
        None => Ok(()),
        Some(msg) => Err(Error::Forbidden(msg)),
    }
}
