//! The peer server's WebFinger, for "follow from your server": one account per behaviour a real
//! or hostile server may have, told apart by the account's name.

use std::collections::HashMap;

use axum::extract::Query;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The subscribe template `ada`'s server publishes (Mastodon's form), on `host`.
pub fn ada_template(host: &str) -> String {
    format!("http://{host}/authorize_follow?acct={{uri}}")
}

/// Answers `GET /.well-known/webfinger?resource=acct:NAME@HOST`.
pub async fn answer(Query(query): Query<HashMap<String, String>>, headers: HeaderMap) -> Response {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let resource = query.get("resource").cloned().unwrap_or_default();
    let Some(name) = resource
        .strip_prefix("acct:")
        .and_then(|r| r.strip_suffix(&format!("@{host}")))
    else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let template = match name {
        "ada" => ada_template(&host),
        // A server that publishes no subscribe link (only its actor).
        "bea" => return jrd(&resource, None),
        "js" => "javascript:alert(document.cookie)//{uri}".into(),
        "elsewhere" => "http://evil.example/follow?uri={uri}".into(),
        "crlf" => format!("http://{host}/follow\r\nSet-Cookie: session=stolen?uri={{uri}}"),
        "userinfo" => format!("http://attacker@{host}/follow?uri={{uri}}"),
        "moved" => {
            return (
                StatusCode::FOUND,
                [(header::LOCATION, "http://evil.example/.well-known/webfinger")],
            )
                .into_response()
        }
        // A valid template after a megabyte of padding: too big to be read at all.
        "huge" => {
            let padding = "x".repeat(1024 * 1024);
            let body = json!({
                "subject": resource,
                "padding": padding,
                "links": [{ "rel": "http://ostatus.org/schema/1.0/subscribe", "template": "http://evil.example/?uri={uri}" }],
            });
            return ([(header::CONTENT_TYPE, "application/jrd+json")], body.to_string()).into_response();
        }
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    jrd(&resource, Some(template))
}

fn jrd(subject: &str, template: Option<String>) -> Response {
    let mut links = vec![
        json!({ "rel": "self", "type": "application/activity+json", "href": "http://example.invalid/users/x" }),
    ];
    if let Some(template) = template {
        links.push(json!({ "rel": "http://ostatus.org/schema/1.0/subscribe", "template": template }));
    }
    let body = json!({ "subject": subject, "links": links });
    ([(header::CONTENT_TYPE, "application/jrd+json")], body.to_string()).into_response()
}
