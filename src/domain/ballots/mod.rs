//! Casting a budget ballot: validation, secrecy, receipts, and "the last ballot counts".
//!
//! A cast ballot is stored sealed (see [`super::ballot_box`]) under a key derived from the
//! instance's secret key, kept outside the database, in a row keyed by a voter tag, HMAC(secret
//! key, budget, account): the same voter replaces their own ballot, while a copy of the
//! database alone says neither whose ballot is whose nor what any ballot says. A separate
//! `ballot_casts` row records that the account has voted (to the day). See `docs/voting.md`.

mod checking;

pub use checking::{check, chosen_cost, countable, parse_form, BallotInput, CheckedBallot};

use std::collections::HashSet;

use diesel::prelude::*;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::db::schema::{ballot_casts, ballots, sealed_ballots};
use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::ballot_box;
use crate::domain::budgets::{Budget, BudgetProject};
use crate::domain::processes::{Capability, ProcessDetail};
use crate::domain::{now, Error, Result};

/// The tag that keys a voter's ballot in one budget.
pub fn voter_tag(secret_key: &[u8], budget_id: &str, user_id: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key).expect("HMAC takes any key length");
    mac.update(b"ballot\0");
    mac.update(budget_id.as_bytes());
    mac.update(b"\0");
    mac.update(user_id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// What the ballot log shows for a receipt: the first 16 bytes of its SHA-256, in hex.
pub fn hash_receipt(receipt: &str) -> String {
    hex::encode(&Sha256::digest(receipt.trim().to_uppercase().as_bytes())[..16])
}

/// A receipt code a person can copy: 20 characters from an alphabet without look-alikes.
fn new_receipt() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    let chars: Vec<char> = (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(5)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// Casts or replaces the voter's ballot and returns the new receipt code (shown once; only its
/// hash is stored, inside the sealed ballot). Parallel submissions by one voter leave exactly
/// one ballot: the primary key (budget, voter tag) refuses a second row, and the loser of the
/// race updates instead.
///
/// The ballot is sealed (see [`super::ballot_box`]): this transaction writes the account's
/// `ballot_casts` row and a sealed row, and nothing a copy of the database can read ties the
/// account to the choices.
pub fn cast(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    detail: &ProcessDetail,
    budget: &Budget,
    projects: &[BudgetProject],
    user: &User,
    input: &BallotInput,
) -> Result<String> {
    detail.check(Capability::Vote, now()).map_err(Error::Forbidden)?;
    super::eligibility::check(conn, detail, Capability::Vote, user)?;
    let ballot = check(budget, projects, input)?;
    let tag = voter_tag(secret_key, &budget.id, &user.id);
    let receipt = new_receipt();
    let content = ballot_box::Content {
        receipt_hash: hash_receipt(&receipt),
        choices: ballot.choices.join(","),
        points: ballot
            .points
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(","),
    };
    let sealed = ballot_box::seal(secret_key, budget, projects, &tag, &content);
    let receipt_key = ballot_box::receipt_key(secret_key, &budget.id, &content.receipt_hash);
    // The insert runs in a savepoint, so on PostgreSQL a refused insert does not abort the
    // surrounding transaction.
    let inserted = crate::insert_once!(
        conn,
        diesel::insert_into(sealed_ballots::table).values((
            sealed_ballots::budget_id.eq(&budget.id),
            sealed_ballots::voter_tag.eq(&tag),
            sealed_ballots::receipt_key.eq(&receipt_key),
            sealed_ballots::sealed.eq(&sealed),
        ))
    )?;
    if !inserted {
        diesel::update(
            sealed_ballots::table
                .filter(sealed_ballots::budget_id.eq(&budget.id))
                .filter(sealed_ballots::voter_tag.eq(&tag)),
        )
        .set((
            sealed_ballots::receipt_key.eq(&receipt_key),
            sealed_ballots::sealed.eq(&sealed),
        ))
        .execute(conn)?;
    }
    // A ballot this voter cast with an older version, still in the clear: the sealed one
    // replaces it.
    delete_plaintext(conn, Some((&budget.id, &tag)))?;
    crate::insert_once!(
        conn,
        diesel::insert_into(ballot_casts::table).values((
            ballot_casts::budget_id.eq(&budget.id),
            ballot_casts::user_id.eq(&user.id),
            ballot_casts::first_cast_at.eq(today()),
        ))
    )?;
    Ok(receipt)
}

/// Today at midnight (UTC): when someone voted is kept to the day only.
fn today() -> chrono::NaiveDateTime {
    now().date().and_time(chrono::NaiveTime::MIN)
}

/// Deletes plaintext ballot rows: the one of (budget, voter tag), or with `None` every one that
/// was cast (not imported). On SQLite with `secure_delete` on for the statement, so the freed
/// space in the database file is overwritten with zeros instead of keeping the ballot.
fn delete_plaintext(conn: &mut AnyConnection, only: Option<(&str, &str)>) -> Result<usize> {
    use diesel::connection::SimpleConnection;
    let sqlite = matches!(conn, AnyConnection::Sqlite(_));
    if sqlite {
        conn.batch_execute("PRAGMA secure_delete = ON")?;
    }
    let deleted = match only {
        Some((budget_id, tag)) => diesel::delete(
            ballots::table
                .filter(ballots::budget_id.eq(budget_id))
                .filter(ballots::voter_tag.eq(tag)),
        )
        .execute(conn),
        None => diesel::delete(ballots::table.filter(ballots::voter_tag.not_like("import:%"))).execute(conn),
    };
    if sqlite {
        conn.batch_execute("PRAGMA secure_delete = OFF")?;
    }
    Ok(deleted?)
}

/// Seals every ballot an older version stored in the clear (imported ballots stay as they
/// are: they came from a file, with no account). Run at start-up; the plaintext rows are
/// deleted with `secure_delete` on SQLite. Returns how many were sealed.
///
/// What this cannot undo: copies made before, and the database's own history (a WAL not yet
/// overwritten, PostgreSQL's dead rows until VACUUM, its WAL archive), still hold them.
pub fn seal_plaintext(conn: &mut AnyConnection, secret_key: &[u8]) -> Result<usize> {
    use rand::seq::SliceRandom;
    let mut rows: Vec<(String, String, String, String, String)> = ballots::table
        .filter(ballots::voter_tag.not_like("import:%"))
        .select((
            ballots::budget_id,
            ballots::voter_tag,
            ballots::receipt_hash,
            ballots::choices,
            ballots::points,
        ))
        .load(conn)?;
    if rows.is_empty() {
        return Ok(0);
    }
    // Written in a random order: the new rows do not keep the old rows' order.
    rows.shuffle(&mut rand::thread_rng());
    let mut budgets: std::collections::HashMap<String, (Budget, Vec<BudgetProject>)> = Default::default();
    for (budget_id, tag, receipt_hash, choices, points) in &rows {
        if !budgets.contains_key(budget_id) {
            let budget = super::budgets::find(conn, budget_id)?;
            let projects = super::budgets::projects(conn, budget_id)?;
            budgets.insert(budget_id.clone(), (budget, projects));
        }
        let (budget, projects) = &budgets[budget_id];
        let content = ballot_box::Content {
            receipt_hash: receipt_hash.clone(),
            choices: choices.clone(),
            points: points.clone(),
        };
        diesel::insert_into(sealed_ballots::table)
            .values((
                sealed_ballots::budget_id.eq(budget_id),
                sealed_ballots::voter_tag.eq(tag),
                sealed_ballots::receipt_key.eq(ballot_box::receipt_key(secret_key, budget_id, receipt_hash)),
                sealed_ballots::sealed.eq(ballot_box::seal(secret_key, budget, projects, tag, &content)),
            ))
            .execute(conn)?;
    }
    delete_plaintext(conn, None)?;
    Ok(rows.len())
}

/// The voter's current ballot, to show it again on the form.
pub fn current(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    budget: &Budget,
    user: &User,
) -> Result<Option<CheckedBallot>> {
    let tag = voter_tag(secret_key, &budget.id, &user.id);
    let sealed: Option<String> = sealed_ballots::table
        .filter(sealed_ballots::budget_id.eq(&budget.id))
        .filter(sealed_ballots::voter_tag.eq(&tag))
        .select(sealed_ballots::sealed)
        .first(conn)
        .optional()?;
    let row = match sealed {
        Some(sealed) => {
            ballot_box::open(secret_key, &budget.id, &tag, &sealed).map(|c| (c.choices, c.points))
        }
        None => ballots::table
            .filter(ballots::budget_id.eq(&budget.id))
            .filter(ballots::voter_tag.eq(&tag))
            .select((ballots::choices, ballots::points))
            .first(conn)
            .optional()?,
    };
    Ok(row.map(|(choices, points)| CheckedBallot {
        choices: choices
            .split(',')
            .filter(|c| !c.is_empty())
            .map(str::to_string)
            .collect(),
        points: points.split(',').filter_map(|p| p.parse().ok()).collect(),
    }))
}

/// Number of accounts that have voted in the budget (imported ballots are counted apart).
pub fn voters(conn: &mut AnyConnection, budget_id: &str) -> Result<i64> {
    Ok(ballot_casts::table
        .filter(ballot_casts::budget_id.eq(budget_id))
        .count()
        .get_result(conn)?)
}

/// Whether a receipt's ballot is in the budget's ballot log (stored, and countable).
pub fn receipt_is_counted(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    budget: &Budget,
    receipt: &str,
) -> Result<bool> {
    let receipt_hash = hash_receipt(receipt);
    let key = ballot_box::receipt_key(secret_key, &budget.id, &receipt_hash);
    let sealed: Option<(String, String)> = sealed_ballots::table
        .filter(sealed_ballots::budget_id.eq(&budget.id))
        .filter(sealed_ballots::receipt_key.eq(&key))
        .select((sealed_ballots::voter_tag, sealed_ballots::sealed))
        .first(conn)
        .optional()?;
    let content = match sealed {
        Some((tag, sealed)) => ballot_box::open(secret_key, &budget.id, &tag, &sealed),
        None => ballots::table
            .filter(ballots::budget_id.eq(&budget.id))
            .filter(ballots::receipt_hash.eq(&receipt_hash))
            .select((ballots::receipt_hash, ballots::choices, ballots::points))
            .first::<(String, String, String)>(conn)
            .optional()?
            .map(|(receipt_hash, choices, points)| ballot_box::Content {
                receipt_hash,
                choices,
                points,
            }),
    };
    let Some(content) = content.filter(|c| c.receipt_hash == receipt_hash) else {
        return Ok(false);
    };
    let projects = super::budgets::projects(conn, &budget.id)?;
    let known: HashSet<&str> = projects.iter().map(|p| p.code.as_str()).collect();
    Ok(super::budgets::stored_ballot(budget, &known, &content.choices, &content.points).is_some())
}
