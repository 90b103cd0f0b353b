//! Endorsing a proposal and taking the endorsement back.

use super::{act, AppState};
use crate::domain::accounts::User;
use crate::domain::endorsements;
use crate::domain::processes::ProcessDetail;
use crate::domain::proposals;
use crate::domain::Result;
use crate::federation::outbox::Event;

/// After an endorsement or its withdrawal: whether anything changed (doing it twice changes
/// nothing) and the proposal's binding count now.
pub struct Endorsed {
    pub changed: bool,
    pub count: i64,
}

/// `on`: endorse; otherwise withdraw the endorsement. Either is harmless to repeat; followers
/// hear of the new counts only when something changed.
pub async fn set(
    state: &AppState,
    user: User,
    detail: ProcessDetail,
    proposal_id: String,
    on: bool,
) -> Result<Endorsed> {
    // Taking an endorsement back is always allowed; giving one is taking part.
    if on {
        super::accounts::may_take_part(state, &user)?;
    }
    act(state, move |conn, effects| {
        let current = proposals::find(conn, &proposal_id)?;
        let changed = if on {
            endorsements::endorse(conn, &detail, &current, &user)?
        } else {
            endorsements::unendorse(conn, &detail, &current, &user)?
        };
        if changed {
            effects.federate(Event::CountsChanged(current.id.clone()));
        }
        let count = proposals::find(conn, &current.id)?.endorsement_count;
        Ok(Endorsed { changed, count })
    })
    .await
}
