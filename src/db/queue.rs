//! What the work queues (outgoing mails, federation deliveries) share: claiming due rows by
//! lease, and counting rows by state for staff.
//!
//! A queue table has `id`, `state`, `next_attempt_at` and `locked_until`. A row is due when its
//! state is one the queue names, its time has come and no live lease holds it. On PostgreSQL
//! several nodes claim at once, so the due rows are locked `FOR UPDATE SKIP LOCKED` (two workers
//! never take the same row); SQLite has one writer at a time, and the transaction alone keeps
//! claims apart. The caller then sets the lease (`locked_until`) in the same transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text, Timestamp};

use super::AnyConnection;

/// A row id read by raw SQL.
#[derive(diesel::QueryableByName)]
pub struct IdRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub id: String,
}

/// A queue table and the states in which its rows wait to be sent. Both are constants of the
/// code, never input: they are written into the query's text.
pub struct LeasedQueue {
    pub table: &'static str,
    /// The states of a due row, as an SQL list: `'pending', 'sending'`.
    pub due_states: &'static str,
}

/// The ids of up to `limit` rows of `queue` due at `at`, oldest due first, locked for this
/// transaction on PostgreSQL.
pub fn due_ids(
    conn: &mut AnyConnection,
    queue: &LeasedQueue,
    at: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<String>> {
    // `#n` becomes each engine's numbered parameter: `$n` on PostgreSQL, `?n` on SQLite.
    let template = format!(
        "SELECT id FROM {} WHERE state IN ({}) AND next_attempt_at <= #1 \
         AND (locked_until IS NULL OR locked_until < #1) ORDER BY next_attempt_at LIMIT #2",
        queue.table, queue.due_states
    );
    let rows: Vec<IdRow> = match conn {
        AnyConnection::Postgresql(pg) => {
            diesel::sql_query(template.replace('#', "$") + " FOR UPDATE SKIP LOCKED")
                .bind::<Timestamp, _>(at)
                .bind::<BigInt, _>(limit)
                .load(pg)?
        }
        AnyConnection::Sqlite(lite) => diesel::sql_query(template.replace('#', "?"))
            .bind::<Timestamp, _>(at)
            .bind::<BigInt, _>(limit)
            .load(lite)?,
    };
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// How many rows of a queue stand in one state.
#[derive(diesel::QueryableByName)]
struct StateCount {
    #[diesel(sql_type = Text)]
    state: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// How many rows of `queue` stand in each state it has rows in, by state name.
pub fn counts(conn: &mut AnyConnection, queue: &LeasedQueue) -> QueryResult<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT state, COUNT(*) AS n FROM {} GROUP BY state ORDER BY state",
        queue.table
    );
    let rows: Vec<StateCount> = match conn {
        AnyConnection::Postgresql(pg) => diesel::sql_query(sql).load(pg)?,
        AnyConnection::Sqlite(lite) => diesel::sql_query(sql).load(lite)?,
    };
    Ok(rows.into_iter().map(|r| (r.state, r.n)).collect())
}
