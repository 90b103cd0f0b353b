//! The delivery queue: persistent, retried with backoff, shared by every node.
//!
//! An activity is stored once (`outbound_activities`, also what `/activities/{id}` serves) with
//! one `deliveries` row per target inbox, in the same transaction as the change it announces: a
//! crash right after the commit loses nothing, and a rollback sends nothing. Workers claim due
//! rows by setting `locked_until` (on PostgreSQL inside `FOR UPDATE SKIP LOCKED`, so nodes never
//! claim the same row); a worker killed mid-send leaves a lock that expires, and the row is sent
//! again — receivers drop the repeat by activity id.

use std::collections::BTreeSet;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde_json::Value;

use super::keys::Owner;
use super::{policy, urls};
use crate::db::queue::IdRow;
use crate::db::schema::{deliveries, outbound_activities};
use crate::db::AnyConnection;
use crate::domain::{new_id, now, Result};

mod worker;

pub use worker::{backoff, run_once, spawn_worker};

/// A delivery is given up after this many failed attempts.
pub const MAX_ATTEMPTS: i32 = 12;
/// How long a claimed delivery stays reserved for the worker that claimed it: longer than one
/// send (10 s timeout), short enough that a killed node's claims come back quickly.
const CLAIM_SECS: i64 = 15;
/// Deliveries sent at the same time by one node.
const CONCURRENT_SENDS: usize = 32;

/// Who signs an activity.
#[derive(Debug, Clone)]
pub struct Signer {
    pub owner: Owner,
    pub owner_id: String,
    /// The actor id the signature's keyId points at.
    pub actor_id: String,
}

/// A fresh activity id on this instance.
pub fn new_activity(base: &str) -> (String, String) {
    let id = new_id();
    let url = urls::activity(base, &id);
    (id, url)
}

/// Stores an activity so it can be fetched at its id, without sending it (the inner `Create` of
/// an `Announce`, for instance). `body["id"]` must be an id from [`new_activity`].
pub fn record(conn: &mut AnyConnection, row_id: &str, signer: &Signer, body: &Value) -> Result<()> {
    let ap_id = body["id"].as_str().unwrap_or_default().to_string();
    let kind = body["type"].as_str().unwrap_or("Activity").to_string();
    diesel::insert_into(outbound_activities::table)
        .values((
            outbound_activities::id.eq(row_id),
            outbound_activities::ap_id.eq(ap_id),
            outbound_activities::kind.eq(kind),
            outbound_activities::signer_kind.eq(signer.owner.as_str()),
            outbound_activities::signer_id.eq(&signer.owner_id),
            outbound_activities::body.eq(body.to_string()),
            outbound_activities::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Stores an activity and one delivery per distinct allowed inbox, in the caller's transaction.
/// Returns how many deliveries were queued.
pub fn enqueue(
    conn: &mut AnyConnection,
    local_domain: &str,
    row_id: &str,
    signer: &Signer,
    body: &Value,
    inboxes: impl IntoIterator<Item = String>,
) -> Result<usize> {
    record(conn, row_id, signer, body)?;
    let rules = policy::load(conn)?;
    let targets: BTreeSet<String> = inboxes
        .into_iter()
        .filter(|inbox| {
            let host = urls::host_of_str(inbox);
            !host.is_empty() && host != local_domain && rules.allows(&host)
        })
        .collect();
    let at = now();
    for inbox in &targets {
        diesel::insert_into(deliveries::table)
            .values((
                deliveries::id.eq(new_id()),
                deliveries::activity_id.eq(row_id),
                deliveries::inbox.eq(inbox),
                deliveries::state.eq("pending"),
                deliveries::attempts.eq(0),
                deliveries::next_attempt_at.eq(at),
                deliveries::created_at.eq(at),
            ))
            .execute(conn)?;
    }
    Ok(targets.len())
}

/// Like [`enqueue`], for the peers that take `form` only ([`super::forms`]): the worker skips
/// the deliveries to the others.
#[allow(clippy::too_many_arguments)]
pub fn enqueue_for(
    conn: &mut AnyConnection,
    local_domain: &str,
    form: &str,
    row_id: &str,
    signer: &Signer,
    body: &Value,
    inboxes: impl IntoIterator<Item = String>,
) -> Result<usize> {
    let sent = enqueue(conn, local_domain, row_id, signer, body, inboxes)?;
    set_form(conn, row_id, form)?;
    Ok(sent)
}

/// Marks a stored activity as meant for the peers of one form.
pub fn set_form(conn: &mut AnyConnection, row_id: &str, form: &str) -> Result<()> {
    diesel::update(outbound_activities::table.filter(outbound_activities::id.eq(row_id)))
        .set(outbound_activities::form.eq(Some(form)))
        .execute(conn)?;
    Ok(())
}

/// Like [`enqueue`], for activities that only refresh something (endorsement counts): sent after
/// `delay`, and while a previous one with the same `key` has not started sending, that one takes
/// the new body instead of a second activity being queued. A burst of endorsements so becomes one
/// `Update` per follower with the final counts. Returns how many deliveries were added.
#[allow(clippy::too_many_arguments)]
pub fn enqueue_coalesced(
    conn: &mut AnyConnection,
    local_domain: &str,
    key: &str,
    delay: chrono::Duration,
    row_id: &str,
    signer: &Signer,
    body: &Value,
    inboxes: impl IntoIterator<Item = String>,
) -> Result<usize> {
    let at = now();
    // An activity with this key whose deliveries are all still waiting, untouched.
    let waiting: Option<(String, String)> = outbound_activities::table
        .filter(outbound_activities::coalesce_key.eq(key))
        .filter(diesel::dsl::exists(
            deliveries::table
                .filter(deliveries::activity_id.eq(outbound_activities::id))
                .filter(deliveries::state.eq("pending"))
                .filter(deliveries::attempts.eq(0))
                .filter(deliveries::locked_until.is_null())
                .filter(deliveries::next_attempt_at.gt(at)),
        ))
        .select((outbound_activities::id, outbound_activities::ap_id))
        .order(outbound_activities::created_at.desc())
        .first(conn)
        .optional()?;
    if let Some((waiting_id, waiting_ap_id)) = waiting {
        // On PostgreSQL, lock its deliveries so a worker cannot claim them while we swap the
        // body; if one already has, we queue a new activity below instead.
        let still_waiting = match conn {
            AnyConnection::Postgresql(pg) => diesel::sql_query(
                "SELECT id FROM deliveries WHERE activity_id = $1 AND locked_until IS NULL AND attempts = 0 FOR UPDATE",
            )
            .bind::<diesel::sql_types::Text, _>(&waiting_id)
            .load::<IdRow>(pg)?
            .len(),
            AnyConnection::Sqlite(_) => 1,
        };
        if still_waiting > 0 {
            let mut fresh = body.clone();
            fresh["id"] = Value::String(waiting_ap_id);
            diesel::update(outbound_activities::table.filter(outbound_activities::id.eq(&waiting_id)))
                .set(outbound_activities::body.eq(fresh.to_string()))
                .execute(conn)?;
            return Ok(0);
        }
    }
    let sent = enqueue(conn, local_domain, row_id, signer, body, inboxes)?;
    diesel::update(outbound_activities::table.filter(outbound_activities::id.eq(row_id)))
        .set(outbound_activities::coalesce_key.eq(key))
        .execute(conn)?;
    diesel::update(deliveries::table.filter(deliveries::activity_id.eq(row_id)))
        .set(deliveries::next_attempt_at.eq(at + delay))
        .execute(conn)?;
    Ok(sent)
}

/// The stored body of a local activity, to serve at its id.
pub fn find_body(conn: &mut AnyConnection, row_id: &str) -> Result<Option<String>> {
    Ok(outbound_activities::table
        .filter(outbound_activities::id.eq(row_id))
        .select(outbound_activities::body)
        .first(conn)
        .optional()?)
}

/// Delivery states besides `pending`, `delivered` and `failed` (given up after retries): the
/// receiver answered 4xx (final; `last_error` keeps its answer), or the peer takes the
/// activity's other form.
pub const STATE_REFUSED: &str = "refused";
pub const STATE_SKIPPED: &str = "skipped";

/// Counts by state, for staff.
pub fn counts(conn: &mut AnyConnection) -> Result<Vec<(String, i64)>> {
    Ok(crate::db::queue::counts(conn, &worker::QUEUE)?)
}

/// A delivery as staff see it.
#[derive(Debug, Clone, Queryable)]
pub struct DeliveryRow {
    pub inbox: String,
    pub state: String,
    pub attempts: i32,
    pub next_attempt_at: NaiveDateTime,
    pub last_error: Option<String>,
    pub kind: String,
    pub ap_id: String,
}

/// The latest deliveries that are not done, then the latest done ones.
pub fn recent(conn: &mut AnyConnection, limit: i64) -> Result<Vec<DeliveryRow>> {
    Ok(deliveries::table
        .inner_join(outbound_activities::table)
        .order((deliveries::created_at.desc(), deliveries::id.desc()))
        .limit(limit)
        .select((
            deliveries::inbox,
            deliveries::state,
            deliveries::attempts,
            deliveries::next_attempt_at,
            deliveries::last_error,
            outbound_activities::kind,
            outbound_activities::ap_id,
        ))
        .load(conn)?)
}
