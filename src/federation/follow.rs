//! Following processes of other towns: by `handle@host` (WebFinger) or by URL.

use std::sync::Arc;

use activitypub_federation::fetch::fetch_object_http;
use activitypub_federation::fetch::object_id::ObjectId;
use activitypub_federation::fetch::webfinger::webfinger_resolve_actor;
use serde_json::Value;
use url::Url;

use super::actors::RemoteActor;
use super::error::FedError;
use super::mirror::{self, RemoteProcess};
use super::outbox::{self, Site};
use super::protocol::{Object, OrderedCollection};
use super::FedState;
use crate::app::AppState;

/// Resolves `address` (`slug@town.example`, `@slug@town.example` or the process URL), records
/// the process and queues our `Follow`. Following again re-sends the `Follow`.
pub async fn follow(state: &Arc<AppState>, address: &str) -> Result<RemoteProcess, FedError> {
    let data = super::data(state).await?;
    let address = address.trim().trim_start_matches('@');
    let actor: RemoteActor = if address.starts_with("http://") || address.starts_with("https://") {
        let url = Url::parse(address).map_err(|_| FedError::bad("not a valid address"))?;
        ObjectId::<RemoteActor>::from(url).dereference(&data).await?
    } else if address.contains('@') {
        webfinger_resolve_actor::<FedState, RemoteActor>(address, &data).await?
    } else {
        return Err(FedError::bad(
            "write the address as name@town.example or as its URL",
        ));
    };
    if actor.kind != "Group" {
        return Err(FedError::bad(format!(
            "{address} is a {}, not a process",
            actor.kind
        )));
    }
    let group: Value = fetch_object_http::<FedState, Value>(&actor.id_url, &data)
        .await?
        .object;
    let site = Site::of(&state.config);
    let inbox = actor.inbox.clone();
    crate::app::transact(state, move |conn, effects| {
        let follow_id = outbox::follow(conn, &site, &actor.ap_id, &inbox)?;
        effects.sent();
        Ok(mirror::upsert_process(conn, &group, &inbox, Some(&follow_id))?)
    })
    .await
}

/// Stops following: `Undo(Follow)` and the mirrored content is dropped.
pub async fn unfollow(state: &Arc<AppState>, id: &str) -> Result<(), FedError> {
    let site = Site::of(&state.config);
    let id = id.to_string();
    crate::app::transact(state, move |conn, effects| {
        let process = mirror::find_process(conn, &id)?;
        outbox::unfollow(conn, &site, &process.ap_id, &process.follow_ap_id, &process.inbox)?;
        effects.sent();
        Ok(mirror::remove_process(conn, &process.id)?)
    })
    .await
}

/// Reads a followed process's outbox once (after its `Accept`) to mirror the proposals it
/// already had. Only objects of the process's own server are taken.
pub async fn backfill(state: &Arc<AppState>, process: &RemoteProcess) -> Result<usize, FedError> {
    let data = super::data(state).await?;
    let outbox = Url::parse(&format!("{}/outbox", process.ap_id)).map_err(|_| FedError::bad("bad outbox"))?;
    let collection: OrderedCollection = fetch_object_http::<FedState, OrderedCollection>(&outbox, &data)
        .await?
        .object;
    let mut count = 0;
    for item in collection.ordered_items {
        // Each item is an activity (`Announce(Create(x))`): what matters is x.
        let object = Object::from_json(item.raw["object"].clone()).unwrap_create_or_update();
        let Some(id) = object.id() else {
            continue;
        };
        if super::urls::host_of_str(id) != process.host || !object.raw.is_object() {
            continue;
        }
        super::inbound::mirror_object(&data, process, object).await?;
        count += 1;
    }
    Ok(count)
}
