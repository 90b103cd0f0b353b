//! Fediverse reactions that are not endorsements: a boost (`share`) and a vote against
//! (`against`, Lemmy's `Dislike`). One of each per person and proposal, counted on the proposal.

use diesel::prelude::*;

use super::accounts::User;
use super::proposals::Proposal;
use super::{new_id, now, Result};
use crate::db::schema::{proposals, reactions};
use crate::db::AnyConnection;

pub const SHARE: &str = "share";
pub const AGAINST: &str = "against";

fn bump(conn: &mut AnyConnection, proposal_id: &str, kind: &str, by: i64) -> Result<()> {
    let target = proposals::table.filter(proposals::id.eq(proposal_id));
    if kind == SHARE {
        diesel::update(target)
            .set(proposals::share_count.eq(proposals::share_count + by))
            .execute(conn)?;
    } else {
        diesel::update(target)
            .set(proposals::against_count.eq(proposals::against_count + by))
            .execute(conn)?;
    }
    Ok(())
}

/// Records a reaction; a repeat changes nothing. Returns whether it was new.
pub fn add(
    conn: &mut AnyConnection,
    proposal: &Proposal,
    user: &User,
    kind: &'static str,
    ap_id: &str,
) -> Result<bool> {
    let inserted = crate::insert_once!(
        conn,
        diesel::insert_into(reactions::table).values((
            reactions::id.eq(new_id()),
            reactions::proposal_id.eq(&proposal.id),
            reactions::user_id.eq(&user.id),
            reactions::kind.eq(kind),
            reactions::ap_id.eq(ap_id),
            reactions::created_at.eq(now()),
        ))
    )?;
    if inserted {
        bump(conn, &proposal.id, kind, 1)?;
    }
    Ok(inserted)
}

/// Withdraws a reaction (an `Undo`). Returns whether there was one.
pub fn remove(conn: &mut AnyConnection, proposal_id: &str, user: &User, kind: &str) -> Result<bool> {
    let removed = diesel::delete(
        reactions::table
            .filter(reactions::proposal_id.eq(proposal_id))
            .filter(reactions::user_id.eq(&user.id))
            .filter(reactions::kind.eq(kind)),
    )
    .execute(conn)?;
    if removed > 0 {
        bump(conn, proposal_id, kind, -1)?;
    }
    Ok(removed > 0)
}

/// The proposal a reaction was about, from the id of the activity that made it.
pub fn proposal_of(conn: &mut AnyConnection, ap_id: &str) -> Result<Option<(String, String)>> {
    Ok(reactions::table
        .filter(reactions::ap_id.eq(ap_id))
        .select((reactions::proposal_id, reactions::kind))
        .first(conn)
        .optional()?)
}
