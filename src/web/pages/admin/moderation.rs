//! Reported items and the staff decisions on them: hide, show again, or dismiss the reports.

use crate::app;
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
    let staff = ctx.staff()?;
    let decision = app::moderation::Decision::parse(&action).ok_or(Error::NotFound)?;
    app::moderation::decide(&ctx.state, &staff, kind, id, decision).await?;
    Ok(see_other("/admin/reports", "moderation-done"))
}
