//! Content negotiation: the same address answers a browser with HTML and a server with JSON-LD.

use axum::http::HeaderMap;

/// Whether the client asks for ActivityPub JSON rather than a page.
pub fn wants_activity_json(headers: &HeaderMap) -> bool {
    headers
        .get(axum::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("application/activity+json") || v.contains("application/ld+json"))
}

/// Escapes text put into HTML we build ourselves (federated summaries and news).
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A short news item for fediverse timelines: one escaped paragraph and a link to the page.
pub fn news_html(text: &str, link: &str) -> String {
    format!(
        "<p>{}</p><p><a href=\"{}\">{}</a></p>",
        escape(text),
        escape(link),
        escape(link)
    )
}
