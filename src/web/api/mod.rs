//! The JSON API under `/api/v1`: the public read operations and what a signed-in citizen can do,
//! with a bearer token (`Authorization: Bearer plenum_…`) or a browser session (then with the
//! `x-csrf-token` header on writes). Errors share one shape, rendered by the context layer:
//! `{"error": code, "message": text, "fields": [{"field", "message"}]}`.
//!
//! The handlers call the same domain functions as the HTML pages; `openapi.json` documents
//! every route and a test checks that the two agree.

mod account;
mod notifications;
mod read;
mod remote;
mod write;

use std::sync::Arc;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::app::AppState;
use crate::domain::{Error, FieldError, Msg};
use crate::web::error::AppError;

/// The OpenAPI document, served as is.
pub const OPENAPI: &str = include_str!("openapi.json");

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/api/openapi.json", get(openapi))
        .route("/api/v1/processes", get(read::processes))
        .route("/api/v1/processes/{slug}", get(read::process))
        .route(
            "/api/v1/processes/{slug}/proposals",
            get(read::proposals).post(write::create_proposal),
        )
        .route(
            "/api/v1/proposals/{id}",
            get(read::proposal).patch(write::edit_proposal),
        )
        .route("/api/v1/proposals/{id}/versions", get(read::versions))
        .route("/api/v1/proposals/{id}/withdraw", post(write::withdraw))
        .route(
            "/api/v1/proposals/{id}/endorsement",
            put(write::endorse).delete(write::unendorse),
        )
        .route(
            "/api/v1/proposals/{id}/comments",
            get(read::comments).post(write::comment),
        )
        .route("/api/v1/reports", post(write::report))
        .route("/api/v1/remote/processes", get(remote::processes))
        .route("/api/v1/remote/processes/{id}", get(remote::process))
        .route("/api/v1/remote/proposals/{id}", get(remote::proposal))
        .route("/api/v1/me", get(account::me))
        .route("/api/v1/me/export", get(account::export))
        .route("/api/v1/notifications", get(notifications::list))
        .route("/api/v1/notifications/read", post(notifications::mark_all_read))
        .route("/api/v1/notifications/{id}/read", post(notifications::mark_read))
        .route("/api/v1/tokens", post(account::create_token))
        .route(
            "/api/v1/tokens/current",
            axum::routing::delete(account::revoke_current_token),
        )
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// `Json<T>` whose rejections (wrong content type, malformed JSON, missing fields) become our
/// error shape with a sentence a person understands, instead of axum's plain text.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => {
                let msg = match &rejection {
                    JsonRejection::MissingJsonContentType(_) => Msg::new("api-error-content-type"),
                    JsonRejection::JsonSyntaxError(_) => Msg::new("api-error-json-syntax"),
                    JsonRejection::JsonDataError(e) => {
                        Msg::new("api-error-json-data").arg("detail", e.body_text())
                    }
                    _ => Msg::new("api-error-json-syntax"),
                };
                Err(AppError(Error::Invalid(vec![FieldError { field: "body", msg }])))
            }
        }
    }
}
