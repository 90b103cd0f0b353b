//! The voting journey through the HTML pages: ballot, running total, receipt, replacement,
//! bad input, parallel submissions, staff comparison, publication, results and ballot log.

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
async fn ballots_stored(app: &TestApp, budget_id: &str) -> Vec<(String, String)> {
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

#[tokio::test]
async fn staff_create_a_budget_and_its_projects_with_clear_errors() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let (mut staff, _) = app.staff("agent").await;
    let pid = detail.process.id.clone();
    staff
        .get(&format!("/admin/processes/{pid}/budgets"))
        .await
        .assert_status(200)
        .assert_contains("City budget");
    let form = |amount: &'static str, currency: &'static str| {
        vec![
            ("title", "District budget"),
            ("slug", "district"),
            ("amount", amount),
            ("currency", currency),
            ("ballot_type", "approval"),
            ("min_choices", "1"),
            ("max_choices", "2"),
            ("rule", "mes"),
        ]
    };
    let bad = staff
        .post(&format!("/admin/processes/{pid}/budgets"), &form("-5", "euro"))
        .await;
    bad.assert_status(422)
        .assert_contains("Enter an amount greater than zero")
        .assert_contains("three-letter currency code");
    let made = staff
        .post(
            &format!("/admin/processes/{pid}/budgets"),
            &form("1000.50", "EUR"),
        )
        .await;
    made.assert_status(303);
    let budget_path = made.location().split('?').next().unwrap().to_string();
    // The same address again: the unique rule that refused it is read from the engine's error
    // (PostgreSQL's detail, SQLite's message) and reported on its field.
    staff
        .post(
            &format!("/admin/processes/{pid}/budgets"),
            &form("1000.50", "EUR"),
        )
        .await
        .assert_status(422)
        .assert_contains("already uses this address");
    let project = |code: &'static str, cost: &'static str| {
        vec![("code", code), ("title", "A bench by the river"), ("cost", cost)]
    };
    staff
        .post(&format!("{budget_path}/projects"), &project("b1", "zero"))
        .await
        .assert_status(422)
        .assert_contains("Enter an amount greater than zero");
    for (code, cost) in [("b1", "400"), ("b2", "700.25"), ("b3", "300")] {
        staff
            .post(&format!("{budget_path}/projects"), &project(code, cost))
            .await
            .assert_status(303);
    }
    staff
        .post(&format!("{budget_path}/projects"), &project("b1", "10"))
        .await
        .assert_status(422)
        .assert_contains("already uses this code");
    // Citizens cannot reach the staff pages.
    let (mut citizen, _) = app.citizen("ines").await;
    citizen.get(&budget_path).await.assert_status(403);

    // The approval ballot enforces its minimum and maximum.
    let vote = "/processes/vote-2027/budgets/district/ballot";
    citizen
        .post(
            vote,
            &[
                ("choice", "b1"),
                ("choice", "b2"),
                ("choice", "b3"),
                ("action", "cast"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("at most 2 projects");
    citizen
        .post(vote, &[("action", "cast")])
        .await
        .assert_status(422)
        .assert_contains("at least 1");
    citizen
        .post(vote, &[("choice", "b1"), ("choice", "b2"), ("action", "cast")])
        .await
        .assert_status(200);
    // Projects are frozen once people have voted.
    staff
        .post(&format!("{budget_path}/projects"), &project("b4", "10"))
        .await
        .assert_status(403);
    // The ballots themselves wait for the close (tests/http/ballot_log.rs).
    staff
        .get(&format!("{budget_path}/ballots.pb"))
        .await
        .assert_status(409);
}

#[tokio::test]
async fn cumulative_ballots_must_give_exactly_the_points() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let form = BudgetForm {
        points: "5".into(),
        ..budget_form("points", "Points budget", "100", "cumulative", "greedy")
    };
    let projects = vec![project("x", "Project x", "60"), project("y", "Project y", "60")];
    add_budget(&app, &detail.process.id, form, projects).await;
    let (mut b, _) = app.citizen("hugo").await;
    let path = "/processes/vote-2027/budgets/points/ballot";
    b.post(path, &[("points-x", "4"), ("points-y", "2"), ("action", "cast")])
        .await
        .assert_status(422)
        .assert_contains("exactly 5 points (you gave 6)");
    b.post(path, &[("points-x", "3"), ("points-y", "2"), ("action", "cast")])
        .await
        .assert_status(200);
    let page = b.get("/processes/vote-2027/budgets/points").await;
    page.assert_contains("value=\"3\"").assert_contains("value=\"2\"");
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

#[tokio::test]
async fn staff_promote_an_accepted_proposal_to_a_project() {
    use crate::common::Allow;
    let app = TestApp::new().await;
    let detail = app.process("ideas", Allow::ALL).await;
    let (mut author, _) = app.citizen("nora").await;
    let proposal_id = author
        .propose_id(
            "ideas",
            "Shade sails in the playground",
            "Sails over the sandpit, for hot summers.",
        )
        .await;
    let budget = add_budget(
        &app,
        &detail.process.id,
        budget_form("ideas-budget", "Ideas budget", "1000", "approval", "greedy"),
        Vec::new(),
    )
    .await;
    let (mut staff, _) = app.staff("agent").await;
    let path = format!("/admin/budgets/{}/projects", budget.id);
    // Not accepted yet: cannot be promoted.
    staff
        .post(
            &path,
            &[("proposal_id", &proposal_id), ("code", "1"), ("cost", "300")],
        )
        .await
        .assert_status(422)
        .assert_contains("Only an accepted proposal");
    let answer = format!("/admin/proposals/{proposal_id}/answer");
    staff
        .post(
            &answer,
            &[("state", "accepted"), ("answer", "Yes, the town will build it.")],
        )
        .await;
    staff
        .get(&format!("/admin/budgets/{}", budget.id))
        .await
        .assert_contains("Shade sails in the playground");
    staff
        .post(
            &path,
            &[("proposal_id", &proposal_id), ("code", "1"), ("cost", "300")],
        )
        .await
        .assert_status(303);
    let projects = app
        .db({
            let id = budget.id.clone();
            move |c| budgets::projects(c, &id)
        })
        .await;
    assert_eq!(projects.len(), 1);
    assert_eq!(projects[0].title, "Shade sails in the playground");
    assert_eq!(projects[0].proposal_id.as_deref(), Some(proposal_id.as_str()));
}

/// A multipart upload of `file` with the import form's other fields, as a browser sends it.
pub(crate) fn import_request(path: &str, file: &str) -> axum::http::Request<axum::body::Body> {
    let boundary = "plenumBoundary7MA4YWxk";
    let mut body = String::new();
    for (name, value) in [
        ("title", "Replayed vote"),
        ("slug", "replay"),
        ("currency", "EUR"),
        ("rule", "mes"),
    ] {
        body +=
            &format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n");
    }
    body += &format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vote.pb\"\r\n\
         Content-Type: text/plain\r\n\r\n{file}\r\n--{boundary}--\r\n"
    );
    axum::http::Request::post(path)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(axum::body::Body::from(body))
        .unwrap()
}

#[tokio::test]
async fn staff_import_a_pb_file_and_a_bad_one_is_refused_with_its_line() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let (mut staff, _) = app.staff("agent").await;
    staff.get("/").await;
    let base = format!("/admin/processes/{}/budgets/import", detail.process.id);
    let good = "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost;name\n\
                p1;60;Trees in the square\np2;50;A new bench\nVOTES\nvoter_id;vote\n1;p1\n2;p1,p2\n3;p2\n";
    // Without the token in the form's address: refused.
    staff.send(import_request(&base, good)).await.assert_status(403);
    let with_token = format!("{base}?csrf={}", staff.csrf());
    let bad = good.replace("2;p1,p2", "2;p1,p9");
    staff
        .send(import_request(&with_token, &bad))
        .await
        .assert_status(422)
        .assert_contains("line 12: voter &#39;2&#39; votes for project &#39;p9&#39;")
        .assert_contains("aria-describedby=\"import-file-error\"");
    let list = || {
        let id = detail.process.id.clone();
        app.db(move |c| budgets::for_process(c, &id))
    };
    assert_eq!(list().await.len(), 1, "nothing imported from the bad file");
    let page = staff.send(import_request(&with_token, good)).await;
    page.assert_status(303);
    let budgets_now = list().await;
    let replay = budgets_now.iter().find(|b| b.slug == "replay").expect("imported");
    assert_eq!(replay.rule, "mes");
    assert_eq!(ballots_stored(&app, &replay.id).await.len(), 3);
    staff
        .get(&format!("/admin/budgets/{}", replay.id))
        .await
        .assert_contains("Trees in the square");
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

/// Finding 3: `points-A=18446744073709551615&points-B=11` with 10 points to spend added up to 10
/// in wrapping u64 arithmetic and was stored, after which no one could count the budget. It is
/// refused with a message, nothing is stored, and the budget stays countable.
#[tokio::test]
async fn a_cumulative_ballot_whose_points_wrap_around_u64_is_refused_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let (mut b, _) = app.citizen("mallory").await;
    let path = "/processes/vote-2027/budgets/points/ballot";
    let attack = b
        .post(
            path,
            &[
                ("points-A", "18446744073709551615"),
                ("points-B", "11"),
                ("action", "cast"),
            ],
        )
        .await;
    attack
        .assert_status(422)
        .assert_contains("One project can receive at most 10 points");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
    // The same in French: the message is translated.
    b.accept_language = "fr".into();
    b.post(
        path,
        &[
            ("points-A", "18446744073709551615"),
            ("points-B", "11"),
            ("action", "cast"),
        ],
    )
    .await
    .assert_status(422)
    .assert_contains("Un projet peut recevoir au plus 10 points");
    b.accept_language = "en".into();
    // Just over the cap without any wrap, on one project: refused the same way.
    b.post(path, &[("points-A", "11"), ("action", "cast")])
        .await
        .assert_status(422)
        .assert_contains("at most 10 points");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());

    let (mut honest, _) = app.citizen("honest").await;
    honest
        .post(path, &[("points-A", "4"), ("points-B", "6"), ("action", "cast")])
        .await
        .assert_status(200);
    // Tallies (live on this budget) are still computed for everyone.
    honest
        .get("/processes/vote-2027/budgets/points")
        .await
        .assert_status(200)
        .assert_contains("Project A");
    close_vote(&app, &detail).await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .get(&format!("/admin/budgets/{}/compare", budget.id))
        .await
        .assert_status(200);
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(303);
    let json = honest
        .get("/processes/vote-2027/budgets/points/results.json")
        .await
        .json();
    assert_eq!(json["ballots"], 1);
}

/// `points-A` sent twice used to be added up (5 + 5 = the 10 points); a browser never sends a
/// field twice, so the ballot is refused instead.
#[tokio::test]
async fn the_same_project_twice_on_one_ballot_is_refused() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let (mut b, _) = app.citizen("dup").await;
    b.post(
        "/processes/vote-2027/budgets/points/ballot",
        &[("points-A", "5"), ("points-A", "5"), ("action", "cast")],
    )
    .await
    .assert_status(422)
    .assert_contains("names “A” more than once");
    // Twice the same checkbox on a knapsack ballot: refused too.
    cast(&mut b, &["c", "c"])
        .await
        .assert_status(422)
        .assert_contains("more than once");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
}

/// Negative and non-numeric points used to be read as 0 and dropped, so the ballot was stored
/// as something the voter did not write; they are refused with a message.
#[tokio::test]
async fn negative_and_non_numeric_points_are_refused_not_dropped() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let (mut b, _) = app.citizen("neg").await;
    let path = "/processes/vote-2027/budgets/points/ballot";
    for bad in ["-5", "ten", "2.5", "1e1", "99999999999999999999999"] {
        b.post(path, &[("points-A", bad), ("points-B", "10"), ("action", "cast")])
            .await
            .assert_status(422)
            .assert_contains("Give “A” a whole number of points, from 0 to 10");
    }
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
    // An empty field is no points at all, as the form sends it for untouched projects.
    b.post(path, &[("points-A", ""), ("points-B", "10"), ("action", "cast")])
        .await
        .assert_status(200);
}

/// More choices than the budget has projects (here the same two projects named twice each):
/// refused, whatever the repeats would add up to.
#[tokio::test]
async fn a_ballot_naming_more_projects_than_the_budget_has_is_refused() {
    let app = TestApp::new().await;
    let (_, budget) = budget_process(&app, -1, 7).await;
    let (mut b, _) = app.citizen("many").await;
    cast(&mut b, &["a", "b", "a", "b"])
        .await
        .assert_status(422)
        .assert_contains("more projects than this budget has (3)");
    assert!(ballots_stored(&app, &budget.id).await.is_empty());
}

/// A ballot stored before these checks existed (the wrapped one of finding 3, written straight
/// into the table) no longer makes the budget uncountable for everyone: it is set aside, the
/// others are counted, and the results say how many were set aside.
#[tokio::test]
async fn a_stored_ballot_that_breaks_the_rules_is_set_aside_and_the_budget_stays_countable() {
    let app = TestApp::new().await;
    let (detail, _) = budget_process(&app, -1, 7).await;
    let budget = ten_points_budget(&app, &detail, "points").await;
    let id = budget.id.clone();
    app.state
        .db
        .write(move |c| {
            use diesel::prelude::*;
            use plenum::db::schema::ballots;
            diesel::insert_into(ballots::table)
                .values((
                    ballots::budget_id.eq(&id),
                    ballots::voter_tag.eq("0123456789abcdef"),
                    ballots::receipt_hash.eq("00112233445566778899aabbccddeeff"),
                    ballots::choices.eq("A,B"),
                    ballots::points.eq("18446744073709551615,11"),
                ))
                .execute(c)
                .map_err(plenum::db::DbError::from)?;
            Ok::<_, Error>(())
        })
        .await
        .unwrap();
    let (mut b, _) = app.citizen("honest").await;
    b.post(
        "/processes/vote-2027/budgets/points/ballot",
        &[("points-A", "3"), ("points-B", "7"), ("action", "cast")],
    )
    .await
    .assert_status(200);
    b.get("/processes/vote-2027/budgets/points")
        .await
        .assert_status(200);
    close_vote(&app, &detail).await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .get(&format!("/admin/budgets/{}/compare", budget.id))
        .await
        .assert_status(200);
    staff
        .post(&format!("/admin/budgets/{}/publish", budget.id), &[])
        .await
        .assert_status(303);
    let json = b
        .get("/processes/vote-2027/budgets/points/results.json")
        .await
        .json();
    assert_eq!(json["ballots"], 1);
    assert_eq!(json["ballots_set_aside"], 1);
    b.get("/processes/vote-2027/budgets/points/results")
        .await
        .assert_contains("set aside because they break this budget&#39;s rules: 1");
    let log = b.get("/processes/vote-2027/budgets/points/ballots.pb").await;
    let election = plenum::budgeting::pabulib::parse_str(&log.body).unwrap();
    assert_eq!(election.ballots.len(), 1);
    assert_eq!(election.ballots[0].points, vec![3, 7]);
}
