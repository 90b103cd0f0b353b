//! The town's census and who is verified against it: staff replace the census and verify or
//! revoke a person; a citizen verifies their own account with their identifiers.

use super::{act, AppState, Staff};
use crate::domain::accounts::User;
use crate::domain::census::{self, ReadCensus};
use crate::domain::Result;

/// Replaces the stored census with one already read and checked; returns how many
/// verifications expired with it. `staff` is `None` for the operator at the command line
/// (`plenum admin census import`).
pub async fn replace(state: &AppState, staff: Option<&Staff>, census: ReadCensus) -> Result<usize> {
    let by = staff.map(|s| s.user().clone());
    act(state, move |conn, _effects| {
        census::replace(conn, &census, by.as_ref())
    })
    .await
}

/// Staff saw the person's papers: their account is verified without the census form.
pub async fn verify_in_person(state: &AppState, staff: &Staff, username: String) -> Result<()> {
    let by = staff.user().clone();
    act(state, move |conn, _effects| {
        census::verify_in_person(conn, &by, &username)
    })
    .await
}

/// Takes a person's verification away; false when they had none.
pub async fn revoke(state: &AppState, staff: &Staff, username: String) -> Result<bool> {
    let by = staff.user().clone();
    act(state, move |conn, _effects| census::revoke(conn, &by, &username)).await
}

/// A citizen verifies their account with one value per census column. False when the account
/// was already verified. A failed attempt is still recorded (its outcome leaves the transaction
/// as a value, so the transaction commits and the attempt counts towards the limits).
pub async fn verify(state: &AppState, citizen: User, values: Vec<String>, client: String) -> Result<bool> {
    let key = state.config.secret_key.clone();
    act(state, move |conn, _effects| {
        Ok(census::verify(conn, &citizen, &key, &values, &client))
    })
    .await?
}
