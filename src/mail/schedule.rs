//! What happens by the clock rather than by someone's action: a phase starting, a budget vote
//! opening or closing. A worker pass looks at the dates passed since the previous pass (kept in
//! `mail_passes`, so a restart neither misses nor repeats one) and raises the notifications;
//! their event keys make a pass run twice, or on two nodes at once, notify each person once.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{mail_passes, phases, processes};
use crate::db::AnyConnection;
use crate::domain::notifications::{events, Kind};
use crate::domain::processes::Process;
use crate::domain::Result;

const PASS: &str = "phase-dates";

/// Dates further back than this are not told on a first pass or after a long stop: news of a
/// vote that opened a month ago is no news.
const LOOKBACK_DAYS: i64 = 2;

/// Raises the notifications of the phase dates in `(previous pass, at]`, and records `at` as
/// the latest pass. Returns how many events it found.
pub fn pass(conn: &mut AnyConnection, at: NaiveDateTime) -> Result<usize> {
    let previous: Option<NaiveDateTime> = mail_passes::table
        .filter(mail_passes::name.eq(PASS))
        .select(mail_passes::ran_at)
        .first(conn)
        .optional()?;
    let floor = at - chrono::Duration::days(LOOKBACK_DAYS);
    let since = match previous {
        // A clock moved back (a test, a corrected server clock): nothing new.
        Some(p) if p >= at => return Ok(0),
        Some(p) => p.max(floor),
        None => {
            diesel::insert_into(mail_passes::table)
                .values((mail_passes::name.eq(PASS), mail_passes::ran_at.eq(at)))
                .execute(conn)?;
            return Ok(0);
        }
    };
    let started: Vec<(String, String, String, NaiveDateTime)> = phases::table
        .filter(phases::starts_at.gt(since))
        .filter(phases::starts_at.le(at))
        .select((phases::id, phases::process_id, phases::kind, phases::starts_at))
        .load(conn)?;
    let closed: Vec<(String, String, String, NaiveDateTime)> = phases::table
        .filter(phases::kind.eq("vote"))
        .filter(phases::ends_at.gt(since))
        .filter(phases::ends_at.le(at))
        .select((phases::id, phases::process_id, phases::kind, phases::ends_at))
        .load(conn)?;
    let mut found = 0;
    for (id, process_id, kind, date) in started {
        let event = if kind == "vote" {
            Kind::VoteOpen
        } else {
            Kind::PhaseStart
        };
        found += tell(conn, event, &process_id, &id, &kind, date)?;
    }
    for (id, process_id, kind, date) in closed {
        found += tell(conn, Kind::VoteClose, &process_id, &id, &kind, date)?;
    }
    diesel::update(mail_passes::table.filter(mail_passes::name.eq(PASS)))
        .set(mail_passes::ran_at.eq(at))
        .execute(conn)?;
    Ok(found)
}

fn tell(
    conn: &mut AnyConnection,
    event: Kind,
    process_id: &str,
    phase_id: &str,
    phase_kind: &str,
    date: NaiveDateTime,
) -> Result<usize> {
    let process: Option<Process> = processes::table
        .filter(processes::id.eq(process_id))
        .filter(processes::published.eq(true))
        .select(Process::as_select())
        .first(conn)
        .optional()?;
    let Some(process) = process else {
        return Ok(0);
    };
    events::phase_reached(conn, event, &process, phase_id, phase_kind, date)?;
    Ok(1)
}
