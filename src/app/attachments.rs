//! Adding and removing images and documents on a proposal (its author, while they may edit it;
//! staff), a budget project or a process (staff).

use super::{act, AppState};
use crate::domain::accounts::User;
use crate::domain::attachments::{self, Accepted, Attachment, Details, NewAttachment, Owner, OwnerKind};
use crate::domain::{Error, Result};
use crate::federation::outbox::Event;

/// Images decoded at once on this node: each may take a few hundred megabytes while it is
/// decoded and resized, so more uploads wait their turn rather than exhaust memory.
static DECODING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The item if `user` may manage its attachments (asked before an upload is read at all).
pub async fn manageable(state: &AppState, user: &User, kind: OwnerKind, id: String) -> Result<Owner> {
    let user = user.clone();
    state
        .db
        .read(move |conn| attachments::manageable_owner(conn, kind, &id, &user))
        .await
}

/// The item and its attachments, if `viewer` may see it.
pub async fn view(
    state: &AppState,
    viewer: Option<&User>,
    kind: OwnerKind,
    id: String,
) -> Result<(Owner, attachments::Shown)> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| {
            let owner = attachments::visible_owner(conn, kind, &id, viewer.as_ref())?;
            let shown = attachments::of(conn, kind, &id)?;
            Ok((owner, shown))
        })
        .await
}

/// Checks `bytes` by their content, stores what is kept of them and records the attachment.
/// Nothing is written when the file is refused; the files are removed again when the record is.
pub async fn add(
    state: &AppState,
    user: User,
    kind: OwnerKind,
    owner_id: String,
    details: Details,
    bytes: Vec<u8>,
) -> Result<Attachment> {
    attachments::check_details(&details)?;
    let max_pixels = state.config.image_max_pixels;
    let accepted = {
        let _slot = DECODING.acquire().await.map_err(|_| task_error("closed"))?;
        tokio::task::spawn_blocking(move || attachments::inspect(bytes, max_pixels))
            .await
            .map_err(|e| task_error(&e.to_string()))?
            .map_err(|msg| Error::invalid("file", msg))?
    };
    if let Accepted::Image { .. } = accepted {
        // An image without its description is refused before anything is written.
        if details.alt_text.trim().chars().count() < 2 {
            return Err(Error::invalid(
                "alt",
                crate::domain::Msg::new("attachment-error-alt"),
            ));
        }
    }
    let id = attachments::next_id();
    let files = match &accepted {
        Accepted::Image { files, .. } => files.clone(),
        Accepted::Document { bytes, .. } => vec![("file".to_string(), bytes.clone())],
    };
    let store = state.uploads.clone();
    let stored_id = id.clone();
    tokio::task::spawn_blocking(move || store.put(&stored_id, &files))
        .await
        .map_err(|e| task_error(&e.to_string()))?
        .map_err(|e| {
            tracing::error!(error = %e, "could not write an upload");
            task_error("the upload folder cannot be written")
        })?;
    let recorded_id = id.clone();
    let recorded = act(state, move |conn, effects| {
        // Asked again in the transaction: the proposal may have been answered meanwhile.
        let owner = attachments::manageable_owner(conn, kind, &owner_id, &user)?;
        let added = attachments::add(
            conn,
            NewAttachment {
                id: &recorded_id,
                owner: &owner,
                uploader: &user,
                details: &details,
                accepted: &accepted,
            },
        )?;
        if kind == OwnerKind::Proposal {
            effects.federate(Event::ProposalChanged(owner.id));
        }
        Ok(added)
    })
    .await;
    if recorded.is_err() {
        state.uploads.remove(&id);
    }
    recorded
}

/// Removes one attachment of an item `user` may manage; its files go once that is committed.
pub async fn remove(
    state: &AppState,
    user: User,
    kind: OwnerKind,
    owner_id: String,
    id: String,
) -> Result<Owner> {
    let removed_id = id.clone();
    let owner = act(state, move |conn, effects| {
        let owner = attachments::manageable_owner(conn, kind, &owner_id, &user)?;
        attachments::remove(conn, &owner, &removed_id)?;
        if kind == OwnerKind::Proposal {
            effects.federate(Event::ProposalChanged(owner.id.clone()));
        }
        Ok(owner)
    })
    .await?;
    state.uploads.remove(&id);
    Ok(owner)
}

fn task_error(text: &str) -> Error {
    Error::Db(crate::db::DbError::Task(text.to_string()))
}
