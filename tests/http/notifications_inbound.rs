//! A reply from another server notifies the proposal's author once, even when the activity
//! arrives twice.

use serde_json::json;

use plenum::domain::notifications;

use crate::common::Allow;
use crate::peer::{Peer, Req};
use crate::town::TestTown;

#[tokio::test]
async fn a_remote_reply_received_twice_notifies_the_author_once() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("alice")
        .with_proposal("budget", "alice", "Benches by the river")
        .await;
    let proposal = format!(
        "{}/proposals/{}",
        town.state.config.base(),
        town.proposal("Benches by the river")
    );
    let peer = Peer::start().await;
    let note = json!({
        "id": format!("{}/notes/1", peer.base),
        "type": "Note",
        "attributedTo": peer.actor("eve"),
        "inReplyTo": proposal,
        "content": "<p>Yes, facing west.</p>",
    });
    let create = peer.activity("eve", "Create", note);
    let first = town
        .browser()
        .send(Req::post("/inbox", &create).signed(&peer, "eve").build())
        .await;
    assert_eq!(first.status.as_u16(), 202, "{}", first.body);
    // The same activity again (a retry of the sender): accepted or refused, it tells no one twice.
    town.browser()
        .send(Req::post("/inbox", &create).signed(&peer, "eve").build())
        .await;
    let alice = town.account("alice").id.clone();
    let got = town.db(move |c| notifications::latest(c, &alice, 10)).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, "comment");
}
