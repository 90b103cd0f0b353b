//! The JSON API through the router: reads, citizen writes with a token or a session, errors in
//! one JSON shape, and the OpenAPI document matching the routes.

use std::collections::HashSet;

use axum::http::Method;
use serde_json::{json, Value};

use plenum::domain::{endorsements, proposals};

use crate::common::{Allow, Browser, TestApp};
use crate::town::{api_user, TestTown};

async fn token_for(app: &TestApp, username: &str) -> (Browser, String) {
    let (browser, _, token) = api_user(app, username).await;
    (browser, token)
}

/// What most of these tests start from: process `budget`, open to everything, and `ines`, a
/// citizen with an API token (her browser, and the token).
async fn ines_with_a_token() -> (TestTown, Browser, String) {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_api_user("ines")
        .await;
    let browser = town.browser_of("ines");
    let token = town.token("ines");
    (town, browser, token)
}

async fn create(b: &mut Browser, token: &str, slug: &str, title: &str) -> Value {
    let page = b
        .api(
            Method::POST,
            &format!("/api/v1/processes/{slug}/proposals"),
            Some(json!({"title": title, "body": "A body that explains the idea in enough words."})),
            Some(token),
        )
        .await;
    page.assert_status(201);
    page.json()
}

fn assert_error_shape(v: &Value, code: &str) {
    assert_eq!(v["error"], code, "{v}");
    assert!(v["message"].as_str().is_some_and(|m| m.len() > 10), "{v}");
    assert!(v["fields"].is_array(), "{v}");
}

#[tokio::test]
async fn processes_are_listed_and_read() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_process("ferme", Allow::NOTHING)
        .await;
    let mut b = town.browser();
    let page = b.api(Method::GET, "/api/v1/processes", None, None).await;
    page.assert_status(200);
    let slugs: HashSet<String> = page.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["slug"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(slugs, HashSet::from(["budget".to_string(), "ferme".to_string()]));
    let open = b
        .api(Method::GET, "/api/v1/processes/budget", None, None)
        .await
        .json();
    assert_eq!(open["now"]["proposals"]["allowed"], true);
    assert_eq!(open["categories"].as_array().unwrap().len(), 2);
    assert_eq!(open["current_phase"], "proposals");
    let closed = b
        .api(Method::GET, "/api/v1/processes/ferme", None, None)
        .await
        .json();
    assert_eq!(closed["now"]["endorsements"]["allowed"], false);
    assert!(closed["now"]["endorsements"]["reason"]
        .as_str()
        .unwrap()
        .contains("Endorsements are closed"));
    let missing = b.api(Method::GET, "/api/v1/processes/nope", None, None).await;
    missing.assert_status(404);
    assert_error_shape(&missing.json(), "not_found");
}

#[tokio::test]
async fn token_lifecycle() {
    let app = TestApp::new().await;
    let (mut b, token) = token_for(&app, "ines").await;
    let me = b.api(Method::GET, "/api/v1/me", None, Some(&token)).await;
    me.assert_status(200);
    assert_eq!(me.json()["username"], "ines");
    b.api(Method::DELETE, "/api/v1/tokens/current", None, Some(&token))
        .await
        .assert_status(204);
    let after = b.api(Method::GET, "/api/v1/me", None, Some(&token)).await;
    after.assert_status(401);
    assert_error_shape(&after.json(), "unauthenticated");
}

#[tokio::test]
async fn wrong_password_is_401_then_throttled() {
    let app = TestApp::new().await;
    app.user("ines", plenum::domain::accounts::Role::Citizen).await;
    let mut b = app.browser();
    let body = json!({"email": "ines@example.org", "password": "not the right one at all"});
    let page = b
        .api(Method::POST, "/api/v1/tokens", Some(body.clone()), None)
        .await;
    page.assert_status(401);
    assert!(page.json()["message"].as_str().unwrap().contains("wrong"));
    let mut last = 401;
    for _ in 0..12 {
        last = b
            .api(Method::POST, "/api/v1/tokens", Some(body.clone()), None)
            .await
            .status
            .as_u16();
    }
    assert_eq!(last, 429, "sign-in throttling applies to tokens too");
}

#[tokio::test]
async fn writes_need_authentication() {
    let app = TestApp::new().await;
    app.process("budget", Allow::ALL).await;
    let mut anonymous = app.browser();
    let page = anonymous
        .api(
            Method::POST,
            "/api/v1/processes/budget/proposals",
            Some(json!({"title": "Sans compte", "body": "Une proposition sans compte, refusée."})),
            None,
        )
        .await;
    page.assert_status(401);
    assert_error_shape(&page.json(), "unauthenticated");
    anonymous
        .api(Method::GET, "/api/v1/me", None, None)
        .await
        .assert_status(401);
    anonymous
        .api(Method::GET, "/api/v1/me/export", None, None)
        .await
        .assert_status(401);
    anonymous
        .api(Method::GET, "/api/v1/me", None, Some("plenum_not-a-real-token"))
        .await
        .assert_status(401);
}

#[tokio::test]
async fn create_read_edit_with_version_check_and_history() {
    let (town, mut b, token) = ines_with_a_token().await;
    let created = create(&mut b, &token, "budget", "Des bancs au parc").await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["version"], 1);
    let read = b
        .api(Method::GET, &format!("/api/v1/proposals/{id}"), None, None)
        .await;
    read.assert_status(200);
    assert_eq!(read.json()["title"], "Des bancs au parc");
    assert_eq!(read.json()["process"]["slug"], "budget");
    let edit = |version: i64| json!({"version": version, "title": "Des bancs à l'ombre au parc", "body": "Des bancs sous les arbres, pour l'été."});
    let page = b
        .api(
            Method::PATCH,
            &format!("/api/v1/proposals/{id}"),
            Some(edit(1)),
            Some(&token),
        )
        .await;
    page.assert_status(200);
    assert_eq!(page.json()["version"], 2);
    // A second edit written against version 1 is stale.
    let stale = b
        .api(
            Method::PATCH,
            &format!("/api/v1/proposals/{id}"),
            Some(edit(1)),
            Some(&token),
        )
        .await;
    stale.assert_status(409);
    assert_error_shape(&stale.json(), "conflict");
    let versions = b
        .api(
            Method::GET,
            &format!("/api/v1/proposals/{id}/versions"),
            None,
            None,
        )
        .await
        .json();
    assert_eq!(versions["items"].as_array().unwrap().len(), 2);
    // Someone else may not edit or withdraw it.
    let (mut other, other_token) = token_for(&town, "paul").await;
    other
        .api(
            Method::PATCH,
            &format!("/api/v1/proposals/{id}"),
            Some(edit(2)),
            Some(&other_token),
        )
        .await
        .assert_status(403);
    other
        .api(
            Method::POST,
            &format!("/api/v1/proposals/{id}/withdraw"),
            None,
            Some(&other_token),
        )
        .await
        .assert_status(403);
    let withdrawn = b
        .api(
            Method::POST,
            &format!("/api/v1/proposals/{id}/withdraw"),
            None,
            Some(&token),
        )
        .await;
    withdrawn.assert_status(200);
    assert_eq!(withdrawn.json()["state"], "withdrawn");
}

#[tokio::test]
async fn validation_errors_list_the_fields() {
    let (town, mut b, token) = ines_with_a_token().await;
    let detail = town.detail("budget").clone();
    let page = b
        .api(
            Method::POST,
            "/api/v1/processes/budget/proposals",
            Some(json!({"title": "Hi", "body": "", "category_id": "nope"})),
            Some(&token),
        )
        .await;
    page.assert_status(422);
    let v = page.json();
    assert_error_shape(&v, "invalid");
    let fields: HashSet<&str> = v["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, HashSet::from(["title", "body", "category_id"]));
    let process_id = detail.process.id.clone();
    let stored = town
        .db(move |c| proposals::list(c, &process_id, &Default::default()))
        .await;
    assert_eq!(stored.total, 0, "nothing stored");
}

#[tokio::test]
async fn malformed_json_gets_a_json_error() {
    let (_town, b, token) = ines_with_a_token().await;
    let send = |body: &'static str, content_type: &'static str| {
        let mut b = b.clone();
        let token = token.clone();
        async move {
            let request = b
                .method(Method::POST, "/api/v1/processes/budget/proposals")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", content_type)
                .body(axum::body::Body::from(body))
                .unwrap();
            b.send(request).await
        }
    };
    // Refused with 422, the first field's message saying why.
    let refused_saying = |page: crate::common::Page, why: &str| {
        page.assert_status(422);
        let message = page.json()["fields"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        assert!(message.contains(why), "{message:?} does not say {why:?}");
    };
    refused_saying(send("{\"title\": ", "application/json").await, "not valid JSON");
    refused_saying(
        send("{\"title\": 5}", "application/json").await,
        "expected fields",
    );
    refused_saying(
        send("title=x", "application/x-www-form-urlencoded").await,
        "Content-Type",
    );
}

#[tokio::test]
async fn closed_phase_is_403_with_the_reason() {
    let town = TestTown::new()
        .with_process("ferme", Allow::NOTHING)
        .with_api_user("ines")
        .await;
    let mut b = town.browser_of("ines");
    let token = town.token("ines");
    let page = b
        .api(
            Method::POST,
            "/api/v1/processes/ferme/proposals",
            Some(json!({"title": "Trop tard", "body": "Cette proposition arrive trop tard."})),
            Some(&token),
        )
        .await;
    page.assert_status(403);
    assert_error_shape(&page.json(), "forbidden");
    assert!(page.json()["message"].as_str().unwrap().contains("not accepted"));
}

#[tokio::test]
async fn endorsement_is_idempotent_and_counts_once() {
    let (town, mut author, author_token) = ines_with_a_token().await;
    let id = create(&mut author, &author_token, "budget", "Un jardin partagé").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (mut b, token) = token_for(&town, "paul").await;
    let path = format!("/api/v1/proposals/{id}/endorsement");
    let first = b.api(Method::PUT, &path, None, Some(&token)).await.json();
    assert_eq!(
        (first["changed"].clone(), first["endorsement_count"].clone()),
        (json!(true), json!(1))
    );
    let again = b.api(Method::PUT, &path, None, Some(&token)).await.json();
    assert_eq!(
        (again["changed"].clone(), again["endorsement_count"].clone()),
        (json!(false), json!(1))
    );
    let shown = b
        .api(
            Method::GET,
            &format!("/api/v1/proposals/{id}"),
            None,
            Some(&token),
        )
        .await
        .json();
    assert_eq!(shown["endorsed_by_me"], true);
    let off = b.api(Method::DELETE, &path, None, Some(&token)).await.json();
    assert_eq!(off["endorsement_count"], 0);
    let off_again = b.api(Method::DELETE, &path, None, Some(&token)).await.json();
    assert_eq!(
        (
            off_again["changed"].clone(),
            off_again["endorsement_count"].clone()
        ),
        (json!(false), json!(0))
    );
}

#[tokio::test]
async fn twenty_parallel_endorsements_by_one_person_count_once() {
    let (town, mut author, author_token) = ines_with_a_token().await;
    let id = create(&mut author, &author_token, "budget", "Une fontaine").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (b, token) = token_for(&town, "paul").await;
    let path = format!("/api/v1/proposals/{id}/endorsement");
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let (mut b, token, path) = (b.clone(), token.clone(), path.clone());
            tokio::spawn(async move {
                b.api(Method::PUT, &path, None, Some(&token))
                    .await
                    .status
                    .as_u16()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 200);
    }
    let proposal_id = id.clone();
    let (stored, rows) = town
        .db(move |c| {
            Ok((
                proposals::find(c, &proposal_id)?.endorsement_count,
                endorsements::count_rows(c, &proposal_id)?,
            ))
        })
        .await;
    assert_eq!((stored, rows), (1, 1));
}

#[tokio::test]
async fn endorsing_in_a_closed_phase_is_refused() {
    let app = TestApp::new().await;
    let detail = app
        .process(
            "budget",
            Allow {
                endorsements: false,
                ..Allow::ALL
            },
        )
        .await;
    let (mut author, author_token) = token_for(&app, "ines").await;
    let id = create(&mut author, &author_token, &detail.process.slug, "Un kiosque").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (mut b, token) = token_for(&app, "paul").await;
    let page = b
        .api(
            Method::PUT,
            &format!("/api/v1/proposals/{id}/endorsement"),
            None,
            Some(&token),
        )
        .await;
    page.assert_status(403);
    assert!(page.json()["message"]
        .as_str()
        .unwrap()
        .contains("Endorsements are closed"));
}

#[tokio::test]
async fn comments_thread_and_reports() {
    let (town, mut b, token) = ines_with_a_token().await;
    let id = create(&mut b, &token, "budget", "Plus de poubelles").await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/proposals/{id}/comments");
    let parent = b
        .api(
            Method::POST,
            &path,
            Some(json!({"body": "Bonne idée, surtout au marché.", "stance": "for"})),
            Some(&token),
        )
        .await;
    parent.assert_status(201);
    let parent_id = parent.json()["id"].as_str().unwrap().to_string();
    let reply = b
        .api(
            Method::POST,
            &path,
            Some(json!({"body": "Et le tri sélectif ?", "stance": "neutral", "parent_id": parent_id})),
            Some(&token),
        )
        .await;
    reply.assert_status(201);
    b.api(
        Method::POST,
        &path,
        Some(json!({"body": "Sans position valide.", "stance": "peut-être"})),
        Some(&token),
    )
    .await
    .assert_status(422);
    let thread = b.api(Method::GET, &path, None, None).await.json();
    let items = thread["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(
        (items[0]["depth"].clone(), items[1]["depth"].clone()),
        (json!(0), json!(1))
    );
    assert_eq!(items[1]["stance"], "neutral");
    let (mut other, other_token) = token_for(&town, "paul").await;
    let report = json!({"kind": "comment", "id": parent_id, "reason": "spam"});
    other
        .api(
            Method::POST,
            "/api/v1/reports",
            Some(report.clone()),
            Some(&other_token),
        )
        .await
        .assert_status(204);
    other
        .api(Method::POST, "/api/v1/reports", Some(report), Some(&other_token))
        .await
        .assert_status(204);
    let open = town.db(plenum::domain::moderation::open_reports).await;
    assert_eq!(open.len(), 1, "a repeated report is stored once");
    other
        .api(
            Method::POST,
            "/api/v1/reports",
            Some(json!({"kind": "user", "id": "x", "reason": "spam"})),
            Some(&other_token),
        )
        .await
        .assert_status(422);
}

#[tokio::test]
async fn random_pages_are_stable_and_cover_every_proposal_once() {
    let (_town, mut b, token) = ines_with_a_token().await;
    let mut all = HashSet::new();
    for i in 0..45 {
        all.insert(
            create(&mut b, &token, "budget", &format!("Proposition numéro {i}")).await["id"]
                .as_str()
                .unwrap()
                .to_string(),
        );
    }
    let page_ids = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect()
    };
    let mut seen = Vec::new();
    for page in 1..=3 {
        let v = b
            .api(
                Method::GET,
                &format!("/api/v1/processes/budget/proposals?seed=42&page={page}"),
                None,
                None,
            )
            .await
            .json();
        assert_eq!(v["total"], 45);
        assert_eq!(v["pages"], 3);
        seen.extend(page_ids(&v));
    }
    assert_eq!(seen.len(), 45);
    assert_eq!(seen.iter().cloned().collect::<HashSet<_>>(), all);
    let again = b
        .api(
            Method::GET,
            "/api/v1/processes/budget/proposals?seed=42&page=1",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(page_ids(&again), seen[..20].to_vec(), "same seed, same order");
    let other = b
        .api(
            Method::GET,
            "/api/v1/processes/budget/proposals?seed=7&page=1",
            None,
            None,
        )
        .await
        .json();
    assert_ne!(
        page_ids(&other),
        seen[..20].to_vec(),
        "another seed, another order"
    );
    let newest = b
        .api(
            Method::GET,
            "/api/v1/processes/budget/proposals?sort=newest&q=num%C3%A9ro%2044",
            None,
            None,
        )
        .await
        .json();
    assert_eq!(newest["total"], 1);
    b.api(
        Method::GET,
        "/api/v1/processes/budget/proposals?sort=loudest",
        None,
        None,
    )
    .await
    .assert_status(422);
}

#[tokio::test]
async fn session_writes_need_the_csrf_header() {
    let town = TestTown::new()
        .with_process("budget", Allow::ALL)
        .with_citizen("ines")
        .await;
    let mut b = town.browser_of("ines");
    // With the session and the header (what `api` sends without a token): accepted.
    let ok = b
        .api(
            Method::POST,
            "/api/v1/processes/budget/proposals",
            Some(json!({"title": "Par le navigateur", "body": "Une proposition envoyée avec la session."})),
            None,
        )
        .await;
    ok.assert_status(201);
    // Without the header: refused.
    let request = b
        .method(Method::POST, "/api/v1/processes/budget/proposals")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({"title": "Sans jeton CSRF", "body": "Cette requête vient d'un autre site."}).to_string(),
        ))
        .unwrap();
    b.send(request).await.assert_status(403);
}

#[tokio::test]
async fn export_returns_the_callers_data() {
    let (_town, mut b, token) = ines_with_a_token().await;
    create(&mut b, &token, "budget", "Mes données à moi").await;
    let page = b.api(Method::GET, "/api/v1/me/export", None, Some(&token)).await;
    page.assert_status(200);
    assert!(page.body.contains("Mes données à moi"));
    assert!(!page.body.contains("password"), "no password hash in the export");
}

#[tokio::test]
async fn mirrored_processes_read_as_json_and_unknown_ids_are_404() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    let list = b.get("/api/v1/remote/processes").await;
    list.assert_status(200);
    assert_eq!(list.json()["items"], serde_json::json!([]));
    for path in ["/api/v1/remote/processes/nope", "/api/v1/remote/proposals/nope"] {
        let page = b.get(path).await;
        page.assert_status(404);
        assert!(page.json()["message"].is_string(), "{path}: {}", page.body);
    }
}

#[tokio::test]
async fn openapi_document_matches_the_routes() {
    let app = TestApp::new().await;
    app.process("budget", Allow::ALL).await;
    let mut b = app.browser();
    let page = b.get("/api/openapi.json").await;
    page.assert_status(200);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let doc = page.json();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    // Every route the API module declares is documented (read from its source, so a new route
    // without documentation fails here).
    let source = include_str!("../../src/web/api/mod.rs");
    for piece in source.split(".route(").skip(1) {
        let route = piece
            .trim_start()
            .trim_start_matches('"')
            .split('"')
            .next()
            .unwrap();
        if route != "/api/openapi.json" {
            assert!(
                paths.contains_key(route),
                "{route} is routed but not in openapi.json"
            );
        }
    }
    assert!(paths.len() >= 13, "{} paths", paths.len());
    let mut checked = 0;
    for (path, operations) in paths {
        for method in operations.as_object().unwrap().keys() {
            let concrete = path.replace("{slug}", "budget").replace("{id}", "no-such-id");
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let request = b
                .method(method.clone(), &concrete)
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{}"))
                .unwrap();
            let status = b.send(request).await.status.as_u16();
            // 404 is fine only as a JSON "not found" for the made-up id, never an unknown route.
            assert_ne!(status, 405, "{method} {path} is documented but not routed");
            if status == 404 {
                assert!(
                    concrete.contains("no-such-id"),
                    "{method} {path} is documented but not routed"
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 17, "{checked} operations checked");
}
