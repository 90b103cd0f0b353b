//! Outgoing e-mail: a persistent queue in the database, sent by a worker on each node.
//!
//! An action queues a mail with [`queue`] in its own transaction (a rollback sends nothing); the
//! worker ([`worker`]) claims due rows after the commit, sends them through the configured
//! [`transport`] (SMTP with `lettre`, or a folder of `.eml` files), and retries with backoff.
//! `dedupe_key` is unique: the same event told to the same person is queued once, however often
//! the action runs. Rendering (HTML and text parts from askama templates, in the reader's
//! language) is in [`render`].
//!
//! Delivery is at least once, with the window for a repeat kept to the moment between the SMTP
//! server's "250 accepted" and our write of `sent`: a worker marks a row `sending` with a lease
//! before it connects, and a node killed during a send leaves a lease that expires, after which
//! the mail is sent again with the same `Message-ID` (mail clients fold such repeats). Losing a
//! password reset or a vote opening is worse than a rare repeat; see docs/operations.md.

pub mod account;
pub mod notify;
pub mod render;
pub mod schedule;
pub mod store;
pub mod transport;
pub mod unsubscribe;
pub mod worker;

use diesel::prelude::*;

use crate::db::schema::mails;
use crate::db::AnyConnection;
use crate::domain::{new_id, now, Error, Msg, Result};

pub use render::{Content, Line};
pub use worker::{run_once, spawn_worker};

/// What kind of mail a row is: for staff's page and the tests. Account mails (confirmation,
/// password reset) carry no unsubscribe link; every other kind must.
pub mod kinds {
    /// One notification, for a person who wants them at once.
    pub const NOTIFICATION: &str = "notification";
    /// The daily or weekly digest of a person's notifications.
    pub const DIGEST: &str = "digest";
}

/// One mail to queue. Build the bodies with [`render::render`] (or [`Mail::compose`]).
#[derive(Debug, Clone)]
pub struct Mail {
    /// The recipient's address; refused at queue time when it is not a valid one.
    pub to: String,
    /// The recipient's name, shown in `To:`; control characters are removed.
    pub to_name: Option<String>,
    /// The account the mail is for, when there is one (deleted with it).
    pub user_id: Option<String>,
    /// The language it is written in (`fr`, `en`).
    pub locale: String,
    /// See [`kinds`]; other modules may add their own (`confirm-email`, `password-reset`…).
    pub kind: String,
    /// Line breaks and other control characters become spaces: no header can be added.
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The one-click unsubscribe URL (RFC 8058): sent as `List-Unsubscribe` with
    /// `List-Unsubscribe-Post`. `None` for account mails only.
    pub list_unsubscribe: Option<String>,
    /// Names the event and the person: a second mail with the same key is not queued.
    pub dedupe_key: String,
}

impl Mail {
    /// A mail whose bodies are `content` written in `tr`'s language (see [`render::render`]).
    #[allow(clippy::too_many_arguments)]
    pub fn compose(
        tr: &crate::i18n::Tr,
        town: &render::Town,
        to: &str,
        to_name: Option<&str>,
        user_id: Option<&str>,
        kind: &str,
        dedupe_key: String,
        content: &Content,
        list_unsubscribe: Option<String>,
    ) -> Mail {
        let rendered = render::render(tr, town, content, list_unsubscribe.as_deref());
        Mail {
            to: to.to_string(),
            to_name: to_name.map(str::to_string),
            user_id: user_id.map(str::to_string),
            locale: tr.lang().to_string(),
            kind: kind.to_string(),
            subject: content.subject.clone(),
            text: rendered.text,
            html: rendered.html,
            list_unsubscribe,
            dedupe_key,
        }
    }
}

/// Subjects and names longer than this are cut (a header line stays readable).
const MAX_HEADER_CHARS: usize = 200;

/// Text fit for a header: control characters (CR, LF, tabs…) become spaces, runs of spaces one,
/// and it is cut at [`MAX_HEADER_CHARS`]. `lettre` encodes what is left.
pub fn header_text(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    cleaned
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .take(MAX_HEADER_CHARS)
        .collect()
}

/// Checks an address as `lettre` will read it; refused with the field's message otherwise.
pub fn check_address(address: &str) -> Result<lettre::Address> {
    let refuse = || Error::invalid("email", Msg::new("error-mail-address"));
    if address.len() > 254 || address.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(refuse());
    }
    address.parse::<lettre::Address>().map_err(|_| refuse())
}

/// Queues `mail` in the caller's transaction. Returns `false` when a mail with the same
/// `dedupe_key` was queued before (it is not queued again), and refuses an invalid address.
pub fn queue(conn: &mut AnyConnection, mail: &Mail) -> Result<bool> {
    check_address(&mail.to)?;
    if let Some(url) = &mail.list_unsubscribe {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(['<', '>', ',']) {
            return Err(Error::invalid("list_unsubscribe", Msg::new("error-mail-address")));
        }
    }
    let at = now();
    let to_name = mail.to_name.as_deref().map(header_text).filter(|n| !n.is_empty());
    crate::insert_once!(
        conn,
        diesel::insert_into(mails::table).values((
            mails::id.eq(new_id()),
            mails::dedupe_key.eq(&mail.dedupe_key),
            mails::kind.eq(&mail.kind),
            mails::user_id.eq(&mail.user_id),
            mails::to_address.eq(&mail.to),
            mails::to_name.eq(to_name),
            mails::locale.eq(&mail.locale),
            mails::subject.eq(header_text(&mail.subject)),
            mails::text_body.eq(&mail.text),
            mails::html_body.eq(&mail.html),
            mails::list_unsubscribe.eq(&mail.list_unsubscribe),
            mails::state.eq(store::PENDING),
            mails::attempts.eq(0),
            mails::next_attempt_at.eq(at),
            mails::created_at.eq(at),
        ))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_turns_line_breaks_into_spaces() {
        assert_eq!(
            header_text("Hello\r\nBcc: evil@example.org"),
            "Hello Bcc: evil@example.org"
        );
        assert_eq!(header_text("a\u{0}b\tc\u{85}d"), "a b c d");
        assert_eq!(header_text(&"x".repeat(500)).len(), MAX_HEADER_CHARS);
    }

    #[test]
    fn addresses_with_line_breaks_or_no_domain_are_refused() {
        assert!(check_address("ana@example.org").is_ok());
        for bad in [
            "ana@example.org\r\nBcc: evil@example.org",
            "ana",
            "ana@",
            "@example.org",
            "ana @example.org",
            "ana@example.org>",
            "",
        ] {
            assert!(check_address(bad).is_err(), "{bad:?} must be refused");
        }
        assert!(check_address(&format!("{}@example.org", "a".repeat(300))).is_err());
    }
}
