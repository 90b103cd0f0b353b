//! What staff do with budgets through the HTML pages: create one and its projects, promote an
//! accepted proposal to a project, import a `.pb` file.

use plenum::domain::budgets;

use crate::budgets::{ballots_stored, budget_process};
use crate::common::TestApp;
use crate::voting::{add_budget, budget_form};

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
