//! Signing in and out of the site, and the API tokens that stand for a person in scripts.

use super::{act, AppState};
use crate::domain::accounts::{self, User};
use crate::domain::{sessions, Result};

/// A person just signed in, and the secret of their new session (for the cookie).
pub struct Session {
    pub user: User,
    pub secret: String,
}

/// Checks an e-mail and password (throttled per account and per `client` address) and opens a
/// new session. `replacing` is the session the browser had before: it is ended, so a session
/// cookie planted by someone else is useless once the person signs in.
pub async fn sign_in(
    state: &AppState,
    email: String,
    password: String,
    client: String,
    replacing: Option<String>,
) -> Result<Session> {
    let user = accounts::sign_in(&state.db, &state.hashing, &email, &password, &client).await?;
    if let Some(old) = replacing {
        sign_out(state, old).await?;
    }
    open(state, user).await
}

/// Opens a session for someone whose identity was just established.
pub(super) async fn open(state: &AppState, user: User) -> Result<Session> {
    let user_id = user.id.clone();
    let secret = act(state, move |conn, _effects| sessions::create(conn, &user_id)).await?;
    Ok(Session { user, secret })
}

/// Ends the session with this secret (nothing happens if there is none).
pub async fn sign_out(state: &AppState, secret: String) -> Result<()> {
    act(state, move |conn, _effects| sessions::destroy(conn, &secret)).await
}

/// A new API token for `user`, named `label`; its secret is returned once and stored hashed.
pub async fn create_token(state: &AppState, user: &User, label: String) -> Result<String> {
    let user_id = user.id.clone();
    act(state, move |conn, _effects| {
        sessions::create_api_token(conn, &user_id, &label)
    })
    .await
}

/// A script exchanges an e-mail and password for a token, throttled as signing in is.
pub async fn token_for_password(
    state: &AppState,
    email: String,
    password: String,
    client: String,
    label: String,
) -> Result<(User, String)> {
    let user = accounts::sign_in(&state.db, &state.hashing, &email, &password, &client).await?;
    let token = create_token(state, &user, label).await?;
    Ok((user, token))
}

/// Revokes the API token with this secret.
pub async fn revoke_token(state: &AppState, secret: String) -> Result<()> {
    act(state, move |conn, _effects| {
        sessions::revoke_api_token(conn, &secret)
    })
    .await
}
