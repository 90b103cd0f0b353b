//! Who is asking, in which language, with which CSRF token: worked out once per request by
//! [`context_layer`] and handed to handlers through the [`Ctx`] extractor.

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::error::{AppError, ErrorView};
use crate::app::AppState;
use crate::domain::accounts::User;
use crate::domain::{sessions, Error, Msg};
use crate::i18n::Tr;

pub const SESSION_COOKIE: &str = "plenum_session";
pub const VISITOR_COOKIE: &str = "plenum_visitor";
pub const LANG_COOKIE: &str = "plenum_lang";
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The message of a staff-only request by staff who must turn two-factor sign-in on first;
/// its page is a redirect to the enrolment page.
pub const ENROL_FIRST: &str = "two-factor-enrol-first";
/// Largest form body we read to look for the CSRF field.
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The request's context.
#[derive(Clone)]
pub struct Ctx {
    pub user: Option<User>,
    pub tr: Tr,
    /// Random per-browser id (cookie): binds anonymous CSRF tokens and seeds the random order.
    pub visitor: String,
    /// Token to embed in every form.
    pub csrf: String,
    /// Session secret from the cookie, when signed in by cookie.
    pub session: Option<String>,
    /// Signed in with an API token rather than a browser session.
    pub via_token: bool,
    /// The request path, to come back to after signing in.
    pub path: String,
    /// The client's address, for per-address limits.
    pub client: String,
    /// Unread notifications of the signed-in person (pages only; 0 otherwise), for the header.
    pub unread: i64,
    /// A staff member who must turn two-factor sign-in on first (`PLENUM_STAFF_TWO_FACTOR`):
    /// `user` then holds them as a citizen, so no staff right reaches them by any path.
    pub must_enrol: bool,
    pub state: Arc<AppState>,
}

impl Ctx {
    pub fn lang(&self) -> &'static str {
        self.tr.lang()
    }

    /// The signed-in user, or an error that sends the person to the sign-in page.
    pub fn require_user(&self) -> Result<&User, AppError> {
        self.user.as_ref().ok_or(AppError(Error::Unauthenticated))
    }

    /// The signed-in staff member, or 403 (for staff still to turn two-factor sign-in on, a
    /// 403 whose page sends them to do it).
    pub fn require_staff(&self) -> Result<&User, AppError> {
        let user = self.require_user()?;
        if self.must_enrol {
            return Err(AppError(Error::Forbidden(Msg::new(ENROL_FIRST))));
        }
        if user.is_admin() {
            Ok(user)
        } else {
            Err(AppError(Error::Forbidden(Msg::new("denied-staff-only"))))
        }
    }

    /// The signed-in staff member as the application layer takes one, or 403.
    pub fn staff(&self) -> Result<crate::app::Staff, AppError> {
        self.require_staff()?;
        Ok(crate::app::Staff::check(self.require_user()?)?)
    }

    /// A number derived from the visitor id, stable for that browser.
    pub fn visitor_seed(&self) -> u32 {
        let digest = sessions::digest(&self.visitor);
        u32::from_str_radix(&digest[..8], 16).unwrap_or(1)
    }

    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(User::is_admin)
    }
}

impl FromRequestParts<Arc<AppState>> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &Arc<AppState>) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Ctx>().cloned().ok_or_else(|| {
            AppError(Error::Db(crate::db::DbError::Task(
                "request context missing".into(),
            )))
        })
    }
}

/// Reads one cookie from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
        .filter(|v| !v.is_empty())
}

/// A `Set-Cookie` value with the flags every Plenum cookie carries.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age_secs: i64) -> HeaderValue {
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_secs}{secure}"
    ))
    .expect("cookie values are URL-safe")
}

/// HMAC of the visitor and session, so a token works only in the browser it was given to and
/// changes when the person signs in or out. Nothing to store: every node can check it.
pub fn csrf_token(secret: &[u8], visitor: &str, session: Option<&str>) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"csrf\0");
    mac.update(visitor.as_bytes());
    mac.update(b"\0");
    mac.update(session.unwrap_or("").as_bytes());
    hex::encode(&mac.finalize().into_bytes()[..20])
}

pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Paths that take signed server-to-server requests rather than browser forms.
fn is_csrf_exempt(path: &str) -> bool {
    // Inboxes are authenticated by HTTP signatures. Creating an API token is authenticated by
    // the password in its JSON body (a cross-site form cannot send JSON) and sets no cookie.
    // An unsubscribe link is authorised by the signed token in its path, and RFC 8058 mail
    // clients POST to it with no cookie at all.
    path == "/inbox"
        || path.ends_with("/inbox")
        || path == "/api/v1/tokens"
        || path.starts_with(crate::web::pages::unsubscribe::PREFIX)
}

/// Builds the [`Ctx`], checks CSRF on every state-changing request, renders errors as pages
/// (or JSON under `/api/`), and sets the visitor cookie on first visit.
pub async fn context_layer(State(state): State<Arc<AppState>>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let path = parts.uri.path().to_string();
    let is_api = path.starts_with("/api/");

    let existing_visitor = cookie(&parts.headers, VISITOR_COOKIE).map(str::to_string);
    let visitor = existing_visitor.clone().unwrap_or_else(sessions::new_secret);
    let session = cookie(&parts.headers, SESSION_COOKIE).map(str::to_string);
    let token = bearer(&parts.headers).map(str::to_string);

    // Anonymous visitors (most requests) need no database round trip here; a signed-in one
    // needs one statement (the account, its unread count, its two-factor state).
    let caller = match (&token, &session) {
        (None, None) => Ok(None),
        _ => {
            let (token, session) = (token.clone(), session.clone());
            state
                .db
                .read(move |conn| match (token, session) {
                    (Some(t), _) => sessions::caller_for_api_token(conn, &t),
                    (_, Some(s)) => sessions::caller_for_session(conn, &s),
                    (None, None) => Ok(None),
                })
                .await
        }
    };
    let caller = match caller {
        Ok(found) => found,
        Err(e) => return AppError(e).into_response(),
    };
    // The header's unread count is for pages; the JSON API and token callers show none.
    let unread = match &caller {
        Some(c) if !is_api && token.is_none() => c.unread,
        _ => 0,
    };
    // Only staff may have to turn two-factor sign-in on first.
    let enabled = caller.as_ref().is_some_and(|c| c.two_factor);
    let mut user = caller.map(|c| c.user);
    let must_enrol = user
        .as_ref()
        .is_some_and(|u| crate::app::two_factor::must_enrol(&state, u, enabled));
    if must_enrol {
        if let Some(u) = user.as_mut() {
            u.role = crate::domain::accounts::Role::Citizen.as_str().to_string();
        }
    }
    if token.is_some() && user.is_none() {
        let tr = state.town_tr();
        return super::error::render_json(&tr, &ErrorView::of(&Error::Unauthenticated));
    }
    let lang = user
        .as_ref()
        .and_then(|u| u.locale.clone())
        .or_else(|| cookie(&parts.headers, LANG_COOKIE).map(str::to_string))
        .and_then(|l| crate::i18n::SUPPORTED.iter().copied().find(|s| *s == l))
        .unwrap_or_else(|| {
            crate::i18n::negotiate(
                parts
                    .headers
                    .get(header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok()),
                &state.config.default_locale,
            )
        });
    let live_session = session.filter(|_| user.is_some() && token.is_none());
    let csrf = csrf_token(&state.secret, &visitor, live_session.as_deref());
    let ctx = Ctx {
        user,
        tr: state.i18n.tr(lang).in_zone(state.config.timezone),
        visitor: visitor.clone(),
        csrf: csrf.clone(),
        session: live_session,
        via_token: token.is_some(),
        path: parts
            .uri
            .path_and_query()
            .map(|pq| pq.as_str().to_string())
            .unwrap_or_else(|| path.clone()),
        client: super::client_ip::client_address(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map(|ci| ci.0.ip()),
            &parts.headers,
            &state.config.trusted_proxies,
            state.config.forwarded_header,
        ),
        unread,
        must_enrol,
        state: state.clone(),
    };

    let mut body = body;
    let changes_state = !matches!(parts.method.as_str(), "GET" | "HEAD" | "OPTIONS");
    if changes_state && token.is_none() && !is_csrf_exempt(&path) {
        let form_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let multipart = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("multipart/form-data"));
        let presented = if multipart {
            // File uploads (staff importing a .pb file) are not read here: the form carries the
            // token in its action address instead, which only a page of this site knows.
            parts.uri.query().and_then(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .find(|(k, _)| k == CSRF_FIELD)
                    .map(|(_, v)| v.into_owned())
            })
        } else if form_type {
            let bytes = match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
                Ok(b) => b,
                Err(_) => {
                    let response =
                        AppError(Error::invalid("body", Msg::new("error-too-large"))).into_response();
                    return finish_with_ctx(&ctx, response, existing_visitor.is_none(), is_api);
                }
            };
            let field = url::form_urlencoded::parse(&bytes)
                .find(|(k, _)| k == CSRF_FIELD)
                .map(|(_, v)| v.into_owned());
            body = axum::body::Body::from(bytes);
            field
        } else {
            parts
                .headers
                .get(CSRF_HEADER)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let valid = existing_visitor.is_some()
            && presented.is_some_and(|p| subtle::ConstantTimeEq::ct_eq(p.as_bytes(), csrf.as_bytes()).into());
        if !valid {
            tracing::info!(%path, "refused a request without a valid CSRF token");
            let response = AppError(Error::Forbidden(Msg::new("error-csrf"))).into_response();
            return finish_with_ctx(&ctx, response, existing_visitor.is_none(), is_api);
        }
    }

    if ctx.user.is_some() {
        parts.extensions.insert(crate::app::SignedIn);
    }
    parts.extensions.insert(ctx.clone());
    let response = next.run(Request::from_parts(parts, body)).await;
    finish_with_ctx(&ctx, response, existing_visitor.is_none(), is_api)
}

fn finish_with_ctx(ctx: &Ctx, response: Response, new_visitor: bool, is_api: bool) -> Response {
    let mut response = match response.extensions().get::<ErrorView>().cloned() {
        Some(view) if is_api => super::error::render_json(&ctx.tr, &view),
        Some(view) => super::error::render_page(ctx, &view),
        None => response,
    };
    if new_visitor {
        response.headers_mut().append(
            header::SET_COOKIE,
            set_cookie(&ctx.state, VISITOR_COOKIE, &ctx.visitor, 365 * 24 * 3600),
        );
    }
    response
}
