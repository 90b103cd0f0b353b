//! Notifications: what a person hears about. Each is raised by the action it tells of, in that
//! action's transaction, as one row per person and event: `event_key` names the event and is
//! unique per person, so a repeated action (or an activity received twice) notifies once. The
//! row keeps what the text needs (`kind`, ids, a small JSON of arguments), so it is written in
//! the reader's language when shown, and `mailed_at` lets a mail worker send it or gather it into
//! a digest once, per the person's [`Frequency`].

pub mod events;
pub mod text;

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{notifications, processes, proposals, users};
use crate::db::AnyConnection;
use crate::domain::accounts::Role;
use crate::domain::{new_id, now, Error, Result};

/// What happened. The text of each is the message `notification-{kind}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An official answer to a proposal the person follows.
    Answer,
    /// A comment on a proposal the person follows.
    Comment,
    /// A reply to the person's comment.
    Reply,
    /// A phase of a process the person follows was set (added or changed).
    Phase,
    /// Results published in a process the person follows.
    Results,
    /// The person's proposal was hidden by moderation.
    Hidden,
    /// For staff: an item was reported.
    Report,
    /// A new proposal in a process the person follows (told in digests only).
    Proposal,
    /// A phase of a process the person follows started (by its date).
    PhaseStart,
    /// The budget vote of a process the person follows opened (a `vote` phase started).
    VoteOpen,
    /// The budget vote of a process the person follows closed (its `vote` phase ended).
    VoteClose,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Answer => "answer",
            Kind::Comment => "comment",
            Kind::Reply => "reply",
            Kind::Phase => "phase",
            Kind::Results => "results",
            Kind::Hidden => "hidden",
            Kind::Report => "report",
            Kind::Proposal => "proposal",
            Kind::PhaseStart => "phase-start",
            Kind::VoteOpen => "vote-open",
            Kind::VoteClose => "vote-close",
        }
    }

    /// Kinds too frequent to mail one by one: told in the daily digest, even to people who want
    /// the others at once.
    pub fn digest_only(kind: &str) -> bool {
        kind == Kind::Proposal.as_str()
    }
}

/// How often a person wants e-mail about their notifications (for the mail worker).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Frequency {
    Immediate,
    Daily,
    Weekly,
    Never,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [
        Frequency::Immediate,
        Frequency::Daily,
        Frequency::Weekly,
        Frequency::Never,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Immediate => "immediate",
            Frequency::Daily => "daily",
            Frequency::Weekly => "weekly",
            Frequency::Never => "none",
        }
    }

    pub fn parse(text: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// Sets how often the person wants e-mail; an unknown value is refused.
pub fn set_frequency(conn: &mut AnyConnection, user_id: &str, frequency: &str) -> Result<()> {
    let frequency = Frequency::parse(frequency).ok_or_else(|| {
        Error::invalid(
            "email_frequency",
            crate::domain::Msg::new("error-email-frequency"),
        )
    })?;
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::email_frequency.eq(frequency.as_str()))
        .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = notifications)]
pub struct Notification {
    pub id: String,
    pub user_id: String,
    pub kind: String,
    pub event_key: String,
    pub process_id: Option<String>,
    pub proposal_id: Option<String>,
    pub comment_id: Option<String>,
    pub args: String,
    pub created_at: NaiveDateTime,
    pub read_at: Option<NaiveDateTime>,
    pub mailed_at: Option<NaiveDateTime>,
}

impl Notification {
    /// The arguments of its text (a title, a state…); unreadable ones read as none.
    pub fn args(&self) -> BTreeMap<String, String> {
        serde_json::from_str(&self.args).unwrap_or_default()
    }

    pub fn is_unread(&self) -> bool {
        self.read_at.is_none()
    }
}

/// One event to tell people about.
#[derive(Debug, Clone)]
pub struct Notice {
    pub kind: Kind,
    pub event_key: String,
    pub process_id: Option<String>,
    pub proposal_id: Option<String>,
    pub comment_id: Option<String>,
    pub args: BTreeMap<String, String>,
}

impl Notice {
    pub fn new(kind: Kind, event_key: String) -> Notice {
        Notice {
            kind,
            event_key,
            process_id: None,
            proposal_id: None,
            comment_id: None,
            args: BTreeMap::new(),
        }
    }

    pub fn arg(mut self, name: &str, value: impl Into<String>) -> Notice {
        self.args.insert(name.to_string(), value.into());
        self
    }
}

/// Notifies `recipients` of `notice`, except the person who acted (`actor_id`), people who
/// cannot sign in here (remote, blocked, deleted accounts), and, when the notice is about a
/// proposal or process only staff may see, anyone but staff. Each person is notified of an
/// event once. Returns how many were notified now.
pub fn raise(
    conn: &mut AnyConnection,
    recipients: &[String],
    actor_id: Option<&str>,
    notice: &Notice,
) -> Result<usize> {
    let mut wanted: Vec<&String> = recipients
        .iter()
        .filter(|id| Some(id.as_str()) != actor_id)
        .collect();
    wanted.sort();
    wanted.dedup();
    if wanted.is_empty() {
        return Ok(0);
    }
    let staff_only = staff_only(conn, notice)?;
    let people: Vec<(String, String)> = users::table
        .filter(users::id.eq_any(&wanted))
        .filter(users::deleted_at.is_null())
        .filter(users::blocked.eq(false))
        .filter(users::role.ne(Role::Remote.as_str()))
        .select((users::id, users::role))
        .load(conn)?;
    let args = serde_json::to_string(&notice.args).unwrap_or_else(|_| "{}".into());
    let mut raised = 0;
    for (user_id, role) in people {
        if staff_only && role != Role::Admin.as_str() {
            continue;
        }
        let inserted = crate::insert_once!(
            conn,
            diesel::insert_into(notifications::table).values((
                notifications::id.eq(new_id()),
                notifications::user_id.eq(&user_id),
                notifications::kind.eq(notice.kind.as_str()),
                notifications::event_key.eq(&notice.event_key),
                notifications::process_id.eq(&notice.process_id),
                notifications::proposal_id.eq(&notice.proposal_id),
                notifications::comment_id.eq(&notice.comment_id),
                notifications::args.eq(&args),
                notifications::created_at.eq(now()),
            ))
        )?;
        raised += usize::from(inserted);
    }
    Ok(raised)
}

/// True when what the notice is about is seen by staff only: a hidden proposal (except by the
/// notice that tells its author so) or a process not published.
fn staff_only(conn: &mut AnyConnection, notice: &Notice) -> Result<bool> {
    if let Some(proposal_id) = &notice.proposal_id {
        let hidden: Option<bool> = proposals::table
            .filter(proposals::id.eq(proposal_id))
            .select(proposals::hidden)
            .first(conn)
            .optional()?;
        if hidden == Some(true) && notice.kind != Kind::Hidden {
            return Ok(true);
        }
    }
    if let Some(process_id) = &notice.process_id {
        let published: Option<bool> = processes::table
            .filter(processes::id.eq(process_id))
            .select(processes::published)
            .first(conn)
            .optional()?;
        if published != Some(true) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Unread notifications of a person: the header's count (one query on a partial index).
pub fn unread_count(conn: &mut AnyConnection, user_id: &str) -> Result<i64> {
    let count: Option<Option<i64>> = users::table
        .filter(users::id.eq(user_id))
        .select(unread_of_user())
        .first(conn)
        .optional()?;
    Ok(count.flatten().unwrap_or(0))
}

/// The unread count of the `users` row of the query it is put in (a correlated subquery), so
/// the session lookup reads it in the same statement as the account: the one place that says
/// what counts as unread.
#[diesel::dsl::auto_type(no_type_alias)]
pub fn unread_of_user() -> _ {
    notifications::table
        .filter(notifications::user_id.eq(users::id))
        .filter(notifications::read_at.is_null())
        .count()
        .single_value()
}

/// A person's latest notifications, newest first.
pub fn latest(conn: &mut AnyConnection, user_id: &str, limit: i64) -> Result<Vec<Notification>> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user_id))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(Notification::as_select())
        .load(conn)?)
}

/// Marks one of the person's notifications read; someone else's is not found.
pub fn mark_read(conn: &mut AnyConnection, user_id: &str, id: &str) -> Result<()> {
    let mine = notifications::table
        .filter(notifications::id.eq(id))
        .filter(notifications::user_id.eq(user_id));
    let found: i64 = mine.count().get_result(conn)?;
    if found == 0 {
        return Err(Error::NotFound);
    }
    diesel::update(mine.filter(notifications::read_at.is_null()))
        .set(notifications::read_at.eq(Some(now())))
        .execute(conn)?;
    Ok(())
}

pub fn mark_all_read(conn: &mut AnyConnection, user_id: &str) -> Result<()> {
    diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user_id))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}
