//! What a person does with their notifications and with what they follow.

use super::{act, AppState};
use crate::domain::accounts::User;
use crate::domain::notifications::{self, Notification};
use crate::domain::subscriptions::{self, Target};
use crate::domain::{processes, proposals, Result};

/// How many notifications the page lists.
pub const LISTED: i64 = 100;

/// The person's latest notifications, newest first.
pub async fn list(state: &AppState, user: &User) -> Result<Vec<Notification>> {
    let user_id = user.id.clone();
    state
        .db
        .read(move |conn| notifications::latest(conn, &user_id, LISTED))
        .await
}

pub async fn mark_read(state: &AppState, user: &User, id: String) -> Result<()> {
    let user_id = user.id.clone();
    act(state, move |conn, _| {
        notifications::mark_read(conn, &user_id, &id)
    })
    .await
}

pub async fn mark_all_read(state: &AppState, user: &User) -> Result<()> {
    let user_id = user.id.clone();
    act(state, move |conn, _| notifications::mark_all_read(conn, &user_id)).await
}

/// How often the person wants e-mail (`immediate`, `daily`, `weekly`, `none`).
pub async fn set_email_frequency(state: &AppState, user: &User, frequency: String) -> Result<()> {
    let user_id = user.id.clone();
    act(state, move |conn, _| {
        notifications::set_frequency(conn, &user_id, &frequency)
    })
    .await
}

/// Follows a proposal the person may see, or stops; returns whether they now follow it.
pub async fn toggle_proposal(state: &AppState, user: User, proposal_id: String) -> Result<bool> {
    act(state, move |conn, _| {
        proposals::visible_to(conn, &proposal_id, Some(&user))?;
        subscriptions::toggle(conn, &user.id, Target::Proposal, &proposal_id)
    })
    .await
}

/// Follows a process the person may see (by its slug), or stops; returns whether they now
/// follow it.
pub async fn toggle_process(state: &AppState, user: User, slug: String) -> Result<bool> {
    act(state, move |conn, _| {
        let detail = processes::detail_by_slug(conn, &slug, user.is_admin())?;
        subscriptions::toggle(conn, &user.id, Target::Process, &detail.process.id)
    })
    .await
}

/// Whether the person follows it (for the button's state).
pub async fn is_following(state: &AppState, user: Option<&User>, target: Target, id: String) -> Result<bool> {
    let Some(user_id) = user.map(|u| u.id.clone()) else {
        return Ok(false);
    };
    state
        .db
        .read(move |conn| subscriptions::is_following(conn, &user_id, target, &id))
        .await
}
