//! The adversarial suite: crafted inbound requests from a real remote server (`peer.rs`, on
//! loopback, serving its actors' keys), each breaking one guarantee. Every attack is refused
//! with nothing stored; the valid controls beside them are accepted, so a refusal means the
//! check, not a broken fixture. Runs on both databases like every HTTP test.

use axum::http::Method;
use diesel::prelude::*;
use serde_json::{json, Value};

use plenum::db::schema::{comments, endorsements, followers, reactions, received_activities, remote_actors};
use plenum::domain::Error;
use plenum::federation::policy;

use crate::common::{Allow, TestApp};
use crate::peer::{self, http_date, legacy_digest, rfc9421_params, Peer, Req};

/// Rows an accepted activity would add, table by table.
async fn stored(app: &TestApp) -> [i64; 5] {
    app.db(|c| {
        Ok::<_, Error>([
            received_activities::table.count().get_result(c)?,
            followers::table.count().get_result(c)?,
            comments::table.count().get_result(c)?,
            reactions::table.count().get_result(c)?,
            endorsements::table.count().get_result(c)?,
        ])
    })
    .await
}

struct Town {
    app: TestApp,
    peer: Peer,
    /// `http://127.0.0.1:8080/processes/budget-2026`
    process: String,
    /// A proposal of that process.
    proposal: String,
    refused: usize,
    failures: Vec<String>,
}

impl Town {
    async fn new() -> Town {
        let app = TestApp::new().await;
        app.process("budget-2026", Allow::ALL).await;
        let (mut citizen, _) = app.citizen("alice").await;
        let path = citizen
            .propose(
                "budget-2026",
                "Benches by the river",
                "Three benches, facing west.",
            )
            .await;
        let base = app.state.config.base();
        let proposal = format!("{base}{path}");
        Town {
            process: format!("{base}/processes/budget-2026"),
            proposal,
            peer: Peer::start().await,
            app,
            refused: 0,
            failures: Vec::new(),
        }
    }

    async fn send(&self, req: &Req) -> (u16, String) {
        let page = self.app.browser().send(req.build()).await;
        (page.status.as_u16(), page.body.clone())
    }

    /// `req` must be answered with `status` and leave every table as it was.
    async fn refuses(&mut self, what: &str, req: Req, status: u16) {
        let before = stored(&self.app).await;
        let (got, body) = self.send(&req).await;
        let after = stored(&self.app).await;
        self.refused += 1;
        if got != status || before != after {
            self.failures.push(format!(
                "{what}: answered {got} (expected {status}): {body}; rows {before:?} -> {after:?}"
            ));
        }
    }

    /// A control: `req` must be accepted (202).
    async fn accepts(&mut self, what: &str, req: Req) {
        let (got, body) = self.send(&req).await;
        if got != 202 {
            self.failures
                .push(format!("control {what}: answered {got}: {body}"));
        }
    }

    fn follow(&self, name: &str) -> Value {
        self.peer.activity(name, "Follow", json!(self.process))
    }

    fn like(&self, name: &str) -> Value {
        self.peer.activity(name, "Like", json!(self.proposal))
    }

    fn signed_post(&self, name: &str, activity: &Value) -> Req {
        Req::post("/inbox", activity).signed(&self.peer, name)
    }

    fn report(&self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} checks failed:\n{}",
            self.failures.len(),
            self.refused,
            self.failures.join("\n")
        );
    }
}

#[tokio::test]
async fn forged_and_replayed_draft_cavage_requests_are_refused() {
    let mut t = Town::new().await;
    let m = "mallory";
    let key_id = t.peer.key_id(m);
    let key = t.peer.key(m);

    // Finding 1: a signed request's signature replayed with another body, the new body's
    // digest in a first `Digest` header and the signed one in a second.
    let signed = t.signed_post(m, &t.follow(m));
    let mut forged = signed.clone();
    forged.body = t.like(m).to_string().into_bytes();
    let digest = legacy_digest(&forged.body);
    t.refuses(
        "repeated Digest, forged first",
        forged.clone().add("digest", &digest, true),
        401,
    )
    .await;
    t.refuses(
        "repeated Digest, forged last",
        forged.add("digest", &digest, false),
        401,
    )
    .await;
    let twice = signed.first("signature").unwrap().to_string();
    t.refuses(
        "repeated Signature",
        signed.clone().add("signature", &twice, false),
        401,
    )
    .await;
    t.refuses(
        "repeated Date, fresh one first",
        signed.clone().add("date", &http_date(0), true),
        401,
    )
    .await;
    t.refuses(
        "repeated Host",
        signed.clone().add("host", peer::HOST, false),
        401,
    )
    .await;
    t.refuses(
        "Digest with two SHA-256 members",
        {
            let d = signed.first("digest").unwrap().to_string();
            signed.clone().set("digest", &format!("{d},{d}"))
        },
        401,
    )
    .await;
    // Finding 2: algorithm labels other than rsa-sha256 and hs2019.
    for alg in ["hmac-sha256", "rsa-sha512", "ed25519", "RSA-SHA256"] {
        let req = Req::post("/inbox", &t.follow(m)).sign(
            &key,
            &key_id,
            "(request-target) host date digest",
            Some(alg),
        );
        t.refuses(&format!("algorithm {alg}"), req, 401).await;
    }
    // Signatures over partial headers.
    for list in [
        "(request-target) date digest",
        "(request-target) host date",
        "(request-target) host digest",
        "host date digest",
        "date",
        "",
    ] {
        let req = Req::post("/inbox", &t.follow(m)).sign(&key, &key_id, list, Some("rsa-sha256"));
        t.refuses(&format!("signed headers {list:?}"), req, 401).await;
    }
    let no_list = Req::post("/inbox", &t.follow(m)).set(
        "signature",
        &format!("keyId=\"{key_id}\",algorithm=\"rsa-sha256\",signature=\"AAAA\""),
    );
    t.refuses("no headers parameter", no_list, 401).await;
    let dup_param = Req::post("/inbox", &t.follow(m)).signed(&t.peer, m);
    let value = format!(
        "{},keyId=\"{}\"",
        dup_param.first("signature").unwrap(),
        t.peer.key_id("eve")
    );
    t.refuses("keyId given twice", dup_param.set("signature", &value), 401)
        .await;
    // Cross-host and cross-path replays: a signature made for another server or inbox.
    let other_host = Req::post("/inbox", &t.follow(m))
        .set("host", "other.example")
        .signed(&t.peer, m);
    t.refuses(
        "signed for another server, sent with its Host",
        other_host.clone(),
        401,
    )
    .await;
    t.refuses(
        "signed for another server, Host rewritten",
        other_host.set("host", peer::HOST),
        401,
    )
    .await;
    let mut other_path = Req::post("/processes/budget-2026/inbox", &t.follow(m)).signed(&t.peer, m);
    other_path.path = "/inbox".into();
    t.refuses("signed for another inbox path", other_path, 401).await;
    // Stale, future and unreadable dates (signed as they are).
    for (what, date) in [
        ("Date two hours old", http_date(-7200)),
        ("Date two hours ahead", http_date(7200)),
        ("unreadable Date", "yesterday".to_string()),
    ] {
        let req = Req::post("/inbox", &t.follow(m))
            .set("date", &date)
            .signed(&t.peer, m);
        t.refuses(what, req, 401).await;
    }
    // The body changed after signing; a digest of another algorithm only.
    let mut tampered = t.signed_post(m, &t.follow(m));
    tampered.body = t.follow(m).to_string().into_bytes();
    t.refuses("body changed after signing", tampered, 401).await;
    let sha512 = Req::post("/inbox", &t.follow(m))
        .set("digest", "SHA-512=AAAA")
        .signed(&t.peer, m);
    t.refuses("Digest without SHA-256", sha512, 401).await;
    // Keys: another key under mallory's id, garbage, none.
    let stranger = Peer::stranger_key();
    let wrong_key =
        Req::post("/inbox", &t.follow(m)).sign(&stranger, &key_id, "(request-target) host date digest", None);
    t.refuses("signed with a key the actor does not publish", wrong_key, 401)
        .await;
    let garbage = Req::post("/inbox", &t.follow(m)).set(
        "signature",
        &format!("keyId=\"{key_id}\",headers=\"(request-target) host date digest\",signature=\"%%%\""),
    );
    t.refuses("signature not base64", garbage, 401).await;
    t.refuses("unsigned", Req::post("/inbox", &t.follow(m)), 401)
        .await;
    // One actor signing for another; an id on another server.
    let eve_follow = t.follow("eve");
    t.refuses(
        "mallory's key on eve's activity",
        t.signed_post(m, &eve_follow),
        401,
    )
    .await;
    let mut elsewhere = t.follow(m);
    elsewhere["id"] = json!("http://other.example/activities/1");
    t.refuses("activity id on another server", t.signed_post(m, &elsewhere), 403)
        .await;
    // Shapes: huge, deep, typeless, typed by an array.
    let huge = t.peer.activity(m, "Follow", json!("x".repeat(300_000)));
    t.refuses("body over 256 KiB", t.signed_post(m, &huge), 413).await;
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let mut deep_req = t.signed_post(m, &t.follow(m));
    deep_req.body = format!("{{\"type\":\"Follow\",\"object\":{deep}}}").into_bytes();
    t.refuses("nested 100,000 deep", deep_req, 400).await;
    let mut typeless = t.follow(m);
    typeless.as_object_mut().unwrap().remove("type");
    t.refuses("no type", t.signed_post(m, &typeless), 400).await;
    let mut array_type = t.follow(m);
    array_type["type"] = json!(["Follow"]);
    t.refuses("type as an array", t.signed_post(m, &array_type), 400)
        .await;

    // Controls: the same requests, well formed, are accepted; `hs2019` and no label too.
    t.accepts("signed Follow", t.signed_post(m, &t.follow(m))).await;
    let hs2019 = Req::post("/inbox", &t.like(m)).sign(
        &key,
        &key_id,
        "(request-target) host date digest",
        Some("hs2019"),
    );
    t.accepts("hs2019 label", hs2019).await;
    let replay = t.signed_post("eve", &t.follow("eve"));
    t.accepts("eve's Follow", replay.clone()).await;
    t.refuses("the same activity again", replay, 409).await;
    // Unknown and mixed-case types are acknowledged and change nothing.
    let before = stored(&t.app).await;
    for kind in ["Move", "follow", "FOLLOW"] {
        t.accepts(
            kind,
            t.signed_post(m, &t.peer.activity(m, kind, json!(t.process))),
        )
        .await;
    }
    let after = stored(&t.app).await;
    assert_eq!(
        before[1..],
        after[1..],
        "unknown types change nothing but the received log"
    );
    t.report();
    assert!(t.refused >= 35, "{} refusals", t.refused);
}

#[tokio::test]
async fn forged_rfc9421_requests_are_refused() {
    let mut t = Town::new().await;
    let m = "mallory";
    let key = t.peer.key(m);
    let key_id = t.peer.key_id(m);
    let full = ["@method", "@target-uri", "content-digest"];
    let post = |t: &Town| {
        Req::post("/inbox", &t.follow(m))
            .without("digest")
            .without("date")
    };
    let cases: Vec<(&str, Vec<&str>, String)> = vec![
        (
            "no @authority (path only)",
            vec!["@method", "@path", "content-digest"],
            rfc9421_params(&key_id, 0),
        ),
        (
            "no @method",
            vec!["@target-uri", "content-digest"],
            rfc9421_params(&key_id, 0),
        ),
        (
            "POST without Content-Digest",
            vec!["@method", "@target-uri"],
            rfc9421_params(&key_id, 0),
        ),
        (
            "created two hours ago",
            full.to_vec(),
            rfc9421_params(&key_id, -7200),
        ),
        (
            "created two hours ahead",
            full.to_vec(),
            rfc9421_params(&key_id, 7200),
        ),
        ("no created", full.to_vec(), format!(";keyid=\"{key_id}\"")),
        (
            "expires in the past",
            full.to_vec(),
            format!(
                "{};expires={}",
                rfc9421_params(&key_id, 0),
                chrono::Utc::now().timestamp() - 10
            ),
        ),
        (
            "unknown alg",
            full.to_vec(),
            format!("{};alg=\"ed25519\"", rfc9421_params(&key_id, 0)),
        ),
        (
            "hmac alg",
            full.to_vec(),
            format!("{};alg=\"hmac-sha256\"", rfc9421_params(&key_id, 0)),
        ),
        (
            "component twice",
            vec!["@method", "@target-uri", "@method", "content-digest"],
            rfc9421_params(&key_id, 0),
        ),
    ];
    for (what, components, params) in cases {
        let req = post(&t).sign_rfc9421(&key, &components, &params);
        t.refuses(what, req, 401).await;
    }
    let signed = post(&t).sign_rfc9421(&key, &full, &rfc9421_params(&key_id, 0));
    let input = signed.first("signature-input").unwrap().to_string();
    t.refuses(
        "repeated Signature-Input",
        signed.clone().add("signature-input", &input, false),
        401,
    )
    .await;
    let cd = signed.first("content-digest").unwrap().to_string();
    t.refuses(
        "repeated Content-Digest",
        signed.clone().add("content-digest", &cd, true),
        401,
    )
    .await;
    let mut tampered = signed.clone();
    tampered.body = t.follow(m).to_string().into_bytes();
    t.refuses("body changed after signing", tampered, 401).await;
    let stale_date = signed.clone().set("date", &http_date(-7200));
    t.refuses("a stale Date beside a fresh created", stale_date, 401)
        .await;
    let stranger = Peer::stranger_key();
    let wrong = post(&t).sign_rfc9421(&stranger, &full, &rfc9421_params(&key_id, 0));
    t.refuses("a key the actor does not publish", wrong, 401).await;
    // Controls: covered target URI, or authority and path.
    t.accepts("RFC 9421 Follow", signed).await;
    let split = post(&t).sign_rfc9421(
        &key,
        &["@method", "@authority", "@path", "content-digest"],
        &format!(";alg=\"rsa-v1_5-sha256\"{}", rfc9421_params(&key_id, 0)),
    );
    t.accepts("RFC 9421 with @authority and @path", split).await;
    t.report();
}

#[tokio::test]
async fn keys_rotate_without_letting_bad_signatures_refetch_every_time() {
    let mut t = Town::new().await;
    let m = "mallory";
    t.accepts("first Follow", t.signed_post(m, &t.follow(m))).await;
    let fetched = t.peer.hits("/users/mallory");
    // Amplification: forged signatures under mallory's key id, right after we fetched her.
    let stranger = Peer::stranger_key();
    for _ in 0..5 {
        let req = Req::post("/inbox", &t.like(m)).sign(
            &stranger,
            &t.peer.key_id(m),
            "(request-target) host date digest",
            None,
        );
        t.refuses("forged signature", req, 401).await;
    }
    assert_eq!(
        t.peer.hits("/users/mallory"),
        fetched,
        "a bad signature did not refetch the key"
    );
    // A rotated key: once our copy is old enough, the failing check refetches it, once.
    t.peer.rotate(m);
    let actor = t.peer.actor(m);
    t.app
        .db(move |c| {
            diesel::update(remote_actors::table.filter(remote_actors::ap_id.eq(actor)))
                .set(remote_actors::fetched_at.eq(plenum::domain::now() - chrono::Duration::minutes(10)))
                .execute(c)?;
            Ok::<_, Error>(())
        })
        .await;
    t.accepts("signed with the rotated key", t.signed_post(m, &t.like(m)))
        .await;
    assert_eq!(t.peer.hits("/users/mallory"), fetched + 1);
    t.report();
}

#[tokio::test]
async fn a_signed_get_is_no_proxy_and_a_blocked_server_is_refused() {
    let mut t = Town::new().await;
    // Finding 5: a keyId naming any page made us fetch it signed and show its body.
    let stranger = Peer::stranger_key();
    let page_key = format!("{}/page", t.peer.base);
    let get =
        Req::get("/processes/budget-2026").sign(&stranger, &page_key, "(request-target) host date", None);
    let (status, body) = t.send(&get).await;
    assert_eq!(status, 401, "{body}");
    assert!(
        !body.contains(peer::SECRET_PAGE),
        "the fetched body came back: {body}"
    );
    // Malformed or stale signed GETs are refused before anything is fetched.
    let before = t.peer.hits("/page");
    for req in [
        Req::get("/processes/budget-2026")
            .set("host", "other.example")
            .sign(&stranger, &page_key, "(request-target) host date", None),
        Req::get("/processes/budget-2026")
            .set("date", &http_date(-7200))
            .sign(&stranger, &page_key, "(request-target) host date", None),
        Req::get("/processes/budget-2026").sign(&stranger, &page_key, "(request-target) date", None),
        Req::get("/processes/budget-2026").sign(
            &stranger,
            &page_key,
            "(request-target) host date",
            Some("hmac-sha256"),
        ),
    ] {
        t.refuses("signed GET refused before any fetch", req, 401).await;
    }
    assert_eq!(t.peer.hits("/page"), before, "nothing fetched for them");
    // A valid signed GET is answered; the same from a blocked server is not.
    let ok = Req::get("/processes/budget-2026").signed(&t.peer, "mallory");
    let (status, _) = t.send(&ok).await;
    assert_eq!(status, 200);
    // Blocked by name with a trailing dot: every port of it is refused.
    t.app
        .db(move |c| policy::set_peer(c, "localhost.", Some("block")))
        .await;
    let blocked = Req::get("/processes/budget-2026").signed(&t.peer, "mallory");
    t.refuses("signed GET from a blocked server", blocked, 403).await;
    t.refuses(
        "activity from a blocked server",
        t.signed_post("mallory", &t.follow("mallory")),
        403,
    )
    .await;
    t.report();
}

#[tokio::test]
async fn an_actor_cannot_undo_or_delete_what_another_did() {
    let mut t = Town::new().await;
    let eve_follow = t.follow("eve");
    t.accepts("eve follows", t.signed_post("eve", &eve_follow)).await;
    let eve_like = t.like("eve");
    t.accepts("eve likes", t.signed_post("eve", &eve_like)).await;
    let m = "mallory";
    t.refuses(
        "Undo of eve's Follow, embedded",
        t.signed_post(m, &t.peer.activity(m, "Undo", eve_follow.clone())),
        403,
    )
    .await;
    t.refuses(
        "Undo of eve's Like, embedded",
        t.signed_post(m, &t.peer.activity(m, "Undo", eve_like.clone())),
        403,
    )
    .await;
    // Named by id only: accepted as mallory's own (she has none), and eve keeps hers.
    t.accepts(
        "Undo of eve's Follow by id",
        t.signed_post(m, &t.peer.activity(m, "Undo", eve_follow["id"].clone())),
    )
    .await;
    t.accepts(
        "Undo of eve's Like by id",
        t.signed_post(m, &t.peer.activity(m, "Undo", eve_like["id"].clone())),
    )
    .await;
    let eve = t.peer.actor("eve");
    let (follows, likes) = t
        .app
        .db(move |c| {
            let f: i64 = followers::table
                .filter(followers::actor_ap_id.eq(&eve))
                .count()
                .get_result(c)?;
            let l: i64 = endorsements::table.count().get_result::<i64>(c)?
                + reactions::table.count().get_result::<i64>(c)?;
            Ok::<_, Error>((f, l))
        })
        .await;
    assert_eq!(
        (follows, likes),
        (1, 1),
        "eve still follows and her like still counts"
    );
    let delete = t.peer.activity(m, "Delete", json!(t.proposal));
    t.refuses("Delete of a proposal of ours", t.signed_post(m, &delete), 403)
        .await;
    let mut update = t.peer.activity(
        m,
        "Update",
        json!({"id": t.proposal, "type": "Page", "name": "Mine now"}),
    );
    update["object"]["attributedTo"] = json!(t.peer.actor(m));
    t.refuses("Update of a proposal of ours", t.signed_post(m, &update), 403)
        .await;
    let note = json!({
        "id": format!("{}/notes/1", t.peer.base),
        "type": "Note",
        "attributedTo": t.peer.actor("eve"),
        "inReplyTo": t.proposal,
        "content": "I, eve, agree",
    });
    t.refuses(
        "Create(Note) attributed to another actor",
        t.signed_post(m, &t.peer.activity(m, "Create", note)),
        403,
    )
    .await;
    t.report();
}

#[tokio::test]
async fn the_method_of_a_signed_request_is_covered() {
    let mut t = Town::new().await;
    // A GET's signature cannot be reused on a POST with the same path.
    let get = Req::get("/inbox").signed(&t.peer, "mallory");
    let mut post = Req::post("/inbox", &t.follow("mallory"));
    post.headers.retain(|(n, _)| n != "date");
    for (name, value) in get
        .headers
        .iter()
        .filter(|(n, _)| n == "date" || n == "signature")
    {
        post = post.add(name, value, false);
    }
    post.method = Method::POST;
    t.refuses("a GET's signature on a POST", post, 401).await;
    t.report();
}

/// Finding 8: a followed process attached comments to another town's proposals, under a third
/// server's person's name.
#[tokio::test]
async fn a_followed_process_cannot_attach_comments_elsewhere_or_under_borrowed_names() {
    use plenum::db::schema::remote_comments;
    use plenum::federation::mirror;
    let mut t = Town::new().await;
    let group = t.peer.actor("process-a");
    let ours = format!("{}/proposals/a1", t.peer.base);
    let theirs = "http://other.example/proposals/b1".to_string();
    let (g, o, th) = (group.clone(), ours.clone(), theirs.clone());
    t.app
        .db(move |c| {
            let a = mirror::upsert_process(c, &json!({"id": g, "name": "A"}), &format!("{g}/inbox"), None)?;
            mirror::set_follow_state(c, &a.id, "accepted")?;
            let b = mirror::upsert_process(
                c,
                &json!({"id": "http://other.example/processes/b", "name": "B"}),
                "http://other.example/processes/b/inbox",
                None,
            )?;
            let page = |id: &str, author: &str| json!({"id": id, "type": "Page", "name": "P", "attributedTo": author});
            mirror::upsert_proposal(c, &a, &page(&o, &format!("{g}/../users/eve")), "eve")?;
            mirror::upsert_proposal(c, &b, &page(&th, "http://other.example/users/bob"), "bob")?;
            Ok::<_, Error>(())
        })
        .await;
    async fn comments(t: &Town) -> i64 {
        t.app
            .db(|c| Ok::<_, Error>(remote_comments::table.count().get_result::<i64>(c)?))
            .await
    }
    fn announce(t: &Town, n: u32, author: String, parent: &str) -> Value {
        let note = json!({
            "id": format!("{}/notes/{n}", t.peer.base),
            "type": "Note",
            "attributedTo": author,
            "inReplyTo": parent,
            "content": "relayed",
        });
        t.peer
            .activity("process-a", "Announce", json!({"type": "Create", "object": note}))
    }
    let before = comments(&t).await;
    let elsewhere = announce(&t, 1, t.peer.actor("eve"), &theirs);
    t.refuses(
        "comment under another process's proposal",
        t.signed_post("process-a", &elsewhere),
        403,
    )
    .await;
    let borrowed = announce(&t, 2, "http://third.example/users/carol".into(), &ours);
    t.refuses(
        "comment embedded under a third server's name",
        t.signed_post("process-a", &borrowed),
        403,
    )
    .await;
    assert_eq!(comments(&t).await, before, "no comment stored");
    let fine = announce(&t, 3, t.peer.actor("eve"), &ours);
    t.accepts(
        "comment under its own proposal",
        t.signed_post("process-a", &fine),
    )
    .await;
    assert_eq!(comments(&t).await, before + 1);
    t.report();
}

/// Abuse reports across servers: a `Flag` joins the moderation queue, named by its server,
/// once per server and item, and a server cannot flood the queue.
#[tokio::test]
async fn flags_from_other_servers_reach_moderation_once_and_are_rate_limited() {
    use plenum::db::schema::reports;
    let mut t = Town::new().await;
    let flag = |t: &Town, object: Value| {
        let mut f = t.peer.activity("mallory", "Flag", object);
        f["content"] = json!("<p>Spam, <b>clearly</b></p>");
        f
    };
    async fn reports_now(t: &Town) -> Vec<(String, String)> {
        t.app
            .db(|c| {
                Ok::<_, Error>(
                    reports::table
                        .select((reports::target_kind, reports::details))
                        .load::<(String, String)>(c)?,
                )
            })
            .await
    }
    // Mastodon names the account and the statuses; only our proposal becomes a report.
    let first = flag(
        &t,
        json!([t.peer.actor("eve"), t.proposal, "http://other.example/notes/9"]),
    );
    t.accepts("Flag of a proposal", t.signed_post("mallory", &first))
        .await;
    let again = flag(&t, json!(t.proposal));
    t.accepts("the same report again", t.signed_post("mallory", &again))
        .await;
    let stored = reports_now(&t).await;
    assert_eq!(stored.len(), 1, "one report per server and item: {stored:?}");
    assert_eq!(stored[0].0, "proposal");
    assert!(
        stored[0].1.starts_with(&format!("[{}]", t.peer.host())),
        "{}",
        stored[0].1
    );
    assert!(
        stored[0].1.contains("Spam, clearly") && !stored[0].1.contains('<'),
        "{}",
        stored[0].1
    );
    // 30 an hour per server: the rest are refused with 429 and nothing stored.
    for _ in 0..28 {
        let f = flag(&t, json!(t.proposal));
        t.accepts("within the hourly limit", t.signed_post("mallory", &f))
            .await;
    }
    let over = flag(&t, json!(t.proposal));
    t.refuses("the 31st Flag of the hour", t.signed_post("mallory", &over), 429)
        .await;
    t.report();
}

/// With authorized fetch, the JSON API and published results are not read anonymously either.
#[tokio::test]
async fn authorized_fetch_covers_the_json_api_and_results() {
    let app = TestApp::with_config(|c| c.authorized_fetch = true).await;
    app.process("budget-2026", Allow::ALL).await;
    let mut anonymous = app.browser();
    anonymous.get("/api/v1/processes").await.assert_status(401);
    anonymous
        .get("/api/v1/processes/budget-2026")
        .await
        .assert_status(401);
    anonymous
        .get("/processes/budget-2026/budgets/x/results.json")
        .await
        .assert_status(401);
    anonymous.get("/api/openapi.json").await.assert_status(200);
    anonymous.get("/processes/budget-2026").await.assert_status(200);
    let (mut citizen, _) = app.citizen("alice").await;
    citizen.get("/api/v1/processes").await.assert_status(200);
}
