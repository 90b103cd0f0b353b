//! Two-factor sign-in: turning it on (a secret, confirmed by a code, then recovery codes),
//! finishing a sign-in with a code, new recovery codes and turning it off (password and code).

use super::sessions::Session;
use super::{act, AppState};
use crate::config::StaffTwoFactor;
use crate::db::AnyConnection;
use crate::domain::accounts::{self, User};
use crate::domain::{sessions, two_factor, Error, Msg, Result};

/// What the second step of a sign-in came to.
pub enum SecondStep {
    /// Signed in: the new session.
    Done(Box<Session>),
    /// The code was wrong (or already used); the half-done sign-in stays, to try again.
    WrongCode,
    /// No half-done sign-in for this browser (never started, expired, finished, or started in
    /// another browser): sign in again from the password.
    NoPending,
}

/// Whether `user` must turn two-factor sign-in on before acting as staff.
pub fn must_enrol(state: &AppState, user: &User, enabled: bool) -> bool {
    user.is_admin() && !enabled && state.config.staff_two_factor == StaffTwoFactor::Required
}

/// Whether `user` has two-factor sign-in on.
pub async fn is_enabled(state: &AppState, user: &User) -> Result<bool> {
    let user_id = user.id.clone();
    state
        .db
        .read(move |conn| two_factor::is_enabled(conn, &user_id))
        .await
}

/// The secret `user` is enrolling with (the same until confirmed), as bytes.
pub async fn start_enrolment(state: &AppState, user: &User) -> Result<Vec<u8>> {
    let user_id = user.id.clone();
    act(state, move |conn, _effects| {
        two_factor::secret_to_enrol(conn, &user_id)
    })
    .await
}

/// Turns two-factor sign-in on with a code from the person's app; the recovery codes, once.
pub async fn confirm(state: &AppState, user: &User, code: String) -> Result<Vec<String>> {
    let user_id = user.id.clone();
    act(state, move |conn, _effects| {
        two_factor::confirm(conn, &user_id, &code)
    })
    .await
}

/// Finishes the sign-in `pending` (a half-done sign-in of this browser's `visitor`) with a code
/// or a recovery code. Throttled as passwords are, per account and per `client` address.
pub async fn finish_sign_in(
    state: &AppState,
    pending: String,
    visitor: String,
    code: String,
    client: String,
) -> Result<SecondStep> {
    act(state, move |conn, _effects| {
        let Some(user_id) = two_factor::pending_user(conn, &pending, &visitor)? else {
            return Ok(SecondStep::NoPending);
        };
        let user = accounts::find(conn, &user_id)?;
        if user.blocked || user.deleted_at.is_some() {
            two_factor::end_pending(conn, &pending)?;
            return Ok(SecondStep::NoPending);
        }
        if !accounts::code_attempt(conn, &user, &code, &client)? {
            return Ok(SecondStep::WrongCode);
        }
        two_factor::end_pending(conn, &pending)?;
        let secret = sessions::create(conn, &user.id)?;
        Ok(SecondStep::Done(Box::new(Session { user, secret })))
    })
    .await
}

/// Gives up a half-done sign-in.
pub async fn abandon(state: &AppState, pending: String) -> Result<()> {
    act(state, move |conn, _effects| {
        two_factor::end_pending(conn, &pending)
    })
    .await
}

/// Turns two-factor sign-in off: the password and a current code (or a recovery code) say it
/// is the person, not someone at a browser they left signed in.
pub async fn disable(
    state: &AppState,
    user: &User,
    password: String,
    code: String,
    client: String,
) -> Result<()> {
    with_proof(state, user, password, code, client, |conn, user| {
        two_factor::disable(conn, &user.id)
    })
    .await
}

/// New recovery codes in place of the old ones, which stop working (some were used, or the list
/// was lost or seen); shown once. Asks what turning it off asks: the password and a code.
pub async fn regenerate_recovery_codes(
    state: &AppState,
    user: &User,
    password: String,
    code: String,
    client: String,
) -> Result<Vec<String>> {
    with_proof(state, user, password, code, client, |conn, user| {
        two_factor::regenerate_recovery_codes(conn, &user.id)
    })
    .await
}

/// Runs `change` once the password, then a current code (or a recovery code, spent by it) show
/// the person is there: what must not be done from a browser someone left signed in. A wrong
/// code is refused after its transaction commits, so it stays counted by the sign-in throttle.
async fn with_proof<T, F>(
    state: &AppState,
    user: &User,
    password: String,
    code: String,
    client: String,
    change: F,
) -> Result<T>
where
    T: Send + 'static,
    F: FnOnce(&mut AnyConnection, &User) -> Result<T> + Send + 'static,
{
    let ok = match user.password_hash.clone() {
        Some(stored) => state.hashing.verify(password, Some(stored)).await?,
        None => false,
    };
    if !ok {
        return Err(Error::invalid("password", Msg::new("error-password-wrong")));
    }
    let user = user.clone();
    let done = act(state, move |conn, _effects| {
        if !accounts::code_attempt(conn, &user, &code, &client)? {
            return Ok(None);
        }
        change(conn, &user).map(Some)
    })
    .await?;
    done.ok_or_else(|| Error::invalid("code", Msg::new("two-factor-error-code")))
}

/// The operator turns two-factor sign-in off for `username` (`plenum admin reset-two-factor`),
/// for a person who lost their phone and their recovery codes; their half-done sign-ins end.
pub async fn reset(state: &AppState, username: String) -> Result<()> {
    act(state, move |conn, _effects| {
        let user = accounts::find_by_username(conn, &username)?;
        two_factor::disable(conn, &user.id)
    })
    .await
}
