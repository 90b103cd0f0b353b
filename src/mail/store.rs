//! The queue's rows: claiming due mails (with a lease, so nodes sharing one PostgreSQL never
//! claim the same), recording how a send ended, and what staff see and may retry.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::queue::{self, LeasedQueue};
use crate::db::schema::mails;
use crate::db::AnyConnection;
use crate::domain::{now, Error, Result};

pub const PENDING: &str = "pending";
/// Claimed by a worker until `locked_until`; after that the mail is due again (at least once).
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
/// Refused for good (5xx, or too many attempts): staff see it and may retry it.
pub const FAILED: &str = "failed";

/// A mail is due while pending, or while sending once its lease has run out.
const QUEUE: LeasedQueue = LeasedQueue {
    table: "mails",
    due_states: "'pending', 'sending'",
};

/// A mail is given up after this many attempts that could be retried (about four days).
pub const MAX_ATTEMPTS: i32 = 12;

/// A claimed mail, ready to send.
#[derive(Debug, Clone, Queryable)]
pub struct Claimed {
    pub id: String,
    pub to_address: String,
    pub to_name: Option<String>,
    pub subject: String,
    pub text_body: String,
    pub html_body: String,
    pub list_unsubscribe: Option<String>,
    pub attempts: i32,
}

/// Reserves up to `limit` due mails for `lease` (longer than one send with its timeout): each
/// is marked `sending` and its attempt counted before anything is sent.
pub fn claim(conn: &mut AnyConnection, limit: i64, lease: chrono::Duration) -> Result<Vec<Claimed>> {
    let at = now();
    let ids = queue::due_ids(conn, &QUEUE, at, limit)?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(mails::table.filter(mails::id.eq_any(&ids)))
        .set((
            mails::state.eq(SENDING),
            mails::locked_until.eq(Some(at + lease)),
            mails::attempts.eq(mails::attempts + 1),
        ))
        .execute(conn)?;
    Ok(mails::table
        .filter(mails::id.eq_any(&ids))
        .select((
            mails::id,
            mails::to_address,
            mails::to_name,
            mails::subject,
            mails::text_body,
            mails::html_body,
            mails::list_unsubscribe,
            mails::attempts,
        ))
        .load(conn)?)
}

pub fn mark_sent(conn: &mut AnyConnection, id: &str) -> Result<()> {
    diesel::update(mails::table.filter(mails::id.eq(id)))
        .set((
            mails::state.eq(SENT),
            mails::sent_at.eq(Some(now())),
            mails::locked_until.eq(None::<NaiveDateTime>),
            mails::last_error.eq(None::<String>),
        ))
        .execute(conn)?;
    // Only the digest of a mailed link is stored for the account; once the mail is out, its
    // bodies (which hold the link itself) are not kept either.
    diesel::update(
        mails::table
            .filter(mails::id.eq(id))
            .filter(mails::kind.eq_any(super::account::kinds::WITH_LINK)),
    )
    .set((mails::text_body.eq(""), mails::html_body.eq("")))
    .execute(conn)?;
    Ok(())
}

/// Records a failed attempt: retried at `retry_at` unless it is permanent or the attempts are
/// spent, in which case the mail is `failed`.
pub fn mark_failed(
    conn: &mut AnyConnection,
    id: &str,
    attempts: i32,
    error: &str,
    permanent: bool,
    retry_at: NaiveDateTime,
) -> Result<()> {
    let give_up = permanent || attempts >= MAX_ATTEMPTS;
    let error: String = error.chars().take(500).collect();
    diesel::update(mails::table.filter(mails::id.eq(id)))
        .set((
            mails::state.eq(if give_up { FAILED } else { PENDING }),
            mails::next_attempt_at.eq(retry_at),
            mails::locked_until.eq(None::<NaiveDateTime>),
            mails::last_error.eq(Some(error)),
        ))
        .execute(conn)?;
    Ok(())
}

/// Counts by state, for staff.
pub fn counts(conn: &mut AnyConnection) -> Result<Vec<(String, i64)>> {
    Ok(queue::counts(conn, &QUEUE)?)
}

/// A failed mail as staff see it.
#[derive(Debug, Clone, Queryable)]
pub struct FailedMail {
    pub id: String,
    pub kind: String,
    pub to_address: String,
    pub subject: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub created_at: NaiveDateTime,
}

/// The latest failed mails.
pub fn failed(conn: &mut AnyConnection, limit: i64) -> Result<Vec<FailedMail>> {
    Ok(mails::table
        .filter(mails::state.eq(FAILED))
        .order((mails::created_at.desc(), mails::id.desc()))
        .limit(limit)
        .select((
            mails::id,
            mails::kind,
            mails::to_address,
            mails::subject,
            mails::attempts,
            mails::last_error,
            mails::created_at,
        ))
        .load(conn)?)
}

/// Puts a failed mail back in the queue, due now, with its attempts counted afresh. Only a
/// failed mail: one sent or on its way is not found (no way to send it twice from here).
pub fn retry(conn: &mut AnyConnection, id: &str) -> Result<()> {
    let changed = diesel::update(
        mails::table
            .filter(mails::id.eq(id))
            .filter(mails::state.eq(FAILED)),
    )
    .set((
        mails::state.eq(PENDING),
        mails::attempts.eq(0),
        mails::next_attempt_at.eq(now()),
        mails::locked_until.eq(None::<NaiveDateTime>),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
