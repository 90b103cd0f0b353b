//! The census: staff import it (replace, refuse malformed files whole), citizens verify against
//! it (one entry, one account; same answer for unknown and taken; throttled), staff verify in
//! person and revoke, and a new census expires verifications of people no longer in it.

use axum::body::Body;
use axum::http::{header, Method, Request};
use diesel::prelude::*;

use plenum::db::schema::{census_entries, verification_events, verifications};
use plenum::domain::Error;

use crate::common::{Browser, TestApp};

pub(crate) const BOUNDARY: &str = "XplenumX";

pub(crate) async fn upload(b: &mut Browser, csv: &str) -> crate::common::Page {
    b.get("/admin/census").await;
    let body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"census.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{BOUNDARY}--\r\n"
    );
    let request = Request::builder()
        .method(Method::POST)
        .uri(format!("/admin/census/import?csrf={}", b.csrf()))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body))
        .expect("request");
    b.send(request).await
}

pub(crate) async fn entries(app: &TestApp) -> i64 {
    app.db(|c| Ok::<_, Error>(census_entries::table.count().get_result(c)?))
        .await
}

async fn verified(app: &TestApp) -> i64 {
    app.db(|c| Ok::<_, Error>(verifications::table.count().get_result(c)?))
        .await
}

const CENSUS: &str =
    "document;birth_date;postcode\nAB123;01/02/1990;31000\nCD456;1985-04-03;31100\nab 123;1990-02-01;31000\n";

#[tokio::test]
async fn staff_import_citizens_verify_once() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("sam").await;
    let (mut alice, _) = app.citizen("alice").await;
    alice.get("/admin/census").await.assert_status(403);

    // A malformed line: nothing imported, the line named.
    let page = upload(
        &mut staff,
        "document;birth_date;postcode\nAB123;01/02/1990;31000\nCD456;1985-04-03\n",
    )
    .await;
    page.assert_status(422)
        .assert_contains("Line 3")
        .assert_contains("2 fields instead of 3");
    assert_eq!(entries(&app).await, 0);

    let page = upload(&mut staff, CENSUS).await;
    page.assert_status(303);
    assert_eq!(
        entries(&app).await,
        2,
        "the duplicate line (same person, other spelling) is kept once"
    );
    staff
        .get("/admin/census")
        .await
        .assert_contains("2 people in the census");

    // Alice types her details in another format: normalised, verified.
    alice
        .get("/account/verify")
        .await
        .assert_status(200)
        .assert_contains("birth_date");
    let page = alice
        .post(
            "/account/verify",
            &[("value", "ab-123"), ("value", "1990-02-01"), ("value", " 31000 ")],
        )
        .await;
    page.assert_status(303);
    alice
        .get("/account/verify")
        .await
        .assert_contains("verified against the census");
    assert_eq!(verified(&app).await, 1);

    // Bob claims Alice's entry: refused with the same words as an unknown entry; staff see it.
    let (mut bob, _) = app.citizen("bob").await;
    let taken = bob
        .post(
            "/account/verify",
            &[("value", "AB123"), ("value", "01/02/1990"), ("value", "31000")],
        )
        .await;
    taken.assert_status(422).assert_contains("could not be verified");
    let unknown = bob
        .post(
            "/account/verify",
            &[("value", "ZZ999"), ("value", "01/02/1990"), ("value", "31000")],
        )
        .await;
    unknown
        .assert_status(422)
        .assert_contains("could not be verified");
    assert_eq!(verified(&app).await, 1);
    staff.get("/admin/census").await.assert_contains("Conflict");

    // Guessing is throttled: 5 attempts an hour per account (2 used).
    for _ in 0..3 {
        bob.post(
            "/account/verify",
            &[("value", "XX1"), ("value", "01/01/1990"), ("value", "31000")],
        )
        .await
        .assert_status(422);
    }
    bob.post(
        "/account/verify",
        &[("value", "CD456"), ("value", "03/04/1985"), ("value", "31100")],
    )
    .await
    .assert_status(429);
    assert_eq!(verified(&app).await, 1);

    // In person, then revoked; both logged with who did it.
    staff
        .post("/admin/census/verify", &[("username", "bob")])
        .await
        .assert_status(303);
    assert_eq!(verified(&app).await, 2);
    staff
        .post("/admin/census/revoke", &[("username", "bob")])
        .await
        .assert_status(303);
    assert_eq!(verified(&app).await, 1);
    staff
        .post("/admin/census/verify", &[("username", "nobody")])
        .await
        .assert_status(422);
    let logged: i64 = app
        .db(|c| {
            Ok::<_, Error>(
                verification_events::table
                    .filter(verification_events::actor_id.is_not_null())
                    .count()
                    .get_result(c)?,
            )
        })
        .await;
    assert!(
        logged >= 3,
        "import, in-person verification and revocation name the staff member"
    );

    // A new census without Alice: her verification expires, atomically with the replacement.
    upload(
        &mut staff,
        "document;birth_date;postcode\nCD456;1985-04-03;31100\n",
    )
    .await
    .assert_status(303);
    assert_eq!(entries(&app).await, 1);
    assert_eq!(verified(&app).await, 0);
    alice.get("/account/verify").await.assert_contains("Verify");
}

#[test]
fn a_copied_database_does_not_give_the_census_back_without_the_key() {
    let census = plenum::domain::census::read(CENSUS.as_bytes(), b"key one", |_| {}).expect("read");
    let again = plenum::domain::census::read(CENSUS.as_bytes(), b"key two", |_| {}).expect("read");
    assert_eq!(census.report.entries, 2);
    let a = plenum::domain::census::entry_hash(b"key one", &["AB123", "01/02/1990", "31000"]);
    let b = plenum::domain::census::entry_hash(b"key two", &["AB123", "01/02/1990", "31000"]);
    assert_ne!(
        a, b,
        "the same person hashes differently under another instance's key"
    );
    assert_eq!(again.report.entries, 2);
}

#[tokio::test]
async fn each_capability_follows_the_process_rule() {
    let app = TestApp::new().await;
    let detail = app.process("budget-2026", crate::common::Allow::ALL).await;
    let (mut staff, _) = app.staff("sam").await;
    let (mut alice, _) = app.citizen("alice").await;
    // Anyone may propose; only verified residents may endorse.
    let rules = format!("/admin/processes/{}/eligibility", detail.process.id);
    staff
        .post(
            &rules,
            &[
                ("propose", "open"),
                ("rule", "residents"),
                ("comment", "residents"),
                ("vote", "residents"),
                ("peer_hosts", ""),
            ],
        )
        .await
        .assert_status(303);
    let proposal = alice
        .propose(
            "budget-2026",
            "Trees on the square",
            "Plant trees on the market square, please.",
        )
        .await;
    // The page says why not, and how to become eligible; the action is refused, nothing stored.
    alice
        .get(&proposal)
        .await
        .assert_contains("counts only verified residents");
    alice
        .post(&format!("{proposal}/endorse"), &[])
        .await
        .assert_status(403);
    alice
        .post(
            &format!("{proposal}/comments"),
            &[("body", "I would like to say something."), ("stance", "for")],
        )
        .await
        .assert_status(403);
    let id = proposal.trim_start_matches("/proposals/").to_string();
    let count = app
        .db(move |c| plenum::domain::endorsements::count_rows(c, &id))
        .await;
    assert_eq!(count, 0);
    // Verified at the town hall: now she may.
    staff
        .post("/admin/census/verify", &[("username", "alice")])
        .await
        .assert_status(303);
    alice
        .post(&format!("{proposal}/endorse"), &[])
        .await
        .assert_status(303);
    alice.get(&proposal).await.assert_contains("1 endorsement");
    let classes: Vec<String> = app
        .db(|c| {
            Ok::<_, Error>(
                plenum::db::schema::endorsements::table
                    .select(plenum::db::schema::endorsements::class)
                    .load(c)?,
            )
        })
        .await;
    assert_eq!(
        classes,
        vec!["resident"],
        "each endorsement keeps the class it was made under"
    );
    // The rule is per capability: proposing stays open to an unverified account.
    let (mut bob, _) = app.citizen("bob").await;
    bob.post(
        "/processes/budget-2026/proposals",
        &[
            ("title", "Benches by the river"),
            ("body", "Put benches along the river walk, please."),
        ],
    )
    .await
    .assert_status(303);
    staff
        .post(&rules, &[("propose", "residents")])
        .await
        .assert_status(303);
    bob.post(
        "/processes/budget-2026/proposals",
        &[
            ("title", "Lights in the park"),
            ("body", "Light the park paths at night, please."),
        ],
    )
    .await
    .assert_status(403);
}
