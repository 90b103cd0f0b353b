//! Limits that parallel requests cannot race past, and a bound on password hashing that keeps
//! the server answering during a burst of sign-ins.

use std::time::{Duration, Instant};

use axum::http::Method;
use serde_json::json;

use crate::common::{Browser, Page, TestApp, PASSWORD};

/// Runs `n` copies of `attempt` at once, each with its own copy of `b`, and returns the pages.
async fn in_parallel<F, Fut>(b: &Browser, n: usize, attempt: F) -> Vec<Page>
where
    F: Fn(Browser, usize) -> Fut,
    Fut: std::future::Future<Output = Page> + Send + 'static,
{
    let tasks: Vec<_> = (0..n).map(|i| tokio::spawn(attempt(b.clone(), i))).collect();
    let mut pages = Vec::with_capacity(n);
    for task in tasks {
        pages.push(task.await.expect("attempt"));
    }
    pages
}

fn statuses(pages: &[Page]) -> Vec<u16> {
    let mut all: Vec<u16> = pages.iter().map(|p| p.status.as_u16()).collect();
    all.sort();
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_parallel_wrong_passwords_for_one_account_let_only_the_limit_through() {
    let app = TestApp::new().await;
    app.user("marie", plenum::domain::accounts::Role::Citizen).await;
    let mut b = app.browser();
    b.get("/").await;
    let hashed_before = app.state.hashing.completed();
    let pages = in_parallel(&b, 50, |mut b, i| async move {
        let guess = format!("wrong password number {i}");
        b.post("/login", &[("email", "marie@example.org"), ("password", &guess)])
            .await
    })
    .await;
    let all = statuses(&pages);
    let let_through = all.iter().filter(|s| **s != 429).count();
    assert_eq!(let_through, 10, "statuses: {all:?}");
    assert!(all.iter().all(|s| *s == 401 || *s == 429), "statuses: {all:?}");
    assert_eq!(
        app.state.hashing.completed() - hashed_before,
        10,
        "one password check per attempt let through, none for the refused ones"
    );
    // The right password waits too.
    b.post(
        "/login",
        &[("email", "marie@example.org"), ("password", PASSWORD)],
    )
    .await
    .assert_status(429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_api_token_requests_with_wrong_passwords_let_only_the_limit_through() {
    // What is counted here is the limit, not the hashing bound: on a busy machine a hash may
    // wait long for a slot, and must not be told to retry (503) instead of counted.
    let app = TestApp::with_config(|c| c.password_hash_wait = Duration::from_secs(120)).await;
    app.user("marie", plenum::domain::accounts::Role::Citizen).await;
    let mut b = app.browser();
    b.get("/").await;
    let hashed_before = app.state.hashing.completed();
    let pages = in_parallel(&b, 30, |mut b, i| async move {
        let body = json!({"email": "marie@example.org", "password": format!("wrong guess {i}")});
        b.api(Method::POST, "/api/v1/tokens", Some(body), None).await
    })
    .await;
    let all = statuses(&pages);
    assert_eq!(all.iter().filter(|s| **s == 401).count(), 10, "statuses: {all:?}");
    assert_eq!(all.iter().filter(|s| **s == 429).count(), 20, "statuses: {all:?}");
    assert_eq!(app.state.hashing.completed() - hashed_before, 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_sign_ups_from_one_address_let_only_the_limit_through() {
    // What is counted here is the limit, not the hashing bound: on a busy machine a hash may
    // wait long for a slot, and must not be told to retry (503) instead of counted.
    let app = TestApp::with_config(|c| c.password_hash_wait = Duration::from_secs(120)).await;
    let mut b = app.browser();
    b.get("/").await;
    let hashed_before = app.state.hashing.completed();
    let pages = in_parallel(&b, 30, |mut b, i| async move {
        let (email, username) = (format!("p{i}@example.org"), format!("person{i}"));
        b.post(
            "/signup",
            &[
                ("email", &email),
                ("username", &username),
                ("display_name", "Someone"),
                ("password", PASSWORD),
            ],
        )
        .await
    })
    .await;
    let all = statuses(&pages);
    assert_eq!(all.iter().filter(|s| **s == 303).count(), 20, "statuses: {all:?}");
    assert_eq!(all.iter().filter(|s| **s == 429).count(), 10, "statuses: {all:?}");
    assert_eq!(
        app.state.hashing.completed() - hashed_before,
        20,
        "refused sign-ups hash nothing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn six_hundred_parallel_sign_ins_hash_at_most_the_bound_at_once_and_pages_still_answer() {
    let app = TestApp::with_config(|c| {
        c.password_hash_slots = 2;
        c.password_hash_wait = Duration::from_millis(2500);
    })
    .await;
    let mut b = app.browser();
    b.get("/").await;
    // 600 hashes on 2 slots within the 2.5 s wait would need under 8.3 ms each: argon2id over
    // 19 MiB takes several times that on any machine, so some are always told to come back. (With
    // 200 in 3 s, a fast run hashed them all and the test failed on a green server.)
    let burst = {
        let b = b.clone();
        tokio::spawn(async move {
            // Each from its own address, for an account of its own: no limit stops them first.
            in_parallel(&b, 600, |mut b, i| async move {
                b.peer = Some(
                    format!("198.51.{}.{}:4000", i / 200, i % 200 + 1)
                        .parse()
                        .unwrap(),
                );
                let email = format!("nobody{i}@example.org");
                b.post("/login", &[("email", &email), ("password", "a wrong password")])
                    .await
            })
            .await
        })
    };
    tokio::time::sleep(Duration::from_millis(200)).await;
    for path in ["/health", "/", "/login"] {
        let started = Instant::now();
        b.get(path).await.assert_status(200);
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{path} took {:?} during the burst",
            started.elapsed()
        );
        // Nothing is refused before the 2.5 s wait is over: the burst was still running.
        assert!(!burst.is_finished(), "{path} was asked while the burst ran");
    }
    let pages = burst.await.expect("burst");
    let all = statuses(&pages);
    assert!(all.iter().all(|s| *s == 401 || *s == 503), "statuses: {all:?}");
    assert!(all.contains(&401), "some were checked: {all:?}");
    assert!(all.contains(&503), "the rest were told to come back: {all:?}");
    let busy = pages.iter().find(|p| p.status.as_u16() == 503).unwrap();
    assert!(busy.headers.contains_key("retry-after"));
    busy.assert_contains("try again in a few seconds");
    assert!(app.state.hashing.peak() <= 2, "peak {}", app.state.hashing.peak());
    assert_eq!(app.state.hashing.slots(), 2);
}
