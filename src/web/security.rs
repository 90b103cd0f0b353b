//! Security headers on every response.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

use crate::app::AppState;

/// No inline script or style anywhere: the pages work without JavaScript, and the CSP says so.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data: https:; \
    style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'; \
    base-uri 'self'; object-src 'none'";

/// [`CONTENT_SECURITY_POLICY_FOLLOW`] in test mode (`PLENUM_FEDERATION_ALLOW_PRIVATE`), where
/// the servers a visitor is sent to are reached over http, as the federation client reaches them.
pub const CONTENT_SECURITY_POLICY_FOLLOW_TEST: &str = "default-src 'self'; img-src 'self' data: https:; \
    style-src 'self'; script-src 'self'; form-action 'self' https: http:; frame-ancestors 'none'; \
    base-uri 'self'; object-src 'none'";

/// The policy of the pages with a "follow from your server" form.
pub fn follow_policy(config: &crate::config::Config) -> &'static str {
    if config.federation_allow_private.is_empty() {
        CONTENT_SECURITY_POLICY_FOLLOW
    } else {
        CONTENT_SECURITY_POLICY_FOLLOW_TEST
    }
}

/// The same, for the pages with a "follow from your server" form: its answer redirects to the
/// visitor's own server, which browsers refuse under `form-action 'self'` (they check every
/// redirect of a form's navigation). Only https destinations are let through.
pub const CONTENT_SECURITY_POLICY_FOLLOW: &str = "default-src 'self'; img-src 'self' data: https:; \
    style-src 'self'; script-src 'self'; form-action 'self' https:; frame-ancestors 'none'; \
    base-uri 'self'; object-src 'none'";

pub async fn headers_layer(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // A page may have set its own, stricter or (see `CONTENT_SECURITY_POLICY_FOLLOW`) wider.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CONTENT_SECURITY_POLICY),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    if state.config.secure_cookies() {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    response
}
