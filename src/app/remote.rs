//! What a citizen here does on a proposal of another town this town follows: endorse it, take
//! the endorsement back, comment. Each is sent to the proposal's process as a signed activity
//! and mirrored here, in one transaction.

use super::{act, AppState};
use crate::domain::accounts::User;
use crate::domain::eligibility::Rule;
use crate::domain::{census, new_id, Error, Msg, Result};
use crate::federation::mirror::{self, RemoteProcess, RemoteProposal};
use crate::federation::outbox::{self, RemoteTarget};
use crate::federation::urls;

/// `on`: endorse; otherwise take the endorsement back. Asking for the state it is already in
/// sends nothing again.
pub async fn set_endorsement(state: &AppState, user: User, proposal_id: String, on: bool) -> Result<()> {
    if on {
        super::accounts::may_take_part(state, &user)?;
    }
    let site = state.site();
    act(state, move |conn, effects| {
        let proposal = mirror::find_proposal(conn, &proposal_id)?;
        let process = mirror::find_process(conn, &proposal.remote_process_id)?;
        let existing = mirror::endorsement_of(conn, &user.id, &proposal.id)?;
        let target = target_of(&proposal, &process);
        match (on, existing) {
            (true, None) => {
                // A `peers` process counts residents of its peer towns: only a verified
                // resident's endorsement can be vouched for, with an attestation.
                let attest = process.rule() == Rule::Peers;
                if attest && !census::is_verified(conn, &user.id)? {
                    return Err(Error::Forbidden(Msg::new("remote-peers-verify-first")));
                }
                let like = outbox::like(conn, &site, &user, target, attest)?;
                mirror::record_endorsement(conn, &user.id, &proposal.id, &like)?;
                effects.sent();
            }
            (false, Some(like)) => {
                outbox::undo_like(conn, &site, &user, &like, target)?;
                mirror::forget_endorsement(conn, &user.id, &proposal.id)?;
                effects.sent();
            }
            _ => {}
        }
        Ok(())
    })
    .await
}

/// A comment (Markdown, checked by the caller) on another town's proposal.
pub async fn comment(state: &AppState, user: User, proposal_id: String, body: String) -> Result<()> {
    super::accounts::may_take_part(state, &user)?;
    let site = state.site();
    act(state, move |conn, effects| {
        let proposal = mirror::find_proposal(conn, &proposal_id)?;
        let process = mirror::find_process(conn, &proposal.remote_process_id)?;
        let html = crate::markdown::render(body.trim());
        let note_id = urls::comment(&site.base, &new_id());
        let target = target_of(&proposal, &process);
        let note = outbox::comment(conn, &site, &user, &note_id, &html, target)?;
        let name = format!("{} ({}@{})", user.display_name, user.username, site.domain);
        mirror::upsert_comment(conn, &proposal, &note, &name)?;
        effects.sent();
        Ok(())
    })
    .await
}

/// Where an action on a mirrored proposal goes: the proposal, its process, the process's inbox.
fn target_of<'a>(proposal: &'a RemoteProposal, process: &'a RemoteProcess) -> RemoteTarget<'a> {
    RemoteTarget {
        proposal: &proposal.ap_id,
        group: &process.ap_id,
        inbox: &process.inbox,
    }
}
