//! The adversarial suite, residency attestations: under a process whose endorsing rule is
//! `peers`, a remote `Like` counts only with an attestation (FEP-8b32, `eddsa-jcs-2022`) issued
//! by the actor's own server's instance actor, naming the actor, valid now, from a listed peer
//! town, whose proof verifies with the Ed25519 key that instance actor publishes. Each forgery
//! below arrives in a correctly HTTP-signed `Like` (so the attestation is the only thing wrong):
//! it is refused with 403 and the reason, nothing is stored, and its activity id is not
//! recorded, so the same `Like` with a correct attestation still counts. The valid controls are
//! accepted, counted once, in the binding peer class.

use chrono::{Duration, Utc};
use diesel::prelude::*;
use serde_json::{json, Value};

use plenum::db::schema::{endorsements, outbound_activities, proposals, received_activities, users};
use plenum::domain::endorsements::CLASS_PEER;
use plenum::domain::Error;
use plenum::federation::attestation;

use crate::common::{Allow, TestApp};
use crate::peer::{Peer, Req};

/// Rows and counters an accepted `Like` would change.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
struct Stored {
    received: i64,
    endorsements: i64,
    users: i64,
    outbound: i64,
    binding: i64,
    federated: i64,
}

struct Town {
    app: TestApp,
    /// Town B: a listed peer; mallory and eve live there.
    peer: Peer,
    /// Town C: also a listed peer, with an instance of its own.
    other: Peer,
    /// Town D: not a peer of the process.
    stranger: Peer,
    proposal: String,
    proposal_id: String,
    checks: usize,
    failures: Vec<String>,
}

impl Town {
    async fn new() -> Town {
        let app = TestApp::new().await;
        let detail = app.process("budget-2026", Allow::ALL).await;
        let (peer, other, stranger) = (Peer::start().await, Peer::start().await, Peer::start().await);
        let (mut staff, _) = app.staff("sam").await;
        staff
            .post(
                &format!("/admin/processes/{}/eligibility", detail.process.id),
                &[
                    ("rule", "peers"),
                    ("peer_hosts", &format!("{}, {}", peer.host(), other.host())),
                ],
            )
            .await
            .assert_status(303);
        let (mut citizen, _) = app.citizen("alice").await;
        let path = citizen
            .propose(
                "budget-2026",
                "Benches by the river",
                "Three benches, facing west.",
            )
            .await;
        let proposal_id = path.rsplit('/').next().expect("id").to_string();
        let proposal = format!("{}{path}", app.state.config.base());
        Town {
            app,
            peer,
            other,
            stranger,
            proposal,
            proposal_id,
            checks: 0,
            failures: Vec::new(),
        }
    }

    async fn stored(&self) -> Stored {
        let id = self.proposal_id.clone();
        self.app
            .db(move |c| {
                let (binding, federated) = proposals::table
                    .filter(proposals::id.eq(&id))
                    .select((proposals::endorsement_count, proposals::federated_count))
                    .first::<(i64, i64)>(c)?;
                Ok::<_, Error>(Stored {
                    received: received_activities::table.count().get_result(c)?,
                    endorsements: endorsements::table.count().get_result(c)?,
                    users: users::table.count().get_result(c)?,
                    outbound: outbound_activities::table.count().get_result(c)?,
                    binding,
                    federated,
                })
            })
            .await
    }

    async fn recorded(&self, id: &str) -> bool {
        let id = id.to_string();
        self.app
            .db(move |c| {
                Ok::<_, Error>(
                    received_activities::table
                        .filter(received_activities::ap_id.eq(&id))
                        .count()
                        .get_result::<i64>(c)?
                        > 0,
                )
            })
            .await
    }

    /// A `Like` of the proposal by `name` of `town`, carrying `residency` (or none).
    fn like(&self, town: &Peer, name: &str, residency: Option<Value>) -> Value {
        let mut like = town.activity(name, "Like", json!(self.proposal));
        if let Some(r) = residency {
            like["residency"] = r;
        }
        like
    }

    /// `like`, HTTP-signed by `name` of `town` as that server signs its deliveries.
    fn signed(&self, town: &Peer, name: &str, like: &Value) -> Req {
        Req::post("/inbox", like).signed(town, name)
    }

    async fn send(&self, req: &Req) -> (u16, String) {
        let page = self.app.browser().send(req.build()).await;
        (page.status.as_u16(), page.body.clone())
    }

    /// `req` (a signed `Like` with id `id`) must be refused with 403 saying `reason`, change
    /// nothing, and leave its id unrecorded.
    async fn refuses(&mut self, what: &str, req: Req, id: &str, reason: &str) {
        self.checks += 1;
        let before = self.stored().await;
        let (status, body) = self.send(&req).await;
        let after = self.stored().await;
        let recorded = self.recorded(id).await;
        if status != 403
            || !body.contains("not counted as a peer-town resident")
            || !body.contains(reason)
            || before != after
            || recorded
        {
            self.failures.push(format!(
                "{what}: answered {status} (expected 403, {reason:?}): {body}; \
                 {before:?} -> {after:?}; id recorded: {recorded}"
            ));
        }
    }

    /// `req` must be answered with `status` (a control).
    async fn answers(&mut self, what: &str, req: Req, status: u16) {
        self.checks += 1;
        let (got, body) = self.send(&req).await;
        if got != status {
            self.failures
                .push(format!("{what}: answered {got} (expected {status}): {body}"));
        }
    }

    fn check(&mut self, what: &str, ok: bool, detail: String) {
        self.checks += 1;
        if !ok {
            self.failures.push(format!("{what}: {detail}"));
        }
    }

    fn report(&self) {
        assert!(
            self.failures.is_empty(),
            "{} of {} checks failed:\n{}",
            self.failures.len(),
            self.checks,
            self.failures.join("\n")
        );
    }
}

/// `document` with its proof replaced by one from `key`, named `method` (a forger's re-signing).
fn resign(document: &Value, key: &ed25519_dalek::SigningKey, method: &str) -> Value {
    plenum::budgeting::proof::sign(
        document,
        key,
        method,
        &Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// A copy of `attestation` with `member` set to `value` after signing.
fn tampered(attestation: &Value, member: &str, value: Value) -> Value {
    let mut copy = attestation.clone();
    copy[member] = value;
    copy
}

const MISSING: &str = "no residency attestation";
const SUBJECT: &str = "names another actor";
const ISSUER: &str = "not issued by the actor's own server";
const TRUST: &str = "not a peer of this process";
const TIME: &str = "expired or is not valid yet";
const PROOF: &str = "does not verify";

#[tokio::test]
async fn forged_residency_attestations_do_not_count_as_peer_residents() {
    let mut t = Town::new().await;
    let (m, e) = ("mallory", "eve");
    let mallory = t.peer.actor(m);
    let valid = t.peer.attest(&mallory);
    let key = t.peer.attesting_key();
    let key_id = attestation::key_id(&t.peer.base);

    // What the attestation is, or is not.
    let cases: Vec<(&str, Option<Value>, &str)> = vec![
        ("no attestation", None, MISSING),
        ("attestation null", Some(Value::Null), MISSING),
        (
            "attestation as a string (its address)",
            Some(json!(format!("{}/attestations/1", t.peer.base))),
            MISSING,
        ),
        (
            "attestation as a string (the JSON text)",
            Some(json!(valid.to_string())),
            MISSING,
        ),
        (
            "attestation wrapped in an array",
            Some(json!([valid.clone()])),
            MISSING,
        ),
        ("attestation as a number", Some(json!(1)), MISSING),
        ("attestation an empty object", Some(json!({})), MISSING),
        (
            "wrong type, re-signed by the issuer",
            Some(resign(&tampered(&valid, "type", json!("Note")), &key, &key_id)),
            MISSING,
        ),
        (
            "type as an array, re-signed by the issuer",
            Some(resign(
                &tampered(&valid, "type", json!(["ResidencyAttestation"])),
                &key,
                &key_id,
            )),
            MISSING,
        ),
        (
            "type in another case",
            Some(tampered(&valid, "type", json!("residencyattestation"))),
            MISSING,
        ),
        (
            "eve's attestation replayed by mallory",
            Some(t.peer.attest(&t.peer.actor(e))),
            SUBJECT,
        ),
        (
            "subject as an object",
            Some(tampered(&valid, "subject", json!({"id": mallory}))),
            SUBJECT,
        ),
        (
            "subject missing",
            Some(tampered(&valid, "subject", Value::Null)),
            SUBJECT,
        ),
        (
            "issued by another listed peer (town C) for mallory of B",
            Some(t.other.attest(&mallory)),
            ISSUER,
        ),
        (
            "issued by a town that is not a peer (D) for mallory of B",
            Some(t.stranger.attest(&mallory)),
            ISSUER,
        ),
        (
            "issuer named as another path of the actor's server",
            Some(resign(&tampered(&valid, "issuer", json!(mallory)), &key, &key_id)),
            ISSUER,
        ),
        (
            "issuer with another scheme",
            Some(resign(
                &tampered(
                    &valid,
                    "issuer",
                    json!(format!("https://{}/actor", t.peer.host())),
                ),
                &key,
                &key_id,
            )),
            ISSUER,
        ),
        (
            "issuer missing",
            Some(tampered(&valid, "issuer", Value::Null)),
            ISSUER,
        ),
        (
            "expired a day ago",
            Some(
                t.peer
                    .attest_at(&mallory, Utc::now() - Duration::days(attestation::VALID_DAYS + 1)),
            ),
            TIME,
        ),
        (
            "not yet valid (validFrom tomorrow)",
            Some(t.peer.attest_at(&mallory, Utc::now() + Duration::days(1))),
            TIME,
        ),
        (
            "not yet valid (validFrom in a year)",
            Some(t.peer.attest_at(&mallory, Utc::now() + Duration::days(365))),
            TIME,
        ),
        (
            "validFrom missing, re-signed by the issuer",
            Some(resign(&tampered(&valid, "validFrom", Value::Null), &key, &key_id)),
            TIME,
        ),
        (
            "validUntil not a date, re-signed by the issuer",
            Some(resign(
                &tampered(&valid, "validUntil", json!("next week")),
                &key,
                &key_id,
            )),
            TIME,
        ),
        (
            "validUntil before validFrom, re-signed by the issuer",
            Some(resign(
                &tampered(&valid, "validUntil", json!("2020-01-01T00:00:00Z")),
                &key,
                &key_id,
            )),
            TIME,
        ),
        (
            "proof by a key nobody publishes",
            Some(resign(&valid, &plenum::budgeting::proof::new_key(), &key_id)),
            PROOF,
        ),
        (
            "proof by town C's key, naming town B's key",
            Some(resign(&valid, &t.other.attesting_key(), &key_id)),
            PROOF,
        ),
        (
            "proof by town C's key, naming town C's key",
            Some(resign(
                &valid,
                &t.other.attesting_key(),
                &attestation::key_id(&t.other.base),
            )),
            PROOF,
        ),
        (
            "proof naming a key B does not list",
            Some(resign(
                &valid,
                &key,
                &format!("{}#other-key", t.peer.instance_actor()),
            )),
            PROOF,
        ),
        (
            "subject changed from eve to mallory after signing",
            Some(tampered(
                &t.peer.attest(&t.peer.actor(e)),
                "subject",
                json!(mallory),
            )),
            PROOF,
        ),
        (
            "expired, validUntil pushed forward after signing",
            Some(tampered(
                &t.peer.attest_at(&mallory, Utc::now() - Duration::days(30)),
                "validUntil",
                json!("2099-01-01T00:00:00Z"),
            )),
            PROOF,
        ),
        (
            "validFrom changed after signing",
            Some(tampered(&valid, "validFrom", json!("2020-01-01T00:00:00Z"))),
            PROOF,
        ),
        (
            "a member added after signing",
            Some(tampered(&valid, "census", json!("district 4"))),
            PROOF,
        ),
        (
            "@context changed after signing",
            Some(tampered(
                &valid,
                "@context",
                json!("https://www.w3.org/ns/activitystreams"),
            )),
            PROOF,
        ),
        (
            "proof removed",
            Some(tampered(&valid, "proof", Value::Null)),
            PROOF,
        ),
        (
            "proof as a string",
            Some(tampered(
                &valid,
                "proof",
                json!(valid["proof"]["proofValue"].clone()),
            )),
            PROOF,
        ),
        (
            "proofValue removed",
            Some(tampered(
                &valid,
                "proof",
                tampered(&valid["proof"], "proofValue", Value::Null),
            )),
            PROOF,
        ),
        (
            "proofValue of another attestation",
            Some(tampered(
                &valid,
                "proof",
                tampered(
                    &valid["proof"],
                    "proofValue",
                    t.peer.attest(&t.peer.actor(e))["proof"]["proofValue"].clone(),
                ),
            )),
            PROOF,
        ),
        (
            "proofValue not base58",
            Some(tampered(
                &valid,
                "proof",
                tampered(&valid["proof"], "proofValue", json!("z0OIl+/=")),
            )),
            PROOF,
        ),
        (
            "cryptosuite changed",
            Some(tampered(
                &valid,
                "proof",
                tampered(&valid["proof"], "cryptosuite", json!("eddsa-rdfc-2022")),
            )),
            PROOF,
        ),
        (
            "proofPurpose changed",
            Some(tampered(
                &valid,
                "proof",
                tampered(&valid["proof"], "proofPurpose", json!("authentication")),
            )),
            PROOF,
        ),
        (
            "proof type changed",
            Some(tampered(
                &valid,
                "proof",
                tampered(&valid["proof"], "type", json!("Ed25519Signature2020")),
            )),
            PROOF,
        ),
    ];
    let count = cases.len();
    for (what, residency, reason) in cases {
        let like = t.like(&t.peer, m, residency);
        let req = t.signed(&t.peer, m, &like);
        t.refuses(what, req, like["id"].as_str().unwrap(), reason).await;
    }
    // An issuer on another server is refused without being fetched.
    let fetched = t.other.hits("/actor") + t.stranger.hits("/actor");
    t.check(
        "issuers on other servers are not fetched",
        fetched == 0,
        format!("fetched {fetched} times"),
    );
    // A town that is not a peer, vouching for its own resident: a valid attestation, refused.
    let own = t.stranger.actor(m);
    let like = t.like(&t.stranger, m, Some(t.stranger.attest(&own)));
    let req = t.signed(&t.stranger, m, &like);
    t.refuses(
        "issued by a town that is not a peer, for its own resident",
        req,
        like["id"].as_str().unwrap(),
        TRUST,
    )
    .await;
    assert_eq!(t.checks, count + 2);
    t.report();
}

#[tokio::test]
async fn a_valid_residency_attestation_counts_once_in_the_peer_class() {
    let mut t = Town::new().await;
    let (m, e) = ("mallory", "eve");
    let start = t.stored().await;

    // Refused first without an attestation; the same activity, corrected, then counts: the
    // refusal recorded nothing that would turn the retry away as already received.
    let mut like = t.like(&t.peer, e, None);
    let id = like["id"].as_str().unwrap().to_string();
    let req = t.signed(&t.peer, e, &like);
    t.refuses("eve's Like without an attestation", req, &id, MISSING)
        .await;
    like["residency"] = t.peer.attest(&t.peer.actor(e));
    let req = t.signed(&t.peer, e, &like);
    t.answers("eve's Like, retried with her attestation", req, 202)
        .await;

    let mallory = t.peer.actor(m);
    let like = t.like(&t.peer, m, Some(t.peer.attest(&mallory)));
    let req = t.signed(&t.peer, m, &like);
    t.answers("mallory's Like with her attestation", req.clone(), 202)
        .await;
    let once = t.stored().await;
    // The same delivery again (a retry, or a replay): already received, applied once.
    t.answers("the same Like delivered again", req, 409).await;
    // Another Like of the same proposal by mallory, attested too: still one endorsement.
    let again = t.like(&t.peer, m, Some(t.peer.attest(&mallory)));
    let req = t.signed(&t.peer, m, &again);
    t.answers("a second attested Like by mallory", req, 202).await;
    let end = t.stored().await;
    t.check(
        "two attested residents: two binding endorsements, none federated",
        end.endorsements == start.endorsements + 2
            && end.binding == start.binding + 2
            && end.federated == start.federated,
        format!("{start:?} -> {end:?}"),
    );
    t.check(
        "a repeated delivery and a second Like change no count",
        (end.endorsements, end.binding, end.federated) == (once.endorsements, once.binding, once.federated),
        format!("{once:?} -> {end:?}"),
    );
    let proposal = t.proposal_id.clone();
    let rows = t
        .app
        .db(move |c| {
            Ok::<_, Error>(
                endorsements::table
                    .filter(endorsements::proposal_id.eq(&proposal))
                    .select((endorsements::class, endorsements::attested_by))
                    .load::<(String, Option<String>)>(c)?,
            )
        })
        .await;
    let host = t.peer.host();
    t.check(
        "both in the peer class, vouched for by town B",
        rows.len() == 2
            && rows
                .iter()
                .all(|(class, by)| class == CLASS_PEER && by.as_deref() == Some(host.as_str())),
        format!("{rows:?}"),
    );
    t.report();
}
