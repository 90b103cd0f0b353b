//! The collections a process and the town publish: a process's outbox (its recent proposals, for
//! a new follower to catch up), its followers (a count only) and moderators, and the empty
//! outboxes and pinned posts other servers look for.

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::response::Response;
use diesel::prelude::*;
use serde_json::{json, Value};

use super::error::FedError;
use super::routes::{activity_json, base};
use super::{objects, urls};
use crate::app::AppState;
use crate::db::schema::{followers, proposals, users};
use crate::db::AnyConnection;
use crate::domain::processes::ProcessDetail;
use crate::domain::{accounts, processes, proposals as proposal_rules, Error};

/// An empty collection where other servers look for one (an actor's outbox, pinned posts).
pub(super) async fn empty_outbox(uri: axum::http::Uri, State(state): State<Arc<AppState>>) -> Response {
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
pub(super) async fn process_outbox(
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
pub(super) async fn moderators(
    uri: axum::http::Uri,
    State(state): State<Arc<AppState>>,
) -> Result<Response, FedError> {
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
pub(super) async fn process_followers(
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
