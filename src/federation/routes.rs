//! Federation endpoints: discovery (WebFinger, NodeInfo), actors and objects as JSON-LD,
//! collections, stored activities, and the inboxes.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::error::FedError;
use super::{actors, inbox, objects, queue, urls};
use crate::app::AppState;
use crate::db::schema::{followers, proposals, users};
use crate::db::AnyConnection;
use crate::domain::processes::ProcessDetail;
use crate::domain::{accounts, comments, processes, proposals as proposal_rules, Error};

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/.well-known/webfinger", get(webfinger))
        .route("/.well-known/nodeinfo", get(nodeinfo_links))
        .route("/nodeinfo/2.1", get(nodeinfo))
        .route("/actor", get(instance_actor))
        .route("/actor/outbox", get(empty_outbox))
        .route("/inbox", post(inbox::post_inbox))
        .route("/actor/inbox", post(inbox::post_inbox))
        .route("/processes/{slug}/inbox", post(inbox::post_inbox))
        .route("/users/{username}/inbox", post(inbox::post_inbox))
        .route("/processes/{slug}/outbox", get(process_outbox))
        .route("/processes/{slug}/followers", get(process_followers))
        // Pinned posts (Lemmy reads this collection); none yet.
        .route("/processes/{slug}/featured", get(empty_outbox))
        .route("/processes/{slug}/moderators", get(moderators))
        .route("/users/{username}", get(person))
        .route("/users/{username}/outbox", get(empty_outbox))
        .route("/comments/{id}", get(comment))
        .route("/activities/{id}", get(activity))
}

/// A JSON-LD answer with the content type fediverse software checks for.
pub fn activity_json(body: &Value) -> Response {
    (
        [
            (header::CONTENT_TYPE, urls::ACTIVITY_JSON),
            (header::VARY, "Accept"),
        ],
        body.to_string(),
    )
        .into_response()
}

fn base(state: &AppState) -> String {
    state.config.base()
}

async fn webfinger(
    State(state): State<Arc<AppState>>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, FedError> {
    let resource = q.get("resource").cloned().unwrap_or_default();
    let domain = state.config.domain();
    let name = resource
        .strip_prefix("acct:")
        .and_then(|r| r.strip_suffix(&format!("@{domain}")))
        .map(str::to_string)
        .ok_or_else(|| FedError::not_found("unknown resource"))?;
    let base = base(&state);
    let lookup = name.clone();
    let found = state
        .db
        .read(move |conn| {
            if lookup == "instance" {
                return Ok::<_, Error>(Some(("Application", urls::instance_actor(&base), base.clone())));
            }
            if let Ok(detail) = processes::detail_by_slug(conn, &lookup, false) {
                let id = urls::process(&base, &detail.process.slug);
                return Ok(Some(("Group", id.clone(), id)));
            }
            match accounts::find_by_username(conn, &lookup) {
                Ok(user) if !user.is_remote() && user.deleted_at.is_none() => {
                    let id = urls::person(&base, &user.username);
                    Ok(Some(("Person", id.clone(), id)))
                }
                _ => Ok(None),
            }
        })
        .await?;
    let (kind, id, page) = found.ok_or_else(|| FedError::not_found("no such account"))?;
    let body = json!({
        "subject": format!("acct:{name}@{domain}"),
        "aliases": [id],
        "links": [
            { "rel": "self", "type": "application/activity+json", "href": id, "properties": { "https://www.w3.org/ns/activitystreams#type": kind } },
            { "rel": "http://webfinger.net/rel/profile-page", "type": "text/html", "href": page },
        ],
    });
    Ok((
        [(header::CONTENT_TYPE, "application/jrd+json; charset=utf-8")],
        body.to_string(),
    )
        .into_response())
}

async fn nodeinfo_links(State(state): State<Arc<AppState>>) -> Response {
    let body = json!({
        "links": [{
            "rel": "http://nodeinfo.diaspora.software/ns/schema/2.1",
            "href": format!("{}/nodeinfo/2.1", base(&state)),
        }]
    });
    ([(header::CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

async fn nodeinfo(State(state): State<Arc<AppState>>) -> Result<Response, FedError> {
    let (people, posts, comments_total) = state
        .db
        .read(|conn| {
            let people: i64 = users::table
                .filter(users::role.ne(accounts::Role::Remote.as_str()))
                .filter(users::deleted_at.is_null())
                .count()
                .get_result(conn)?;
            let posts: i64 = proposals::table
                .filter(proposals::hidden.eq(false))
                .count()
                .get_result(conn)?;
            let comments_total: i64 = crate::db::schema::comments::table.count().get_result(conn)?;
            Ok::<_, Error>((people, posts, comments_total))
        })
        .await?;
    let body = json!({
        "version": "2.1",
        "software": {
            "name": "plenum",
            "version": env!("CARGO_PKG_VERSION"),
            "homepage": base(&state),
        },
        "protocols": ["activitypub"],
        "services": { "inbound": [], "outbound": [] },
        "openRegistrations": true,
        "usage": {
            "users": { "total": people },
            "localPosts": posts,
            "localComments": comments_total,
        },
        "metadata": { "nodeName": state.config.town_name },
    });
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/json; profile=\"http://nodeinfo.diaspora.software/ns/schema/2.1#\"",
        )],
        body.to_string(),
    )
        .into_response())
}

async fn instance_actor(State(state): State<Arc<AppState>>) -> Result<Response, FedError> {
    let base = base(&state);
    let town = state.config.town_name.clone();
    let body = state
        .db
        .write(move |conn| actors::instance_json(conn, &base, &town))
        .await?;
    Ok(activity_json(&body))
}

async fn empty_outbox(uri: axum::http::Uri, State(state): State<Arc<AppState>>) -> Response {
    activity_json(&ordered_collection(
        format!("{}{}", base(&state), uri.path()),
        Vec::new(),
    ))
}

/// An `OrderedCollection` at `id` that lists its items.
fn ordered_collection(id: String, items: Vec<Value>) -> Value {
    json!({
        "@context": urls::context(),
        "id": id,
        "type": "OrderedCollection",
        "totalItems": items.len(),
        "orderedItems": items,
    })
}

/// The process's recent proposals as `Announce(Create(Page))`, newest first: what a new follower
/// reads to catch up, and what Lemmy expects an outbox to hold.
async fn process_outbox(
    State(state): State<Arc<AppState>>,
    Path(slug): Path<String>,
) -> Result<Response, FedError> {
    process_document(&state, slug, |conn, base, detail| {
        let group = urls::process(base, &detail.process.slug);
        let list: Vec<proposal_rules::Proposal> = proposals::table
            .filter(proposals::process_id.eq(&detail.process.id))
            .filter(proposals::hidden.eq(false))
            .order(proposals::created_at.desc())
            .limit(200)
            .select(proposal_rules::Proposal::as_select())
            .load(conn)?;
        let mut items = Vec::with_capacity(list.len());
        for proposal in &list {
            let page = objects::proposal_page(conn, base, proposal)?;
            let page_id = urls::proposal(base, &proposal.id);
            // Addressed as when they were sent: Lemmy's parser requires `to` and `cc` on
            // both, and drops an item without them.
            items.push(json!({
                "id": format!("{page_id}#announce"),
                "type": "Announce",
                "actor": group,
                "to": [urls::PUBLIC],
                "cc": [format!("{group}/followers")],
                "audience": group,
                "object": {
                    "id": format!("{page_id}#create"),
                    "type": "Create",
                    "actor": page["attributedTo"],
                    "to": page["to"],
                    "cc": page["cc"],
                    "audience": group,
                    "object": page,
                },
            }));
        }
        Ok(ordered_collection(format!("{group}/outbox"), items))
    })
    .await
}

/// The process's moderators (Lemmy's `attributedTo` of a community): the town's staff.
async fn moderators(uri: axum::http::Uri, State(state): State<Arc<AppState>>) -> Result<Response, FedError> {
    let base = base(&state);
    let staff: Vec<String> = state
        .db
        .read(|conn| {
            Ok::<_, Error>(
                users::table
                    .filter(users::role.eq(accounts::Role::Admin.as_str()))
                    .filter(users::deleted_at.is_null())
                    .select(users::username)
                    .load(conn)?,
            )
        })
        .await?;
    let items = staff.iter().map(|u| json!(urls::person(&base, u))).collect();
    Ok(activity_json(&ordered_collection(
        format!("{base}{}", uri.path()),
        items,
    )))
}

/// How many follow the process; who they are is not published.
async fn process_followers(
    State(state): State<Arc<AppState>>,
    Path(slug): Path<String>,
) -> Result<Response, FedError> {
    process_document(&state, slug, |conn, base, detail| {
        let total: i64 = followers::table
            .filter(followers::process_id.eq(&detail.process.id))
            .count()
            .get_result(conn)?;
        Ok(json!({
            "@context": "https://www.w3.org/ns/activitystreams",
            "id": format!("{}/followers", urls::process(base, &detail.process.slug)),
            "type": "OrderedCollection",
            "totalItems": total,
        }))
    })
    .await
}

/// A document about a published process, built by `build` in one read (a draft or an unknown
/// slug is 404, as for the process itself).
async fn process_document<F>(state: &AppState, slug: String, build: F) -> Result<Response, FedError>
where
    F: FnOnce(&mut AnyConnection, &str, &ProcessDetail) -> Result<Value, Error> + Send + 'static,
{
    let base = base(state);
    let body = state
        .db
        .read(move |conn| {
            let detail = processes::detail_by_slug(conn, &slug, false)?;
            build(conn, &base, &detail)
        })
        .await?;
    Ok(activity_json(&body))
}

async fn person(
    State(state): State<Arc<AppState>>,
    Path(username): Path<String>,
) -> Result<Response, FedError> {
    let base = base(&state);
    let body = state
        .db
        .write(move |conn| {
            let user = accounts::find_by_username(conn, &username)?;
            if user.is_remote() || user.deleted_at.is_some() {
                return Err(Error::NotFound);
            }
            actors::person_json(conn, &base, &user)
        })
        .await?;
    Ok(activity_json(&body))
}

async fn comment(
    State(state): State<Arc<AppState>>,
    Path(id): Path<String>,
    headers: axum::http::HeaderMap,
) -> Result<Response, FedError> {
    let base = base(&state);
    let wants_json = crate::federation::content::wants_activity_json(&headers);
    let lookup = id.clone();
    let found = state
        .db
        .read(move |conn| {
            match comments::find(conn, &lookup) {
                Ok(comment) => {
                    let proposal = proposal_rules::find(conn, &comment.proposal_id)?;
                    if comment.hidden || proposal.hidden {
                        return Err(Error::NotFound);
                    }
                    let note = objects::comment_note(conn, &base, &comment)?;
                    Ok((
                        format!("/proposals/{}#comment-{}", comment.proposal_id, comment.id),
                        note,
                    ))
                }
                // A comment written here on another town's proposal.
                Err(Error::NotFound) => remote_comment_note(conn, &base, &lookup),
                Err(e) => Err(e),
            }
        })
        .await?;
    let (page, note) = found;
    if !wants_json {
        return Ok(Redirect::to(&page).into_response());
    }
    Ok(activity_json(&note))
}

fn remote_comment_note(
    conn: &mut crate::db::AnyConnection,
    base: &str,
    id: &str,
) -> Result<(String, Value), Error> {
    use crate::db::schema::{remote_comments, remote_processes, remote_proposals};
    let ap_id = urls::comment(base, id);
    let (content, author, created, proposal_row, proposal_ap, group): (
        String,
        String,
        chrono::NaiveDateTime,
        String,
        String,
        String,
    ) = remote_comments::table
        .inner_join(remote_proposals::table.inner_join(remote_processes::table))
        .filter(remote_comments::ap_id.eq(&ap_id))
        .select((
            remote_comments::content_html,
            remote_comments::author_ap_id,
            remote_comments::created_at,
            remote_proposals::id,
            remote_proposals::ap_id,
            remote_processes::ap_id,
        ))
        .first(conn)?;
    let note = json!({
        "@context": urls::context(),
        "id": ap_id,
        "type": "Note",
        "content": content,
        "mediaType": "text/html",
        "attributedTo": author,
        "inReplyTo": proposal_ap,
        "audience": group,
        "to": [group, urls::PUBLIC],
        "published": created.and_utc().to_rfc3339(),
    });
    Ok((format!("/remote/proposals/{proposal_row}"), note))
}

async fn activity(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Response, FedError> {
    let base = base(&state);
    let value = state
        .db
        .read(move |conn| {
            let Some(body) = queue::find_body(conn, &id)? else {
                return Ok(None);
            };
            let Ok(value) = serde_json::from_str::<Value>(&body) else {
                return Ok(None);
            };
            // What moderation hid is not served again through the activity that carried it.
            Ok::<_, Error>((!carries_hidden_content(conn, &base, &value)?).then_some(value))
        })
        .await?
        .ok_or_else(|| FedError::not_found("no such activity"))?;
    Ok(activity_json(&value))
}

/// Whether an activity we sent wraps a proposal or comment of ours that is now hidden (or a
/// comment under a hidden proposal): `Create`, `Update`, `Announce(Create(…))` and the like.
fn carries_hidden_content(
    conn: &mut crate::db::AnyConnection,
    base: &str,
    activity: &Value,
) -> Result<bool, Error> {
    let mut object = activity;
    for _ in 0..3 {
        let id = match object {
            Value::String(id) => id.as_str(),
            _ => object["id"].as_str().unwrap_or_default(),
        };
        if let Some(proposal) = id.strip_prefix(&format!("{base}/proposals/")) {
            return match proposal_rules::find(conn, proposal) {
                Ok(p) => Ok(p.hidden),
                Err(Error::NotFound) => Ok(true),
                Err(e) => Err(e),
            };
        }
        if let Some(comment) = id.strip_prefix(&format!("{base}/comments/")) {
            return match comments::find(conn, comment) {
                Ok(c) => Ok(c.hidden || proposal_rules::find(conn, &c.proposal_id)?.hidden),
                Err(Error::NotFound) => Ok(true),
                Err(e) => Err(e),
            };
        }
        match object.get("object") {
            Some(inner) => object = inner,
            None => return Ok(false),
        }
    }
    Ok(false)
}
