//! Why an inbound activity or a federation action failed, with the HTTP status to answer.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// Each kind of refusal maps to one status, here only ([`FedError::status`]); the reason is
/// for the peer and our log. Internal failures carry no text: the details are logged where
/// they are converted, and the peer reads only "internal error".
#[derive(Debug)]
pub enum FedError {
    /// 400: the request or activity is malformed, or names what it may not.
    Invalid(String),
    /// 401: the signature is missing, malformed or does not verify.
    Unauthorized(String),
    /// 403: the sender may not do this (policy, origin, eligibility).
    Forbidden(String),
    /// 404: what it names is not here.
    NotFound(String),
    /// 409: already received, or in a state that refuses it.
    Conflict(String),
    /// 413: larger than we read.
    TooLarge(String),
    /// 429: too many from this server; try later.
    Throttled(String),
    /// 500: our failure, logged where it happened.
    Internal,
}

impl FedError {
    pub fn bad(reason: impl Into<String>) -> FedError {
        FedError::Invalid(reason.into())
    }

    pub fn unauthorized(reason: impl Into<String>) -> FedError {
        FedError::Unauthorized(reason.into())
    }

    pub fn forbidden(reason: impl Into<String>) -> FedError {
        FedError::Forbidden(reason.into())
    }

    pub fn not_found(reason: impl Into<String>) -> FedError {
        FedError::NotFound(reason.into())
    }

    pub fn conflict(reason: impl Into<String>) -> FedError {
        FedError::Conflict(reason.into())
    }

    pub fn too_large(reason: impl Into<String>) -> FedError {
        FedError::TooLarge(reason.into())
    }

    pub fn throttled(reason: impl Into<String>) -> FedError {
        FedError::Throttled(reason.into())
    }

    /// The one mapping from a refusal to its HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            FedError::Invalid(_) => StatusCode::BAD_REQUEST,
            FedError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            FedError::Forbidden(_) => StatusCode::FORBIDDEN,
            FedError::NotFound(_) => StatusCode::NOT_FOUND,
            FedError::Conflict(_) => StatusCode::CONFLICT,
            FedError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            FedError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            FedError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the peer (and our log) is told.
    pub fn reason(&self) -> &str {
        match self {
            FedError::Invalid(r)
            | FedError::Unauthorized(r)
            | FedError::Forbidden(r)
            | FedError::NotFound(r)
            | FedError::Conflict(r)
            | FedError::TooLarge(r)
            | FedError::Throttled(r) => r,
            FedError::Internal => INTERNAL,
        }
    }
}

impl std::fmt::Display for FedError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status().as_u16(), self.reason())
    }
}

/// What the federation crate met (often while fetching a remote object). The peer learns the
/// kind of failure only: the full error, which can hold a fetched body or an internal address,
/// goes to our log.
impl From<activitypub_federation::error::Error> for FedError {
    fn from(e: activitypub_federation::error::Error) -> Self {
        use activitypub_federation::error::Error as E;
        let refusal = match &e {
            E::ActivitySignatureInvalid => FedError::unauthorized("HTTP signature does not verify"),
            E::ActivityBodyDigestInvalid => FedError::unauthorized("the body does not match its digest"),
            E::ParseReceivedActivity { .. } => FedError::bad("the activity could not be read"),
            E::NotFound => FedError::not_found("no such object here"),
            E::UrlVerificationError(_) | E::DomainResolveError(_) | E::ResolveInternalIpError(..) => {
                FedError::forbidden("an address this activity names may not be fetched from here")
            }
            E::ObjectDeleted(_) => FedError::bad("an object this activity names was deleted"),
            E::ParseFetchedObject(..)
            | E::FetchInvalidContentType(_)
            | E::FetchWrongId(_)
            | E::RequestLimit
            | E::ResponseBodyLimit
            | E::Reqwest(_)
            | E::ReqwestMiddleware(_)
            | E::Utf8(_)
            | E::UrlParse(_)
            | E::WebfingerResolveFailed(_) => {
                FedError::bad("an object this activity names could not be fetched from its server")
            }
            _ => FedError::Internal,
        };
        tracing::info!(error = %e, status = refusal.status().as_u16(), "federation: {}", refusal.reason());
        refusal
    }
}

/// The only text a peer gets for a failure on our side; the details are logged.
const INTERNAL: &str = "internal error";

impl From<crate::domain::Error> for FedError {
    fn from(e: crate::domain::Error) -> Self {
        use crate::domain::Error as D;
        match e {
            D::NotFound => FedError::not_found("no such object here"),
            D::Forbidden(msg) => FedError::forbidden(format!("not allowed: {}", msg.key)),
            D::Invalid(fields) => FedError::bad(format!("invalid: {fields:?}")),
            D::Conflict(msg) => FedError::conflict(msg.key),
            D::Throttled { .. } => FedError::throttled("too many of these from your server: try again later"),
            other => {
                tracing::error!(error = %other, "federation: internal error");
                FedError::Internal
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
        FedError::Internal
    }
}

impl IntoResponse for FedError {
    fn into_response(self) -> Response {
        // Only `Internal` is a 5xx, and its reason is `INTERNAL`: no text of ours.
        (self.status(), self.reason().to_string()).into_response()
    }
}
