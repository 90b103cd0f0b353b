//! A client of the router that behaves as a browser would (cookies, the CSRF token added to
//! forms, the language it asks for), and the response it reads.

#![allow(dead_code)]

use std::collections::BTreeMap;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use tower::ServiceExt;

use plenum::web::context::{csrf_token, SESSION_COOKIE, VISITOR_COOKIE};

use crate::common::PASSWORD;

/// A response, read whole.
pub struct Page {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
    /// The body as it came (images, documents).
    pub bytes: Vec<u8>,
}

impl Page {
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    #[track_caller]
    pub fn assert_status(&self, expected: u16) -> &Page {
        assert_eq!(
            self.status.as_u16(),
            expected,
            "unexpected status; body: {}",
            &self.body[..self.body.len().min(2000)]
        );
        self
    }

    #[track_caller]
    pub fn assert_contains(&self, text: &str) -> &Page {
        assert!(
            self.body.contains(text),
            "expected {text:?} in the page; body: {}",
            &self.body[..self.body.len().min(3000)]
        );
        self
    }

    /// The value of the first `name="..." value="..."` hidden input, e.g. a proposal id.
    pub fn first_link_to(&self, prefix: &str) -> String {
        let start = self
            .body
            .find(&format!("href=\"{prefix}"))
            .unwrap_or_else(|| panic!("no link starting with {prefix}"));
        let rest = &self.body[start + 6..];
        rest[..rest.find('"').expect("closing quote")].to_string()
    }
}

/// A client that keeps cookies and adds the CSRF token to forms, as a browser would.
#[derive(Clone)]
pub struct Browser {
    router: Router,
    pub cookies: BTreeMap<String, String>,
    secret: Vec<u8>,
    pub accept_language: String,
    /// The TCP peer the server sees (none: as with a request that came from no socket).
    pub peer: Option<std::net::SocketAddr>,
    /// Headers added to every request (e.g. what a reverse proxy adds).
    pub headers: Vec<(&'static str, String)>,
}

impl Browser {
    /// A browser of `router` with no cookies yet, asking for English pages; `secret` is the
    /// instance's, from which the CSRF token of its visitor cookie is derived.
    pub fn new(router: Router, secret: Vec<u8>) -> Browser {
        Browser {
            router,
            cookies: BTreeMap::new(),
            secret,
            accept_language: "en".into(),
            peer: None,
            headers: Vec::new(),
        }
    }

    pub async fn send(&mut self, mut request: Request<Body>) -> Page {
        if !self.cookies.is_empty() {
            let cookie = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("; ");
            request
                .headers_mut()
                .insert(header::COOKIE, cookie.parse().expect("cookie header"));
        }
        if let Some(peer) = self.peer {
            request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
        }
        for (name, value) in &self.headers {
            request
                .headers_mut()
                .append(*name, value.parse().expect("header value"));
        }
        if !request.headers().contains_key(header::ACCEPT_LANGUAGE) {
            request.headers_mut().insert(
                header::ACCEPT_LANGUAGE,
                self.accept_language.parse().expect("language header"),
            );
        }
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("the router answers");
        for value in response.headers().get_all(header::SET_COOKIE) {
            let text = value.to_str().expect("ascii cookie");
            let pair = text.split(';').next().unwrap_or("");
            if let Some((name, value)) = pair.split_once('=') {
                if value.is_empty() || text.contains("Max-Age=0") {
                    self.cookies.remove(name);
                } else {
                    self.cookies.insert(name.into(), value.into());
                }
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        Page {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes: bytes.to_vec(),
        }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        self.send(Request::get(path).body(Body::empty()).expect("request"))
            .await
    }

    /// The token the server expects from this browser right now.
    pub fn csrf(&self) -> String {
        let visitor = self.cookies.get(VISITOR_COOKIE).cloned().unwrap_or_default();
        csrf_token(
            &self.secret,
            &visitor,
            self.cookies.get(SESSION_COOKIE).map(String::as_str),
        )
    }

    /// Posts a form with the CSRF token, as the page's form would.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        if !self.cookies.contains_key(VISITOR_COOKIE) {
            self.get("/").await;
        }
        let mut all: Vec<(&str, String)> = fields.iter().map(|(k, v)| (*k, v.to_string())).collect();
        all.push(("csrf", self.csrf()));
        self.post_raw(path, &all).await
    }

    /// Writes a proposal in process `slug` through its form; returns the path of its page.
    pub async fn propose(&mut self, slug: &str, title: &str, body: &str) -> String {
        let created = self
            .post(
                &format!("/processes/{slug}/proposals"),
                &[("title", title), ("body", body)],
            )
            .await;
        let path = created
            .location()
            .split('?')
            .next()
            .unwrap_or_default()
            .to_string();
        assert!(
            path.starts_with("/proposals/"),
            "proposal not created: {}",
            created.status
        );
        path
    }

    /// Comments on proposal `id` through its form, and checks the comment was taken.
    pub async fn comment(&mut self, id: &str, body: &str) -> Page {
        let page = self
            .post(&format!("/proposals/{id}/comments"), &[("body", body)])
            .await;
        page.assert_status(303);
        page
    }

    /// Like [`Browser::propose`], returning the proposal's id.
    pub async fn propose_id(&mut self, slug: &str, title: &str, body: &str) -> String {
        let path = self.propose(slug, title, body).await;
        path.trim_start_matches("/proposals/").to_string()
    }

    /// Posts exactly these fields (no CSRF token added).
    pub async fn post_raw(&mut self, path: &str, fields: &[(&str, String)]) -> Page {
        let body: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().map(|(k, v)| (*k, v.as_str())))
            .finish();
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .expect("request"),
        )
        .await
    }

    /// Calls the JSON API, with a bearer token when given (else the session and CSRF header).
    pub async fn api(
        &mut self,
        method: Method,
        path: &str,
        body: Option<serde_json::Value>,
        token: Option<&str>,
    ) -> Page {
        if token.is_none() && !self.cookies.contains_key(VISITOR_COOKIE) {
            self.get("/").await;
        }
        let mut builder = Request::builder().method(method).uri(path);
        match token {
            Some(t) => builder = builder.header(header::AUTHORIZATION, format!("Bearer {t}")),
            None => builder = builder.header("x-csrf-token", self.csrf()),
        }
        let request = match body {
            Some(json) => builder
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(json.to_string())),
            None => builder.body(Body::empty()),
        }
        .expect("request");
        self.send(request).await
    }

    pub async fn login(&mut self, email: &str) {
        let page = self
            .post("/login", &[("email", email), ("password", PASSWORD)])
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "login failed: {}", page.body);
        assert!(self.cookies.contains_key(SESSION_COOKIE));
    }

    /// A fresh request builder, for tests that need odd methods or headers.
    pub fn method(&self, method: Method, path: &str) -> axum::http::request::Builder {
        Request::builder().method(method).uri(path)
    }
}
