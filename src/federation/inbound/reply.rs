//! Replies from other servers: a `Create(Note)` answering one of our proposals or comments
//! becomes a comment by the remote person (HTML sanitised), relayed to followers; an
//! `Update(Note)` of it takes the new text.

use activitypub_federation::config::Data;

use super::addresses::{local_comment, local_proposal_id};
use super::{receive, remote_user, Received};
use crate::domain::{comments as comment_rules, proposals};
use crate::federation::actors::RemoteActor;
use crate::federation::error::FedError;
use crate::federation::outbox::{Event, Site};
use crate::federation::protocol::{Create, ObjectKind, Update};
use crate::federation::{urls, FedState};

pub async fn on_reply(
    data: &Data<FedState>,
    site: Site,
    actor: RemoteActor,
    create: Create,
) -> Result<(), FedError> {
    let note = create.object;
    let note_id = note.id.id_or_empty().to_string();
    if urls::host_of_str(&note_id) != actor.host {
        return Err(FedError::forbidden("object id is not on the actor's server"));
    }
    if !note.attributed_to.is(&actor.ap_id) {
        return Err(FedError::forbidden("the object is attributed to someone else"));
    }
    if !note.is(ObjectKind::Note) {
        return Err(FedError::bad("only replies (Note) can be created here"));
    }
    let in_reply_to = note.in_reply_to.id_or_empty().to_string();
    let text = comment_rules::RemoteText::from_html(note.content_html())?;
    let received = Received::new(&create.id, &actor, "Create");
    // One trip to the writer: a reply needs few reads, and a separate read trip (one more
    // hand-off between threads) cost more than it saved in the same run. The HTML was parsed
    // and sanitised above, outside it.
    receive(data, received, move |conn, effects| {
        let proposal_id = local_proposal_id(conn, &site, &in_reply_to)?
            .ok_or_else(|| FedError::not_found("the reply is not to a proposal here"))?;
        let (detail, listed) = proposals::find_with_process(conn, &proposal_id)?;
        let proposal = listed.proposal;
        let user = remote_user(conn, &actor)?;
        // A reply to a comment stays in its thread.
        let parent = if in_reply_to.contains("/proposals/") {
            None
        } else {
            local_comment(conn, &site, &in_reply_to)?
        };
        let comment = comment_rules::add_remote(conn, &detail, &proposal, &user, text, parent, &note_id)?;
        crate::domain::notifications::events::commented(conn, &proposal, &comment)?;
        effects.federate(Event::CommentCreated(comment.id));
        Ok(())
    })
    .await
}

/// A remote person edits their reply: the comment here takes the new (sanitised) text.
pub async fn on_reply_edited(
    data: &Data<FedState>,
    actor: RemoteActor,
    update: Update,
) -> Result<(), FedError> {
    let note = update.object;
    let note_id = note.id.id_or_empty().to_string();
    if note.attributed_to.id().is_some_and(|a| a != actor.ap_id) {
        return Err(FedError::forbidden("the reply is attributed to someone else"));
    }
    let text = comment_rules::RemoteText::from_html(note.content_html())?;
    let received = Received::new(&update.id, &actor, "Update");
    receive(data, received, move |conn, _| {
        let user_id = actor
            .local_user_id
            .clone()
            .ok_or_else(|| FedError::not_found("no reply of this actor here"))?;
        let comment_id = comment_rules::find_remote(conn, &note_id, &user_id)?
            .ok_or_else(|| FedError::not_found("no such reply here"))?;
        comment_rules::edit_remote(conn, &comment_id, text)?;
        Ok(())
    })
    .await
}
