//! A forgotten password: a link mailed to the account's address, then a new password set with
//! it. Asking gives the same answer whether or not an account has the address, and does the
//! same work either way (one transaction that queues, never a send in the request).

use super::{act, AppState};
use crate::db::schema::users;
use crate::domain::account_tokens::{self, Purpose, Refusal};
use crate::domain::accounts::{self, User};
use crate::domain::throttle::{self, Limit};
use crate::domain::{password, Error, Result};
use crate::mail::account::AccountMail;

/// Reset links asked per address: a mailbox is not flooded, whoever asks.
pub const RESET_PER_ADDRESS: Limit = Limit::per_hour(3);

/// Reset links asked per client address, over all addresses (probing many).
pub const RESET_PER_IP: Limit = Limit::per_hour(20);

/// Queues a reset link to `email` if an account that may sign in has it; throttled per address
/// and per `client`. The caller answers the same whether or not one was queued.
pub async fn ask(state: &AppState, email: String, client: String) -> Result<()> {
    use diesel::prelude::*;
    let email = email.trim().to_lowercase();
    let writer = AccountMail::new(state);
    let queued = act(state, move |conn, _effects| {
        throttle::hit(conn, &format!("reset:ip:{client}"), RESET_PER_IP)?;
        throttle::hit(conn, &format!("reset:address:{email}"), RESET_PER_ADDRESS)?;
        let user: Option<User> = users::table
            .filter(users::email.eq(&email))
            .filter(users::deleted_at.is_null())
            .filter(users::blocked.eq(false))
            .select(User::as_select())
            .first(conn)
            .optional()?;
        let Some(user) = user.filter(|u| u.password_hash.is_some()) else {
            return Ok(false);
        };
        writer.mail_link(conn, &user, Purpose::Reset, &email)?;
        Ok(true)
    })
    .await?;
    if queued {
        state.mail_ready();
    }
    Ok(())
}

/// Whether a reset link still works (the form is shown only then). Spends nothing.
pub async fn check(state: &AppState, token: String) -> Result<std::result::Result<(), Refusal>> {
    state
        .db
        .read(move |conn| Ok(account_tokens::inspect(conn, &token, Purpose::Reset)?.map(|_| ())))
        .await
}

/// Sets a new password with a reset link: the password rules of sign-up, then, in one
/// transaction, the link spent, the password replaced and every session of the account ended.
/// A refused password (`Error::Invalid`) leaves the link usable.
pub async fn reset(
    state: &AppState,
    token: String,
    new_password: String,
) -> Result<std::result::Result<User, Refusal>> {
    let lookup = token.clone();
    let found = state
        .db
        .read(move |conn| -> Result<std::result::Result<User, Refusal>> {
            match account_tokens::inspect(conn, &lookup, Purpose::Reset)? {
                Ok(t) => Ok(Ok(accounts::find(conn, &t.user_id)?)),
                Err(refusal) => Ok(Err(refusal)),
            }
        })
        .await?;
    let user = match found {
        Ok(user) => user,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let email = user.email.clone().unwrap_or_default();
    let local_part = email.split('@').next().unwrap_or("");
    if let Err(msg) = password::check_new(&new_password, &[local_part, &user.username, "plenum"]) {
        return Err(Error::invalid("password", msg));
    }
    let hash = state.hashing.hash(new_password).await?;
    act(state, move |conn, _effects| {
        account_tokens::reset_password(conn, &token, &hash)
    })
    .await
}
