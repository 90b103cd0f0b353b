//! A person's account: signing up, the interface language, deleting it; whether it may take
//! part yet; and, at the command line, the operator making staff accounts. The mailed links
//! (confirming, resetting, changing the address) are in `addresses` and `password_reset`.

use super::sessions::{open, Session};
use super::{act, AppState};
use crate::domain::account_tokens::Purpose;
use crate::domain::accounts::{self, NewAccount, Role, User};
use crate::domain::{Error, Msg, Result};
use crate::mail::account::AccountMail;

/// Creates a citizen's account (throttled per `client` address) and signs them in. The mail
/// with the link that confirms the address is queued in the account's own transaction.
pub async fn sign_up(state: &AppState, form: NewAccount, client: String) -> Result<Session> {
    let writer = AccountMail::new(state);
    let queue_confirmation = move |conn: &mut crate::db::AnyConnection, user: &User| {
        let email = user.email.clone().unwrap_or_default();
        writer.mail_link(conn, user, Purpose::Confirm, &email).map(drop)
    };
    let user = accounts::sign_up(
        &state.db,
        &state.hashing,
        form,
        Role::Citizen,
        &client,
        false,
        queue_confirmation,
    )
    .await?;
    state.mail_ready();
    open(state, user).await
}

/// Whether `user` may take part (propose, endorse, comment, vote, report): refused, with what
/// to do, while their address is not confirmed and the town requires it
/// (`PLENUM_REQUIRE_EMAIL_CONFIRMATION`). Every participating action asks this first.
pub fn may_take_part(state: &AppState, user: &User) -> Result<()> {
    if state.config.require_email_confirmation && !user.email_confirmed() && !user.is_remote() {
        return Err(Error::Forbidden(Msg::new("denied-email-unconfirmed")));
    }
    Ok(())
}

/// Saves the language `user` chose for the interface (`None` follows the browser).
pub async fn set_locale(state: &AppState, user: &User, locale: Option<String>) -> Result<()> {
    let user_id = user.id.clone();
    act(state, move |conn, _effects| {
        accounts::set_locale(conn, &user_id, locale.as_deref())
    })
    .await
}

/// Deletes `user`'s account once `password` confirms it is them (see
/// [`accounts::delete_account`] for what is erased and what stays).
pub async fn delete(state: &AppState, user: &User, password: String) -> Result<()> {
    let uploads = accounts::delete_account(&state.db, &state.hashing, user, &password).await?;
    for id in uploads {
        state.uploads.remove(&id);
    }
    Ok(())
}

/// The operator creates a staff account at the command line (`plenum admin create-admin`);
/// the operator vouches for its address, so it counts as confirmed.
pub async fn create_staff(state: &AppState, form: NewAccount) -> Result<User> {
    accounts::sign_up(
        &state.db,
        &state.hashing,
        form,
        Role::Admin,
        "cli",
        true,
        |_, _| Ok(()),
    )
    .await
}

/// The operator makes an existing account staff (`plenum admin promote`).
pub async fn make_staff(state: &AppState, username: String) -> Result<()> {
    act(state, move |conn, _effects| {
        let user = accounts::find_by_username(conn, &username)?;
        accounts::make_admin(conn, &user.id)
    })
    .await
}
