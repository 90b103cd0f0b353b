//! Whether a person may act in a process, by its rule for that capability: the one place that
//! decides it for pages, the API and federation alike.

use super::accounts::{User, ROLE_REMOTE};
use super::processes::{Capability, ProcessDetail};
use super::{census, Error, Msg, Result};
use crate::db::AnyConnection;

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
    let rule = detail.process.rule_for(capability);
    if rule == "open" || user.role == ROLE_REMOTE {
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
