//! Proposals that came from a post on another server, found again from that post's id.

use diesel::prelude::*;

use crate::db::schema::posted_proposals;
use crate::db::AnyConnection;
use crate::domain::Result;

/// Remembers that a proposal came from a post on another server (`ap_id`, the post's id), so that
/// what names the post there (a reply, a vote) reaches the proposal here.
pub fn set_origin(conn: &mut AnyConnection, proposal_id: &str, ap_id: &str) -> Result<()> {
    diesel::insert_into(posted_proposals::table)
        .values((
            posted_proposals::ap_id.eq(ap_id),
            posted_proposals::proposal_id.eq(proposal_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The proposal a post on another server became, from the post's id.
pub fn by_origin(conn: &mut AnyConnection, ap_id: &str) -> Result<Option<String>> {
    Ok(posted_proposals::table
        .filter(posted_proposals::ap_id.eq(ap_id))
        .select(posted_proposals::proposal_id)
        .first(conn)
        .optional()?)
}
