//! Which of our things an address names: a process, a proposal (ours, or the post on another
//! server it came from), a comment (ours, or the id a remote one arrived with).

use diesel::prelude::*;

use crate::db::schema::comments;
use crate::db::AnyConnection;
use crate::domain::proposals;
use crate::federation::outbox::Site;

/// The slug of a local process from its id, if the id is one of ours.
pub fn local_process_slug(site: &Site, id: &str) -> Option<String> {
    let prefix = format!("{}/processes/", site.base);
    let rest = id.strip_prefix(&prefix)?;
    (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
}

/// The id of a local proposal from its address, if it is one of ours.
pub fn local_proposal(site: &Site, id: &str) -> Option<String> {
    let rest = id.strip_prefix(&format!("{}/proposals/", site.base))?;
    (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string())
}

/// The id of a comment here from its address: ours (`/comments/{id}`), or the id a remote
/// comment arrived with.
pub fn local_comment(
    conn: &mut AnyConnection,
    site: &Site,
    id: &str,
) -> crate::domain::Result<Option<String>> {
    if let Some(local) = id.strip_prefix(&format!("{}/comments/", site.base)) {
        return Ok(Some(local.to_string()));
    }
    Ok(comments::table
        .filter(comments::ap_id.eq(id))
        .select(comments::id)
        .first(conn)
        .optional()?)
}

/// The local proposal an address names: one of ours, or the post on another server it came from.
pub fn named_proposal(
    conn: &mut AnyConnection,
    site: &Site,
    id: &str,
) -> crate::domain::Result<Option<String>> {
    match local_proposal(site, id) {
        Some(proposal) => Ok(Some(proposal)),
        None => proposals::by_origin(conn, id),
    }
}

/// The local proposal an address is about: the proposal itself, or the one a comment is under.
pub fn local_proposal_id(
    conn: &mut AnyConnection,
    site: &Site,
    id: &str,
) -> crate::domain::Result<Option<String>> {
    if let Some(proposal) = named_proposal(conn, site, id)? {
        return Ok(Some(proposal));
    }
    let Some(comment) = local_comment(conn, site, id)? else {
        return Ok(None);
    };
    Ok(comments::table
        .filter(comments::id.eq(comment))
        .select(comments::proposal_id)
        .first(conn)
        .optional()?)
}
