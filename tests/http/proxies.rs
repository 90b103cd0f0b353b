//! Per-address limits behind a reverse proxy: the forwarding header is believed only from a
//! trusted proxy, so citizens behind it get a bucket each and nobody else can pick theirs.

use diesel::prelude::*;
use plenum::db::schema::rate_limits;
use plenum::domain::Error;

use crate::common::{Browser, TestApp, PASSWORD};

const PROXY: &str = "127.0.0.1:50000";

async fn proxied_app() -> TestApp {
    TestApp::with_config(|c| {
        c.trusted_proxies = vec![plenum::web::client_ip::parse_range("127.0.0.1").unwrap()];
        // Fifty hashes queue behind two slots on a busy test machine: none is told to retry.
        c.password_hash_wait = std::time::Duration::from_secs(120);
    })
    .await
}

fn browser_at(app: &TestApp, peer: &str, forwarded_for: Option<&str>) -> Browser {
    let mut b = app.browser();
    b.peer = Some(peer.parse().unwrap());
    if let Some(chain) = forwarded_for {
        b.headers.push(("x-forwarded-for", chain.to_string()));
    }
    b
}

async fn address_buckets(app: &TestApp) -> Vec<String> {
    let mut buckets: Vec<String> = app
        .db(|c| {
            Ok::<_, Error>(
                rate_limits::table
                    .filter(rate_limits::bucket.like("login:ip:%"))
                    .select(rate_limits::bucket)
                    .load(c)
                    .map_err(plenum::db::DbError::from)?,
            )
        })
        .await;
    buckets.sort();
    buckets
}

async fn wrong_sign_in(b: &mut Browser) -> u16 {
    b.post(
        "/login",
        &[("email", "nobody@example.org"), ("password", "a wrong password")],
    )
    .await
    .status
    .as_u16()
}

#[tokio::test]
async fn spoofed_x_forwarded_for_from_an_untrusted_peer_is_ignored() {
    let app = proxied_app().await;
    let mut b = browser_at(&app, "203.0.113.5:40000", Some("198.51.100.1"));
    assert_eq!(wrong_sign_in(&mut b).await, 401);
    assert_eq!(address_buckets(&app).await, vec!["login:ip:203.0.113.5"]);
}

#[tokio::test]
async fn x_forwarded_for_from_a_trusted_proxy_names_the_client() {
    let app = proxied_app().await;
    // The client wrote the first entry itself; the proxy appended the address it saw.
    let mut b = browser_at(&app, PROXY, Some("6.6.6.6, 198.51.100.7"));
    assert_eq!(wrong_sign_in(&mut b).await, 401);
    assert_eq!(address_buckets(&app).await, vec!["login:ip:198.51.100.7"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_citizens_behind_one_proxy_get_separate_buckets() {
    let app = proxied_app().await;
    app.user("bob", plenum::domain::accounts::Role::Citizen).await;
    let mut guesser = browser_at(&app, PROXY, Some("198.51.100.1"));
    guesser.get("/").await;
    // Fifty failures from one address (for accounts that do not exist: no account limit).
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let mut b = guesser.clone();
            tokio::spawn(async move {
                let email = format!("nobody{i}@example.org");
                b.post("/login", &[("email", &email), ("password", "a wrong password")])
                    .await
                    .status
                    .as_u16()
            })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.unwrap(), 401);
    }
    assert_eq!(wrong_sign_in(&mut guesser).await, 429);
    // Bob comes through the same proxy from his own address: not held back by the guesser.
    let mut bob = browser_at(&app, PROXY, Some("198.51.100.2"));
    bob.post("/login", &[("email", "bob@example.org"), ("password", PASSWORD)])
        .await
        .assert_status(303);
}
