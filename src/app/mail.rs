//! What people do about mail: staff read the queue and send a failed mail again; anyone with an
//! unsubscribe link stops mail (or following a process) without signing in.

use super::{act, AppState, Staff};
use crate::domain::notifications::{self, Frequency};
use crate::domain::subscriptions::{self, Target};
use crate::domain::{Error, Result};
use crate::mail::store::{self, FailedMail};
use crate::mail::unsubscribe::{self, Scope};

/// How many failed mails staff's page lists.
pub const FAILED_LISTED: i64 = 100;

/// The queue as staff see it: counts by state and the latest failed mails.
pub struct Overview {
    pub counts: Vec<(String, i64)>,
    pub failed: Vec<FailedMail>,
}

pub async fn overview(state: &AppState, _staff: &Staff) -> Result<Overview> {
    state
        .db
        .read(|conn| {
            Ok(Overview {
                counts: store::counts(conn)?,
                failed: store::failed(conn, FAILED_LISTED)?,
            })
        })
        .await
}

/// Puts a failed mail back in the queue (only a failed one) and wakes the worker.
pub async fn retry(state: &AppState, _staff: &Staff, id: String) -> Result<()> {
    act(state, move |conn, _| store::retry(conn, &id)).await?;
    state.mail_ready();
    Ok(())
}

/// What an unsubscribe link is for, once its signature is checked; a forged or altered one is
/// not found.
pub fn read_link(state: &AppState, token: &str) -> Result<(String, Scope)> {
    unsubscribe::verify(&state.secret, token).ok_or(Error::NotFound)
}

/// Follows an unsubscribe link: no more notification mail (`Scope::All`), or no longer
/// following the process. Doing it twice changes nothing more.
pub async fn unsubscribe(state: &AppState, token: String) -> Result<Scope> {
    let (user_id, scope) = read_link(state, &token)?;
    let done = scope.clone();
    act(state, move |conn, _| match &scope {
        Scope::All => notifications::set_frequency(conn, &user_id, Frequency::Never.as_str()),
        Scope::Process(process_id) => subscriptions::unfollow(conn, &user_id, Target::Process, process_id),
    })
    .await?;
    Ok(done)
}
