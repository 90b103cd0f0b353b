//! Finding a proposal: by id, with its author's name, as a viewer may see it; its versions.

use diesel::prelude::*;

use super::{Listed, Proposal, Version};
use crate::db::schema::{processes as processes_table, proposal_versions, proposals, users};
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::processes::{self, Process, ProcessDetail};
use crate::domain::{Error, Result};

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Proposal> {
    Ok(proposals::table
        .filter(proposals::id.eq(id))
        .select(Proposal::as_select())
        .first(conn)?)
}

/// A proposal with its author's name; hidden ones only for staff.
pub fn find_listed(conn: &mut AnyConnection, id: &str, include_hidden: bool) -> Result<Listed> {
    let (proposal, author_name) = proposals::table
        .left_join(users::table)
        .filter(proposals::id.eq(id))
        .select((Proposal::as_select(), users::display_name.nullable()))
        .first::<(Proposal, Option<String>)>(conn)?;
    if proposal.hidden && !include_hidden {
        return Err(Error::NotFound);
    }
    Ok(Listed {
        proposal,
        author_name: author_name.filter(|n| !n.is_empty()),
    })
}

/// A proposal with its author's name and its process (phases and categories from the node's
/// copy while current), hidden or not: one statement for the proposal, its author and its
/// process, where reading the process after the proposal took two round trips.
pub fn find_with_process(conn: &mut AnyConnection, id: &str) -> Result<(ProcessDetail, Listed)> {
    let (proposal, author_name, process) = proposals::table
        .left_join(users::table)
        .inner_join(processes_table::table)
        .filter(proposals::id.eq(id))
        .select((
            Proposal::as_select(),
            users::display_name.nullable(),
            Process::as_select(),
        ))
        .first::<(Proposal, Option<String>, Process)>(conn)?;
    let detail = processes::detail_of(conn, process)?;
    let listed = Listed {
        proposal,
        author_name: author_name.filter(|n| !n.is_empty()),
    };
    Ok((detail, listed))
}

/// A proposal and its process as `viewer` may see them: hidden proposals and proposals of
/// unpublished processes exist for staff only (for anyone else they are not found).
pub fn visible_to(
    conn: &mut AnyConnection,
    id: &str,
    viewer: Option<&User>,
) -> Result<(ProcessDetail, Listed)> {
    let staff = viewer.is_some_and(User::is_admin);
    let (detail, listed) = find_with_process(conn, id)?;
    if (listed.proposal.hidden || !detail.process.published) && !staff {
        return Err(Error::NotFound);
    }
    Ok((detail, listed))
}

pub fn versions(conn: &mut AnyConnection, proposal_id: &str) -> Result<Vec<Version>> {
    Ok(proposal_versions::table
        .filter(proposal_versions::proposal_id.eq(proposal_id))
        .order(proposal_versions::version.desc())
        .select(Version::as_select())
        .load(conn)?)
}
