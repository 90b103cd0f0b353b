//! Signing in and out of the site, and the API tokens that stand for a person in scripts.

use super::{act, AppState};
use crate::domain::accounts::{self, User};
use crate::domain::{sessions, two_factor, Error, Msg, Result};

/// A person just signed in, and the secret of their new session (for the cookie).
pub struct Session {
    pub user: User,
    pub secret: String,
}

/// What a right password leads to: a session, or a code still to type.
pub enum SignIn {
    Done(Box<Session>),
    /// The account signs in with a second factor: the secret of the half-done sign-in, for a
    /// short-lived cookie, to finish with [`super::two_factor::finish_sign_in`].
    NeedsCode {
        pending: String,
    },
}

/// Checks an e-mail and password (throttled per account and per `client` address) and opens a
/// new session, or a half-done sign-in bound to the browser's `visitor` id when the account
/// has two-factor sign-in. `replacing` is the session the browser had before: it is ended, so
/// a session cookie planted by someone else is useless once the person signs in.
pub async fn sign_in(
    state: &AppState,
    email: String,
    password: String,
    client: String,
    replacing: Option<String>,
    visitor: String,
) -> Result<SignIn> {
    let checked = accounts::sign_in(&state.db, &state.hashing, &email, &password, &client).await?;
    if let Some(old) = replacing {
        sign_out(state, old).await?;
    }
    if checked.needs_code {
        let user_id = checked.user.id.clone();
        let pending = act(state, move |conn, _effects| {
            two_factor::start_pending(conn, &user_id, &visitor)
        })
        .await?;
        return Ok(SignIn::NeedsCode { pending });
    }
    Ok(SignIn::Done(Box::new(open(state, checked.user).await?)))
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

/// A script exchanges an e-mail and password for a token, throttled as signing in is. An
/// account with two-factor sign-in must give a current `code` (or a recovery code) too, so the
/// API is no way around the second factor.
pub async fn token_for_password(
    state: &AppState,
    email: String,
    password: String,
    code: Option<String>,
    client: String,
    label: String,
) -> Result<(User, String)> {
    let checked = accounts::sign_in(&state.db, &state.hashing, &email, &password, &client).await?;
    let user = checked.user;
    let user_id = user.id.clone();
    let needs_code = checked.needs_code;
    let token = act(state, move |conn, _effects| {
        if needs_code {
            let Some(code) = code.filter(|c| !c.trim().is_empty()) else {
                return Ok(Err(Msg::new("two-factor-code-needed")));
            };
            let user = accounts::find(conn, &user_id)?;
            if !accounts::code_attempt(conn, &user, &code, &client)? {
                // Committed: the wrong code stays counted.
                return Ok(Err(Msg::new("two-factor-error-code")));
            }
        }
        Ok(Ok(sessions::create_api_token(conn, &user_id, &label)?))
    })
    .await?;
    match token {
        Ok(token) => Ok((user, token)),
        Err(msg) => Err(Error::Forbidden(msg)),
    }
}

/// Revokes the API token with this secret.
pub async fn revoke_token(state: &AppState, secret: String) -> Result<()> {
    act(state, move |conn, _effects| {
        sessions::revoke_api_token(conn, &secret)
    })
    .await
}
