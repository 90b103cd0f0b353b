//! What each kind of peer is sent: Lemmy the community's `Announce` of a person's activity and
//! no `Announce(Page)`, the others the process's own `Update`/`Delete`; nothing sent back to the
//! server an object came from; the outbox addressed as Lemmy's parser wants; and a 4xx answer
//! recorded as refused, with the answer, not as delivered.

use diesel::prelude::*;
use serde_json::Value;

use plenum::db::schema::{comments, deliveries, followers, outbound_activities, peer_software};
use plenum::domain::{now, Error};
use plenum::federation::outbox::{self, Event, Site};

use crate::common::{Allow, TestApp};

const LEMMY_INBOX: &str = "http://lemmy.example/inbox";
const OTHER_INBOX: &str = "http://town.example/inbox";

/// Runs `f` on the writer (the test helper `db` reads).
async fn write<T: Send + 'static>(
    app: &TestApp,
    f: impl FnOnce(&mut plenum::db::AnyConnection) -> Result<T, Error> + Send + 'static,
) -> T {
    app.state.db.write(f).await.expect("database write")
}

/// A process followed from a Lemmy (known as one) and from another town.
async fn followed_process(app: &TestApp) -> String {
    let detail = app.process("budget-2026", Allow::ALL).await;
    let process_id = detail.process.id.clone();
    write(app, move |c| {
        for (actor, inbox) in [
            ("http://lemmy.example/u/ada", LEMMY_INBOX),
            ("http://town.example/actor", OTHER_INBOX),
        ] {
            diesel::insert_into(followers::table)
                .values((
                    followers::process_id.eq(&process_id),
                    followers::actor_ap_id.eq(actor),
                    followers::inbox.eq(inbox),
                    followers::follow_ap_id.eq(format!("{actor}/follow")),
                    followers::created_at.eq(now()),
                ))
                .execute(c)?;
        }
        Ok::<_, Error>(())
    })
    .await;
    detail.process.id
}

/// Every stored activity: (kind, form, body).
async fn stored(app: &TestApp) -> Vec<(String, Option<String>, Value)> {
    let rows: Vec<(String, Option<String>, String)> = app
        .db(|c| {
            Ok::<_, Error>(
                outbound_activities::table
                    .order(outbound_activities::created_at.asc())
                    .select((
                        outbound_activities::kind,
                        outbound_activities::form,
                        outbound_activities::body,
                    ))
                    .load(c)?,
            )
        })
        .await;
    rows.into_iter()
        .map(|(k, f, b)| (k, f, serde_json::from_str(&b).expect("json")))
        .collect()
}

/// The inboxes an activity of this type (and inner type) is queued for.
async fn inboxes_of(app: &TestApp, pick: impl Fn(&Value) -> bool) -> Vec<String> {
    let rows: Vec<(String, String)> = app
        .db(|c| {
            Ok::<_, Error>(
                deliveries::table
                    .inner_join(outbound_activities::table)
                    .select((outbound_activities::body, deliveries::inbox))
                    .load(c)?,
            )
        })
        .await;
    rows.into_iter()
        .filter(|(b, _)| pick(&serde_json::from_str(b).expect("json")))
        .map(|(_, i)| i)
        .collect()
}

#[tokio::test]
async fn an_edit_goes_to_lemmy_as_the_authors_update_announced_and_to_others_as_the_process_update() {
    let app = TestApp::new().await;
    followed_process(&app).await;
    let (mut alice, _) = app.citizen("alice").await;
    let path = alice
        .propose(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    let proposal_id = path.rsplit('/').next().expect("id").to_string();
    let site = Site::of(&app.state.config);
    let id = proposal_id.clone();
    write(&app, move |c| outbox::after(c, &site, Event::ProposalChanged(id))).await;
    let all = stored(&app).await;
    let base = app.state.config.base();
    let group = format!("{base}/processes/budget-2026");
    let update = all
        .iter()
        .find(|(k, _, _)| k == "Update")
        .expect("the process's Update");
    assert_eq!(update.1.as_deref(), Some("classic"));
    assert_eq!(update.2["actor"], group.as_str());
    let lemmy = all
        .iter()
        .find(|(k, _, b)| k == "Announce" && b["object"]["type"] == "Update")
        .expect("the announced Update");
    assert_eq!(lemmy.1.as_deref(), Some("lemmy"));
    assert_eq!(lemmy.2["actor"], group.as_str());
    assert_eq!(
        lemmy.2["object"]["actor"],
        format!("{base}/users/alice").as_str(),
        "the author, not the Group"
    );
    assert_eq!(
        lemmy.2["object"]["object"]["attributedTo"],
        lemmy.2["object"]["actor"]
    );
    assert_eq!(lemmy.2["object"]["audience"], group.as_str());
    assert!(lemmy.2["object"]["to"].is_array() && lemmy.2["object"]["cc"].is_array());
    // The bare `Announce(Page)` of the new proposal is for the classic peers only.
    let bare = all
        .iter()
        .find(|(k, _, b)| k == "Announce" && b["object"].is_string())
        .expect("Announce(Page)");
    assert_eq!(bare.1.as_deref(), Some("classic"));
    let wrapped = all
        .iter()
        .find(|(k, _, b)| k == "Announce" && b["object"]["type"] == "Create")
        .expect("Announce(Create(Page))");
    assert_eq!(wrapped.1, None, "every peer takes Announce(Create(Page))");
}

#[tokio::test]
async fn a_removal_goes_to_lemmy_as_a_moderators_delete_with_a_summary() {
    let app = TestApp::new().await;
    followed_process(&app).await;
    app.staff("staffer").await;
    let (mut alice, _) = app.citizen("alice").await;
    let path = alice
        .propose(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    let id = path.rsplit('/').next().expect("id").to_string();
    let site = Site::of(&app.state.config);
    write(&app, move |c| outbox::after(c, &site, Event::ProposalRemoved(id))).await;
    let all = stored(&app).await;
    let base = app.state.config.base();
    let lemmy = all
        .iter()
        .find(|(k, _, b)| k == "Announce" && b["object"]["type"] == "Delete")
        .expect("the announced Delete");
    assert_eq!(lemmy.1.as_deref(), Some("lemmy"));
    assert_eq!(
        lemmy.2["object"]["actor"],
        format!("{base}/users/staffer").as_str()
    );
    assert!(
        lemmy.2["object"]["summary"].is_string(),
        "a summary makes it a removal"
    );
    let classic = all
        .iter()
        .find(|(k, _, _)| k == "Delete")
        .expect("the process's Delete");
    assert_eq!(classic.1.as_deref(), Some("classic"));
}

#[tokio::test]
async fn a_reply_from_another_server_is_not_announced_back_to_it() {
    let app = TestApp::new().await;
    followed_process(&app).await;
    let (mut alice, _) = app.citizen("alice").await;
    let path = alice
        .propose(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    let proposal_id = path.rsplit('/').next().expect("id").to_string();
    let site = Site::of(&app.state.config);
    write(&app, move |c| {
        diesel::insert_into(comments::table)
            .values((
                comments::id.eq("remote-comment"),
                comments::proposal_id.eq(&proposal_id),
                comments::body.eq("From Lemmy"),
                comments::body_html.eq("<p>From Lemmy</p>"),
                comments::stance.eq("neutral"),
                comments::hidden.eq(false),
                comments::created_at.eq(now()),
                comments::ap_id.eq(Some("http://lemmy.example/comment/7")),
            ))
            .execute(c)?;
        outbox::after(c, &site, Event::CommentCreated("remote-comment".into()))
    })
    .await;
    let to = inboxes_of(&app, |b| {
        b["type"] == "Announce" && b["object"]["object"]["type"] == "Note"
    })
    .await;
    assert_eq!(
        to,
        vec![OTHER_INBOX.to_string()],
        "only the other town hears of it"
    );
}

#[tokio::test]
async fn outbox_items_are_addressed_on_the_announce_and_on_the_create() {
    let app = TestApp::new().await;
    app.process("budget-2026", Allow::ALL).await;
    let (mut alice, _) = app.citizen("alice").await;
    alice
        .propose(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    let mut b = app.browser();
    let outbox = b
        .send(
            axum::http::Request::builder()
                .uri("/processes/budget-2026/outbox")
                .header("accept", "application/activity+json")
                .body(axum::body::Body::empty())
                .expect("request"),
        )
        .await
        .json();
    let item = &outbox["orderedItems"][0];
    let group = format!("{}/processes/budget-2026", app.state.config.base());
    assert_eq!(item["to"][0], "https://www.w3.org/ns/activitystreams#Public");
    assert_eq!(item["cc"][0], format!("{group}/followers").as_str());
    assert!(item["object"]["to"].is_array(), "{item}");
    assert!(item["object"]["cc"].is_array(), "{item}");
    assert_eq!(item["object"]["audience"], group.as_str());
}

/// A peer that answers NodeInfo as Lemmy and refuses every activity with a 400.
async fn refusing_lemmy() -> String {
    use axum::routing::{get, post};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let origin = format!("http://localhost:{port}");
    let href = format!("{origin}/nodeinfo/2.1");
    let router = axum::Router::new()
        .route(
            "/.well-known/nodeinfo",
            get(move || async move {
                axum::Json(serde_json::json!({"links": [{"rel": "http://nodeinfo.diaspora.software/ns/schema/2.1", "href": href}]}))
            }),
        )
        .route(
            "/nodeinfo/2.1",
            get(|| async { axum::Json(serde_json::json!({"software": {"name": "lemmy", "version": "0.19.20"}})) }),
        )
        .route(
            "/inbox",
            post(|| async { (axum::http::StatusCode::BAD_REQUEST, "{\"error\":\"unknown\"}") }),
        );
    tokio::spawn(async move { axum::serve(listener, router).await });
    origin
}

#[tokio::test]
async fn a_4xx_answer_is_refused_with_the_answer_and_the_other_form_is_not_sent() {
    let app = TestApp::with_config(|c| c.federation_allow_private = vec!["*".into()]).await;
    let detail = app.process("budget-2026", Allow::ALL).await;
    let origin = refusing_lemmy().await;
    let inbox = format!("{origin}/inbox");
    let process_id = detail.process.id.clone();
    let follower_inbox = inbox.clone();
    write(&app, move |c| {
        diesel::insert_into(followers::table)
            .values((
                followers::process_id.eq(&process_id),
                followers::actor_ap_id.eq("http://localhost/u/ada"),
                followers::inbox.eq(&follower_inbox),
                followers::follow_ap_id.eq("http://localhost/follow/1"),
                followers::created_at.eq(now()),
            ))
            .execute(c)?;
        Ok::<_, Error>(())
    })
    .await;
    let (mut alice, _) = app.citizen("alice").await;
    alice
        .propose(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    plenum::federation::queue::run_once(&app.state)
        .await
        .expect("worker");
    let rows: Vec<(String, Option<String>, String)> = app
        .db(|c| {
            Ok::<_, Error>(
                deliveries::table
                    .select((deliveries::state, deliveries::last_error, deliveries::inbox))
                    .order(deliveries::state.asc())
                    .load(c)?,
            )
        })
        .await;
    let states: Vec<&str> = rows.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(states, vec!["refused", "skipped"], "{rows:?}");
    let answer = rows[0].1.as_deref().unwrap_or_default();
    assert!(
        answer.starts_with("400") && answer.contains("unknown"),
        "the peer's answer is kept: {answer}"
    );
    let software: Vec<String> = app
        .db(|c| Ok::<_, Error>(peer_software::table.select(peer_software::software).load(c)?))
        .await;
    assert_eq!(
        software,
        vec!["lemmy".to_string()],
        "NodeInfo read once and remembered"
    );
    // Staff see it as refused, with the answer.
    let (mut staff, _) = app.staff("staffer").await;
    staff
        .get("/admin/federation")
        .await
        .assert_contains("Refused by the receiver")
        .assert_contains("Not sent");
}
