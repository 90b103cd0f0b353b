//! The caller's own account: who am I, my data, and API tokens.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::ApiJson;
use crate::app;
use crate::domain::{export, Error, Msg};
use crate::web::context::{bearer, Ctx};
use crate::web::error::{AppError, ErrorView};

pub async fn me(ctx: Ctx) -> Result<Json<Value>, AppError> {
    let user = ctx.require_user()?;
    Ok(Json(json!({
        "id": user.id,
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "locale": user.locale,
    })))
}

/// Everything stored about the caller, as the account page's download gives it.
pub async fn export(ctx: Ctx) -> Result<Json<Value>, AppError> {
    let user = ctx.require_user()?.clone();
    Ok(Json(
        ctx.state
            .db
            .read(move |conn| export::export_user(conn, &user))
            .await?,
    ))
}

#[derive(Debug, Deserialize)]
pub struct TokenRequest {
    email: String,
    password: String,
    #[serde(default)]
    label: String,
    /// The current two-factor code (or a recovery code), for an account that has it on.
    #[serde(default)]
    code: Option<String>,
}

/// Exchanges an e-mail and password (and, for an account with two-factor sign-in, a `code`)
/// for a token, with the same throttling as signing in.
pub async fn create_token(ctx: Ctx, ApiJson(body): ApiJson<TokenRequest>) -> Result<Response, AppError> {
    let label = if body.label.trim().is_empty() {
        "API".to_string()
    } else {
        body.label.trim().chars().take(80).collect()
    };
    let issued = app::sessions::token_for_password(
        &ctx.state,
        body.email,
        body.password,
        body.code.map(|c| c.chars().take(64).collect()),
        ctx.client.clone(),
        label,
    )
    .await;
    let (user, token) = match issued {
        Ok(issued) => issued,
        // A wrong e-mail, password or code is a 401 for API clients; a missing code says so.
        Err(Error::Forbidden(msg))
            if matches!(
                msg.key,
                "error-login-failed" | "two-factor-error-code" | "two-factor-code-needed"
            ) =>
        {
            let view = ErrorView {
                status: StatusCode::UNAUTHORIZED,
                code: if msg.key == "two-factor-code-needed" {
                    "two_factor_required"
                } else {
                    "unauthenticated"
                },
                msg,
                fields: Vec::new(),
                retry_after: None,
            };
            let mut response = StatusCode::UNAUTHORIZED.into_response();
            response.extensions_mut().insert(view);
            return Ok(response);
        }
        Err(e) => return Err(e.into()),
    };
    Ok((
        StatusCode::CREATED,
        Json(json!({"token": token, "user": {"id": user.id, "username": user.username}})),
    )
        .into_response())
}

/// Revokes the token the request is made with.
pub async fn revoke_current_token(ctx: Ctx, headers: HeaderMap) -> Result<Response, AppError> {
    ctx.require_user()?;
    let Some(token) = bearer(&headers).map(str::to_string) else {
        return Err(AppError(Error::Forbidden(Msg::new("api-error-token-only"))));
    };
    app::sessions::revoke_token(&ctx.state, token).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
