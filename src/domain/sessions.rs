//! Browser sessions and API tokens. Only a SHA-256 of each secret is stored, so a copy of the
//! database does not let anyone sign in.

use base64::Engine;
use chrono::Duration;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::accounts::User;
use super::{notifications, now, two_factor, Result};
use crate::db::schema::{api_tokens, sessions, users};
use crate::db::AnyConnection;

/// How long a session lasts without signing in again.
pub const SESSION_LIFETIME: Duration = Duration::days(30);

/// A fresh random secret, URL-safe.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The stored form of a secret.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Opens a session for `user_id` and returns the secret to put in the cookie.
pub fn create(conn: &mut AnyConnection, user_id: &str) -> Result<String> {
    let secret = new_secret();
    let created = now();
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(digest(&secret)),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(created),
            sessions::expires_at.eq(created + SESSION_LIFETIME),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// The person behind a session cookie or an API token, with what every request of theirs needs:
/// the header's unread count and whether they sign in with a code (staff may have to turn it
/// on first). Read in one statement, the account and the two as subqueries: on PostgreSQL each
/// statement is a round trip, and every signed-in request starts here.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user: User,
    pub unread: i64,
    pub two_factor: bool,
}

impl Caller {
    fn of((user, unread, two_factor): (User, Option<i64>, bool)) -> Caller {
        Caller {
            user,
            unread: unread.unwrap_or(0),
            two_factor,
        }
    }
}

/// The caller behind a session cookie, if the session is still valid and the account usable.
pub fn caller_for_session(conn: &mut AnyConnection, secret: &str) -> Result<Option<Caller>> {
    let row = sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(digest(secret)))
        .filter(sessions::expires_at.gt(now()))
        .filter(users::deleted_at.is_null())
        .filter(users::blocked.eq(false))
        .select((
            User::as_select(),
            notifications::unread_of_user(),
            two_factor::enabled_for_user(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(Caller::of))
}

/// Ends one session.
pub fn destroy(conn: &mut AnyConnection, secret: &str) -> Result<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(digest(secret)))).execute(conn)?;
    Ok(())
}

/// Ends every session of a user (account deleted or blocked).
pub fn destroy_all(conn: &mut AnyConnection, user_id: &str) -> Result<()> {
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    diesel::delete(api_tokens::table.filter(api_tokens::user_id.eq(user_id))).execute(conn)?;
    Ok(())
}

/// Issues an API token; the secret is shown once and never stored.
pub fn create_api_token(conn: &mut AnyConnection, user_id: &str, label: &str) -> Result<String> {
    let secret = format!("plenum_{}", new_secret());
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::token_hash.eq(digest(&secret)),
            api_tokens::user_id.eq(user_id),
            api_tokens::label.eq(label),
            api_tokens::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(secret)
}

/// Revokes one API token; revoking an unknown or already revoked token changes nothing.
pub fn revoke_api_token(conn: &mut AnyConnection, secret: &str) -> Result<()> {
    diesel::delete(api_tokens::table.filter(api_tokens::token_hash.eq(digest(secret)))).execute(conn)?;
    Ok(())
}

/// The caller behind an API token, if the account is usable.
pub fn caller_for_api_token(conn: &mut AnyConnection, secret: &str) -> Result<Option<Caller>> {
    let row = api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(digest(secret)))
        .filter(users::deleted_at.is_null())
        .filter(users::blocked.eq(false))
        .select((
            User::as_select(),
            notifications::unread_of_user(),
            two_factor::enabled_for_user(),
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(Caller::of))
}
