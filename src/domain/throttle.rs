//! Fixed-window counters in the database, so limits hold across restarts and across nodes.

use chrono::Duration;
use diesel::prelude::*;

use super::{now, Error, Result};
use crate::db::schema::rate_limits::dsl as r;
use crate::db::{AnyConnection, DbError};

/// A limit: at most `max` events per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window: Duration,
}

/// Failed sign-ins per account (NIST asks for at most 100 consecutive failures).
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    max: 10,
    window: Duration::minutes(15),
};
/// Failed sign-ins per client address.
pub const LOGIN_PER_IP: Limit = Limit {
    max: 50,
    window: Duration::minutes(15),
};
/// New accounts per client address.
pub const SIGNUP_PER_IP: Limit = Limit {
    max: 20,
    window: Duration::hours(1),
};

/// Fails with `Throttled` when `bucket` has reached its limit in the current window.
pub fn check(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> Result<()> {
    let row = r::rate_limits
        .filter(r::bucket.eq(bucket))
        .select((r::window_start, r::hits))
        .first::<(chrono::NaiveDateTime, i64)>(conn)
        .optional()?;
    if let Some((start, hits)) = row {
        let ends = start + limit.window;
        let current = now();
        if ends > current && hits >= limit.max {
            return Err(Error::Throttled {
                retry_after_secs: (ends - current).num_seconds().max(1),
            });
        }
    }
    Ok(())
}

/// Counts one event in `bucket`, starting a new window when the old one is over.
pub fn record(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> Result<()> {
    let current = now();
    let window_open_since = current - limit.window;
    // Same window: add one. Expired window: start again at one.
    let bumped = diesel::update(
        r::rate_limits
            .filter(r::bucket.eq(bucket))
            .filter(r::window_start.gt(window_open_since)),
    )
    .set(r::hits.eq(r::hits + 1))
    .execute(conn)?;
    if bumped > 0 {
        return Ok(());
    }
    let restarted = diesel::update(r::rate_limits.filter(r::bucket.eq(bucket)))
        .set((r::window_start.eq(current), r::hits.eq(1)))
        .execute(conn)?;
    if restarted > 0 {
        return Ok(());
    }
    // A savepoint, so that losing an insert race to another node does not abort our transaction.
    let inserted = conn.transaction(|c| {
        diesel::insert_into(r::rate_limits)
            .values((r::bucket.eq(bucket), r::window_start.eq(current), r::hits.eq(1)))
            .execute(c)
    });
    match inserted.map_err(DbError::from) {
        Ok(_) => Ok(()),
        Err(DbError::AlreadyExists) => {
            diesel::update(r::rate_limits.filter(r::bucket.eq(bucket)))
                .set(r::hits.eq(r::hits + 1))
                .execute(conn)?;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// Forgets a bucket (after a successful sign-in, the account's failures no longer count).
pub fn clear(conn: &mut AnyConnection, bucket: &str) -> Result<()> {
    diesel::delete(r::rate_limits.filter(r::bucket.eq(bucket))).execute(conn)?;
    Ok(())
}
