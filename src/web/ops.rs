//! What operators and load balancers ask a node: `/health` (the process answers), `/ready`
//! (it can serve: database reachable, migrations applied) and `/metrics` (Prometheus text, for
//! the addresses in `PLENUM_METRICS_ALLOW` only; 404 to everyone else, and to all by default).

use std::fmt::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use crate::app::AppState;

pub fn router() -> Router<Arc<AppState>> {
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/ready", get(ready))
        .route("/metrics", get(metrics))
}

/// 200 when this node can serve requests; 503 otherwise, so that a balancer's check (or an
/// orchestrator's readiness probe) keeps traffic away until it can.
async fn ready(State(state): State<Arc<AppState>>) -> Response {
    match state.db.ready().await {
        Ok(()) => "ready".into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database is unreachable or not migrated",
            )
                .into_response()
        }
    }
}

async fn metrics(State(state): State<Arc<AppState>>, request: Request) -> Response {
    // The TCP peer, not a forwarded address: the scraper connects to the node itself.
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip().to_canonical());
    let allowed = peer.is_some_and(|ip| state.config.metrics_allow.iter().any(|net| net.contains(&ip)));
    if !allowed {
        return StatusCode::NOT_FOUND.into_response();
    }
    let mut text = crate::metrics::render();
    match state.db.read(crate::federation::queue::counts).await {
        Ok(counts) => {
            text.push_str(
                "# HELP plenum_deliveries_queued Deliveries in the shared queue, by state (all nodes).\n",
            );
            text.push_str("# TYPE plenum_deliveries_queued gauge\n");
            for (state, n) in counts {
                let _ = writeln!(text, "plenum_deliveries_queued{{state=\"{state}\"}} {n}");
            }
        }
        Err(e) => tracing::warn!(error = %e, "metrics: cannot read the delivery queue"),
    }
    text.push_str("# HELP plenum_db_pool_connections Database connections of this node, by pool and use.\n");
    text.push_str("# TYPE plenum_db_pool_connections gauge\n");
    for (pool, connections, idle) in state.db.pool_state() {
        let _ = writeln!(
            text,
            "plenum_db_pool_connections{{pool=\"{pool}\",use=\"idle\"}} {idle}"
        );
        let _ = writeln!(
            text,
            "plenum_db_pool_connections{{pool=\"{pool}\",use=\"busy\"}} {}",
            connections.saturating_sub(idle)
        );
    }
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")],
        text,
    )
        .into_response()
}

/// Counts every answered request under its route's template (unmatched paths under one label,
/// so that scanning for random paths cannot create series without end).
pub async fn count_requests(request: Request, next: Next) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let method = request.method().as_str().to_string();
    let started = Instant::now();
    let response = next.run(request).await;
    crate::metrics::record_request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}
