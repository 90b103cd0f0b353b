//! Reported items and the staff decisions on them: hide, show again, or dismiss the reports.

use crate::federation::outbox::{self, Event};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use crate::domain::moderation::{self, Item, ReportedItem};
use crate::domain::Error;
use crate::web::context::Ctx;
use crate::web::error::AppError;
use crate::web::pages::layout::Layout;
use crate::web::pages::{render, see_other};

#[derive(Template)]
#[template(path = "admin/reports.html")]
struct ReportsPage<'a> {
    layout: Layout<'a>,
    reported: Vec<ReportedItem>,
    hidden: Vec<Item>,
}

pub async fn reports(ctx: Ctx) -> Result<Response, AppError> {
    ctx.require_staff()?;
    let (reported, hidden) = ctx
        .state
        .db
        .read(|conn| Ok::<_, Error>((moderation::open_by_item(conn)?, moderation::hidden_items(conn)?)))
        .await?;
    Ok(render(&ReportsPage {
        layout: Layout::new(&ctx, ctx.tr.t("admin-reports-title")),
        reported,
        hidden,
    }))
}

/// `action` is `hide`, `unhide` or `dismiss`; anything else, or an unknown kind, is a 404.
pub async fn decide(
    ctx: Ctx,
    Path((kind, id, action)): Path<(String, String, String)>,
) -> Result<Response, AppError> {
    ctx.require_staff()?;
    if !moderation::KINDS.contains(&kind.as_str()) {
        return Err(Error::NotFound.into());
    }
    let site = ctx.state.site();
    ctx.state
        .db
        .write(move |conn| {
            // Deciding on an item that no longer exists is a 404, not a silent success.
            if moderation::describe(conn, &kind, &id)?.is_none() {
                return Err(Error::NotFound);
            }
            match action.as_str() {
                "hide" => moderation::hide(conn, &kind, &id)?,
                "unhide" => moderation::unhide(conn, &kind, &id)?,
                "dismiss" => moderation::dismiss(conn, &kind, &id)?,
                _ => return Err(Error::NotFound),
            }
            // Followers drop a hidden proposal (Delete) and get it back when shown again.
            if kind == "proposal" && action != "dismiss" {
                let event = if action == "hide" {
                    Event::ProposalRemoved(id.clone())
                } else {
                    Event::ProposalCreated(id.clone())
                };
                outbox::after(conn, &site, event)?;
            }
            Ok(())
        })
        .await?;
    ctx.state.deliveries_ready();
    Ok(see_other("/admin/reports", "moderation-done"))
}
