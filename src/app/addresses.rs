//! A person's e-mail address: confirming it (and asking for the link again), and moving the
//! account to a new one, which takes effect only when the link mailed there is followed.

use super::{act, AppState};
use crate::domain::account_tokens::{self, EmailChanged, Purpose, Refusal};
use crate::domain::accounts::{self, User};
use crate::domain::throttle::{self, Limit};
use crate::domain::validate::is_email;
use crate::domain::{Error, Msg, Result};
use crate::mail::account::AccountMail;

/// Confirmation mails asked for again, per account: enough for a lost mail, too few to flood
/// an inbox.
pub const RESEND_PER_ACCOUNT: Limit = Limit::per_hour(3);

/// Address changes asked per account; each checks the password, so this bounds guessing too.
pub const CHANGE_PER_ACCOUNT: Limit = Limit::per_hour(5);

/// Mails a new confirmation link to `user`'s address (throttled per account). Nothing is sent
/// for an address already confirmed.
pub async fn resend_confirmation(state: &AppState, user: &User) -> Result<()> {
    let writer = AccountMail::new(state);
    let user_id = user.id.clone();
    let queued = act(state, move |conn, _effects| {
        throttle::hit(conn, &format!("confirm:account:{user_id}"), RESEND_PER_ACCOUNT)?;
        let user = accounts::find(conn, &user_id)?;
        let Some(email) = user.email.clone().filter(|_| !user.email_confirmed()) else {
            return Ok(false);
        };
        writer.mail_link(conn, &user, Purpose::Confirm, &email)?;
        Ok(true)
    })
    .await?;
    if queued {
        state.mail_ready();
    }
    Ok(())
}

/// Follows a confirmation link (whoever follows it: the token names the account).
pub async fn confirm(state: &AppState, token: String) -> Result<std::result::Result<User, Refusal>> {
    act(state, move |conn, _effects| account_tokens::confirm(conn, &token)).await
}

/// `user` asks to move their account to `new_email`, with their password. The new address
/// gets the link that makes the change; the old one a notice of it. Refused when the password
/// is wrong, the address invalid, or already an account's.
pub async fn request_change(
    state: &AppState,
    user: &User,
    password: String,
    new_email: String,
) -> Result<()> {
    let new_email = new_email.trim().to_lowercase();
    if !is_email(&new_email) || crate::mail::check_address(&new_email).is_err() {
        return Err(Error::invalid("new_email", Msg::new("error-email")));
    }
    if user.email.as_deref() == Some(new_email.as_str()) {
        return Err(Error::invalid("new_email", Msg::new("error-email-same")));
    }
    let bucket = format!("email-change:account:{}", user.id);
    state
        .db
        .write(move |conn| throttle::hit(conn, &bucket, CHANGE_PER_ACCOUNT))
        .await?;
    let stored = user.password_hash.clone();
    if stored.is_none() || !state.hashing.verify(password, stored).await? {
        return Err(Error::invalid(
            "current_password",
            Msg::new("error-password-wrong"),
        ));
    }
    let writer = AccountMail::new(state);
    let user_id = user.id.clone();
    act(state, move |conn, _effects| {
        let user = accounts::find(conn, &user_id)?;
        if accounts::email_taken(conn, &new_email)? {
            return Err(Error::invalid("new_email", Msg::new("error-email-taken")));
        }
        let secret = writer.mail_link(conn, &user, Purpose::ChangeEmail, &new_email)?;
        if let Some(old) = user.email.as_deref() {
            writer.change_notice(conn, &user, old, &new_email, &secret)?;
        }
        Ok(())
    })
    .await?;
    state.mail_ready();
    Ok(())
}

/// Follows an address-change link: the account moves to the new address.
pub async fn change(state: &AppState, token: String) -> Result<std::result::Result<EmailChanged, Refusal>> {
    act(state, move |conn, _effects| {
        account_tokens::change_email(conn, &token)
    })
    .await
}
