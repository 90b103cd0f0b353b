//! The rules of a town's participation, free of HTTP and federation.
//!
//! Web pages, the JSON API and (later) the inbox all call these functions, so each rule is decided
//! in one place. Functions that change data take `&mut AnyConnection` and expect to run inside the
//! transaction opened by `Db::write` for one user action.

pub mod account_tokens;
pub mod accounts;
pub mod attachments;
pub mod ballot_box;
pub mod ballots;
pub mod budget_results;
pub mod budgets;
pub mod census;
pub mod comments;
pub mod eligibility;
pub mod endorsements;
pub mod export;
pub mod feed;
pub mod hashing;
pub mod implementation;
pub mod moderation;
pub mod notifications;
pub mod participation;
pub mod password;
pub mod phases;
pub mod processes;
pub mod proposals;
pub mod reactions;
pub mod sessions;
pub mod settings;
pub mod signing_keys;
pub mod stored;
pub mod subscriptions;
pub mod throttle;
pub mod totp;
pub mod two_factor;
pub mod validate;

use crate::db::DbError;

/// A message for a person: a Fluent id and its arguments, translated at the edge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    pub key: &'static str,
    pub args: Vec<(&'static str, String)>,
    /// Arguments each language writes its own way (dates, money), formatted with the message.
    pub shown: Vec<(&'static str, Shown)>,
}

/// A value a message shows that the reader's language writes: the domain keeps it raw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shown {
    /// A moment (UTC), shown as the day and time on the town's clock.
    Moment(chrono::NaiveDateTime),
    /// An amount as stored (a decimal text) and its currency code.
    Amount { value: String, currency: String },
}

impl Msg {
    pub fn new(key: &'static str) -> Msg {
        Msg {
            key,
            args: Vec::new(),
            shown: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl ToString) -> Msg {
        self.args.push((name, value.to_string()));
        self
    }

    /// A moment argument, written as the reader's language writes a date and time.
    pub fn moment(mut self, name: &'static str, at: chrono::NaiveDateTime) -> Msg {
        self.shown.push((name, Shown::Moment(at)));
        self
    }

    /// An amount argument (`value` as stored), written with the currency as the reader writes it.
    pub fn amount(mut self, name: &'static str, value: impl ToString, currency: &str) -> Msg {
        let (value, currency) = (value.to_string(), currency.to_string());
        self.shown.push((name, Shown::Amount { value, currency }));
        self
    }
}

/// One invalid form field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub msg: Msg,
}

/// Why an action did not happen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("sign-in required")]
    Unauthenticated,
    /// Not allowed now or not allowed for this person; the message says why.
    #[error("forbidden: {}", .0.key)]
    Forbidden(Msg),
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The request clashes with what is stored (e.g. a name already taken).
    #[error("conflict: {}", .0.key)]
    Conflict(Msg),
    #[error("too many attempts")]
    Throttled { retry_after_secs: i64 },
    /// The server is busy (every password-hashing slot taken): try again in a moment.
    #[error("busy")]
    Busy { retry_after_secs: i64 },
    #[error(transparent)]
    Db(DbError),
}

impl Error {
    pub fn invalid(field: &'static str, msg: Msg) -> Error {
        Error::Invalid(vec![FieldError { field, msg }])
    }
}

impl From<DbError> for Error {
    fn from(e: DbError) -> Self {
        match e {
            DbError::NotFound => Error::NotFound,
            DbError::AlreadyExists(_) => Error::Conflict(Msg::new("error-already-exists")),
            other => Error::Db(other),
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        Error::from(DbError::from(e))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Current time, truncated to microseconds so both backends store exactly what we hold.
pub fn now() -> chrono::NaiveDateTime {
    let t = chrono::Utc::now().naive_utc();
    chrono::DurationRound::duration_trunc(t, chrono::Duration::microseconds(1)).unwrap_or(t)
}

/// A new time-ordered identifier.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Inserts a row that a unique index allows once: `INSERT … ON CONFLICT DO NOTHING`, so that a
/// repeat or a concurrent duplicate changes nothing and leaves the caller's transaction as it
/// was. `Ok(false)` when the row was already there (the caller then changes nothing else, e.g.
/// no count goes up twice). One statement on both engines, where a savepoint around a plain
/// insert cost PostgreSQL three round trips. A macro, because diesel writes the clause only for
/// a concrete backend: the statement is run on whichever connection `conn` holds.
#[macro_export]
macro_rules! insert_once {
    ($conn:expr, $insert:expr $(,)?) => {{
        let inserted = match &mut *$conn {
            $crate::db::AnyConnection::Postgresql(c) => {
                diesel::RunQueryDsl::execute($insert.on_conflict_do_nothing(), c)
            }
            $crate::db::AnyConnection::Sqlite(c) => {
                diesel::RunQueryDsl::execute($insert.on_conflict_do_nothing(), c)
            }
        };
        inserted
            .map(|rows| rows > 0)
            .map_err(|e| $crate::domain::Error::from($crate::db::DbError::from(e)))
    }};
}
