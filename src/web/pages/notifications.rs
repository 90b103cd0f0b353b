//! The person's notifications (`/notifications`), marking them read, following a process or a
//! proposal, and how often they want e-mail about it all.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Form, Path};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use serde::Deserialize;

use super::layout::Layout;
use super::{render, see_other};
use crate::app::{self, AppState};
use crate::domain::notifications::Notification;
use crate::domain::subscriptions::Target;
use crate::i18n::Tr;
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/notifications", get(show))
        .route("/notifications/read", post(mark_all_read))
        .route("/notifications/{id}/read", post(mark_read))
        .route("/proposals/{id}/subscription", post(toggle_proposal))
        .route(
            "/processes/{slug}/subscription",
            get(process_subscription).post(toggle_process),
        )
        .route("/account/email-frequency", post(save_frequency))
}

/// One notification as the page lists it, in the reader's language.
struct Item {
    id: String,
    text: String,
    link: Option<String>,
    unread: bool,
    at: String,
}

impl Item {
    fn of(tr: &Tr, n: &Notification) -> Item {
        let (text, link) = describe(tr, n);
        Item {
            id: n.id.clone(),
            text,
            link,
            unread: n.is_unread(),
            at: tr.datetime(&n.created_at),
        }
    }
}

pub use crate::domain::notifications::text::describe;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage<'a> {
    layout: Layout<'a>,
    items: Vec<Item>,
}

async fn show(ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let list = app::notifications::list(&ctx.state, user).await?;
    let items = list.iter().map(|n| Item::of(&ctx.tr, n)).collect();
    Ok(render(&NotificationsPage {
        layout: Layout::new(&ctx, ctx.tr.t("notifications-title")),
        items,
    }))
}

async fn mark_read(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    app::notifications::mark_read(&ctx.state, user, id).await?;
    Ok(see_other("/notifications", "notification-read"))
}

async fn mark_all_read(ctx: Ctx) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    app::notifications::mark_all_read(&ctx.state, user).await?;
    Ok(see_other("/notifications", "notification-read"))
}

async fn toggle_proposal(ctx: Ctx, Path(id): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let following = app::notifications::toggle_proposal(&ctx.state, user, id.clone()).await?;
    Ok(see_other(
        &format!("/proposals/{id}"),
        following_notice(following),
    ))
}

fn following_notice(following: bool) -> &'static str {
    if following {
        "following"
    } else {
        "not-following"
    }
}

#[derive(Template)]
#[template(path = "process_subscription.html")]
struct ProcessSubscriptionPage<'a> {
    layout: Layout<'a>,
    slug: String,
    process_title: String,
    following: bool,
}

/// Whether the person follows the process, and the button to change it. A page of its own, so
/// the process page (the proposal list) asks the database nothing more for it.
async fn process_subscription(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    let detail = app::processes::view(&ctx.state, Some(user), slug.clone()).await?;
    let following =
        app::notifications::is_following(&ctx.state, Some(user), Target::Process, detail.process.id.clone())
            .await?;
    Ok(render(&ProcessSubscriptionPage {
        layout: Layout::new(&ctx, ctx.tr.t("subscription-process-title")),
        slug,
        process_title: detail.process.title,
        following,
    }))
}

async fn toggle_process(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let following = app::notifications::toggle_process(&ctx.state, user, slug.clone()).await?;
    Ok(see_other(
        &format!("/processes/{slug}/subscription"),
        following_notice(following),
    ))
}

#[derive(Deserialize)]
struct FrequencyForm {
    #[serde(default)]
    email_frequency: String,
}

async fn save_frequency(ctx: Ctx, Form(form): Form<FrequencyForm>) -> Result<Response, AppError> {
    let user = ctx.require_user()?;
    app::notifications::set_email_frequency(&ctx.state, user, form.email_frequency).await?;
    Ok(see_other("/account", "settings-saved"))
}
