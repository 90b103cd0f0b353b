//! Verifying accounts: a citizen against the census (throttled, the same answer for an unknown
//! entry and one another account holds), staff in person, and the log staff read.

use diesel::prelude::*;

use super::{columns, entry_hash, is_verified, normalise, METHOD_CENSUS, METHOD_IN_PERSON};
use crate::db::schema::{census_entries, users, verification_events, verifications};
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::{new_id, now, throttle, Error, Msg, Result};

pub(super) fn log(
    conn: &mut AnyConnection,
    user_id: Option<&str>,
    kind: &str,
    actor_id: Option<&str>,
    detail: &str,
) -> Result<()> {
    diesel::insert_into(verification_events::table)
        .values((
            verification_events::id.eq(new_id()),
            verification_events::user_id.eq(user_id),
            verification_events::kind.eq(kind),
            verification_events::actor_id.eq(actor_id),
            verification_events::detail.eq(detail),
            verification_events::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Verification attempts per account and per client address, so the census cannot be
/// enumerated by guessing.
pub const ATTEMPTS_PER_ACCOUNT: throttle::Limit = throttle::Limit::per_hour(5);
pub const ATTEMPTS_PER_IP: throttle::Limit = throttle::Limit::per_hour(20);

/// The same answer whether the identifiers are unknown or belong to another account.
fn not_verified() -> Error {
    Error::Forbidden(Msg::new("census-not-verified"))
}

/// A citizen verifies their account with their identifiers. A complete form counts as an
/// attempt either way, counted and checked in one statement (parallel guesses cannot all pass);
/// the caller commits even when this fails, so failed attempts are remembered.
pub fn verify(
    conn: &mut AnyConnection,
    user: &User,
    key: &[u8],
    values: &[String],
    client: &str,
) -> Result<bool> {
    let account_bucket = format!("census:account:{}", user.id);
    let ip_bucket = format!("census:ip:{client}");
    let columns = columns(conn)?;
    if columns.is_empty() {
        return Err(Error::Forbidden(Msg::new("census-none")));
    }
    if values.len() != columns.len() || values.iter().any(|v| normalise(v).is_empty()) {
        return Err(Error::invalid("values", Msg::new("census-fill-all")));
    }
    if is_verified(conn, &user.id)? {
        return Ok(false);
    }
    throttle::hit(conn, &ip_bucket, ATTEMPTS_PER_IP)?;
    throttle::hit(conn, &account_bucket, ATTEMPTS_PER_ACCOUNT)?;
    let refs: Vec<&str> = values.iter().map(String::as_str).collect();
    let hash = hex::encode(entry_hash(key, &refs));
    let known: i64 = census_entries::table
        .filter(census_entries::hash.eq(&hash))
        .count()
        .get_result(conn)?;
    if known == 0 {
        return Err(not_verified());
    }
    let holder: Option<String> = verifications::table
        .filter(verifications::census_hash.eq(&hash))
        .select(verifications::user_id)
        .first(conn)
        .optional()?;
    if let Some(holder) = holder {
        // Staff see the conflict; the person is told nothing about the other account.
        log(
            conn,
            Some(&user.id),
            "conflict",
            None,
            &format!("entry already verifies account {holder}"),
        )?;
        return Err(not_verified());
    }
    diesel::insert_into(verifications::table)
        .values((
            verifications::user_id.eq(&user.id),
            verifications::method.eq(METHOD_CENSUS),
            verifications::census_hash.eq(Some(&hash)),
            verifications::verified_by.eq(None::<String>),
            verifications::created_at.eq(now()),
        ))
        .execute(conn)?;
    throttle::clear(conn, &account_bucket)?;
    log(conn, Some(&user.id), "verified", None, METHOD_CENSUS)?;
    Ok(true)
}

fn find_local(conn: &mut AnyConnection, username: &str) -> Result<User> {
    let user = crate::domain::accounts::find_by_username(conn, username.trim())?;
    if user.is_remote() || user.deleted_at.is_some() {
        return Err(Error::NotFound);
    }
    Ok(user)
}

/// Staff verified the person at the town hall (papers seen); logged with who did it.
pub fn verify_in_person(conn: &mut AnyConnection, staff: &User, username: &str) -> Result<()> {
    let user = find_local(conn, username)?;
    diesel::delete(verifications::table.filter(verifications::user_id.eq(&user.id))).execute(conn)?;
    diesel::insert_into(verifications::table)
        .values((
            verifications::user_id.eq(&user.id),
            verifications::method.eq(METHOD_IN_PERSON),
            verifications::census_hash.eq(None::<String>),
            verifications::verified_by.eq(Some(&staff.id)),
            verifications::created_at.eq(now()),
        ))
        .execute(conn)?;
    log(
        conn,
        Some(&user.id),
        "verified",
        Some(&staff.id),
        METHOD_IN_PERSON,
    )
}

/// Staff withdraw a verification (logged).
pub fn revoke(conn: &mut AnyConnection, staff: &User, username: &str) -> Result<bool> {
    let user = find_local(conn, username)?;
    let removed =
        diesel::delete(verifications::table.filter(verifications::user_id.eq(&user.id))).execute(conn)?;
    if removed > 0 {
        log(conn, Some(&user.id), "revoked", Some(&staff.id), "")?;
    }
    Ok(removed > 0)
}

/// One line of the verification log, for staff.
#[derive(Debug, Clone)]
pub struct Event {
    pub kind: String,
    pub username: Option<String>,
    pub by: Option<String>,
    pub detail: String,
    pub at: chrono::NaiveDateTime,
}

/// kind, account, staff member, detail, time.
type EventRow = (
    String,
    Option<String>,
    Option<String>,
    String,
    chrono::NaiveDateTime,
);

pub fn recent_events(conn: &mut AnyConnection, limit: i64) -> Result<Vec<Event>> {
    let rows: Vec<EventRow> = verification_events::table
        .order(verification_events::created_at.desc())
        .limit(limit)
        .select((
            verification_events::kind,
            verification_events::user_id,
            verification_events::actor_id,
            verification_events::detail,
            verification_events::created_at,
        ))
        .load(conn)?;
    // The user names of everyone the events mention, in one query.
    let ids: Vec<&String> = rows.iter().flat_map(|r| r.1.iter().chain(r.2.iter())).collect();
    let names: std::collections::HashMap<String, String> = users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::username))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let name = |id: &Option<String>| id.as_ref().and_then(|id| names.get(id).cloned());
    Ok(rows
        .into_iter()
        .map(|(kind, user_id, actor_id, detail, at)| Event {
            kind,
            username: name(&user_id),
            by: name(&actor_id),
            detail,
            at,
        })
        .collect())
}
