//! The item attachments belong to, and the one rule for who may see it and who may add to it.

use diesel::prelude::*;

use super::OwnerKind;
use crate::db::schema::{budget_projects, budgets, processes};
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::{Error, Msg, Result};

/// An item attachments are added to, as its pages name it.
#[derive(Debug, Clone)]
pub struct Owner {
    pub kind: OwnerKind,
    pub id: String,
    pub title: String,
    /// The page the item is shown on.
    pub page: String,
}

/// The item `kind`/`id` if `viewer` may see it (hidden proposals, unpublished processes: staff
/// only); `NotFound` otherwise, as for an item that does not exist.
pub fn visible_owner(
    conn: &mut AnyConnection,
    kind: OwnerKind,
    id: &str,
    viewer: Option<&User>,
) -> Result<Owner> {
    let staff = viewer.is_some_and(User::is_admin);
    match kind {
        OwnerKind::Proposal => {
            let (_, listed) = crate::domain::proposals::visible_to(conn, id, viewer)?;
            Ok(Owner {
                kind,
                id: id.to_string(),
                title: listed.proposal.title,
                page: format!("/proposals/{id}"),
            })
        }
        OwnerKind::Project => {
            let (title, slug, budget, published): (String, String, String, bool) = budget_projects::table
                .inner_join(budgets::table.inner_join(processes::table))
                .filter(budget_projects::id.eq(id))
                .select((
                    budget_projects::title,
                    processes::slug,
                    budgets::slug,
                    processes::published,
                ))
                .first(conn)?;
            if !published && !staff {
                return Err(Error::NotFound);
            }
            Ok(Owner {
                kind,
                id: id.to_string(),
                title,
                page: format!("/processes/{slug}/budgets/{budget}"),
            })
        }
        OwnerKind::Process => {
            let detail = crate::domain::processes::detail_by_id(conn, id)?;
            if !detail.process.published && !staff {
                return Err(Error::NotFound);
            }
            Ok(Owner {
                kind,
                id: id.to_string(),
                title: detail.process.title,
                page: format!("/processes/{}", detail.process.slug),
            })
        }
    }
}

/// The item if `user` may add attachments to it and remove them: staff on anything they see; a
/// proposal's author while they may still edit it. The one place this is decided.
pub fn manageable_owner(conn: &mut AnyConnection, kind: OwnerKind, id: &str, user: &User) -> Result<Owner> {
    let owner = visible_owner(conn, kind, id, Some(user))?;
    if user.is_admin() {
        return Ok(owner);
    }
    match kind {
        OwnerKind::Proposal => {
            let (detail, listed) = crate::domain::proposals::visible_to(conn, id, Some(user))?;
            crate::domain::proposals::check_editable(&detail, &listed.proposal, user)?;
            Ok(owner)
        }
        OwnerKind::Project | OwnerKind::Process => Err(Error::Forbidden(Msg::new("denied-staff-only"))),
    }
}
