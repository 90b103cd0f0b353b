//! The voting journey through the HTML pages: ballot, running total, receipt, replacement,
//! parallel submissions, a vote not yet open; and the budget and vote helpers the other
//! voting tests share.

use chrono::Duration;
use plenum::domain::budgets::{self, BudgetForm};
use plenum::domain::processes::ProcessDetail;
use plenum::domain::{now, Error};
use sha2::{Digest, Sha256};

use crate::common::{Browser, Page, TestApp};
use crate::voting::{add_budget, budget_form, process_form, project, set_vote_window, voting_process};

/// A published process whose vote phase runs from `from_days` to `to_days` around now, with a
/// knapsack budget of 100 EUR and three projects (a: 60, b: 40, c: 30).
pub(crate) async fn budget_process(
    app: &TestApp,
    from_days: i64,
    to_days: i64,
) -> (ProcessDetail, budgets::Budget) {
    voting_process(
        app,
        process_form(
            "vote-2027",
            "Budget for the tests",
            "A budget process for the tests, with enough words.",
        ),
        (now() + Duration::days(from_days), now() + Duration::days(to_days)),
        budget_form("city", "City budget", "100", "knapsack", "mes-add1"),
        vec![
            project("a", "Project a", "60"),
            project("b", "Project b", "40"),
            project("c", "Project c", "30"),
        ],
    )
    .await
}

const BALLOT: &str = "/processes/vote-2027/budgets/city/ballot";

pub(crate) async fn cast(b: &mut Browser, choices: &[&str]) -> Page {
    let mut fields: Vec<(&str, &str)> = choices.iter().map(|c| ("choice", *c)).collect();
    fields.push(("action", "cast"));
    b.post(BALLOT, &fields).await
}

fn receipt_of(page: &Page) -> String {
    let start = page
        .body
        .find("<code id=\"receipt\">")
        .expect("a receipt on the page")
        + 19;
    page.body[start..start + 23].to_string()
}

/// Every stored ballot of the budget as (receipt hash, choices): imported or older ones as they
/// are, cast ones opened with the instance's key.
pub(crate) async fn ballots_stored(app: &TestApp, budget_id: &str) -> Vec<(String, String)> {
    let id = budget_id.to_string();
    let key = app.state.config.secret_key.clone();
    app.db(move |c| {
        use diesel::prelude::*;
        use plenum::db::schema::{ballots, sealed_ballots};
        let mut rows = ballots::table
            .filter(ballots::budget_id.eq(&id))
            .select((ballots::receipt_hash, ballots::choices))
            .load::<(String, String)>(c)
            .map_err(plenum::db::DbError::from)?;
        let sealed = sealed_ballots::table
            .filter(sealed_ballots::budget_id.eq(&id))
            .select((sealed_ballots::voter_tag, sealed_ballots::sealed))
            .load::<(String, String)>(c)
            .map_err(plenum::db::DbError::from)?;
        for (tag, sealed) in sealed {
            let content =
                plenum::domain::ballot_box::open(&key, &id, &tag, &sealed).expect("opens with the key");
            rows.push((content.receipt_hash, content.choices));
        }
        Ok(rows)
    })
    .await
}

#[tokio::test]
async fn a_citizen_votes_replaces_the_ballot_and_finds_the_receipt_in_the_published_log() {
    let app = TestApp::new().await;
    let (detail, budget) = budget_process(&app, -1, 7).await;

    // Anonymous visitors see the ballot but are asked to sign in.
    app.browser()
        .get("/processes/vote-2027/budgets/city")
        .await
        .assert_status(200)
        .assert_contains("Sign in to vote");

    let (mut b, _) = app.citizen("lea").await;
    // "Update the total" shows the running total and what is left, and stores nothing.
    let page = b
        .post(BALLOT, &[("choice", "a"), ("choice", "c"), ("action", "check")])
        .await;
    page.assert_status(200)
        .assert_contains("€90 of €100 chosen")
        .assert_contains("€10 left");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());

    // Over the budget: a clear message, nothing stored.
    let page = cast(&mut b, &["a", "b", "c"]).await;
    page.assert_status(422)
        .assert_contains("Your choices cost €130, more than the budget of €100.");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
    // An unknown project: refused the same way.
    cast(&mut b, &["zz"]).await.assert_status(422);

    let first = cast(&mut b, &["a", "b"]).await;
    first.assert_status(200);
    let first_receipt = receipt_of(&first);
    let second = cast(&mut b, &["c"]).await;
    let second_receipt = receipt_of(&second);
    assert_ne!(first_receipt, second_receipt);
    let stored = ballots_stored(&app, &budget.id).await;
    assert_eq!(stored.len(), 1, "the last ballot replaces the first");
    assert_eq!(stored[0].1, "c");
    b.get("/processes/vote-2027/budgets/city")
        .await
        .assert_contains("You have voted");

    // Publishing before the close is refused, and the hidden tallies stay hidden from staff.
    let (mut staff, _) = app.staff("agent").await;
    staff
        .get(&format!("/admin/budgets/{}/compare", budget.id))
        .await
        .assert_status(403)
        .assert_contains("hidden until the vote closes");
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(403);

    // Close the vote, compare, publish.
    close_vote(&app, &detail).await;
    cast(&mut b, &["a"]).await.assert_status(403);
    let compare = staff.get(&format!("/admin/budgets/{}/compare", budget.id)).await;
    compare
        .assert_status(200)
        .assert_contains("Method of Equal Shares")
        .assert_contains("maximum utility");
    b.get(&format!("/admin/budgets/{}/compare", budget.id))
        .await
        .assert_status(403);
    let published = staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await;
    published.assert_status(303);

    let results = b.get("/processes/vote-2027/budgets/city/results").await;
    results
        .assert_status(200)
        .assert_contains("<svg")
        .assert_contains("Funded")
        .assert_contains("no votes");
    b.get(&format!(
        "/processes/vote-2027/budgets/city/results?receipt={second_receipt}"
    ))
    .await
    .assert_contains("is in the ballot log");
    b.get(&format!(
        "/processes/vote-2027/budgets/city/results?receipt={first_receipt}"
    ))
    .await
    .assert_contains("is not in the ballot log");

    // The JSON names the funded projects and the digest of the ballot log it links to.
    let json = b
        .get("/processes/vote-2027/budgets/city/results.json")
        .await
        .json();
    // MES funds c (its one voter's share pays for it); the greedy completion then adds a, which
    // still fits (pabutools' greedy also takes projects without votes when money is left).
    assert_eq!(json["outcome"]["selected"], serde_json::json!(["c", "a"]));
    assert_eq!(json["ballots"], 1);
    let log = b.get("/processes/vote-2027/budgets/city/ballots.pb").await;
    log.assert_status(200);
    assert_eq!(
        json["ballot_log_sha256"],
        hex::encode(Sha256::digest(log.body.as_bytes()))
    );
    let election = plenum::budgeting::pabulib::parse_str(&log.body).expect("the log is a valid .pb file");
    assert_eq!(election.ballots.len(), 1);
    assert_eq!(
        election.ballots[0].voter_id,
        plenum::domain::ballots::hash_receipt(&second_receipt)
    );
    // The results carry a FEP-8b32 proof by the process key; the offline check recounts the log.
    let key = plenum::budgeting::proof::parse_public_multibase(
        json["signer"]["publicKeyMultibase"].as_str().unwrap(),
    )
    .unwrap();
    plenum::budgeting::proof::verify(&json, &key).expect("the published proof verifies");
    // The key is the one the process actor publishes in assertionMethod (FEP-8b32).
    let actor = b
        .send(
            axum::http::Request::get("/processes/vote-2027")
                .header("accept", "application/activity+json")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    actor.assert_status(200);
    let actor = actor.json();
    assert_eq!(actor["type"], "Group");
    assert_eq!(
        actor["assertionMethod"][0]["id"],
        json["proof"]["verificationMethod"]
    );
    assert_eq!(
        actor["assertionMethod"][0]["publicKeyMultibase"],
        json["signer"]["publicKeyMultibase"]
    );
    assert_eq!(json["proof"]["cryptosuite"], "eddsa-jcs-2022");
    let dir = std::env::temp_dir().join(format!("plenum-verify-{}", budget.id));
    std::fs::create_dir_all(&dir).unwrap();
    let (results_path, log_path) = (dir.join("results.json"), dir.join("ballots.pb"));
    std::fs::write(&results_path, serde_json::to_string(&json).unwrap()).unwrap();
    std::fs::write(&log_path, &log.body).unwrap();
    plenum::budgeting::cli::verify_results(&results_path, Some(&log_path), None).expect("verifies offline");
    // A changed outcome no longer verifies; a changed log no longer matches its digest.
    let mut forged = json.clone();
    forged["outcome"]["selected"] = serde_json::json!(["a", "b"]);
    std::fs::write(&results_path, serde_json::to_string(&forged).unwrap()).unwrap();
    assert!(plenum::budgeting::cli::verify_results(&results_path, None, None).is_err());
    std::fs::write(&results_path, serde_json::to_string(&json).unwrap()).unwrap();
    std::fs::write(&log_path, format!("{}\n", log.body)).unwrap();
    assert!(plenum::budgeting::cli::verify_results(&results_path, Some(&log_path), None).is_err());
    std::fs::remove_dir_all(&dir).unwrap();

    let csv = b.get("/processes/vote-2027/budgets/city/results.csv").await;
    assert!(
        csv.body.contains("\"c\",\"Project c\",30,1,1,true"),
        "{}",
        csv.body
    );

    // Staff follow the funded projects' implementation; the public pages show it.
    let projects = app
        .db({
            let id = budget.id.clone();
            move |c| budgets::projects(c, &id)
        })
        .await;
    let id_of = |code: &str| projects.iter().find(|p| p.code == code).unwrap().id.clone();
    let updates = format!("/admin/budgets/{}/updates", budget.id);
    let (c_id, b_id) = (id_of("c"), id_of("b"));
    staff
        .post(
            &updates,
            &[
                ("project_id", &c_id),
                ("status", "in-progress"),
                ("progress", "150"),
            ],
        )
        .await
        .assert_status(422);
    staff
        .post(
            &updates,
            &[("project_id", &b_id), ("status", "done"), ("progress", "100")],
        )
        .await
        .assert_status(403);
    staff
        .post(
            &updates,
            &[
                ("project_id", &c_id),
                ("status", "in-progress"),
                ("progress", "40"),
                ("note", "Works started"),
            ],
        )
        .await
        .assert_status(303);
    staff
        .post(
            &updates,
            &[("project_id", &c_id), ("status", "done"), ("progress", "100")],
        )
        .await
        .assert_status(303);
    b.get("/processes/vote-2027/budgets/city")
        .await
        .assert_contains("Implementation of funded projects")
        .assert_contains("Works started")
        .assert_contains("value=\"100\"");
    b.get("/processes/vote-2027")
        .await
        .assert_contains("1 of 2 funded projects done");
}

#[tokio::test]
async fn fifty_parallel_ballots_by_one_voter_leave_exactly_one() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let (b, _) = app.citizen("max").await;
    let mut tasks = Vec::new();
    for i in 0..50 {
        let mut browser = b.clone();
        let choice = if i % 2 == 0 { "a" } else { "b" };
        tasks.push(tokio::spawn(async move {
            cast(&mut browser, &[choice]).await.status.as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    assert_eq!(ballots_stored(&app, &budget.id).await.len(), 1);
}

#[tokio::test]
async fn many_voters_in_parallel_all_count() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let mut tasks = Vec::new();
    for i in 0..30 {
        let (mut b, _) = app.citizen(&format!("voter{i}")).await;
        tasks.push(tokio::spawn(async move {
            cast(&mut b, &["a", "c"]).await.status.as_u16()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), 200);
    }
    let stored = ballots_stored(&app, &budget.id).await;
    assert_eq!(stored.len(), 30);
    assert!(stored.iter().all(|(_, c)| c == "a,c"));
}

#[tokio::test]
async fn voting_before_the_vote_opens_is_refused_with_the_reason() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, 2, 9).await;
    let (mut b, _) = app.citizen("zoe").await;
    let page = cast(&mut b, &["a"]).await;
    page.assert_status(403).assert_contains("Voting is closed");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
}

/// A thousand voters cast at once through the domain (accounts made directly, without the
/// deliberately slow password hashing): every ballot is stored once and the tally adds up.
#[tokio::test]
async fn a_thousand_voters_in_parallel_leave_a_thousand_ballots_and_the_tally_adds_up() {
    use plenum::domain::accounts::User;
    let app = TestApp::new().await;
    let (detail, budget) = budget_process(&app, -1, 7).await;
    let users: Vec<User> = (0..1000)
        .map(|i| User {
            id: uuid::Uuid::new_v4().to_string(),
            username: format!("v{i}"),
            email: None,
            display_name: format!("Voter {i}"),
            password_hash: None,
            role: "citizen".into(),
            locale: None,
            blocked: false,
            created_at: now(),
            deleted_at: None,
            email_frequency: "daily".into(),
            email_confirmed_at: None,
        })
        .collect();
    let rows = users.clone();
    app.state
        .db
        .write(move |c| {
            use diesel::prelude::*;
            use plenum::db::schema::users;
            for u in &rows {
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(&u.id),
                        users::username.eq(&u.username),
                        users::display_name.eq(&u.display_name),
                        users::role.eq(&u.role),
                        users::blocked.eq(false),
                        users::created_at.eq(u.created_at),
                    ))
                    .execute(c)
                    .map_err(plenum::db::DbError::from)?;
            }
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
    let projects = app
        .db({
            let id = budget.id.clone();
            move |c| budgets::projects(c, &id)
        })
        .await;
    let mut tasks = Vec::new();
    for (i, user) in users.into_iter().enumerate() {
        let (state, detail, budget, projects) = (
            app.state.clone(),
            detail.clone(),
            budget.clone(),
            projects.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let key = state.config.secret_key.clone();
            let input = plenum::domain::ballots::BallotInput {
                choices: vec![if i % 4 == 0 { "a".into() } else { "b".into() }],
                points: vec![1],
                ..Default::default()
            };
            state
                .db
                .write(move |c| {
                    plenum::domain::ballots::cast(c, &key, &detail, &budget, &projects, &user, &input)
                })
                .await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every ballot is accepted");
    }
    assert_eq!(ballots_stored(&app, &budget.id).await.len(), 1000);
    let (b, key) = (budget.clone(), app.state.config.secret_key.clone());
    let (voters, tallies) = app
        .db(move |c| {
            Ok((
                plenum::domain::ballots::voters(c, &b.id)?,
                plenum::domain::budget_results::tallies(c, &key, &b)?,
            ))
        })
        .await;
    assert_eq!(voters, 1000);
    let votes: Vec<(String, u64)> = tallies.into_iter().map(|t| (t.code, t.votes)).collect();
    assert_eq!(votes, vec![("a".into(), 250), ("b".into(), 750), ("c".into(), 0)]);
}

/// Ends the vote phase of `detail` an hour ago.
pub(crate) async fn close_vote(app: &TestApp, detail: &ProcessDetail) {
    move_vote(app, detail, Duration::days(-3), Duration::hours(-1)).await;
}

/// Moves the vote phase of `detail` to run from `starts` to `ends` from now.
pub(crate) async fn move_vote(app: &TestApp, detail: &ProcessDetail, starts: Duration, ends: Duration) {
    set_vote_window(app, detail, now() + starts, now() + ends).await;
}

/// A cumulative budget `slug` (10 points, live tallies) with projects A and B in the open
/// vote of `budget_process`.
pub(crate) async fn ten_points_budget(
    app: &TestApp,
    detail: &ProcessDetail,
    slug: &'static str,
) -> budgets::Budget {
    let form = BudgetForm {
        points: "10".into(),
        live_tallies: Some("on".into()),
        ..budget_form(slug, "Points budget", "100", "cumulative", "greedy")
    };
    let projects = vec![project("A", "Project A", "60"), project("B", "Project B", "60")];
    add_budget(app, &detail.process.id, form, projects).await
}
