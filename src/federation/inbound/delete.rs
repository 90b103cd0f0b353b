//! `Delete` from another server: a followed process drops one of its proposals (the mirror here
//! marks it deleted), or a remote person deletes their reply (the comment is hidden here).

use activitypub_federation::config::Data;

use super::{receive, Received};
use crate::domain::comments as comment_rules;
use crate::federation::actors::RemoteActor;
use crate::federation::error::FedError;
use crate::federation::protocol::Delete;
use crate::federation::{mirror, urls, FedState};

pub async fn on_delete(data: &Data<FedState>, actor: RemoteActor, delete: Delete) -> Result<(), FedError> {
    let object_id = delete.object.id_or_empty().to_string();
    if urls::host_of_str(&object_id) != actor.host {
        return Err(FedError::forbidden("object id is not on the actor's server"));
    }
    let state = data.0.clone();
    let process = {
        let ap_id = actor.ap_id.clone();
        state
            .db
            .read(move |conn| mirror::find_process_by_ap_id(conn, &ap_id))
            .await?
    };
    let received = Received::new(&delete.id, &actor, "Delete");
    receive(&state, received, move |conn, _| {
        if let Some(process) = process {
            mirror::mark_proposal_deleted(conn, &process, &object_id)?;
        }
        if let Some(user_id) = &actor.local_user_id {
            if let Some(comment_id) = comment_rules::find_remote(conn, &object_id, user_id)? {
                comment_rules::set_hidden(conn, &comment_id, true)?;
            }
        }
        Ok(())
    })
    .await
}
