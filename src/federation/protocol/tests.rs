//! Every activity in `tests/data/peers/` read into the typed [`Activity`], with the fields the
//! inbound handlers act on.

use super::*;

const PROPOSAL: &str = "https://town.example/proposals/01a23c00-cbc6-7144-9f21-520a9630fb53";
const PROCESS: &str = "https://town.example/processes/budget-2027";

macro_rules! peer_json {
    ($path:literal) => {
        read(serde_json::from_str(include_str!(concat!("../../../tests/data/peers/", $path))).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", $path))
    };
}

#[test]
fn follows_from_every_peer_name_the_process_and_keep_their_json() {
    for activity in [
        peer_json!("mastodon/follow.json"),
        peer_json!("lemmy/follow.json"),
        peer_json!("fedify/follow.json"),
    ] {
        let Activity::Follow(follow) = activity else {
            panic!("not a Follow: {activity:?}")
        };
        assert!(follow.object.is(PROCESS));
        assert_eq!(follow.raw["id"], follow.id.as_str());
        assert!(follow.actor.id().is_some());
    }
}

#[test]
fn likes_and_votes_name_the_proposal() {
    for activity in [
        peer_json!("mastodon/like.json"),
        peer_json!("lemmy/like.json"),
        peer_json!("fedify/like.json"),
    ] {
        let Activity::Like(like) = activity else {
            panic!("not a Like: {activity:?}")
        };
        assert!(like.object.is(PROPOSAL));
        assert!(like.residency.is_none());
    }
    let Activity::Like(like) = peer_json!("plenum/like-with-residency.json") else {
        panic!("not a Like")
    };
    assert_eq!(like.residency.unwrap()["issuer"], "https://b-town.example/actor");
    let Activity::Dislike(vote) = peer_json!("lemmy/dislike.json") else {
        panic!("not a Dislike")
    };
    assert!(vote.object.is(PROPOSAL));
}

#[test]
fn undos_carry_the_undone_activity_embedded() {
    let Activity::Undo(undo) = peer_json!("mastodon/undo-like.json") else {
        panic!("not an Undo")
    };
    assert_eq!(undo.object.kind, Some(ObjectKind::Other("Like".into())));
    assert!(undo.object.object.is(PROPOSAL));
    assert!(undo.object.actor.is("https://social.example/users/camille"));
    let Activity::Undo(undo) = peer_json!("lemmy/undo-dislike.json") else {
        panic!("not an Undo")
    };
    assert_eq!(undo.object.kind, Some(ObjectKind::Other("Dislike".into())));
    assert!(undo.object.id().unwrap().contains("/dislike/"));
    let Activity::Undo(undo) = peer_json!("fedify/undo-follow.json") else {
        panic!("not an Undo")
    };
    assert_eq!(undo.object.kind, Some(ObjectKind::Other("Follow".into())));
    assert!(undo.object.object.is(PROCESS));
}

#[test]
fn replies_from_every_peer_read_as_notes_in_reply_to_the_proposal() {
    for (activity, author) in [
        (
            peer_json!("mastodon/create-note-reply.json"),
            "https://social.example/users/camille",
        ),
        (
            peer_json!("lemmy/create-note-comment.json"),
            "https://lemmy.example/u/dominique",
        ),
        (
            peer_json!("mobilizon/create-note-comment.json"),
            "https://events.example/@claude",
        ),
        (
            peer_json!("fedify/create-note.json"),
            "https://fedify.example/users/sam",
        ),
    ] {
        let Activity::Create(create) = activity else {
            panic!("not a Create: {activity:?}")
        };
        let note = &create.object;
        assert!(note.is(ObjectKind::Note), "{:?}", note.kind);
        assert!(note.in_reply_to.is(PROPOSAL));
        assert!(note.attributed_to.is(author));
        assert!(create.actor.is(author));
        assert!(note.content_html().starts_with("<p>"));
    }
}

#[test]
fn a_lemmy_post_reads_as_a_page_with_its_markdown_and_community() {
    let Activity::Create(create) = peer_json!("lemmy/create-page-post.json") else {
        panic!("not a Create")
    };
    let page = &create.object;
    assert!(page.is(ObjectKind::Page));
    assert_eq!(page.name.as_deref(), Some("A bike shelter at the station"));
    assert!(page.audience.is(PROCESS));
    assert!(page.to.iter().any(|to| to == PROCESS));
    let source = page.source.as_ref().unwrap();
    assert_eq!(source.media_type.as_deref(), Some("text/markdown"));
    assert!(create.audience.is(PROCESS));
}

#[test]
fn edits_boosts_deletions_and_reports_read_with_what_they_name() {
    let Activity::Update(update) = peer_json!("mastodon/update-note.json") else {
        panic!("not an Update")
    };
    assert!(update.object.is(ObjectKind::Note));
    let Activity::Announce(boost) = peer_json!("mastodon/announce.json") else {
        panic!("not an Announce")
    };
    assert_eq!(boost.object.id(), Some(PROPOSAL));
    assert_eq!(boost.object.kind, None);
    let Activity::Delete(delete) = peer_json!("mastodon/delete-tombstone.json") else {
        panic!("not a Delete")
    };
    assert!(delete
        .object
        .is("https://social.example/users/camille/statuses/113500000000000001"));
    let Activity::Delete(delete) = peer_json!("lemmy/delete-comment.json") else {
        panic!("not a Delete")
    };
    assert!(delete.object.is("https://lemmy.example/comment/42"));
    let Activity::Flag(flag) = peer_json!("mastodon/flag.json") else {
        panic!("not a Flag")
    };
    assert_eq!(
        flag.object.0,
        vec!["https://social.example/users/someone", PROPOSAL]
    );
    assert_eq!(flag.comment(), "Spam: the same text in every process");
    let Activity::Flag(flag) = peer_json!("lemmy/flag.json") else {
        panic!("not a Flag")
    };
    assert_eq!(flag.object.0, vec![PROPOSAL]);
    assert_eq!(flag.comment(), "Advertising");
}

#[test]
fn what_a_followed_town_sends_reads_with_the_object_kept_as_sent() {
    let Activity::Accept(accept) = peer_json!("plenum/accept.json") else {
        panic!("not an Accept")
    };
    assert!(accept
        .object
        .id()
        .unwrap()
        .starts_with("https://town.example/activities/"));
    let Activity::Announce(announce) = peer_json!("plenum/announce-create-page.json") else {
        panic!("not an Announce")
    };
    assert!(announce.object.is(ObjectKind::Create));
    let page = announce.object.unwrap_create_or_update();
    assert!(page.is(ObjectKind::Page));
    assert_eq!(page.raw["name"], "Night buses on Fridays");
    let Activity::Update(update) = peer_json!("plenum/update-group.json") else {
        panic!("not an Update")
    };
    assert!(update.object.is(ObjectKind::Group));
    let Activity::Create(create) = peer_json!("plenum/create-document.json") else {
        panic!("not a Create")
    };
    assert!(create.object.is(ObjectKind::Document));
    // The proof covers the document as sent: every field, known to us or not, is kept.
    assert_eq!(create.object.raw["ballots"], 1204);
}

#[test]
fn types_we_do_not_act_on_are_read_as_other_never_an_error() {
    for activity in [
        peer_json!("mastodon/move.json"),
        peer_json!("lemmy/add-mod.json"),
        peer_json!("mobilizon/join.json"),
    ] {
        assert!(matches!(activity, Activity::Other), "{activity:?}");
    }
}

#[test]
fn fields_of_unexpected_shapes_leave_the_activity_readable() {
    let odd = serde_json::json!({
        "type": "Like", "id": "https://a.example/l", "actor": {"id": "https://a.example/u"},
        "object": ["https://town.example/proposals/x"], "residency": "yes", "extra": {"deep": [1, 2]}
    });
    let Activity::Like(like) = read(odd).unwrap() else {
        panic!("not a Like")
    };
    assert!(like.actor.is("https://a.example/u"));
    assert_eq!(like.object.id(), None);
    let no_object =
        serde_json::json!({"type": "Follow", "id": "https://a.example/f", "actor": "https://a.example/u"});
    let Activity::Follow(follow) = read(no_object).unwrap() else {
        panic!("not a Follow")
    };
    assert_eq!(follow.object.id(), None);
    // Without an id the inbox has refused the body already; here it is an error, not a panic.
    assert!(read(serde_json::json!({"type": "Like", "actor": "https://a.example/u"})).is_err());
}
