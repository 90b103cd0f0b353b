//! A process's phases as staff edit them: their kind, dates and switches, checked not to
//! overlap, kept in date order.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Deserialize;

use super::processes::{find_by_id, touch, Phase, PhaseKind};
use super::validate::Validator;
use super::{new_id, Error, Msg, Result};
use crate::db::schema::phases;
use crate::db::AnyConnection;

/// The fields staff edit on a phase; stored as they are (after [`validate_phase`]).
#[derive(Debug, Clone, Deserialize, Insertable, AsChangeset)]
#[diesel(table_name = phases)]
pub struct PhaseForm {
    pub kind: String,
    pub starts_at: NaiveDateTime,
    pub ends_at: NaiveDateTime,
    #[serde(default)]
    pub proposals_enabled: bool,
    #[serde(default)]
    pub endorsements_enabled: bool,
    #[serde(default)]
    pub comments_enabled: bool,
}

fn validate_phase(form: &PhaseForm) -> Result<()> {
    let mut v = Validator::new();
    if PhaseKind::parse(&form.kind).is_err() {
        v.add("kind", Msg::new("error-phase-kind"));
    }
    if form.ends_at <= form.starts_at {
        v.add("ends_at", Msg::new("error-dates-order"));
    }
    v.finish()
}

/// Phases may not overlap: at any moment at most one phase decides what is allowed.
fn check_no_overlap(
    conn: &mut AnyConnection,
    process_id: &str,
    form: &PhaseForm,
    own_id: Option<&str>,
) -> Result<()> {
    let others: Vec<Phase> = phases::table
        .filter(phases::process_id.eq(process_id))
        .select(Phase::as_select())
        .load(conn)?;
    let overlaps = others
        .iter()
        .filter(|p| Some(p.id.as_str()) != own_id)
        .any(|p| p.starts_at < form.ends_at && form.starts_at < p.ends_at);
    if overlaps {
        return Err(Error::invalid("starts_at", Msg::new("error-phase-overlap")));
    }
    Ok(())
}

/// Adds a phase; phases are kept in date order.
pub fn add_phase(conn: &mut AnyConnection, process_id: &str, form: &PhaseForm) -> Result<Phase> {
    find_by_id(conn, process_id)?;
    validate_phase(form)?;
    check_no_overlap(conn, process_id, form, None)?;
    let id = new_id();
    let position: i32 = phases::table
        .filter(phases::process_id.eq(process_id))
        .count()
        .get_result::<i64>(conn)? as i32
        + 1000;
    diesel::insert_into(phases::table)
        .values((
            phases::id.eq(&id),
            phases::process_id.eq(process_id),
            phases::position.eq(position),
            form,
        ))
        .execute(conn)?;
    renumber_phases(conn, process_id)?;
    touch(conn, process_id)?;
    Ok(phases::table
        .filter(phases::id.eq(&id))
        .select(Phase::as_select())
        .first(conn)?)
}

/// Changes a phase's kind, dates and switches.
pub fn update_phase(
    conn: &mut AnyConnection,
    process_id: &str,
    phase_id: &str,
    form: &PhaseForm,
) -> Result<()> {
    validate_phase(form)?;
    check_no_overlap(conn, process_id, form, Some(phase_id))?;
    let changed = diesel::update(
        phases::table
            .filter(phases::id.eq(phase_id))
            .filter(phases::process_id.eq(process_id)),
    )
    .set(form)
    .execute(conn)?;
    if changed == 0 {
        return Err(Error::NotFound);
    }
    renumber_phases(conn, process_id)?;
    touch(conn, process_id)
}

pub fn delete_phase(conn: &mut AnyConnection, process_id: &str, phase_id: &str) -> Result<()> {
    let deleted = diesel::delete(
        phases::table
            .filter(phases::id.eq(phase_id))
            .filter(phases::process_id.eq(process_id)),
    )
    .execute(conn)?;
    if deleted == 0 {
        return Err(Error::NotFound);
    }
    renumber_phases(conn, process_id)?;
    touch(conn, process_id)
}

/// Positions follow the dates. Two passes, because `(process_id, position)` is unique.
fn renumber_phases(conn: &mut AnyConnection, process_id: &str) -> Result<()> {
    let ordered: Vec<Phase> = phases::table
        .filter(phases::process_id.eq(process_id))
        .order(phases::starts_at.asc())
        .select(Phase::as_select())
        .load(conn)?;
    for (i, p) in ordered.iter().enumerate() {
        diesel::update(phases::table.filter(phases::id.eq(&p.id)))
            .set(phases::position.eq(-(i as i32) - 1))
            .execute(conn)?;
    }
    for (i, p) in ordered.iter().enumerate() {
        diesel::update(phases::table.filter(phases::id.eq(&p.id)))
            .set(phases::position.eq(i as i32 + 1))
            .execute(conn)?;
    }
    Ok(())
}
