//! Notifications become mail: one mail per notification for people who want them at once, and
//! a digest of everything not yet mailed for the others, daily or on Mondays, at the hour set
//! on the town's clock. A notification is marked `mailed_at` in the same transaction as the
//! mail that tells it is queued, so it is told once; a digest's key names the person and the
//! day (or week), so a second pass that day queues nothing.

use std::sync::Arc;

use chrono::{DateTime, Datelike, NaiveDateTime, Timelike, Utc};
use diesel::prelude::*;

use super::render::{Content, Line, Town};
use super::unsubscribe::{self, Scope};
use super::{kinds, queue, Mail};
use crate::db::schema::{notifications, users};
use crate::db::AnyConnection;
use crate::domain::notifications::{text::describe, Frequency, Kind, Notification};
use crate::domain::Result;
use crate::i18n::{I18n, Tr};

/// What writing a notification mail needs beyond the database.
#[derive(Clone)]
pub struct Writer {
    pub town: Town,
    pub i18n: Arc<I18n>,
    /// Keys the unsubscribe links.
    pub secret: Vec<u8>,
    pub zone: chrono_tz::Tz,
    pub default_locale: String,
}

impl Writer {
    pub fn of(state: &crate::app::AppState) -> Writer {
        Writer {
            town: Town::of(&state.config),
            i18n: state.i18n.clone(),
            secret: state.secret.clone(),
            zone: state.config.timezone,
            default_locale: state.config.default_locale.clone(),
        }
    }

    fn tr(&self, locale: Option<&str>) -> Tr {
        self.i18n
            .tr(locale.unwrap_or(&self.default_locale))
            .in_zone(self.zone)
    }

    fn unsubscribe_url(&self, user_id: &str) -> String {
        self.town
            .url(&unsubscribe::path(&self.secret, user_id, &Scope::All))
    }
}

/// A person as a mail needs them.
#[derive(Debug, Clone, Queryable)]
struct Reader {
    id: String,
    email: Option<String>,
    display_name: String,
    locale: Option<String>,
}

/// The line of a notification: its text and absolute link.
fn line(w: &Writer, tr: &Tr, n: &Notification) -> Line {
    let (text, link) = describe(tr, n);
    Line::new(text, link.map(|path| w.town.url(&path)))
}

/// Queues one mail per notification not yet mailed to people who want them at once (up to
/// `limit`), and marks as handled those of people who want no mail or whose address is not
/// confirmed (only confirmed addresses get mail; those notifications stay in the in-app list,
/// and confirming later sends no backlog). Returns the mails queued.
pub fn immediate(conn: &mut AnyConnection, w: &Writer, limit: i64) -> Result<usize> {
    // Driven from the notifications not yet mailed (a partial index, most often empty), each
    // checked against its reader: `user_id IN (people who want no mail)` read every account at
    // every pass, once a second on each node (34 M instructions a pass with 100,000 accounts).
    // An unconfirmed address gets no mail either.
    let wants_none = users::table.filter(users::id.eq(notifications::user_id)).filter(
        users::email_frequency
            .eq(Frequency::Never.as_str())
            .or(users::email_confirmed_at.is_null()),
    );
    diesel::update(
        notifications::table
            .filter(notifications::mailed_at.is_null())
            .filter(diesel::dsl::exists(wants_none)),
    )
    .set(notifications::mailed_at.eq(Some(crate::domain::now())))
    .execute(conn)?;

    let rows: Vec<(Notification, Reader)> = notifications::table
        .inner_join(users::table)
        .filter(notifications::mailed_at.is_null())
        .filter(users::email_frequency.eq(Frequency::Immediate.as_str()))
        .filter(users::email_confirmed_at.is_not_null())
        .filter(notifications::kind.ne(Kind::Proposal.as_str()))
        .order(notifications::created_at.asc())
        .limit(limit)
        .select((
            Notification::as_select(),
            (users::id, users::email, users::display_name, users::locale),
        ))
        .load(conn)?;
    let mut queued = 0;
    for (n, reader) in rows {
        if let Some(email) = &reader.email {
            let tr = w.tr(reader.locale.as_deref());
            let item = line(w, &tr, &n);
            let content = Content {
                subject: tr.t_with(
                    "mail-notification-subject",
                    &[("town", w.town.name.clone()), ("text", item.text.clone())],
                ),
                heading: item.text.clone(),
                paragraphs: Vec::new(),
                items: Vec::new(),
                action: item
                    .url
                    .clone()
                    .map(|url| Line::new(tr.t("mail-open"), Some(url))),
                reason: tr.t("mail-reason-immediate"),
            };
            let mail = Mail::compose(
                &tr,
                &w.town,
                email,
                Some(&reader.display_name),
                Some(&reader.id),
                kinds::NOTIFICATION,
                format!("notification:{}", n.id),
                &content,
                Some(w.unsubscribe_url(&reader.id)),
            );
            match queue(conn, &mail) {
                Ok(true) => queued += 1,
                Ok(false) => {}
                Err(e) => {
                    tracing::warn!(error = %e, user = %reader.id, "no notification mail: the address is refused")
                }
            }
        }
        mark_mailed(conn, &[n.id])?;
    }
    Ok(queued)
}

fn mark_mailed(conn: &mut AnyConnection, ids: &[String]) -> Result<()> {
    diesel::update(notifications::table.filter(notifications::id.eq_any(ids)))
        .set(notifications::mailed_at.eq(Some(crate::domain::now())))
        .execute(conn)?;
    Ok(())
}

/// A time of the town's clock (`2026-12-09T08:00`, seconds optional) as an instant.
pub fn town_time(text: &str, zone: chrono_tz::Tz) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M"))
        .ok()?;
    naive
        .and_local_timezone(zone)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Which digest a person is due at `at`, if any: `(frequency, period)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    pub user_id: String,
    pub frequency: Frequency,
    /// `2026-12-09` for a day, `2026-W50` for a week: part of the mail's key.
    pub period: String,
}

/// The people whose digest is due at `at` on the town's clock (after `hour`; weekly ones on
/// Mondays) and who have notifications not yet mailed, raised at or before `at`.
pub fn due_digests(
    conn: &mut AnyConnection,
    at: DateTime<Utc>,
    zone: chrono_tz::Tz,
    hour: u32,
) -> Result<Vec<Due>> {
    let local = at.with_timezone(&zone);
    if local.hour() < hour {
        return Ok(Vec::new());
    }
    let day = local.date_naive().format("%Y-%m-%d").to_string();
    let week = format!("{}-W{:02}", local.iso_week().year(), local.iso_week().week());
    let monday = local.weekday() == chrono::Weekday::Mon;
    let cutoff = at.naive_utc();
    let waiting: Vec<(String, String, String)> = notifications::table
        .inner_join(users::table)
        .filter(notifications::mailed_at.is_null())
        .filter(notifications::created_at.le(cutoff))
        .filter(users::email.is_not_null())
        .filter(users::email_confirmed_at.is_not_null())
        .select((users::id, users::email_frequency, notifications::kind))
        .distinct()
        .load(conn)?;
    let mut due: Vec<Due> = Vec::new();
    for (user_id, frequency, kind) in waiting {
        let wanted = match Frequency::parse(&frequency) {
            Some(Frequency::Daily) => Some((Frequency::Daily, day.clone())),
            Some(Frequency::Weekly) if monday => Some((Frequency::Weekly, week.clone())),
            // Kinds told in digests only reach people who want mail at once in the daily one.
            Some(Frequency::Immediate) if Kind::digest_only(&kind) => Some((Frequency::Daily, day.clone())),
            _ => None,
        };
        if let Some((frequency, period)) = wanted {
            if !due.iter().any(|d| d.user_id == user_id) {
                due.push(Due {
                    user_id,
                    frequency,
                    period,
                });
            }
        }
    }
    Ok(due)
}

/// Queues the digest `due` names, with every notification of the person not yet mailed and
/// raised at or before `at`, and marks them mailed. Nothing when that digest was queued
/// already (a second pass the same day) or there is nothing to tell. Returns whether a mail was
/// queued.
pub fn digest(conn: &mut AnyConnection, w: &Writer, due: &Due, at: NaiveDateTime) -> Result<bool> {
    let reader: Option<Reader> = users::table
        .filter(users::id.eq(&due.user_id))
        .filter(users::deleted_at.is_null())
        .filter(users::email_confirmed_at.is_not_null())
        .select((users::id, users::email, users::display_name, users::locale))
        .first(conn)
        .optional()?;
    let Some(Reader {
        id,
        email: Some(email),
        display_name,
        locale,
    }) = reader
    else {
        return Ok(false);
    };
    let mut waiting = notifications::table
        .filter(notifications::user_id.eq(&id))
        .filter(notifications::mailed_at.is_null())
        .filter(notifications::created_at.le(at))
        .into_boxed();
    if due.frequency == Frequency::Daily {
        let wants = users::table
            .filter(users::id.eq(&id))
            .select(users::email_frequency);
        let frequency: String = wants.first(conn)?;
        if frequency == Frequency::Immediate.as_str() {
            waiting = waiting.filter(notifications::kind.eq(Kind::Proposal.as_str()));
        }
    }
    let rows: Vec<Notification> = waiting
        .order((notifications::created_at.asc(), notifications::id.asc()))
        .select(Notification::as_select())
        .load(conn)?;
    if rows.is_empty() {
        return Ok(false);
    }
    let tr = w.tr(locale.as_deref());
    let weekly = due.frequency == Frequency::Weekly;
    let content = Content {
        subject: tr.t_with(
            if weekly {
                "mail-digest-subject-weekly"
            } else {
                "mail-digest-subject-daily"
            },
            &[("town", w.town.name.clone()), ("count", rows.len().to_string())],
        ),
        heading: tr.t_with("mail-digest-heading", &[("count", rows.len().to_string())]),
        paragraphs: Vec::new(),
        items: rows.iter().map(|n| line(w, &tr, n)).collect(),
        action: Some(Line::new(
            tr.t("mail-open-notifications"),
            Some(w.town.url("/notifications")),
        )),
        reason: tr.t(if weekly {
            "mail-reason-weekly"
        } else {
            "mail-reason-daily"
        }),
    };
    let mail = Mail::compose(
        &tr,
        &w.town,
        &email,
        Some(&display_name),
        Some(&id),
        kinds::DIGEST,
        format!("digest:{}:{id}:{}", due.frequency.as_str(), due.period),
        &content,
        Some(w.unsubscribe_url(&id)),
    );
    // A refused address would refuse every day: what it held is marked handled all the same.
    let (queued, handled) = match queue(conn, &mail) {
        Ok(queued) => (queued, queued),
        Err(e) => {
            tracing::warn!(error = %e, user = %id, "no digest: the address is refused");
            (false, true)
        }
    };
    if handled {
        let ids: Vec<String> = rows.into_iter().map(|n| n.id).collect();
        mark_mailed(conn, &ids)?;
    }
    Ok(queued)
}
