//! Fixed-window counters in the database, so limits hold across restarts and across nodes.

use chrono::Duration;
use diesel::prelude::*;

use diesel::sql_types::{BigInt, Text, Timestamp};

use super::{now, Error, Result};
use crate::db::schema::rate_limits::dsl as r;
use crate::db::AnyConnection;

/// A limit: at most `max` events per `window`.
#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub max: i64,
    pub window: Duration,
}

impl Limit {
    /// At most `max` events an hour.
    pub const fn per_hour(max: i64) -> Limit {
        Limit {
            max,
            window: Duration::hours(1),
        }
    }

    /// At most `max` events in `minutes` minutes.
    pub const fn per_minutes(max: i64, minutes: i64) -> Limit {
        Limit {
            max,
            window: Duration::minutes(minutes),
        }
    }
}

/// Sign-in attempts per account; a successful one forgets the failures before it (NIST asks for
/// at most 100 consecutive failures).
pub const LOGIN_PER_ACCOUNT: Limit = Limit::per_minutes(10, 15);
/// Sign-in attempts per client address; a successful one gives its slot back, so this counts
/// failures.
pub const LOGIN_PER_IP: Limit = Limit::per_minutes(50, 15);
/// Sign-up attempts per client address (each costs a password hash).
pub const SIGNUP_PER_IP: Limit = Limit::per_hour(20);

/// Counts one attempt in `bucket` and fails with `Throttled` when it goes past the limit.
///
/// Count first, then decide, in one statement: parallel attempts each see the count their own
/// increment made, so at most `limit.max` of them pass in a window however many race (checking
/// before and counting after let them all through). The row stays in the database, so every node
/// of a PostgreSQL deployment shares it. A refused attempt counts too, up to the window's end.
pub fn hit(conn: &mut AnyConnection, bucket: &str, limit: Limit) -> Result<()> {
    let current = now();
    let window_open_since = current - limit.window;
    // Same window: one more. Expired window: a new one, starting at one.
    let template = "INSERT INTO rate_limits (bucket, window_start, hits) VALUES (#1, #2, 1) \
        ON CONFLICT (bucket) DO UPDATE SET \
        hits = CASE WHEN rate_limits.window_start > #3 THEN rate_limits.hits + 1 ELSE 1 END, \
        window_start = CASE WHEN rate_limits.window_start > #3 THEN rate_limits.window_start \
        ELSE excluded.window_start END \
        RETURNING window_start, hits";
    let counted: Counted = match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(template.replace('#', "$"))
            .bind::<Text, _>(bucket)
            .bind::<Timestamp, _>(current)
            .bind::<Timestamp, _>(window_open_since)
            .get_result(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(template.replace('#', "?"))
            .bind::<Text, _>(bucket)
            .bind::<Timestamp, _>(current)
            .bind::<Timestamp, _>(window_open_since)
            .get_result(lite)?,
    };
    if counted.hits > limit.max {
        let ends = counted.window_start + limit.window;
        return Err(Error::Throttled {
            retry_after_secs: (ends - current).num_seconds().max(1),
        });
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Counted {
    #[diesel(sql_type = Timestamp)]
    window_start: chrono::NaiveDateTime,
    #[diesel(sql_type = BigInt)]
    hits: i64,
}

/// Gives back the slot an attempt took, when it should not count (a per-address failure limit
/// after a successful sign-in).
pub fn release(conn: &mut AnyConnection, bucket: &str) -> Result<()> {
    diesel::update(r::rate_limits.filter(r::bucket.eq(bucket)).filter(r::hits.gt(0)))
        .set(r::hits.eq(r::hits - 1))
        .execute(conn)?;
    Ok(())
}

/// Forgets a bucket (after a successful sign-in, the account's failures no longer count).
pub fn clear(conn: &mut AnyConnection, bucket: &str) -> Result<()> {
    diesel::delete(r::rate_limits.filter(r::bucket.eq(bucket))).execute(conn)?;
    Ok(())
}
