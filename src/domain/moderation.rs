//! Reports by citizens and the staff decisions on them (hide, dismiss).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::accounts::User;
use super::validate::Validator;
use super::{comments, new_id, now, proposals, Error, Msg, Result};
use crate::db::schema::reports;
use crate::db::AnyConnection;

pub const KINDS: &[&str] = &["proposal", "comment"];
pub const REASONS: &[&str] = &["spam", "offensive", "off_topic", "other"];

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = reports)]
pub struct Report {
    pub id: String,
    pub reporter_id: Option<String>,
    pub target_kind: String,
    pub target_id: String,
    pub reason: String,
    pub details: String,
    pub created_at: NaiveDateTime,
    pub resolved_at: Option<NaiveDateTime>,
    pub resolution: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportForm {
    pub reason: String,
    #[serde(default)]
    pub details: String,
}

/// Files a report; a person reports a given item once (repeating changes nothing).
pub fn report(
    conn: &mut AnyConnection,
    reporter: &User,
    kind: &str,
    target_id: &str,
    form: &ReportForm,
) -> Result<()> {
    let mut v = Validator::new();
    if !REASONS.contains(&form.reason.as_str()) {
        v.add("reason", Msg::new("error-reason"));
    }
    v.optional_text("details", &form.details, 2_000);
    v.finish()?;
    match kind {
        "proposal" => {
            proposals::find(conn, target_id)?;
        }
        "comment" => {
            comments::find(conn, target_id)?;
        }
        _ => return Err(Error::NotFound),
    }
    store_report(conn, reporter, kind, target_id, &form.reason, form.details.trim())
}

/// Stores a report unless this reporter already reported the item (a repeat changes nothing).
fn store_report(
    conn: &mut AnyConnection,
    reporter: &User,
    kind: &str,
    target_id: &str,
    reason: &str,
    details: &str,
) -> Result<()> {
    crate::insert_once!(
        conn,
        diesel::insert_into(reports::table).values((
            reports::id.eq(new_id()),
            reports::reporter_id.eq(&reporter.id),
            reports::target_kind.eq(kind),
            reports::target_id.eq(target_id),
            reports::reason.eq(reason),
            reports::details.eq(details),
            reports::created_at.eq(now()),
        ))
    )?;
    Ok(())
}

/// A report another server forwarded (`Flag`): filed under that server's actor, with the
/// server named in the details so staff see where it came from. Once per actor and item, like a
/// citizen's. `comment` is the reporter's text, already plain.
pub fn report_from_server(
    conn: &mut AnyConnection,
    reporter: &User,
    server: &str,
    kind: &str,
    target_id: &str,
    comment: &str,
) -> Result<()> {
    let mut details: String = format!("[{server}] {}", comment.trim());
    if let Some((cut, _)) = details.char_indices().nth(2_000) {
        details.truncate(cut);
    }
    store_report(conn, reporter, kind, target_id, "other", details.trim())
}

/// Reports awaiting a decision, oldest first.
pub fn open_reports(conn: &mut AnyConnection) -> Result<Vec<Report>> {
    Ok(reports::table
        .filter(reports::resolved_at.is_null())
        .order(reports::created_at.asc())
        .select(Report::as_select())
        .load(conn)?)
}

/// The reasons an item's open reports give, each once.
pub fn open_reasons(conn: &mut AnyConnection, kind: &str, target_id: &str) -> Result<Vec<String>> {
    let mut reasons: Vec<String> = reports::table
        .filter(reports::target_kind.eq(kind))
        .filter(reports::target_id.eq(target_id))
        .filter(reports::resolved_at.is_null())
        .select(reports::reason)
        .load(conn)?;
    reasons.sort();
    reasons.dedup();
    Ok(reasons)
}

/// Hides the item and closes its reports.
pub fn hide(conn: &mut AnyConnection, kind: &str, target_id: &str) -> Result<()> {
    match kind {
        "proposal" => proposals::set_hidden(conn, target_id, true)?,
        "comment" => comments::set_hidden(conn, target_id, true)?,
        _ => return Err(Error::NotFound),
    }
    resolve(conn, kind, target_id, "hidden")
}

/// Shows a hidden item again.
pub fn unhide(conn: &mut AnyConnection, kind: &str, target_id: &str) -> Result<()> {
    match kind {
        "proposal" => proposals::set_hidden(conn, target_id, false),
        "comment" => comments::set_hidden(conn, target_id, false),
        _ => Err(Error::NotFound),
    }
}

/// Closes the reports on an item without hiding it.
pub fn dismiss(conn: &mut AnyConnection, kind: &str, target_id: &str) -> Result<()> {
    resolve(conn, kind, target_id, "dismissed")
}

fn resolve(conn: &mut AnyConnection, kind: &str, target_id: &str, resolution: &str) -> Result<()> {
    diesel::update(
        reports::table
            .filter(reports::target_kind.eq(kind))
            .filter(reports::target_id.eq(target_id))
            .filter(reports::resolved_at.is_null()),
    )
    .set((
        reports::resolved_at.eq(Some(now())),
        reports::resolution.eq(Some(resolution)),
    ))
    .execute(conn)?;
    Ok(())
}

/// A reported or hidden item as staff see it: what it is and where it lives.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub kind: String,
    pub id: String,
    /// The proposal's title, or the start of the comment.
    pub label: String,
    /// Where the item is shown (the proposal page, at the comment for comments).
    pub link: String,
    pub hidden: bool,
}

/// The reported item with its open reports, one entry per item, most reported first.
#[derive(Debug, Clone, Serialize)]
pub struct ReportedItem {
    pub item: Item,
    pub reports: Vec<Report>,
}

/// Describes one item; `None` if it no longer exists (for example, its author deleted it).
pub fn describe(conn: &mut AnyConnection, kind: &str, id: &str) -> Result<Option<Item>> {
    let found = match kind {
        "proposal" => proposals::find(conn, id).map(|p| Item {
            kind: kind.into(),
            id: p.id.clone(),
            label: p.title,
            link: format!("/proposals/{}", p.id),
            hidden: p.hidden,
        }),
        "comment" => comments::find(conn, id).map(|c| Item {
            kind: kind.into(),
            id: c.id.clone(),
            label: excerpt(&c.body, 120),
            link: format!("/proposals/{}#comment-{}", c.proposal_id, c.id),
            hidden: c.hidden,
        }),
        _ => return Err(Error::NotFound),
    };
    match found {
        Ok(item) => Ok(Some(item)),
        Err(Error::NotFound) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Open reports grouped by item, the most reported first, then the oldest.
pub fn open_by_item(conn: &mut AnyConnection) -> Result<Vec<ReportedItem>> {
    let mut grouped: Vec<ReportedItem> = Vec::new();
    for report in open_reports(conn)? {
        if let Some(entry) = grouped
            .iter_mut()
            .find(|e| e.item.kind == report.target_kind && e.item.id == report.target_id)
        {
            entry.reports.push(report);
            continue;
        }
        if let Some(item) = describe(conn, &report.target_kind, &report.target_id)? {
            grouped.push(ReportedItem {
                item,
                reports: vec![report],
            });
        }
    }
    grouped.sort_by_key(|e| std::cmp::Reverse(e.reports.len()));
    Ok(grouped)
}

/// Everything staff have hidden, so it can be shown again.
pub fn hidden_items(conn: &mut AnyConnection) -> Result<Vec<Item>> {
    use crate::db::schema::{comments as c, proposals as p};
    let mut items = Vec::new();
    let proposal_ids: Vec<String> = p::table.filter(p::hidden.eq(true)).select(p::id).load(conn)?;
    let comment_ids: Vec<String> = c::table.filter(c::hidden.eq(true)).select(c::id).load(conn)?;
    for id in proposal_ids {
        items.extend(describe(conn, "proposal", &id)?);
    }
    for id in comment_ids {
        items.extend(describe(conn, "comment", &id)?);
    }
    Ok(items)
}

/// The first `max` characters of a text on one line, with an ellipsis when cut.
fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        format!("{}…", flat.chars().take(max).collect::<String>())
    }
}
