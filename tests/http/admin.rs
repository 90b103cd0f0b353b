//! Staff pages through the router: who may open them, process and phase forms with their
//! validation, publication, official answers and moderation.

use chrono::{Duration, Utc};
use plenum::domain::{comments, processes, proposals};

use crate::common::{Allow, Browser, TestApp};
use crate::town::TestTown;

/// `datetime-local` text for now + `days`.
fn date_in(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

async fn create_process(b: &mut Browser, slug: &str) -> String {
    let page = b
        .post(
            "/admin/processes",
            &[
                ("slug", slug),
                ("title", "Des arbres dans les cours d'école"),
                ("description", "Quelles cours faut-il végétaliser en premier ?"),
                ("scope", "Toute la ville"),
                ("categories", "Écoles\nClimat\n"),
            ],
        )
        .await;
    page.assert_status(303);
    let location = page.location().to_string();
    assert!(location.contains("notice=process-saved"), "{location}");
    location
        .trim_start_matches("/admin/processes/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

async fn add_phase(b: &mut Browser, process_id: &str, start: i64, end: i64, switches: &[&str]) -> u16 {
    let (s, e) = (date_in(start), date_in(end));
    let mut fields = vec![
        ("kind", "proposals"),
        ("starts_at", s.as_str()),
        ("ends_at", e.as_str()),
    ];
    for name in switches {
        fields.push((name, "on"));
    }
    b.post(&format!("/admin/processes/{process_id}/phases"), &fields)
        .await
        .status
        .as_u16()
}

#[tokio::test]
async fn admin_pages_need_staff() {
    let app = TestApp::new().await;
    let detail = app.process("budget", Allow::ALL).await;
    let id = detail.process.id.clone();
    let get_paths = [
        "/admin".to_string(),
        "/admin/processes/new".into(),
        format!("/admin/processes/{id}"),
        "/admin/reports".into(),
    ];
    let mut anonymous = app.browser();
    for path in &get_paths {
        let page = anonymous.get(path).await;
        page.assert_status(303);
        assert!(
            page.location().starts_with("/login?next="),
            "{path} → {}",
            page.location()
        );
    }
    let (mut citizen, _) = app.citizen("camille").await;
    for path in &get_paths {
        citizen
            .get(path)
            .await
            .assert_status(403)
            .assert_contains("staff");
    }
    let post_paths = [
        "/admin/processes".to_string(),
        format!("/admin/processes/{id}"),
        format!("/admin/processes/{id}/publish"),
        format!("/admin/processes/{id}/unpublish"),
        format!("/admin/processes/{id}/phases"),
        format!("/admin/processes/{id}/phases/{}", detail.phases[0].id),
        format!("/admin/processes/{id}/phases/{}/delete", detail.phases[0].id),
        format!("/admin/moderation/proposal/{id}/hide"),
    ];
    for path in &post_paths {
        citizen.post(path, &[("title", "x")]).await.assert_status(403);
    }
    // Nothing changed: the process is still published with its phase.
    let after = app.db(move |c| processes::detail_by_id(c, &id)).await;
    assert!(after.process.published);
    assert_eq!(after.phases.len(), 1);
    let (mut staff, _) = app.staff("agent").await;
    for path in &get_paths {
        staff.get(path).await.assert_status(200);
    }
}

#[tokio::test]
async fn staff_create_a_process_add_a_phase_and_publish_it() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .get("/admin/processes/new")
        .await
        .assert_status(200)
        .assert_contains("name=\"slug\"");
    let id = create_process(&mut staff, "ecoles-vertes").await;
    // A draft is not public.
    app.browser()
        .get("/processes/ecoles-vertes")
        .await
        .assert_status(404);
    // Publishing without a phase is refused, with the reason on the page.
    staff
        .post(&format!("/admin/processes/{id}/publish"), &[])
        .await
        .assert_status(409)
        .assert_contains("Add at least one phase");
    let status = add_phase(
        &mut staff,
        &id,
        -1,
        10,
        &["proposals_enabled", "endorsements_enabled", "comments_enabled"],
    )
    .await;
    assert_eq!(status, 303);
    staff
        .post(&format!("/admin/processes/{id}/publish"), &[])
        .await
        .assert_status(303);
    let page = app.browser().get("/processes/ecoles-vertes").await;
    page.assert_status(200)
        .assert_contains("cours d&#39;école")
        .assert_contains("Proposals");
    let detail = app.db(move |c| processes::detail_by_id(c, &id)).await;
    assert_eq!(detail.categories.len(), 2);
    assert!(detail.phases[0].proposals_enabled && detail.phases[0].comments_enabled);
    // The dashboard lists it.
    staff
        .get("/admin")
        .await
        .assert_status(200)
        .assert_contains("ecoles-vertes");
}

#[tokio::test]
async fn invalid_process_forms_are_explained_and_nothing_is_stored() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("agent").await;
    let page = staff
        .post(
            "/admin/processes",
            &[("slug", "Pas Bon!"), ("title", ""), ("description", "")],
        )
        .await;
    page.assert_status(422)
        .assert_contains("aria-invalid=\"true\"")
        .assert_contains("href=\"#slug\"");
    assert!(page.body.contains("This field is required"), "{}", page.body);
    let count = app.db(|c| processes::list(c, true)).await.len();
    assert_eq!(count, 0);
    // A slug already used is refused too.
    create_process(&mut staff, "budget").await;
    let page = staff
        .post(
            "/admin/processes",
            &[
                ("slug", "budget"),
                ("title", "Another one"),
                ("description", "Another process here."),
            ],
        )
        .await;
    assert!(
        matches!(page.status.as_u16(), 409 | 422),
        "status {}",
        page.status
    );
    assert_eq!(app.db(|c| processes::list(c, true)).await.len(), 1);
}

#[tokio::test]
async fn editing_a_process_changes_it() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("agent").await;
    let id = create_process(&mut staff, "parcs").await;
    staff
        .post(
            &format!("/admin/processes/{id}"),
            &[
                ("slug", "parcs"),
                ("title", "Nos parcs en 2027"),
                ("description", "Une nouvelle description."),
                ("categories", "Jeux\nOmbre\nEau"),
            ],
        )
        .await
        .assert_status(303);
    let detail = app.db(move |c| processes::detail_by_id(c, &id)).await;
    assert_eq!(detail.process.title, "Nos parcs en 2027");
    assert_eq!(detail.categories.len(), 3);
}

#[tokio::test]
async fn phase_dates_are_checked() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("agent").await;
    let id = create_process(&mut staff, "voirie").await;
    // End before start.
    assert_eq!(add_phase(&mut staff, &id, 5, 2, &[]).await, 422);
    // Garbled date.
    let page = staff
        .post(
            &format!("/admin/processes/{id}/phases"),
            &[
                ("kind", "proposals"),
                ("starts_at", "demain"),
                ("ends_at", "2027-01-01T10:00"),
            ],
        )
        .await;
    page.assert_status(422)
        .assert_contains("Please enter a date and time");
    // Unknown kind.
    let (s, e) = (date_in(1), date_in(2));
    staff
        .post(
            &format!("/admin/processes/{id}/phases"),
            &[
                ("kind", "party"),
                ("starts_at", s.as_str()),
                ("ends_at", e.as_str()),
            ],
        )
        .await
        .assert_status(422);
    // A good phase, then one that overlaps it.
    assert_eq!(add_phase(&mut staff, &id, 0, 10, &[]).await, 303);
    let page = staff
        .post(
            &format!("/admin/processes/{id}/phases"),
            &[
                ("kind", "vote"),
                ("starts_at", date_in(5).as_str()),
                ("ends_at", date_in(20).as_str()),
            ],
        )
        .await;
    page.assert_status(422).assert_contains("overlaps");
    let detail = app.db(move |c| processes::detail_by_id(c, &id)).await;
    assert_eq!(detail.phases.len(), 1, "only the valid phase is stored");
}

#[tokio::test]
async fn phase_switches_decide_what_citizens_may_do() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_staff("agent")
        .with_citizen("lea")
        .await;
    let detail = town.detail("budget").clone();
    let mut staff = town.browser_of("agent");
    let mut citizen = town.browser_of("lea");
    citizen
        .get("/processes/budget/proposals/new")
        .await
        .assert_status(200);
    let phase = &detail.phases[0];
    let (s, e) = (
        phase.starts_at.format("%Y-%m-%dT%H:%M").to_string(),
        phase.ends_at.format("%Y-%m-%dT%H:%M").to_string(),
    );
    // Turn proposals off, keep endorsements.
    staff
        .post(
            &format!("/admin/processes/{}/phases/{}", detail.process.id, phase.id),
            &[
                ("kind", "proposals"),
                ("starts_at", s.as_str()),
                ("ends_at", e.as_str()),
                ("endorsements_enabled", "on"),
            ],
        )
        .await
        .assert_status(303);
    citizen
        .get("/processes/budget/proposals/new")
        .await
        .assert_status(403)
        .assert_contains("New proposals are not accepted");
    // Deleting the only phase closes everything.
    staff
        .post(
            &format!(
                "/admin/processes/{}/phases/{}/delete",
                detail.process.id, phase.id
            ),
            &[],
        )
        .await
        .assert_status(303);
    let id = detail.process.id.clone();
    let after = town.db(move |c| processes::detail_by_id(c, &id)).await;
    assert!(after.phases.is_empty());
}

#[tokio::test]
async fn unpublishing_hides_the_process() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_staff("agent")
        .await;
    let detail = town.detail("budget").clone();
    let mut staff = town.browser_of("agent");
    staff
        .post(&format!("/admin/processes/{}/unpublish", detail.process.id), &[])
        .await
        .assert_status(303);
    town.browser().get("/processes/budget").await.assert_status(404);
    // Staff still see it.
    staff.get("/processes/budget").await.assert_status(200);
}

async fn a_proposal(app: &TestApp) -> (String, Browser) {
    app.process("budget", Allow::ALL).await;
    let (mut citizen, _) = app.citizen("nour").await;
    let id = citizen
        .propose_id(
            "budget",
            "Un composteur par quartier",
            "Pour réduire les déchets de chaque quartier.",
        )
        .await;
    (id, citizen)
}

#[tokio::test]
async fn staff_answer_a_proposal_officially() {
    let app = TestApp::new().await;
    let (id, mut citizen) = a_proposal(&app).await;
    let (mut staff, _) = app.staff("agent").await;
    staff
        .get(&format!("/admin/proposals/{id}/answer"))
        .await
        .assert_status(200)
        .assert_contains("name=\"state\"");
    // An unknown state is refused.
    staff
        .post(
            &format!("/admin/proposals/{id}/answer"),
            &[("state", "maybe"), ("answer", "Hmm.")],
        )
        .await
        .assert_status(422)
        .assert_contains("Please choose evaluating, accepted or rejected");
    let page = staff
        .post(
            &format!("/admin/proposals/{id}/answer"),
            &[
                ("state", "accepted"),
                ("answer", "Accepted: **works in spring**."),
            ],
        )
        .await;
    page.assert_status(303);
    assert!(page.location().starts_with(&format!("/proposals/{id}")));
    citizen
        .get(&format!("/proposals/{id}"))
        .await
        .assert_status(200)
        .assert_contains("<strong>works in spring</strong>")
        .assert_contains("Accepted");
    let stored = app
        .db({
            let id = id.clone();
            move |c| proposals::find(c, &id)
        })
        .await;
    assert_eq!(stored.state, "accepted");
    // Citizens cannot answer.
    citizen
        .post(
            &format!("/admin/proposals/{id}/answer"),
            &[("state", "rejected"), ("answer", "No.")],
        )
        .await
        .assert_status(403);
    // Unknown proposal.
    staff.get("/admin/proposals/nope/answer").await.assert_status(404);
}

#[tokio::test]
async fn reported_proposal_is_hidden_then_shown_again() {
    let app = TestApp::new().await;
    let (id, mut citizen) = a_proposal(&app).await;
    let (mut reporter, _) = app.citizen("hugo").await;
    reporter
        .post(
            &format!("/report/proposal/{id}"),
            &[("reason", "spam"), ("details", "Publicité")],
        )
        .await
        .assert_status(303);
    let (mut staff, _) = app.staff("agent").await;
    staff
        .get("/admin/reports")
        .await
        .assert_status(200)
        .assert_contains("Un composteur par quartier")
        .assert_contains("Publicité");
    staff.get("/admin").await.assert_contains("One report to review");
    staff
        .post(&format!("/admin/moderation/proposal/{id}/hide"), &[])
        .await
        .assert_status(303);
    app.browser()
        .get(&format!("/proposals/{id}"))
        .await
        .assert_status(404);
    let list = citizen.get("/processes/budget").await;
    assert!(!list.body.contains("Un composteur par quartier"));
    // The report is closed, and the item is listed as hidden.
    let page = staff.get("/admin/reports").await;
    page.assert_contains("No report to review")
        .assert_contains("Show again");
    staff
        .post(&format!("/admin/moderation/proposal/{id}/unhide"), &[])
        .await
        .assert_status(303);
    app.browser()
        .get(&format!("/proposals/{id}"))
        .await
        .assert_status(200);
}

#[tokio::test]
async fn reported_comment_is_hidden_or_dismissed() {
    let app = TestApp::new().await;
    let (id, mut citizen) = a_proposal(&app).await;
    citizen
        .post(
            &format!("/proposals/{id}/comments"),
            &[
                ("body", "Un commentaire vraiment désagréable."),
                ("stance", "against"),
            ],
        )
        .await
        .assert_status(303);
    let proposal_id = id.clone();
    let comment_id = app
        .db(move |c| comments::thread(c, &proposal_id, true))
        .await
        .first()
        .expect("the comment")
        .comment
        .id
        .clone();
    let (mut reporter, _) = app.citizen("hugo").await;
    reporter
        .post(
            &format!("/report/comment/{comment_id}"),
            &[("reason", "offensive")],
        )
        .await
        .assert_status(303);
    let (mut staff, _) = app.staff("agent").await;
    // Dismissing keeps the comment visible and closes the report.
    staff
        .post(&format!("/admin/moderation/comment/{comment_id}/dismiss"), &[])
        .await
        .assert_status(303);
    staff
        .get("/admin/reports")
        .await
        .assert_contains("No report to review");
    app.browser()
        .get(&format!("/proposals/{id}"))
        .await
        .assert_contains("vraiment désagréable");
    // Hiding removes it from the public page.
    staff
        .post(&format!("/admin/moderation/comment/{comment_id}/hide"), &[])
        .await
        .assert_status(303);
    let page = app.browser().get(&format!("/proposals/{id}")).await;
    assert!(!page.body.contains("vraiment désagréable"));
    // Unknown kinds, actions and items are 404.
    staff
        .post(&format!("/admin/moderation/user/{comment_id}/hide"), &[])
        .await
        .assert_status(404);
    staff
        .post(&format!("/admin/moderation/comment/{comment_id}/explode"), &[])
        .await
        .assert_status(404);
    staff
        .post("/admin/moderation/comment/nope/hide", &[])
        .await
        .assert_status(404);
}

#[tokio::test]
async fn admin_forms_need_the_csrf_token() {
    let app = TestApp::new().await;
    let (mut staff, _) = app.staff("agent").await;
    let page = staff
        .post_raw(
            "/admin/processes",
            &[
                ("slug", "sans-jeton".into()),
                ("title", "Sans jeton".into()),
                ("description", "Pas de jeton.".into()),
            ],
        )
        .await;
    page.assert_status(403);
    assert_eq!(app.db(|c| processes::list(c, true)).await.len(), 0);
}
