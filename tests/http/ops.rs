//! What operators and balancers ask a node: `/health`, `/ready`, and `/metrics` for the listed
//! scrapers only.

use crate::common::TestApp;

#[tokio::test]
async fn health_and_readiness_answer_when_the_database_does() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.get("/health").await.assert_status(200).assert_contains("ok");
    b.get("/ready").await.assert_status(200).assert_contains("ready");
}

#[tokio::test]
async fn metrics_are_off_by_default_even_from_loopback() {
    let app = TestApp::new().await;
    let mut b = app.browser();
    b.peer = Some("127.0.0.1:40000".parse().unwrap());
    b.get("/metrics").await.assert_status(404);
}

#[tokio::test]
async fn metrics_answer_listed_scrapers_only_and_count_routes_by_template() {
    let app = TestApp::with_config(|c| {
        c.metrics_allow = vec![plenum::web::client_ip::parse_range("127.0.0.1").unwrap()];
    })
    .await;
    let mut visitor = app.browser();
    visitor.get("/health").await.assert_status(200);
    visitor
        .get("/proposals/no-such-proposal")
        .await
        .assert_status(404);
    visitor.get("/a/path/nobody/routes").await.assert_status(404);

    // Another address, and another address claiming loopback in a forwarding header: refused.
    let mut outsider = app.browser();
    outsider.peer = Some("10.0.0.5:40000".parse().unwrap());
    outsider.get("/metrics").await.assert_status(404);
    outsider.headers.push(("x-forwarded-for", "127.0.0.1".into()));
    outsider.get("/metrics").await.assert_status(404);

    let mut scraper = app.browser();
    scraper.peer = Some("127.0.0.1:40000".parse().unwrap());
    let page = scraper.get("/metrics").await;
    page.assert_status(200);
    assert!(page.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain; version=0.0.4"));
    page.assert_contains("plenum_http_requests_total{route=\"/health\",method=\"GET\",status=\"200\"} 1");
    // The route's template, not the path asked for; unknown paths under one label.
    page.assert_contains(
        "plenum_http_requests_total{route=\"/proposals/{id}\",method=\"GET\",status=\"404\"} 1",
    );
    page.assert_contains("route=\"unmatched\",method=\"GET\",status=\"404\"} 1");
    assert!(
        !page.body.contains("no-such-proposal") && !page.body.contains("nobody"),
        "{}",
        page.body
    );
    page.assert_contains("plenum_http_request_duration_seconds_count{route=\"/health\"} 1");
    page.assert_contains("# TYPE plenum_deliveries_queued gauge");
    page.assert_contains("plenum_db_pool_connections{pool=\"readers\",use=\"idle\"}");
}
