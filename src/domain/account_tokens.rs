//! The single-use links mailed for an account: confirming an address, resetting a forgotten
//! password, moving the account to a new address. The link carries a random token; only its
//! SHA-256 is stored (`account_tokens`), so a copy of the database opens no account. A token
//! is bound to one purpose and one account, expires, and is spent by a conditional update, so
//! two clicks at once spend it once.

use chrono::Duration;
use diesel::prelude::*;

use super::accounts::{self, User};
use super::sessions::{digest, new_secret};
use super::{now, Error, Msg, Result};
use crate::db::schema::{account_tokens, users};
use crate::db::AnyConnection;

super::stored::stored_enum! {
    /// What a mailed link does, stored in `account_tokens.purpose`.
    pub enum Purpose {
        /// Confirms the address the account signed up with.
        Confirm = "confirm",
        /// Sets a new password (forgotten password).
        Reset = "reset",
        /// Moves the account to a new address (the token's `email`).
        ChangeEmail = "change-email",
    }
}

impl Purpose {
    /// How long a link of this purpose works: a reset is an open door, so it is short.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::Reset => Duration::hours(1),
            Purpose::Confirm | Purpose::ChangeEmail => Duration::hours(48),
        }
    }
}

/// A stored token, found by the secret of its link.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = account_tokens)]
pub struct Token {
    pub token_hash: String,
    pub user_id: String,
    pub purpose: String,
    pub email: String,
    pub created_at: chrono::NaiveDateTime,
    pub expires_at: chrono::NaiveDateTime,
    pub used_at: Option<chrono::NaiveDateTime>,
}

/// Why a link does not work, each with what the person can do about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// No such link for this purpose (mistyped, cut, forged, or meant for another page).
    Unknown,
    /// The link was followed before.
    Used,
    /// The link is past its time.
    Expired,
}

impl Refusal {
    /// The translation key of the sentence that explains it.
    pub fn key(self) -> &'static str {
        match self {
            Refusal::Unknown => "link-unknown",
            Refusal::Used => "link-used",
            Refusal::Expired => "link-expired",
        }
    }
}

/// Stores a new token of `purpose` for `user_id` and `email`; returns the secret for the link.
pub fn issue(conn: &mut AnyConnection, user_id: &str, purpose: Purpose, email: &str) -> Result<String> {
    let secret = new_secret();
    let created = now();
    diesel::insert_into(account_tokens::table)
        .values((
            account_tokens::token_hash.eq(digest(&secret)),
            account_tokens::user_id.eq(user_id),
            account_tokens::purpose.eq(purpose.as_str()),
            account_tokens::email.eq(email),
            account_tokens::created_at.eq(created),
            account_tokens::expires_at.eq(created + purpose.lifetime()),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// The token behind `secret` if it is one of `purpose`, unspent and not expired.
pub fn inspect(
    conn: &mut AnyConnection,
    secret: &str,
    purpose: Purpose,
) -> Result<std::result::Result<Token, Refusal>> {
    let found: Option<Token> = account_tokens::table
        .filter(account_tokens::token_hash.eq(digest(secret.trim())))
        .filter(account_tokens::purpose.eq(purpose.as_str()))
        .select(Token::as_select())
        .first(conn)
        .optional()?;
    Ok(match found {
        None => Err(Refusal::Unknown),
        Some(t) if t.used_at.is_some() => Err(Refusal::Used),
        Some(t) if t.expires_at <= now() => Err(Refusal::Expired),
        Some(t) => Ok(t),
    })
}

/// Spends the token behind `secret`: one conditional update, so of two requests racing with
/// the same link one wins and the other reads `Used`.
pub fn spend(
    conn: &mut AnyConnection,
    secret: &str,
    purpose: Purpose,
) -> Result<std::result::Result<Token, Refusal>> {
    let token = match inspect(conn, secret, purpose)? {
        Ok(token) => token,
        refused => return Ok(refused),
    };
    let at = now();
    let spent = diesel::update(
        account_tokens::table
            .filter(account_tokens::token_hash.eq(&token.token_hash))
            .filter(account_tokens::used_at.is_null())
            .filter(account_tokens::expires_at.gt(at)),
    )
    .set(account_tokens::used_at.eq(at))
    .execute(conn)?;
    Ok(if spent == 1 { Ok(token) } else { Err(Refusal::Used) })
}

/// Spends every other unspent token of `purpose` for the account: a new password or address
/// makes the older links of the same kind useless.
pub fn spend_all(conn: &mut AnyConnection, user_id: &str, purpose: Purpose) -> Result<()> {
    diesel::update(
        account_tokens::table
            .filter(account_tokens::user_id.eq(user_id))
            .filter(account_tokens::purpose.eq(purpose.as_str()))
            .filter(account_tokens::used_at.is_null()),
    )
    .set(account_tokens::used_at.eq(now()))
    .execute(conn)?;
    Ok(())
}

/// Follows a confirmation link: the account's address is confirmed if it is still the one the
/// link was sent to (a link mailed before an address change confirms nothing).
pub fn confirm(conn: &mut AnyConnection, secret: &str) -> Result<std::result::Result<User, Refusal>> {
    let (_, user) = match spend_for_its_address(conn, secret, Purpose::Confirm)? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    mark_confirmed(conn, &user.id)?;
    Ok(Ok(accounts::find(conn, &user.id)?))
}

/// Spends a link and finds its account, if the account still has the address the link was
/// sent to (a link to an address since changed, or an account since deleted, does nothing).
fn spend_for_its_address(
    conn: &mut AnyConnection,
    secret: &str,
    purpose: Purpose,
) -> Result<std::result::Result<(Token, User), Refusal>> {
    let token = match spend(conn, secret, purpose)? {
        Ok(token) => token,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let user = accounts::find(conn, &token.user_id)?;
    if user.deleted_at.is_some() || user.email.as_deref() != Some(token.email.as_str()) {
        return Ok(Err(Refusal::Unknown));
    }
    Ok(Ok((token, user)))
}

/// Records that the account's current address reached its owner (kept if it was already).
pub fn mark_confirmed(conn: &mut AnyConnection, user_id: &str) -> Result<()> {
    diesel::update(
        users::table
            .filter(users::id.eq(user_id))
            .filter(users::email_confirmed_at.is_null()),
    )
    .set(users::email_confirmed_at.eq(Some(now())))
    .execute(conn)?;
    Ok(())
}

/// What a followed address-change link did.
pub struct EmailChanged {
    pub user: User,
    pub old_email: Option<String>,
}

/// Follows an address-change link: the account moves to the new address, confirmed. Refused
/// with `Conflict` if another account took that address since the change was asked.
pub fn change_email(
    conn: &mut AnyConnection,
    secret: &str,
) -> Result<std::result::Result<EmailChanged, Refusal>> {
    let token = match spend(conn, secret, Purpose::ChangeEmail)? {
        Ok(token) => token,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let user = accounts::find(conn, &token.user_id)?;
    if user.deleted_at.is_some() {
        return Ok(Err(Refusal::Unknown));
    }
    if user.email.as_deref() != Some(token.email.as_str()) && accounts::email_taken(conn, &token.email)? {
        return Err(Error::Conflict(Msg::new("error-email-taken")));
    }
    diesel::update(users::table.filter(users::id.eq(&user.id)))
        .set((
            users::email.eq(Some(&token.email)),
            users::email_confirmed_at.eq(Some(now())),
        ))
        .execute(conn)?;
    // Links mailed to the old address confirm nothing now, and other pending changes lapse.
    spend_all(conn, &user.id, Purpose::Confirm)?;
    spend_all(conn, &user.id, Purpose::ChangeEmail)?;
    Ok(Ok(EmailChanged {
        old_email: user.email.clone(),
        user: accounts::find(conn, &user.id)?,
    }))
}

/// Follows a reset link with a new password already checked and hashed: the password is
/// replaced, every session of the account ends (whoever had the old password is out), the
/// other reset links lapse, and the address counts as confirmed (the link reached it).
pub fn reset_password(
    conn: &mut AnyConnection,
    secret: &str,
    password_hash: &str,
) -> Result<std::result::Result<User, Refusal>> {
    let (token, user) = match spend_for_its_address(conn, secret, Purpose::Reset)? {
        Ok(found) => found,
        Err(refusal) => return Ok(Err(refusal)),
    };
    diesel::update(users::table.filter(users::id.eq(&user.id)))
        .set(users::password_hash.eq(Some(password_hash)))
        .execute(conn)?;
    super::sessions::destroy_all(conn, &user.id)?;
    spend_all(conn, &user.id, Purpose::Reset)?;
    mark_confirmed(conn, &user.id)?;
    // The failed sign-ins counted against the account are forgotten with the old password.
    super::throttle::clear(conn, &format!("login:account:{}", token.email))?;
    Ok(Ok(accounts::find(conn, &user.id)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reset_link_lives_an_hour_and_the_others_two_days() {
        assert_eq!(Purpose::Reset.lifetime(), Duration::hours(1));
        assert_eq!(Purpose::Confirm.lifetime(), Duration::hours(48));
        assert_eq!(Purpose::ChangeEmail.lifetime(), Duration::hours(48));
    }

    #[test]
    fn each_refusal_has_its_own_explanation() {
        let keys = [Refusal::Unknown, Refusal::Used, Refusal::Expired].map(Refusal::key);
        assert_eq!(keys, ["link-unknown", "link-used", "link-expired"]);
    }
}
