//! Endorsements: one per person per proposal, withdrawable while endorsing is open.

use std::collections::HashSet;

use diesel::prelude::*;

use super::accounts::User;
use super::processes::{Capability, ProcessDetail};
use super::proposals::Proposal;
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::{endorsements, proposals};
use crate::db::{AnyConnection, DbError};

fn check(detail: &ProcessDetail, proposal: &Proposal) -> Result<()> {
    detail
        .check(Capability::Endorse, now())
        .map_err(Error::Forbidden)?;
    if !proposal.is_open() {
        return Err(Error::Forbidden(Msg::new("denied-proposal-closed")));
    }
    if proposal.hidden {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Endorses; doing it again changes nothing. Returns whether a new endorsement was counted.
///
/// The unique index on (proposal, user) is what guarantees one per person, even for requests
/// that arrive at the same moment on different nodes; the counter moves only when the insert
/// succeeded, by increment, so parallel endorsements of one proposal all count.
pub fn endorse(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    user: &User,
) -> Result<bool> {
    check(detail, proposal)?;
    let inserted = conn.transaction(|c| {
        diesel::insert_into(endorsements::table)
            .values((
                endorsements::id.eq(new_id()),
                endorsements::proposal_id.eq(&proposal.id),
                endorsements::user_id.eq(&user.id),
                endorsements::created_at.eq(now()),
            ))
            .execute(c)
    });
    match inserted.map_err(DbError::from) {
        Ok(_) => {
            bump(conn, &proposal.id, 1)?;
            Ok(true)
        }
        Err(DbError::AlreadyExists) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Withdraws an endorsement; withdrawing one that does not exist changes nothing.
pub fn unendorse(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    user: &User,
) -> Result<bool> {
    detail
        .check(Capability::Endorse, now())
        .map_err(Error::Forbidden)?;
    let deleted = diesel::delete(
        endorsements::table
            .filter(endorsements::proposal_id.eq(&proposal.id))
            .filter(endorsements::user_id.eq(&user.id)),
    )
    .execute(conn)?;
    if deleted > 0 {
        bump(conn, &proposal.id, -(deleted as i64))?;
    }
    Ok(deleted > 0)
}

fn bump(conn: &mut AnyConnection, proposal_id: &str, by: i64) -> Result<()> {
    diesel::update(proposals::table.filter(proposals::id.eq(proposal_id)))
        .set(proposals::endorsement_count.eq(proposals::endorsement_count + by))
        .execute(conn)?;
    Ok(())
}

/// Sets the stored count from the endorsements themselves (after bulk changes such as an
/// account deletion).
pub fn recount(conn: &mut AnyConnection, proposal_id: &str) -> Result<()> {
    let count: i64 = endorsements::table
        .filter(endorsements::proposal_id.eq(proposal_id))
        .count()
        .get_result(conn)?;
    diesel::update(proposals::table.filter(proposals::id.eq(proposal_id)))
        .set(proposals::endorsement_count.eq(count))
        .execute(conn)?;
    Ok(())
}

/// Which of `proposal_ids` the user has endorsed.
pub fn endorsed_by(
    conn: &mut AnyConnection,
    user_id: &str,
    proposal_ids: &[String],
) -> Result<HashSet<String>> {
    if proposal_ids.is_empty() {
        return Ok(HashSet::new());
    }
    let found: Vec<String> = endorsements::table
        .filter(endorsements::user_id.eq(user_id))
        .filter(endorsements::proposal_id.eq_any(proposal_ids))
        .select(endorsements::proposal_id)
        .load(conn)?;
    Ok(found.into_iter().collect())
}

/// The number of endorsement rows (used to check counters in tests and benchmarks).
pub fn count_rows(conn: &mut AnyConnection, proposal_id: &str) -> Result<i64> {
    Ok(endorsements::table
        .filter(endorsements::proposal_id.eq(proposal_id))
        .count()
        .get_result(conn)?)
}
