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

impl From<activitypub_federation::error::Error> for FedError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        let status = match &e {
            E::ActivitySignatureInvalid | E::ActivityBodyDigestInvalid => StatusCode::UNAUTHORIZED,
            E::ParseReceivedActivity { .. } => StatusCode::BAD_REQUEST,
            E::UrlVerificationError(_) | E::DomainResolveError(_) => StatusCode::FORBIDDEN,
            _ => StatusCode::BAD_REQUEST,
        };
        FedError::new(status, e.to_string())
    }
}

impl From<crate::domain::Error> for FedError {
    fn from(e: crate::domain::Error) -> Self {
        use crate::domain::Error as D;
        match e {
            D::NotFound => FedError::new(StatusCode::NOT_FOUND, "no such object here"),
            D::Forbidden(msg) => FedError::forbidden(format!("not allowed: {}", msg.key)),
            D::Invalid(fields) => FedError::bad(format!("invalid: {fields:?}")),
            D::Conflict(msg) => FedError::new(StatusCode::CONFLICT, msg.key),
            other => FedError::new(StatusCode::INTERNAL_SERVER_ERROR, other.to_string()),
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
        FedError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for FedError {
    fn into_response(self) -> Response {
        (self.status, self.reason).into_response()
    }
}
