//! "Follow from your server": a process's fediverse handle and the form that sends a visitor
//! to their own server's follow page (`federation::subscribe` finds where).

use std::sync::Arc;

use askama::Template;
use axum::extract::Path;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::layout::Layout;
use super::{render, unprocessable};
use crate::app::AppState;
use crate::domain::processes;
use crate::federation::{subscribe, urls};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/processes/{slug}/follow", get(show).post(follow))
}

/// What the follow box shows: the handle, and the form as the visitor left it.
pub struct FollowBox {
    pub slug: String,
    /// `@slug@domain`, as WebFinger resolves it.
    pub handle: String,
    pub account: String,
    pub error: Option<String>,
}

impl FollowBox {
    pub fn new(ctx: &Ctx, slug: &str) -> FollowBox {
        FollowBox {
            slug: slug.to_string(),
            handle: format!("@{slug}@{}", ctx.state.config.domain()),
            account: String::new(),
            error: None,
        }
    }
}

#[derive(Template)]
#[template(path = "follow.html")]
struct FollowPage<'a> {
    layout: Layout<'a>,
    process_title: String,
    follow: FollowBox,
}

#[derive(Debug, Deserialize)]
struct FollowForm {
    #[serde(default)]
    account: String,
}

/// A page with a form whose answer is a redirect to another server: the policy's default
/// `form-action 'self'` would make browsers stop at that redirect.
pub fn allow_form_redirects_elsewhere(ctx: &Ctx, mut response: Response) -> Response {
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(crate::web::security::follow_policy(&ctx.state.config)),
    );
    response
}

async fn page(ctx: &Ctx, slug: String, follow: FollowBox) -> Result<Response, AppError> {
    let detail = ctx
        .state
        .db
        .read(move |conn| processes::detail_by_slug(conn, &slug, false))
        .await?;
    let title = ctx
        .tr
        .t_with("follow-page-title", &[("process", detail.process.title.clone())]);
    let page = render(&FollowPage {
        layout: Layout::new(ctx, title),
        process_title: detail.process.title,
        follow,
    });
    Ok(allow_form_redirects_elsewhere(ctx, page))
}

async fn show(ctx: Ctx, Path(slug): Path<String>) -> Result<Response, AppError> {
    let follow = FollowBox::new(&ctx, &slug);
    page(&ctx, slug, follow).await
}

async fn follow(
    ctx: Ctx,
    Path(slug): Path<String>,
    Form(form): Form<FollowForm>,
) -> Result<Response, AppError> {
    // Only a published process can be followed (WebFinger knows no other).
    let lookup = slug.clone();
    let detail = ctx
        .state
        .db
        .read(move |conn| processes::detail_by_slug(conn, &lookup, false))
        .await?;
    let actor = urls::process(&ctx.state.config.base(), &detail.process.slug);
    let found = match subscribe::parse(&form.account) {
        Ok(remote) => subscribe::follow_address(&ctx.state, &remote, &actor).await,
        Err(refusal) => Err(refusal),
    };
    match found {
        Ok(address) => Ok((StatusCode::SEE_OTHER, [(header::LOCATION, address.as_str())]).into_response()),
        Err(refusal) => {
            let mut follow = FollowBox::new(&ctx, &slug);
            follow.account = form.account.chars().take(320).collect();
            follow.error = Some(ctx.tr.t(refusal.message_id()));
            Ok(unprocessable(page(&ctx, slug, follow).await?))
        }
    }
}
