//! Endorsing a proposal and taking the endorsement back.

use super::{act, AppState};
use crate::domain::accounts::User;
use crate::domain::endorsements;
use crate::domain::processes::ProcessDetail;
use crate::domain::proposals::Proposal;
use crate::domain::Result;
use crate::federation::outbox::Event;

/// After an endorsement or its withdrawal: whether anything changed (doing it twice changes
/// nothing) and the proposal's binding count now.
pub struct Endorsed {
    pub changed: bool,
    pub count: i64,
}

/// `on`: endorse; otherwise withdraw the endorsement. Either is harmless to repeat; followers
/// hear of the new counts only when something changed. `proposal` is as the page read it: the
/// domain checks it again as the transaction finds it.
pub async fn set(
    state: &AppState,
    user: User,
    detail: ProcessDetail,
    proposal: Proposal,
    on: bool,
) -> Result<Endorsed> {
    // Taking an endorsement back is always allowed; giving one is taking part.
    if on {
        super::accounts::may_take_part(state, &user)?;
    }
    act(state, move |conn, effects| {
        let done = if on {
            endorsements::endorse(conn, &detail, &proposal, &user)?
        } else {
            endorsements::unendorse(conn, &detail, &proposal, &user)?
        };
        if done.changed {
            effects.federate(Event::CountsChanged(proposal.id));
        }
        Ok(Endorsed {
            changed: done.changed,
            count: done.proposal.endorsement_count,
        })
    })
    .await
}
