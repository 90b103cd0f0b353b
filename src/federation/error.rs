//! Why an inbound activity or a federation action failed, with the HTTP status to answer.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

#[derive(Debug)]
pub struct FedError {
    pub status: StatusCode,
    pub reason: String,
}

impl FedError {
    pub fn new(status: StatusCode, reason: impl Into<String>) -> FedError {
        FedError {
            status,
            reason: reason.into(),
        }
    }

    pub fn bad(reason: impl Into<String>) -> FedError {
        FedError::new(StatusCode::BAD_REQUEST, reason)
    }

    pub fn forbidden(reason: impl Into<String>) -> FedError {
        FedError::new(StatusCode::FORBIDDEN, reason)
    }
}

impl std::fmt::Display for FedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.reason)
    }
}

/// What the federation crate met (often while fetching a remote object). The peer learns the
/// kind of failure only: the full error, which can hold a fetched body or an internal address,
/// goes to our log.
impl From<activitypub_federation::error::Error> for FedError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        let (status, reason) = match &e {
            E::ActivitySignatureInvalid => (StatusCode::UNAUTHORIZED, "HTTP signature does not verify"),
            E::ActivityBodyDigestInvalid => (StatusCode::UNAUTHORIZED, "the body does not match its digest"),
            E::ParseReceivedActivity { .. } => (StatusCode::BAD_REQUEST, "the activity could not be read"),
            E::NotFound => (StatusCode::NOT_FOUND, "no such object here"),
            E::UrlVerificationError(_) | E::DomainResolveError(_) | E::ResolveInternalIpError(..) => (
                StatusCode::FORBIDDEN,
                "an address this activity names may not be fetched from here",
            ),
            E::ObjectDeleted(_) => (
                StatusCode::BAD_REQUEST,
                "an object this activity names was deleted",
            ),
            E::ParseFetchedObject(..)
            | E::FetchInvalidContentType(_)
            | E::FetchWrongId(_)
            | E::RequestLimit
            | E::ResponseBodyLimit
            | E::Reqwest(_)
            | E::ReqwestMiddleware(_)
            | E::Utf8(_)
            | E::UrlParse(_)
            | E::WebfingerResolveFailed(_) => (
                StatusCode::BAD_REQUEST,
                "an object this activity names could not be fetched from its server",
            ),
            _ => (StatusCode::INTERNAL_SERVER_ERROR, INTERNAL),
        };
        tracing::info!(error = %e, status = status.as_u16(), "federation: {reason}");
        FedError::new(status, reason)
    }
}

/// The only text a peer gets for a failure on our side; the details are logged.
const INTERNAL: &str = "internal error";

impl From<crate::domain::Error> for FedError {
    fn from(e: crate::domain::Error) -> Self {
        use crate::domain::Error as D;
        match e {
            D::NotFound => FedError::new(StatusCode::NOT_FOUND, "no such object here"),
            D::Forbidden(msg) => FedError::forbidden(format!("not allowed: {}", msg.key)),
            D::Invalid(fields) => FedError::bad(format!("invalid: {fields:?}")),
            D::Conflict(msg) => FedError::new(StatusCode::CONFLICT, msg.key),
            D::Throttled { .. } => FedError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too many of these from your server: try again later",
            ),
            other => {
                tracing::error!(error = %other, "federation: internal error");
                FedError::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
            }
        }
    }
}

impl From<crate::db::DbError> for FedError {
    fn from(e: crate::db::DbError) -> Self {
        FedError::from(crate::domain::Error::from(e))
    }
}

impl From<diesel::result::Error> for FedError {
    fn from(e: diesel::result::Error) -> Self {
        FedError::from(crate::domain::Error::from(e))
    }
}

impl From<anyhow::Error> for FedError {
    fn from(e: anyhow::Error) -> Self {
        tracing::error!(error = %e, "federation: internal error");
        FedError::new(StatusCode::INTERNAL_SERVER_ERROR, INTERNAL)
    }
}

impl IntoResponse for FedError {
    fn into_response(self) -> Response {
        // A 5xx never carries our internal text to the other side, whoever built it.
        if self.status.is_server_error() {
            return (self.status, INTERNAL).into_response();
        }
        (self.status, self.reason).into_response()
    }
}
