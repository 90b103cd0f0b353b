//! The town's census, kept only as keyed hashes, and the verification of accounts against it.
//!
//! A census line (the columns the town chose, e.g. document number, birth date, postcode) is
//! normalised (case, spaces, accents, date formats) and hashed with HMAC-SHA256 under the
//! instance's secret key, which lives outside the database: a copied database does not give the
//! census back by trying every birth date. Nothing else of the file is stored.

mod reading;
mod verifying;

pub use reading::{entry_hash, normalise, read, ImportReport, ReadCensus, MAX_VALUE_CHARS};
pub use verifying::{
    recent_events, revoke, verify, verify_in_person, Event, ATTEMPTS_PER_ACCOUNT, ATTEMPTS_PER_IP,
};

use diesel::prelude::*;

use super::accounts::User;
use super::{now, settings, Error, Msg, Result};
use crate::db::schema::{census_entries, verifications};
use crate::db::AnyConnection;
use verifying::log;

/// `instance_settings` keys describing the current census.
pub const COLUMNS_KEY: &str = "census_columns";
pub const IMPORTED_AT_KEY: &str = "census_imported_at";
pub const SIZE_KEY: &str = "census_entries";

pub const METHOD_CENSUS: &str = "census";
pub const METHOD_IN_PERSON: &str = "in_person";

/// Replaces the stored census with `census` in one transaction (the caller's): the old entries
/// go, the new ones come, and verifications made against an entry that is no longer there
/// expire. Refuses a census with errors: nothing changes.
pub fn replace(conn: &mut AnyConnection, census: &ReadCensus, staff: Option<&User>) -> Result<usize> {
    if census.report.error_count > 0 {
        return Err(Error::invalid(
            "file",
            Msg::new("census-has-errors").arg("count", census.report.error_count),
        ));
    }
    diesel::delete(census_entries::table).execute(conn)?;
    // Multi-row inserts (500 rows a statement) keep a 100,000-line census to a few seconds. The
    // values are hex digests we made, so writing them into the statement is safe.
    for chunk in census.hashes.chunks(500) {
        let mut sql = String::with_capacity(40 + chunk.len() * 70);
        sql.push_str("INSERT INTO census_entries (hash) VALUES ");
        for (i, hash) in chunk.iter().enumerate() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("('");
            sql.push_str(&hex::encode(hash));
            sql.push_str("')");
        }
        diesel::sql_query(sql).execute(conn)?;
    }
    let gone: Vec<String> = verifications::table
        .filter(verifications::method.eq(METHOD_CENSUS))
        .filter(diesel::dsl::not(diesel::dsl::exists(
            census_entries::table.filter(census_entries::hash.nullable().eq(verifications::census_hash)),
        )))
        .select(verifications::user_id)
        .load(conn)?;
    for user_id in &gone {
        diesel::delete(verifications::table.filter(verifications::user_id.eq(user_id))).execute(conn)?;
        log(conn, Some(user_id), "expired", staff.map(|s| s.id.as_str()), "")?;
    }
    settings::set(
        conn,
        COLUMNS_KEY,
        &serde_json::to_string(&census.report.columns).unwrap_or_default(),
    )?;
    settings::set(conn, IMPORTED_AT_KEY, &now().and_utc().to_rfc3339())?;
    settings::set(conn, SIZE_KEY, &census.report.entries.to_string())?;
    log(
        conn,
        None,
        "imported",
        staff.map(|s| s.id.as_str()),
        &format!("{} entries, {} expired", census.report.entries, gone.len()),
    )?;
    Ok(gone.len())
}

/// The columns a citizen must fill in, in census order (empty: no census yet).
pub fn columns(conn: &mut AnyConnection) -> Result<Vec<String>> {
    Ok(settings::get(conn, COLUMNS_KEY)?
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default())
}

/// What staff see of the census.
#[derive(Debug, Clone, Default)]
pub struct Status {
    pub columns: Vec<String>,
    pub entries: i64,
    pub imported_at: Option<String>,
    pub verified: i64,
}

pub fn status(conn: &mut AnyConnection) -> Result<Status> {
    Ok(Status {
        columns: columns(conn)?,
        entries: census_entries::table.count().get_result(conn)?,
        imported_at: settings::get(conn, IMPORTED_AT_KEY)?,
        verified: verifications::table.count().get_result(conn)?,
    })
}

/// How an account was verified, if it is.
pub fn verification(conn: &mut AnyConnection, user_id: &str) -> Result<Option<String>> {
    Ok(verifications::table
        .filter(verifications::user_id.eq(user_id))
        .select(verifications::method)
        .first(conn)
        .optional()?)
}

pub fn is_verified(conn: &mut AnyConnection, user_id: &str) -> Result<bool> {
    Ok(verification(conn, user_id)?.is_some())
}
