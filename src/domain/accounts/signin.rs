//! Signing in: the password, then the second-factor code, each counted in the same limits.

use diesel::prelude::*;

use super::User;
use crate::db::schema::users;
use crate::db::{AnyConnection, Db};
use crate::domain::hashing::HashGate;
use crate::domain::{throttle, two_factor, Error, Msg, Result};

/// Checks an e-mail and password. Attempts are counted per account and per client address
/// before the password is hashed, in the statement that checks the limit, so parallel guesses
/// cannot all pass; past the limit even a right password waits, so guessing is slow. A success
/// forgets the account's failures and gives the address its slot back, unless the account signs
/// in with a second factor: then that happens once the code is right ([`code_attempt`]). The hash runs outside
/// any transaction (argon2 is slow on purpose) and under the server's hashing bound.
pub async fn sign_in(
    db: &Db,
    hashing: &HashGate,
    email: &str,
    password_text: &str,
    client: &str,
) -> Result<PasswordChecked> {
    let email = email.trim().to_lowercase();
    let account_bucket = format!("login:account:{email}");
    let ip_bucket = format!("login:ip:{client}");
    let user = {
        let (email, account_bucket, ip_bucket) = (email.clone(), account_bucket.clone(), ip_bucket.clone());
        // The address first: a client already over its limit cannot lock accounts out.
        db.write(move |conn| {
            throttle::hit(conn, &ip_bucket, throttle::LOGIN_PER_IP)?;
            throttle::hit(conn, &account_bucket, throttle::LOGIN_PER_ACCOUNT)?;
            Ok::<_, Error>(
                users::table
                    .filter(users::email.eq(&email))
                    .filter(users::deleted_at.is_null())
                    .select(User::as_select())
                    .first(conn)
                    .optional()?,
            )
        })
        .await?
    };
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let matches = match hashing.verify(password_text.to_string(), stored).await {
        Ok(matches) => matches,
        Err(busy @ Error::Busy { .. }) => {
            // No password was tried: the attempt does not count.
            db.write(move |conn| {
                throttle::release(conn, &ip_bucket)?;
                throttle::release(conn, &account_bucket)
            })
            .await?;
            return Err(busy);
        }
        Err(e) => return Err(e),
    };
    match user {
        Some(u) if matches => {
            if u.blocked {
                return Err(Error::Forbidden(Msg::new("error-account-blocked")));
            }
            let user_id = u.id.clone();
            let needs_code = db
                .write(move |conn| {
                    if two_factor::is_enabled(conn, &user_id)? {
                        // The failures stay counted until the code is right too: were the
                        // password alone to reset them, someone who knows it could guess
                        // codes forever, ten at a time.
                        return Ok(true);
                    }
                    throttle::clear(conn, &account_bucket)?;
                    throttle::release(conn, &ip_bucket)?;
                    Ok::<_, Error>(false)
                })
                .await?;
            Ok(PasswordChecked { user: u, needs_code })
        }
        _ => Err(Error::Forbidden(Msg::new("error-login-failed"))),
    }
}

/// A right password, and whether a second-factor code must follow before the person is in.
pub struct PasswordChecked {
    pub user: User,
    pub needs_code: bool,
}

/// Checks a second-factor code for `user`, counted in the same limits as passwords (per
/// account and per client address), in the caller's transaction. A right code forgets the
/// account's failures; a wrong one stays counted (the caller commits `Ok(false)`).
pub fn code_attempt(conn: &mut AnyConnection, user: &User, code: &str, client: &str) -> Result<bool> {
    let email = user.email.clone().unwrap_or_default().to_lowercase();
    let account_bucket = format!("login:account:{email}");
    let ip_bucket = format!("login:ip:{client}");
    throttle::hit(conn, &ip_bucket, throttle::LOGIN_PER_IP)?;
    throttle::hit(conn, &account_bucket, throttle::LOGIN_PER_ACCOUNT)?;
    if !two_factor::accept_code(conn, &user.id, code)? {
        return Ok(false);
    }
    throttle::clear(conn, &account_bucket)?;
    throttle::release(conn, &ip_bucket)?;
    Ok(true)
}
