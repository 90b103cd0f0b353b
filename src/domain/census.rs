//! The town's census, kept only as keyed hashes, and the verification of accounts against it.
//!
//! A census line (the columns the town chose, e.g. document number, birth date, postcode) is
//! normalised (case, spaces, accents, date formats) and hashed with HMAC-SHA256 under the
//! instance's secret key, which lives outside the database: a copied database does not give the
//! census back by trying every birth date. Nothing else of the file is stored.

use std::collections::HashMap;
use std::io::Read;

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::accounts::User;
use super::{new_id, now, settings, throttle, Error, Msg, Result};
use crate::db::schema::{census_entries, users, verification_events, verifications};
use crate::db::AnyConnection;

/// `instance_settings` keys describing the current census.
pub const COLUMNS_KEY: &str = "census_columns";
pub const IMPORTED_AT_KEY: &str = "census_imported_at";
pub const SIZE_KEY: &str = "census_entries";

pub const METHOD_CENSUS: &str = "census";
pub const METHOD_IN_PERSON: &str = "in_person";

/// How many lines a report lists at most (the counts are always complete).
const REPORT_LIMIT: usize = 50;

/// One value as the census and the citizen's form both reduce it: lower case, no accents, no
/// spaces or punctuation inside, and dates written `YYYY-MM-DD` whatever the input format.
pub fn normalise(value: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let trimmed = value.trim();
    if let Some(date) = as_date(trimmed) {
        return date;
    }
    trimmed
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `31/12/1980`, `31-12-1980`, `31.12.1980`, `1980-12-31` and `19801231` are one date.
fn as_date(text: &str) -> Option<String> {
    use chrono::NaiveDate;
    const FORMATS: &[&str] = &[
        "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%Y%m%d",
    ];
    if text.len() < 8 || !text.chars().all(|c| c.is_ascii_digit() || "/-.".contains(c)) {
        return None;
    }
    FORMATS
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
        .map(|d| d.format("%Y-%m-%d").to_string())
}

/// The keyed hash of one person's identifiers (already in column order).
pub fn entry_hash(key: &[u8], values: &[&str]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    mac.update(b"census\0");
    for value in values {
        mac.update(normalise(value).as_bytes());
        mac.update(&[0x1f]);
    }
    mac.finalize().into_bytes().into()
}

/// What an import found, line by line (line 1 is the header).
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub columns: Vec<String>,
    pub lines: usize,
    pub entries: usize,
    /// (line, line it repeats): kept once.
    pub duplicates: Vec<(usize, usize)>,
    pub duplicate_count: usize,
    /// (line, what is wrong): any of these and nothing is imported.
    pub errors: Vec<(usize, Msg)>,
    pub error_count: usize,
}

/// A census read and hashed, ready to replace the stored one.
pub struct ReadCensus {
    pub report: ImportReport,
    hashes: Vec<[u8; 32]>,
}

/// Reads a CSV census (header line with the column names; `,` or `;` between fields) one line
/// at a time, keeping only the hashes. `progress` is called every 10,000 lines.
/// The longest value a census column may hold.
pub const MAX_VALUE_CHARS: usize = 200;

pub fn read<R: Read>(input: R, key: &[u8], mut progress: impl FnMut(usize)) -> Result<ReadCensus> {
    let mut input = std::io::BufReader::with_capacity(1 << 16, input);
    // The separator is whichever of `;` and `,` the header uses (French spreadsheets write `;`).
    let mut header = String::new();
    std::io::BufRead::read_line(&mut input, &mut header)
        .map_err(|_| Error::invalid("file", Msg::new("census-not-text")))?;
    let delimiter = if header.contains(';') { b';' } else { b',' };
    let header_line = header.clone();
    let chained = std::io::Read::chain(header_line.as_bytes(), input);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .has_headers(true)
        .from_reader(chained);
    let columns: Vec<String> = reader
        .headers()
        .map_err(|_| Error::invalid("file", Msg::new("census-not-text")))?
        .iter()
        .map(|c| c.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut report = ImportReport {
        columns: columns.clone(),
        ..ImportReport::default()
    };
    if columns.is_empty() || columns.iter().any(|c| c.is_empty()) {
        report.errors.push((1, Msg::new("census-header")));
        report.error_count = 1;
        return Ok(ReadCensus {
            report,
            hashes: Vec::new(),
        });
    }
    let mut seen: HashMap<[u8; 32], usize> = HashMap::new();
    let mut record = csv::StringRecord::new();
    let mut line = 1;
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(_) => {
                line += 1;
                report.error_count += 1;
                if report.errors.len() < REPORT_LIMIT {
                    report.errors.push((line, Msg::new("census-not-text")));
                }
                continue;
            }
        }
        line = record.position().map(|p| p.line() as usize).unwrap_or(line + 1);
        report.lines += 1;
        if report.lines.is_multiple_of(10_000) {
            progress(report.lines);
        }
        if record.iter().all(|v| v.trim().is_empty()) {
            continue;
        }
        let problem = if record.len() != columns.len() {
            Some(
                Msg::new("census-field-count")
                    .arg("expected", columns.len())
                    .arg("found", record.len()),
            )
        } else if let Some((_, c)) = record
            .iter()
            .zip(&columns)
            .find(|(v, _)| v.chars().count() > MAX_VALUE_CHARS)
        {
            // No identifier, date or postcode is this long: a wrong file, or a hostile one.
            Some(
                Msg::new("census-value-too-long")
                    .arg("column", c.as_str())
                    .arg("max", MAX_VALUE_CHARS),
            )
        } else {
            record
                .iter()
                .zip(&columns)
                .find(|(v, _)| normalise(v).is_empty())
                .map(|(_, c)| Msg::new("census-empty-value").arg("column", c))
        };
        if let Some(msg) = problem {
            report.error_count += 1;
            if report.errors.len() < REPORT_LIMIT {
                report.errors.push((line, msg));
            }
            continue;
        }
        let values: Vec<&str> = record.iter().collect();
        let hash = entry_hash(key, &values);
        match seen.get(&hash) {
            Some(first) => {
                report.duplicate_count += 1;
                if report.duplicates.len() < REPORT_LIMIT {
                    report.duplicates.push((line, *first));
                }
            }
            None => {
                seen.insert(hash, line);
            }
        }
    }
    let hashes: Vec<[u8; 32]> = seen.into_keys().collect();
    report.entries = hashes.len();
    if report.entries == 0 && report.error_count == 0 {
        report.errors.push((1, Msg::new("census-empty")));
        report.error_count = 1;
    }
    Ok(ReadCensus { report, hashes })
}

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

fn log(
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
pub const ATTEMPTS_PER_ACCOUNT: throttle::Limit = throttle::Limit {
    max: 5,
    window: chrono::Duration::hours(1),
};
pub const ATTEMPTS_PER_IP: throttle::Limit = throttle::Limit {
    max: 20,
    window: chrono::Duration::hours(1),
};

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
    let user = super::accounts::find_by_username(conn, username.trim())?;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_normalised_before_hashing() {
        assert_eq!(normalise("  Élodie-Marie "), "elodiemarie");
        assert_eq!(normalise("AB 12 34 56"), "ab123456");
        assert_eq!(normalise("31/12/1980"), "1980-12-31");
        assert_eq!(normalise("31.12.1980"), "1980-12-31");
        assert_eq!(normalise("1980-12-31"), "1980-12-31");
        assert_eq!(
            entry_hash(b"k", &["AB 12", "31/12/1980"]),
            entry_hash(b"k", &["ab12", "1980-12-31"])
        );
        assert_ne!(
            entry_hash(b"k", &["ab12", "1980-12-31"]),
            entry_hash(b"other key", &["ab12", "1980-12-31"])
        );
        // Column boundaries matter: ("ab", "c") is not ("a", "bc").
        assert_ne!(entry_hash(b"k", &["ab", "c"]), entry_hash(b"k", &["a", "bc"]));
    }

    #[test]
    fn reading_reports_duplicates_and_malformed_lines_by_number() {
        let text = "document;birth_date;postcode\nAB1;01/02/1990;31000\nab 1;1990-02-01;31000\nCD2;03/04/1985\nEF3;;31000\nGH4;05/06/1970;31100\n";
        let census = read(text.as_bytes(), b"key", |_| {}).expect("readable");
        let r = &census.report;
        assert_eq!(r.columns, vec!["document", "birth_date", "postcode"]);
        assert_eq!(r.lines, 5);
        assert_eq!(r.entries, 2);
        assert_eq!(r.duplicates, vec![(3, 2)]);
        assert_eq!(
            r.errors.iter().map(|(l, m)| (*l, m.key)).collect::<Vec<_>>(),
            vec![(4, "census-field-count"), (5, "census-empty-value")]
        );
        let comma = read("a,b\n1,2\n".as_bytes(), b"key", |_| {}).expect("readable");
        assert_eq!(comma.report.entries, 1);
    }
}
