//! Commenting on a proposal.

use super::{act, AppState};
use crate::domain::accounts::User;
use crate::domain::comments::{self, Comment, CommentForm};
use crate::domain::notifications::events;
use crate::domain::processes::ProcessDetail;
use crate::domain::proposals::Proposal;
use crate::domain::Result;
use crate::federation::outbox::Event;

/// A person comments (or replies to a comment, `form.parent_id`); followers receive it.
pub async fn add(
    state: &AppState,
    author: User,
    detail: ProcessDetail,
    proposal: Proposal,
    form: CommentForm,
) -> Result<Comment> {
    super::accounts::may_take_part(state, &author)?;
    act(state, move |conn, effects| {
        let comment = comments::add(conn, &detail, &proposal, &author, &form)?;
        events::commented(conn, &proposal, &comment)?;
        effects.federate(Event::CommentCreated(comment.id.clone()));
        Ok(comment)
    })
    .await
}
