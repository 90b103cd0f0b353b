//! Endorsements: one per person per proposal, withdrawable while endorsing is open.

use std::collections::HashSet;

use diesel::prelude::*;

use super::accounts::User;
use super::processes::{Capability, ProcessDetail};
use super::proposals::Proposal;
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::{endorsements, proposals};
use crate::db::AnyConnection;

/// Whether the proposal, as it stands, takes endorsements (the process's phase is checked
/// before anything is written, by [`open_phase`]).
fn check_proposal(proposal: &Proposal) -> Result<()> {
    if !proposal.is_open() {
        return Err(Error::Forbidden(Msg::new("denied-proposal-closed")));
    }
    if proposal.hidden {
        return Err(Error::NotFound);
    }
    Ok(())
}

/// Whether the process's phase lets endorsements be given or taken back now.
fn open_phase(detail: &ProcessDetail) -> Result<()> {
    detail.check(Capability::Endorse, now()).map_err(Error::Forbidden)
}

/// What endorsing or taking an endorsement back did: whether a count moved (doing it twice
/// moves nothing), and the proposal as it stands after it, counts included.
#[derive(Debug)]
pub struct Outcome {
    pub changed: bool,
    pub proposal: Proposal,
}

/// Endorses; doing it again changes nothing.
///
/// The unique index on (proposal, user) is what guarantees one per person, even for requests
/// that arrive at the same moment on different nodes; the counter moves only when the insert
/// succeeded, by increment, so parallel endorsements of one proposal all count.
pub fn endorse(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    user: &User,
) -> Result<Outcome> {
    // A verified resident's support is a resident's whatever the rule; an unverified account can
    // only endorse under `open`, and its support is kept as such.
    let class = if super::census::is_verified(conn, &user.id)? {
        CLASS_RESIDENT
    } else {
        CLASS_OPEN
    };
    endorse_as(conn, detail, proposal, user, class, None)
}

/// Classes an endorsement is made under: `resident` (a verified resident here), `peer` (a
/// resident of a peer town, attested), `open` (anyone, where the process allows it). These count
/// towards the binding total;
/// `federated` support (from a town the process does not count) is shown apart.
pub const CLASS_RESIDENT: &str = "resident";
pub const CLASS_PEER: &str = "peer";
pub const CLASS_OPEN: &str = "open";
pub const CLASS_FEDERATED: &str = "federated";

fn is_binding(class: &str) -> bool {
    class != CLASS_FEDERATED
}

/// Endorses under a given class; `ap_id` is the id of the remote `Like` it came as, if any.
///
/// `proposal` is as the caller read it, before the transaction: checked first, so what is
/// already refused writes nothing. It is checked again as the statement that moves its count
/// returns it (`UPDATE … RETURNING`, which on PostgreSQL also holds the row until the commit)
/// rather than read once more: a proposal withdrawn or hidden meanwhile refuses the
/// endorsement, and the error rolls the insert back with the caller's transaction. Two
/// statements for a new endorsement.
pub fn endorse_as(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    user: &User,
    class: &str,
    ap_id: Option<&str>,
) -> Result<Outcome> {
    open_phase(detail)?;
    check_proposal(proposal)?;
    super::eligibility::check(conn, detail, Capability::Endorse, user)?;
    let inserted = crate::insert_once!(
        conn,
        diesel::insert_into(endorsements::table).values((
            endorsements::id.eq(new_id()),
            endorsements::proposal_id.eq(&proposal.id),
            endorsements::user_id.eq(&user.id),
            endorsements::created_at.eq(now()),
            endorsements::class.eq(class),
            endorsements::ap_id.eq(ap_id),
        ))
    )?;
    let now = if inserted {
        bump(conn, &proposal.id, class, 1)?
    } else {
        super::proposals::find(conn, &proposal.id)?
    };
    check_proposal(&now)?;
    Ok(Outcome {
        changed: inserted,
        proposal: now,
    })
}

/// Withdraws an endorsement; withdrawing one that does not exist changes nothing.
pub fn unendorse(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    user: &User,
) -> Result<Outcome> {
    open_phase(detail)?;
    // The deleted row says which count it was in.
    let class: Option<String> = diesel::delete(
        endorsements::table
            .filter(endorsements::proposal_id.eq(&proposal.id))
            .filter(endorsements::user_id.eq(&user.id)),
    )
    .returning(endorsements::class)
    .get_result(conn)
    .optional()?;
    Ok(match class {
        Some(class) => Outcome {
            changed: true,
            proposal: bump(conn, &proposal.id, &class, -1)?,
        },
        None => Outcome {
            changed: false,
            proposal: super::proposals::find(conn, &proposal.id)?,
        },
    })
}

/// The proposal's columns, for a `RETURNING` clause: `Proposal::as_returning()` is written for
/// the backend `AnyConnection` stands for, which the clause, rendered per concrete backend, is not.
fn proposal_columns() -> <Proposal as Selectable<<AnyConnection as Connection>::Backend>>::SelectExpression {
    <Proposal as Selectable<<AnyConnection as Connection>::Backend>>::construct_selection()
}

/// Moves the count `class` counts in by `by`, and returns the proposal as it is then.
fn bump(conn: &mut AnyConnection, proposal_id: &str, class: &str, by: i64) -> Result<Proposal> {
    let target = proposals::table.filter(proposals::id.eq(proposal_id));
    let moved = if is_binding(class) {
        diesel::update(target)
            .set(proposals::endorsement_count.eq(proposals::endorsement_count + by))
            .returning(proposal_columns())
            .get_result(conn)
    } else {
        diesel::update(target)
            .set(proposals::federated_count.eq(proposals::federated_count + by))
            .returning(proposal_columns())
            .get_result(conn)
    };
    Ok(moved?)
}

/// Sets the stored count from the endorsements themselves (after bulk changes such as an
/// account deletion).
pub fn recount(conn: &mut AnyConnection, proposal_id: &str) -> Result<()> {
    let count: i64 = endorsements::table
        .filter(endorsements::proposal_id.eq(proposal_id))
        .filter(endorsements::class.ne(CLASS_FEDERATED))
        .count()
        .get_result(conn)?;
    let federated: i64 = endorsements::table
        .filter(endorsements::proposal_id.eq(proposal_id))
        .filter(endorsements::class.eq(CLASS_FEDERATED))
        .count()
        .get_result(conn)?;
    diesel::update(proposals::table.filter(proposals::id.eq(proposal_id)))
        .set((
            proposals::endorsement_count.eq(count),
            proposals::federated_count.eq(federated),
        ))
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

/// The proposal a remote `Like` (by its id) endorsed, if it is still counted.
pub fn proposal_of_like(conn: &mut AnyConnection, ap_id: &str) -> Result<Option<String>> {
    Ok(endorsements::table
        .filter(endorsements::ap_id.eq(ap_id))
        .select(endorsements::proposal_id)
        .first(conn)
        .optional()?)
}

/// Records which town vouched for a peer-town endorsement (its host), for staff.
pub fn set_attested_by(conn: &mut AnyConnection, ap_id: &str, host: &str) -> Result<()> {
    diesel::update(endorsements::table.filter(endorsements::ap_id.eq(ap_id)))
        .set(endorsements::attested_by.eq(host))
        .execute(conn)?;
    Ok(())
}

/// Endorsements of a proposal vouched for by peer towns: (town, count), for staff.
pub fn attested_counts(conn: &mut AnyConnection, proposal_id: &str) -> Result<Vec<(String, i64)>> {
    let rows: Vec<(Option<String>, i64)> = endorsements::table
        .filter(endorsements::proposal_id.eq(proposal_id))
        .filter(endorsements::attested_by.is_not_null())
        .group_by(endorsements::attested_by)
        .select((endorsements::attested_by, diesel::dsl::count_star()))
        .load(conn)?;
    Ok(rows.into_iter().filter_map(|(h, n)| h.map(|h| (h, n))).collect())
}
