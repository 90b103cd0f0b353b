//! Reports and the moderation decisions staff take on them.

use super::{act, AppState, Staff};
use crate::domain::accounts::User;
use crate::domain::comments;
use crate::domain::moderation::{self, ReportForm};
use crate::domain::notifications::events;
use crate::domain::{proposals, Error, Result};
use crate::federation::outbox::Event;

/// A person reports a proposal or a comment to the town's moderators. `kind` is one of
/// [`moderation::KINDS`]; anything else is not found. Returns the proposal the reported item
/// belongs to (a page goes back there).
pub async fn report(
    state: &AppState,
    reporter: User,
    kind: String,
    id: String,
    form: ReportForm,
) -> Result<String> {
    if !moderation::KINDS.contains(&kind.as_str()) {
        return Err(Error::NotFound);
    }
    super::accounts::may_take_part(state, &reporter)?;
    act(state, move |conn, _| {
        moderation::report(conn, &reporter, &kind, &id, &form)?;
        let proposal_id = match kind.as_str() {
            "comment" => comments::find(conn, &id)?.proposal_id,
            _ => id.clone(),
        };
        let proposal = proposals::find(conn, &proposal_id)?;
        events::reported(conn, &kind, &id, &proposal, &reporter.id)?;
        Ok(proposal_id)
    })
    .await
}

/// What staff decide about a reported item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Hide,
    Unhide,
    Dismiss,
}

impl Decision {
    pub fn parse(text: &str) -> Option<Decision> {
        match text {
            "hide" => Some(Decision::Hide),
            "unhide" => Some(Decision::Unhide),
            "dismiss" => Some(Decision::Dismiss),
            _ => None,
        }
    }
}

/// Staff decide on an item. Followers drop a hidden proposal (`Delete`) and get it back when it
/// is shown again. Deciding on an item that no longer exists is not found, not a silent success.
pub async fn decide(
    state: &AppState,
    staff: &Staff,
    kind: String,
    id: String,
    decision: Decision,
) -> Result<()> {
    if !moderation::KINDS.contains(&kind.as_str()) {
        return Err(Error::NotFound);
    }
    let staff_id = staff.user().id.clone();
    act(state, move |conn, effects| {
        if moderation::describe(conn, &kind, &id)?.is_none() {
            return Err(Error::NotFound);
        }
        // The author of a proposal hidden now (not one already hidden) hears why: the reasons
        // it was reported for, read before hiding closes the reports.
        if kind == "proposal" && decision == Decision::Hide {
            let proposal = proposals::find(conn, &id)?;
            if !proposal.hidden {
                let reasons = moderation::open_reasons(conn, &kind, &id)?;
                events::proposal_hidden(conn, &proposal, &reasons, &staff_id)?;
            }
        }
        match decision {
            Decision::Hide => moderation::hide(conn, &kind, &id)?,
            Decision::Unhide => moderation::unhide(conn, &kind, &id)?,
            Decision::Dismiss => moderation::dismiss(conn, &kind, &id)?,
        }
        if kind == "proposal" {
            match decision {
                Decision::Hide => effects.federate(Event::ProposalRemoved(id.clone())),
                Decision::Unhide => effects.federate(Event::ProposalCreated(id.clone())),
                Decision::Dismiss => {}
            }
        }
        Ok(())
    })
    .await
}
