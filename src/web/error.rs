//! Turning domain errors into HTTP answers, in one place.
//!
//! Handlers return `Result<_, AppError>`. `AppError` only records what went wrong (an
//! [`ErrorView`] in the response's extensions); `context_layer`, which knows the person and
//! their language, turns it into an HTML page or, under `/api/`, a JSON body.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde_json::json;

use super::context::Ctx;
use super::pages::layout::Layout;
use crate::db::DbError;
use crate::domain::{Error, FieldError, Msg};
use crate::i18n::Tr;

/// Any failure a handler reports.
#[derive(Debug)]
pub struct AppError(pub Error);

impl From<Error> for AppError {
    fn from(e: Error) -> Self {
        AppError(e)
    }
}

impl From<DbError> for AppError {
    fn from(e: DbError) -> Self {
        AppError(Error::from(e))
    }
}

/// What the person is told: safe to show, cloneable, free of internal detail.
#[derive(Debug, Clone)]
pub struct ErrorView {
    pub status: StatusCode,
    /// Stable machine-readable code for API clients.
    pub code: &'static str,
    pub msg: Msg,
    pub fields: Vec<FieldError>,
    pub retry_after: Option<i64>,
}

impl ErrorView {
    pub fn of(error: &Error) -> ErrorView {
        let (status, code, msg) = match error {
            Error::NotFound => (StatusCode::NOT_FOUND, "not_found", Msg::new("error-not-found")),
            Error::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                Msg::new("error-sign-in"),
            ),
            Error::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m.clone()),
            Error::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                Msg::new("error-invalid"),
            ),
            Error::Conflict(m) => (StatusCode::CONFLICT, "conflict", m.clone()),
            Error::Throttled { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "throttled",
                Msg::new("error-throttled").arg("minutes", (retry_after_secs + 59) / 60),
            ),
            Error::Busy { .. } => (StatusCode::SERVICE_UNAVAILABLE, "busy", Msg::new("error-busy")),
            Error::Db(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                Msg::new("error-internal"),
            ),
        };
        ErrorView {
            status,
            code,
            msg,
            fields: match error {
                Error::Invalid(fields) => fields.clone(),
                _ => Vec::new(),
            },
            retry_after: match error {
                Error::Throttled { retry_after_secs } | Error::Busy { retry_after_secs } => {
                    Some(*retry_after_secs)
                }
                _ => None,
            },
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let Error::Db(e) = &self.0 {
            // Logged for the operator, never shown to the person.
            tracing::error!(error = %e, "internal error");
        }
        let view = ErrorView::of(&self.0);
        let mut response = view.status.into_response();
        if let Some(secs) = view.retry_after {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        response.extensions_mut().insert(view);
        response
    }
}

/// The JSON error body of the API.
pub fn render_json(tr: &Tr, view: &ErrorView) -> Response {
    let fields: Vec<_> = view
        .fields
        .iter()
        .map(|f| json!({"field": f.field, "message": tr.msg(&f.msg)}))
        .collect();
    let mut response = (
        view.status,
        Json(json!({"error": view.code, "message": tr.msg(&view.msg), "fields": fields})),
    )
        .into_response();
    if let Some(secs) = view.retry_after {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout<'a>,
    view: &'a ErrorView,
    message: String,
}

/// The HTML error page; a person who must sign in is sent to the sign-in page instead.
pub fn render_page(ctx: &Ctx, view: &ErrorView) -> Response {
    if view.status == StatusCode::FORBIDDEN && view.msg.key == super::context::ENROL_FIRST {
        return Redirect::to("/account/two-factor").into_response();
    }
    if view.status == StatusCode::UNAUTHORIZED {
        let next: String = url::form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let title = ctx.tr.t(match view.status {
        StatusCode::NOT_FOUND => "error-title-not-found",
        StatusCode::FORBIDDEN => "error-title-forbidden",
        StatusCode::TOO_MANY_REQUESTS => "error-title-throttled",
        StatusCode::SERVICE_UNAVAILABLE => "error-title-busy",
        StatusCode::INTERNAL_SERVER_ERROR => "error-title-internal",
        _ => "error-title-generic",
    });
    let page = ErrorPage {
        layout: Layout::new(ctx, title),
        view,
        message: ctx.tr.msg(&view.msg),
    };
    let mut response = super::pages::render(&page);
    *response.status_mut() = view.status;
    if let Some(secs) = view.retry_after {
        if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
    }
    response
}
