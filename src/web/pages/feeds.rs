//! Atom feeds (RFC 4287): the town's (`/feed.atom`) and each process's
//! (`/processes/{slug}/feed.atom`). What goes in them is `domain::feed`'s; this module writes it
//! in the town's language, with an `ETag` so that a feed reader polling an unchanged feed gets a
//! `304` and no body.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};

use crate::app::AppState;
use crate::domain::feed::{self, Entry, Event};
use crate::i18n::Tr;
use crate::web::atom::{self, AtomWriter};
use crate::web::error::AppError;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/feed.atom", get(town_feed))
        .route("/processes/{slug}/feed.atom", get(process_feed))
}

/// The path of a process's feed.
pub fn process_feed_path(slug: &str) -> String {
    format!("/processes/{slug}/feed.atom")
}

/// What the writer needs to know about the feed itself.
struct FeedHead {
    /// Path of the feed, and of the page it is the news of.
    path: String,
    page: String,
    title: String,
    subtitle: String,
    /// When nothing is in the feed yet: the time it is dated with.
    fallback_updated: chrono::NaiveDateTime,
}

async fn town_feed(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Result<Response, AppError> {
    let entries = state.db.read(feed::town).await?;
    // Feeds are read by programs for everyone: their fixed text is in the town's language.
    let tr = state.town_tr();
    let head = FeedHead {
        path: "/feed.atom".into(),
        page: "/".into(),
        title: tr.t_with("feed-town-title", &[("town", state.config.town_name.clone())]),
        subtitle: tr.t("feed-town-subtitle"),
        fallback_updated: chrono::DateTime::UNIX_EPOCH.naive_utc(),
    };
    Ok(answer(&headers, write(&state, &tr, &head, &entries)))
}

async fn process_feed(
    State(state): State<Arc<AppState>>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (detail, entries) = state.db.read(move |conn| feed::process(conn, &slug)).await?;
    let tr = state.town_tr();
    let process = &detail.process;
    let head = FeedHead {
        path: process_feed_path(&process.slug),
        page: format!("/processes/{}", process.slug),
        title: tr.t_with(
            "feed-process-title",
            &[
                ("process", process.title.clone()),
                ("town", state.config.town_name.clone()),
            ],
        ),
        subtitle: tr.t("feed-town-subtitle"),
        fallback_updated: process.updated_at,
    };
    Ok(answer(&headers, write(&state, &tr, &head, &entries)))
}

fn write(state: &AppState, tr: &Tr, head: &FeedHead, entries: &[Entry]) -> String {
    let base = state.config.base();
    let updated = entries.first().map_or(head.fallback_updated, |e| e.at);
    let mut w = AtomWriter::feed(tr.lang());
    w.text("id", &[], &format!("{base}{}", head.path));
    w.text("title", &[], &head.title);
    w.text("subtitle", &[], &head.subtitle);
    w.text("updated", &[], &atom::time(&updated));
    w.empty(
        "link",
        &[
            ("rel", "self"),
            ("type", "application/atom+xml"),
            ("href", &format!("{base}{}", head.path)),
        ],
    );
    w.empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &format!("{base}{}", head.page)),
        ],
    );
    // Entries without an author of their own are the town's (RFC 4287 §4.1.1 wants one).
    w.start("author", &[]);
    w.text("name", &[], &state.config.town_name);
    w.end();
    w.text("generator", &[], "Plenum");
    for entry in entries {
        write_entry(&mut w, tr, &base, entry);
    }
    w.finish()
}

fn write_entry(w: &mut AtomWriter, tr: &Tr, base: &str, entry: &Entry) {
    w.start("entry", &[]);
    w.text("id", &[], &format!("{base}{}", entry.id_path()));
    w.text("title", &[], &entry_title(tr, entry));
    w.empty(
        "link",
        &[
            ("rel", "alternate"),
            ("type", "text/html"),
            ("href", &format!("{base}{}", entry.path())),
        ],
    );
    w.text("updated", &[], &atom::time(&entry.at));
    w.empty(
        "category",
        &[("term", &entry.process.slug), ("label", &entry.process.title)],
    );
    match &entry.event {
        Event::Proposed { proposal, author } => {
            w.text("published", &[], &atom::time(&proposal.created_at));
            if let Some(name) = author {
                w.start("author", &[]);
                w.text("name", &[], name);
                w.end();
            }
            // Already Markdown rendered and sanitised when it was written (`markdown::render`).
            w.text("content", &[("type", "html")], &proposal.body_html);
        }
        Event::Answered { proposal } => {
            if let Some(html) = &proposal.answer_html {
                w.text("content", &[("type", "html")], html);
            }
        }
        Event::ResultsPublished { funded, ballots, .. } => {
            let projects = if funded.is_empty() {
                tr.t("feed-results-none-funded")
            } else {
                funded.join(", ")
            };
            let summary = tr.plural(
                "feed-results-summary",
                "ballots",
                *ballots,
                &[("projects", projects)],
            );
            w.text("summary", &[], &summary);
        }
        Event::ProjectUpdated { update, .. } => {
            if !update.note.is_empty() {
                w.text("summary", &[], &update.note);
            }
        }
    }
    w.end();
}

fn entry_title(tr: &Tr, entry: &Entry) -> String {
    match &entry.event {
        Event::Proposed { proposal, .. } => tr.t_with("feed-proposed", &[("title", proposal.title.clone())]),
        Event::Answered { proposal } => tr.t_with(
            "feed-answered",
            &[
                ("state", tr.t(&format!("state-{}", proposal.state))),
                ("title", proposal.title.clone()),
            ],
        ),
        Event::ResultsPublished { budget, .. } => {
            tr.t_with("feed-results", &[("budget", budget.title.clone())])
        }
        Event::ProjectUpdated { project, update, .. } => tr.t_with(
            "feed-project-update",
            &[
                ("project", project.clone()),
                ("status", tr.t(&format!("status-{}", update.status))),
                ("progress", update.progress.to_string()),
            ],
        ),
    }
}

/// The feed with its validator, or `304 Not Modified` when the reader already has this version.
fn answer(request: &HeaderMap, body: String) -> Response {
    let digest = Sha256::digest(body.as_bytes());
    let etag = format!("\"{}\"", hex::encode(&digest[..16]));
    let unchanged = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|tag| {
            let tag = tag.trim();
            tag == "*" || tag.trim_start_matches("W/") == etag
        });
    let mut response = if unchanged {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        body.into_response()
    };
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/atom+xml; charset=utf-8"),
    );
    // Readers poll; a few minutes of staleness spares the database, and revalidation is cheap.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    if let Ok(value) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, value);
    }
    response
}
