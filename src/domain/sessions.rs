//! Browser sessions and API tokens. Only a SHA-256 of each secret is stored, so a copy of the
//! database does not let anyone sign in.

use base64::Engine;
use chrono::Duration;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::accounts::User;
use super::{now, Result};
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

/// The user behind a session cookie, if the session is still valid and the account usable.
pub fn user_for_session(conn: &mut AnyConnection, secret: &str) -> Result<Option<User>> {
    Ok(sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(digest(secret)))
        .filter(sessions::expires_at.gt(now()))
        .filter(users::deleted_at.is_null())
        .filter(users::blocked.eq(false))
        .select(User::as_select())
        .first(conn)
        .optional()?)
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

/// The user behind an API token.
pub fn user_for_api_token(conn: &mut AnyConnection, secret: &str) -> Result<Option<User>> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(digest(secret)))
        .filter(users::deleted_at.is_null())
        .filter(users::blocked.eq(false))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}
