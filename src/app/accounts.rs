//! A person's account: signing up, the interface language, deleting it; and, at the command
//! line, the operator making staff accounts.

use super::sessions::{open, Session};
use super::{act, AppState};
use crate::domain::accounts::{self, NewAccount, Role, User};
use crate::domain::Result;

/// Creates a citizen's account (throttled per `client` address) and signs them in.
pub async fn sign_up(state: &AppState, form: NewAccount, client: String) -> Result<Session> {
    let user = accounts::sign_up(&state.db, &state.hashing, form, Role::Citizen, &client).await?;
    open(state, user).await
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

/// The operator creates a staff account at the command line (`plenum admin create-admin`).
pub async fn create_staff(state: &AppState, form: NewAccount) -> Result<User> {
    accounts::sign_up(&state.db, &state.hashing, form, Role::Admin, "cli").await
}

/// The operator makes an existing account staff (`plenum admin promote`).
pub async fn make_staff(state: &AppState, username: String) -> Result<()> {
    act(state, move |conn, _effects| {
        let user = accounts::find_by_username(conn, &username)?;
        accounts::make_admin(conn, &user.id)
    })
    .await
}
