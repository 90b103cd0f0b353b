//! A citizen verifies that they are a resident, with the identifiers the town's census holds.
//! The answer is the same whether the identifiers are unknown or already verify another account.

use std::sync::Arc;

use askama::Template;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::layout::Layout;
use super::{render, see_other};
use crate::app::{self, AppState};
use crate::domain::{census, Error};
use crate::web::context::Ctx;
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new().route("/account/verify", get(form).post(submit))
}

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage<'a> {
    layout: Layout<'a>,
    columns: Vec<String>,
    verified: Option<String>,
    error: Option<String>,
}

async fn page(ctx: &Ctx, error: Option<String>) -> Result<Response, AppError> {
    let user_id = ctx.require_user()?.id.clone();
    let (columns, verified) = ctx
        .state
        .db
        .read(move |conn| Ok::<_, Error>((census::columns(conn)?, census::verification(conn, &user_id)?)))
        .await?;
    Ok(render(&VerifyPage {
        layout: Layout::new(ctx, ctx.tr.t("verify-title")),
        columns,
        verified,
        error,
    }))
}

async fn form(ctx: Ctx) -> Result<Response, AppError> {
    page(&ctx, None).await
}

/// The form sends one `value` per census column, in order (several fields share the name).
async fn submit(ctx: Ctx, body: axum::body::Bytes) -> Result<Response, AppError> {
    let user = ctx.require_user()?.clone();
    let values: Vec<String> = url::form_urlencoded::parse(&body)
        .filter(|(k, _)| k == "value")
        .map(|(_, v)| v.into_owned())
        .collect();
    match app::census::verify(&ctx.state, user, values, ctx.client.clone()).await {
        Ok(_) => Ok(see_other("/account/verify", "census-self-verified")),
        Err(Error::Throttled { retry_after_secs }) => Err(AppError(Error::Throttled { retry_after_secs })),
        Err(Error::Forbidden(msg)) => {
            let response = page(&ctx, Some(ctx.tr.msg(&msg))).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(Error::Invalid(fields)) => {
            let text = fields.first().map(|f| ctx.tr.msg(&f.msg)).unwrap_or_default();
            let response = page(&ctx, Some(text)).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, response).into_response())
        }
        Err(e) => Err(e.into()),
    }
}
