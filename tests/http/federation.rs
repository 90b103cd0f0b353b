//! Federation through the router: discovery, JSON-LD by content negotiation, the inbox refusing
//! unsigned or malformed requests without storing anything, and the delivery queue (rows written
//! with the change, shared inboxes once, blocked servers skipped, failures retried later).

use axum::body::Body;
use axum::http::{header, Method, Request};
use diesel::prelude::*;
use serde_json::json;

use plenum::db::schema::{deliveries, followers, outbound_activities, received_activities};
use plenum::domain::{now, Error};
use plenum::federation::policy;

use crate::common::{Allow, TestApp};
use crate::town::TestTown;

/// A follower whose inbox nobody answers (port 1), so that activities are queued and stored.
async fn follower_on_port_1(app: &TestApp, process_id: String) {
    app.db(move |c| {
        diesel::insert_into(followers::table)
            .values((
                followers::process_id.eq(&process_id),
                followers::actor_ap_id.eq("http://localhost:1/actor"),
                followers::inbox.eq("http://localhost:1/inbox"),
                followers::follow_ap_id.eq("http://localhost:1/follow/1"),
                followers::created_at.eq(now()),
            ))
            .execute(c)
            .map_err(Error::from)
    })
    .await;
}

fn activity_get(path: &str) -> Request<Body> {
    Request::builder()
        .uri(path)
        .header(header::ACCEPT, "application/activity+json")
        .body(Body::empty())
        .expect("request")
}

#[tokio::test]
async fn discovery_and_content_negotiation() {
    let town = TestTown::new()
        .with_process("budget-2026", Allow::ALL)
        .with_citizen("alice")
        .with_proposal_text(
            "budget-2026",
            "alice",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    let detail = town.detail("budget-2026").clone();
    let proposal_path = format!("/proposals/{}", town.proposal("Trees on the square"));
    let mut b = town.browser();
    let domain = town.state.config.domain();
    let base = town.state.config.base();

    let wf = b
        .get(&format!(
            "/.well-known/webfinger?resource=acct:budget-2026@{domain}"
        ))
        .await;
    wf.assert_status(200);
    assert_eq!(
        wf.json()["links"][0]["href"],
        format!("{base}/processes/budget-2026")
    );
    assert_eq!(wf.json()["links"][0]["type"], "application/activity+json");
    b.get(&format!("/.well-known/webfinger?resource=acct:alice@{domain}"))
        .await
        .assert_status(200);
    b.get(&format!("/.well-known/webfinger?resource=acct:nobody@{domain}"))
        .await
        .assert_status(404);
    b.get("/.well-known/webfinger?resource=acct:budget-2026@elsewhere.example")
        .await
        .assert_status(404);

    let links = b.get("/.well-known/nodeinfo").await;
    assert!(links.json()["links"][0]["href"]
        .as_str()
        .expect("href")
        .ends_with("/nodeinfo/2.1"));
    let info = b.get("/nodeinfo/2.1").await;
    assert_eq!(info.json()["software"]["name"], "plenum");
    assert_eq!(info.json()["usage"]["localPosts"], 1);

    let group = b.send(activity_get("/processes/budget-2026")).await;
    group.assert_status(200);
    assert!(group.headers[header::CONTENT_TYPE]
        .to_str()
        .expect("type")
        .starts_with("application/activity+json"));
    let g = group.json();
    assert_eq!(g["type"], "Group");
    assert_eq!(g["inbox"], format!("{base}/processes/budget-2026/inbox"));
    assert!(g["publicKey"]["publicKeyPem"]
        .as_str()
        .expect("pem")
        .contains("BEGIN PUBLIC KEY"));
    assert_eq!(g["eligibility"], "open");
    assert_eq!(g["currentPhase"], "proposals");
    assert_eq!(g["assertionMethod"][0]["type"], "Multikey");

    let page = b.send(activity_get(&proposal_path)).await;
    page.assert_status(200);
    let p = page.json();
    assert_eq!(p["type"], "Page");
    assert_eq!(p["attributedTo"], format!("{base}/users/alice"));
    assert_eq!(p["audience"], format!("{base}/processes/budget-2026"));
    assert_eq!(p["bindingEndorsements"], 0);
    // The same address gives a browser the page.
    b.get(&proposal_path)
        .await
        .assert_status(200)
        .assert_contains("Trees on the square");

    let person = b.send(activity_get("/users/alice")).await;
    assert_eq!(person.json()["type"], "Person");
    let actor = b.send(activity_get("/actor")).await;
    assert_eq!(actor.json()["type"], "Application");
    let outbox = b.send(activity_get("/processes/budget-2026/outbox")).await;
    assert_eq!(outbox.json()["totalItems"], 1);
    assert_eq!(
        outbox.json()["orderedItems"][0]["object"]["object"]["name"],
        "Trees on the square"
    );
    let _ = detail;
}

fn inbox_post(body: String, date: Option<&str>) -> Request<Body> {
    let mut builder = Request::builder()
        .method(Method::POST)
        .uri("/inbox")
        .header(header::CONTENT_TYPE, "application/activity+json");
    if let Some(date) = date {
        builder = builder.header(header::DATE, date);
    }
    builder.body(Body::from(body)).expect("request")
}

async fn received(app: &TestApp) -> i64 {
    app.db(|c| Ok::<_, Error>(received_activities::table.count().get_result::<i64>(c)?))
        .await
}

#[tokio::test]
async fn inbox_refuses_bad_requests_and_stores_nothing() {
    let app = TestApp::new().await;
    app.process("budget-2026", Allow::ALL).await;
    let mut b = app.browser();
    let like = json!({
        "id": "http://remote.example/likes/1",
        "type": "Like",
        "actor": "http://remote.example/users/mallory",
        "object": format!("{}/proposals/x", app.state.config.base()),
    })
    .to_string();
    let date = chrono::Utc::now().format("%a, %d %b %Y %H:%M:%S GMT").to_string();

    b.send(inbox_post("{not json".into(), Some(&date)))
        .await
        .assert_status(400);
    // A type we do not act on still needs a valid signature (then it is acknowledged, ignored).
    let unknown = like.replace("\"Like\"", "\"Move\"");
    b.send(inbox_post(unknown, Some(&date))).await.assert_status(401);
    let typeless = like.replace("\"type\":\"Like\",", "");
    b.send(inbox_post(typeless, Some(&date))).await.assert_status(400);
    // No Date, or a date from yesterday: a captured request is not replayed.
    b.send(inbox_post(like.clone(), None)).await.assert_status(401);
    b.send(inbox_post(like.clone(), Some("Mon, 01 Jan 2024 00:00:00 GMT")))
        .await
        .assert_status(401);
    // Fresh, but unsigned.
    b.send(inbox_post(like.clone(), Some(&date)))
        .await
        .assert_status(401);
    let big = json!({"id": "http://remote.example/a/1", "type": "Like", "actor": "http://remote.example/u", "object": "x".repeat(300_000)});
    b.send(inbox_post(big.to_string(), Some(&date)))
        .await
        .assert_status(413);
    // The id of an activity must be on its actor's server.
    let spoofed = like.replace("http://remote.example/likes/1", "http://other.example/likes/1");
    let mut request = inbox_post(spoofed, Some(&date));
    request.headers_mut().insert(
        "signature",
        "keyId=\"http://remote.example/users/mallory#main-key\",headers=\"(request-target) host date digest\",signature=\"x\""
            .parse()
            .expect("header"),
    );
    b.send(request).await.assert_status(403);
    // A blocked server is refused before anything else is looked at.
    app.state
        .db
        .write(|c| policy::set_peer(c, "remote.example", Some("block")))
        .await
        .expect("block");
    let mut request = inbox_post(like.clone(), Some(&date));
    request.headers_mut().insert(
        "signature",
        "keyId=\"http://remote.example/users/mallory#main-key\",headers=\"(request-target) host date digest\",signature=\"x\""
            .parse()
            .expect("header"),
    );
    b.send(request).await.assert_status(403);
    assert_eq!(received(&app).await, 0, "nothing recorded");
}

#[tokio::test]
async fn deliveries_are_queued_with_the_change_once_per_inbox() {
    let app = TestApp::new().await;
    let detail = app.process("budget-2026", Allow::ALL).await;
    let process_id = detail.process.id.clone();
    // Three followers: two on one server sharing its inbox, one on a blocked server.
    app.state
        .db
        .write(move |c| {
            for (actor, inbox) in [
                ("http://localhost:1/users/a", "http://localhost:1/inbox"),
                ("http://localhost:1/users/b", "http://localhost:1/inbox"),
                ("http://blocked.example/users/c", "http://blocked.example/inbox"),
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
            policy::set_peer(c, "blocked.example", Some("block"))
        })
        .await
        .expect("followers");
    let (mut citizen, _) = app.citizen("alice").await;
    citizen
        .post(
            "/processes/budget-2026/proposals",
            &[
                ("title", "Trees on the square"),
                ("body", "Plant trees on the market square, please."),
            ],
        )
        .await
        .assert_status(303);
    let rows: Vec<(String, String, String)> = app
        .db(|c| {
            Ok::<_, Error>(
                deliveries::table
                    .inner_join(outbound_activities::table)
                    .select((outbound_activities::kind, deliveries::inbox, deliveries::state))
                    .load(c)?,
            )
        })
        .await;
    // Announce(Create(Page)) and Announce(Page), each once to the shared inbox; none to the
    // blocked server.
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert!(rows.iter().all(|(kind, inbox, state)| kind == "Announce"
        && inbox == "http://localhost:1/inbox"
        && state == "pending"));
    // The inner Create is stored too, to be fetched at its id.
    let stored: i64 = app
        .db(|c| Ok::<_, Error>(outbound_activities::table.count().get_result(c)?))
        .await;
    assert_eq!(stored, 3);

    // Nobody listens on port 1: the attempt fails and is scheduled again, with its error.
    let handled = plenum::federation::queue::run_once(&app.state)
        .await
        .expect("worker");
    assert_eq!(handled, 2);
    let after: Vec<(String, i32, Option<String>, chrono::NaiveDateTime)> = app
        .db(|c| {
            Ok::<_, Error>(
                deliveries::table
                    .select((
                        deliveries::state,
                        deliveries::attempts,
                        deliveries::last_error,
                        deliveries::next_attempt_at,
                    ))
                    .load(c)?,
            )
        })
        .await;
    for (state, attempts, error, next) in &after {
        assert_eq!(state, "pending");
        assert_eq!(*attempts, 1);
        assert!(error.as_deref().is_some_and(|e| !e.is_empty()));
        assert!(*next > now());
    }
    // Not due yet: a second pass sends nothing.
    assert_eq!(
        plenum::federation::queue::run_once(&app.state)
            .await
            .expect("worker"),
        0
    );
}

#[tokio::test]
async fn staff_manage_federation_citizens_cannot() {
    let town = TestTown::new()
        .with_process("budget-2026", Allow::ALL)
        .with_citizen("alice")
        .await;
    let detail = town.detail("budget-2026").clone();
    let mut citizen = town.browser_of("alice");
    citizen.get("/admin/federation").await.assert_status(403);
    let (mut staff, _) = town.staff("sam").await;
    staff
        .get("/admin/federation")
        .await
        .assert_status(200)
        .assert_contains("Processes of other towns we follow")
        .assert_contains("Deliveries to other servers");
    staff
        .post(
            "/admin/federation/peers",
            &[("host", "https://Bad.Example/"), ("policy", "block")],
        )
        .await
        .assert_status(303);
    staff
        .get("/admin/federation")
        .await
        .assert_contains("bad.example");
    staff
        .post(
            "/admin/federation/peers",
            &[("host", "not a host at all"), ("policy", "block")],
        )
        .await
        .assert_status(422);
    let path = format!("/admin/processes/{}/eligibility", detail.process.id);
    staff
        .post(
            &path,
            &[
                ("rule", "peers"),
                ("peer_hosts", "town-b.example, town-c.example:8443"),
            ],
        )
        .await
        .assert_status(303);
    let process = town
        .db(move |c| plenum::domain::processes::find_by_id(c, &detail.process.id))
        .await;
    let rule = plenum::federation::actors::Eligibility::of(&process);
    assert_eq!(rule.rule, plenum::domain::eligibility::Rule::Peers);
    assert_eq!(rule.peer_hosts, vec!["town-b.example", "town-c.example:8443"]);
    staff
        .post(&path, &[("rule", "everyone"), ("peer_hosts", "")])
        .await
        .assert_status(422);
    // Following an address that does not resolve says why, on the page.
    staff
        .post("/admin/federation/follow", &[("address", "budget@localhost:1")])
        .await
        .assert_status(200)
        .assert_contains("Could not follow budget@localhost:1");
}

#[tokio::test]
async fn a_burst_of_endorsements_makes_one_update_with_the_final_counts() {
    let app = TestApp::new().await;
    let detail = app.process("budget-2026", Allow::ALL).await;
    let process_id = detail.process.id.clone();
    follower_on_port_1(&app, process_id).await;
    let (mut alice, _) = app.citizen("alice").await;
    let proposal = alice
        .propose(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    for name in ["bob", "carol", "dave"] {
        let (mut b, _) = app.citizen(name).await;
        b.post(&format!("{proposal}/endorse"), &[])
            .await
            .assert_status(303);
    }
    let updates: Vec<String> = app
        .db(|c| {
            Ok::<_, Error>(
                outbound_activities::table
                    .filter(outbound_activities::kind.eq("Update"))
                    .select(outbound_activities::body)
                    .load(c)?,
            )
        })
        .await;
    assert_eq!(updates.len(), 1, "three endorsements in a row are one Update");
    let body: serde_json::Value = serde_json::from_str(&updates[0]).expect("json");
    assert_eq!(body["object"]["bindingEndorsements"], 3, "with the final count");
    assert!(body["id"].as_str().expect("id").contains("/activities/"));
}

/// Staff forward a report about a mirrored proposal to the town it comes from, as a `Flag`
/// from the instance actor to the process's inbox; citizens cannot.
#[tokio::test]
async fn staff_forward_a_report_about_a_mirrored_proposal_to_its_town() {
    use plenum::federation::mirror;
    let app = TestApp::new().await;
    let group = "http://other.example/processes/parks";
    let proposal_ap_id = "http://other.example/proposals/p1";
    let remote_id = app
        .db(move |c| {
            let process = mirror::upsert_process(c, &json!({"id": group, "name": "Parks"}), &format!("{group}/inbox"), None)?;
            let page = json!({"id": proposal_ap_id, "type": "Page", "name": "Pave the park", "attributedTo": "http://other.example/users/bob"});
            mirror::upsert_proposal(c, &process, &page, "bob")?;
            Ok::<_, Error>(mirror::find_proposal_by_ap_id(c, proposal_ap_id)?.expect("mirrored").id)
        })
        .await;
    let path = format!("/admin/federation/report/{remote_id}");
    let (mut citizen, _) = app.citizen("alice").await;
    citizen
        .post(&path, &[("reason", "This is advertising, not a proposal.")])
        .await
        .assert_status(403);
    let (mut staff, _) = app.staff("sam").await;
    staff.post(&path, &[("reason", "no")]).await.assert_status(422);
    let page = staff
        .post(&path, &[("reason", "This is advertising, not a proposal.")])
        .await;
    page.assert_status(303);
    let (bodies, inboxes) = app
        .db(|c| {
            let bodies: Vec<String> = outbound_activities::table
                .filter(outbound_activities::kind.eq("Flag"))
                .select(outbound_activities::body)
                .load(c)?;
            let inboxes: Vec<String> = deliveries::table.select(deliveries::inbox).load(c)?;
            Ok::<_, Error>((bodies, inboxes))
        })
        .await;
    assert_eq!(
        bodies.len(),
        1,
        "one Flag queued (the refused attempts queued nothing)"
    );
    let flag: serde_json::Value = serde_json::from_str(&bodies[0]).expect("json");
    assert_eq!(flag["actor"], format!("{}/actor", app.state.config.base()));
    assert_eq!(flag["object"][0], proposal_ap_id);
    assert_eq!(flag["object"][1], "http://other.example/users/bob");
    assert_eq!(flag["content"], "This is advertising, not a proposal.");
    assert_eq!(inboxes, vec![format!("{group}/inbox")]);
    staff
        .get(&format!("/remote/proposals/{remote_id}"))
        .await
        .assert_contains("forward-reason");
    let mut visitor = app.browser();
    let shown = visitor.get(&format!("/remote/proposals/{remote_id}")).await;
    assert!(
        !shown.body.contains("forward-reason"),
        "the form is for staff only"
    );
}

/// What moderation hid is not served again through the activity that carried it: the proposal's
/// `Create` is fetchable at its id until staff hide the proposal, then 404, and again after
/// they show it.
#[tokio::test]
async fn an_activity_carrying_a_hidden_proposal_is_not_served() {
    let app = TestApp::new().await;
    let detail = app.process("budget-2026", Allow::ALL).await;
    let process_id = detail.process.id.clone();
    follower_on_port_1(&app, process_id).await;
    let (mut alice, _) = app.citizen("alice").await;
    let id = alice
        .propose_id(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    let create: String = app
        .db(|c| {
            Ok::<_, Error>(
                outbound_activities::table
                    .filter(outbound_activities::kind.eq("Create"))
                    .select(outbound_activities::id)
                    .first(c)?,
            )
        })
        .await;
    let path = format!("/activities/{create}");
    let mut fetcher = app.browser();
    fetcher.send(activity_get(&path)).await.assert_status(200);
    let (mut staff, _) = app.staff("sam").await;
    staff
        .post(&format!("/admin/moderation/proposal/{id}/hide"), &[])
        .await
        .assert_status(303);
    fetcher.send(activity_get(&path)).await.assert_status(404);
    staff
        .post(&format!("/admin/moderation/proposal/{id}/unhide"), &[])
        .await
        .assert_status(303);
    fetcher.send(activity_get(&path)).await.assert_status(200);
}

/// A followed town's eligibility rule is stored only when it is one we know; anything else reads
/// as the strictest, `residents`.
#[tokio::test]
async fn a_followed_process_with_an_unknown_rule_reads_as_residents_only() {
    use plenum::domain::eligibility::Rule;
    use plenum::federation::mirror;
    let app = TestApp::new().await;
    let rules = app
        .db(|c| {
            let mut rules = Vec::new();
            for (n, sent) in [json!("peers"), json!("everyone"), json!(7), json!("x".repeat(10_000))].into_iter().enumerate() {
                let group = json!({"id": format!("http://other.example/processes/p{n}"), "name": "P", "eligibility": sent});
                let process = mirror::upsert_process(c, &group, "http://other.example/inbox", None)?;
                rules.push((process.rule(), process.eligibility.len()));
            }
            Ok::<_, Error>(rules)
        })
        .await;
    assert_eq!(rules[0].0, Rule::Peers);
    for (rule, stored_len) in &rules[1..] {
        assert_eq!(*rule, Rule::Residents);
        assert!(*stored_len <= "residents".len());
    }
}
