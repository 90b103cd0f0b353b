//! Staff's view of outgoing mail (`/admin/mail`): how many wait, are sent or failed, the failed
//! ones with the server's answer, and a button to send one again.

use askama::Template;
use axum::extract::Path;
use axum::response::Response;

use super::super::layout::Layout;
use super::super::{render, see_other};
use crate::app;
use crate::config::MailTransport;
use crate::mail::store::{FailedMail, FAILED, PENDING, SENDING, SENT};
use crate::web::context::Ctx;
use crate::web::error::AppError;

#[derive(Template)]
#[template(path = "admin/mail.html")]
struct MailPage<'a> {
    layout: Layout<'a>,
    /// (state, count) in a fixed order, zeros included.
    counts: Vec<(&'static str, i64)>,
    failed: Vec<FailedMail>,
    no_transport: bool,
}

pub async fn page(ctx: Ctx) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    let overview = app::mail::overview(&ctx.state, &staff).await?;
    let counts = [PENDING, SENDING, SENT, FAILED]
        .into_iter()
        .map(|state| {
            let n = overview
                .counts
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n);
            (state, n)
        })
        .collect();
    Ok(render(&MailPage {
        layout: Layout::new(&ctx, ctx.tr.t("admin-mail-title")),
        counts,
        failed: overview.failed,
        no_transport: ctx.state.config.mail.transport == MailTransport::None,
    }))
}

pub async fn retry(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let staff = ctx.staff()?;
    app::mail::retry(&ctx.state, &staff, id).await?;
    Ok(see_other("/admin/mail", "mail-retried"))
}
