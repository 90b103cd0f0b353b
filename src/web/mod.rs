//! HTTP: HTML pages, the JSON API, and static assets. Handlers translate requests into calls to
//! `domain` and results into responses; they hold no rules of their own.

pub mod api;
pub mod atom;
pub mod client_ip;
pub mod context;
pub mod error;
pub mod ops;
pub mod pages;
pub mod security;

use std::sync::Arc;

use axum::middleware;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

/// Largest request body: a pabulib file of a big city's vote (Kraków 2024 is 4 MB) fits.
/// Forms and JSON have their own, smaller limits.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

use crate::app::AppState;

/// The whole application.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(crate::federation::routes::router())
        .merge(ops::router())
        .layer(middleware::from_fn_with_state(
            state.clone(),
            crate::federation::signed_fetch::guard,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            context::context_layer,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::headers_layer,
        ))
        .layer(middleware::from_fn(ops::count_requests))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves until the process is stopped.
pub async fn serve(state: Arc<AppState>) -> anyhow::Result<()> {
    // The federation client (TLS, certificate store) is built on first use, not here: an idle
    // instance stays smaller (`docs/performance.md`).
    crate::federation::queue::spawn_worker(state.clone());
    crate::mail::spawn_worker(state.clone());
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let address = state.config.bind;
    tracing::info!(address = %address, public = %state.config.public_url, tls = state.config.tls.is_some(), "Plenum is listening");
    match &state.config.tls {
        Some(files) => {
            // Our own TLS: no reverse proxy needed. Stops on SIGTERM / SIGINT like the plain server.
            let tls = axum_server::tls_openssl::OpenSSLConfig::from_pem_file(&files.cert, &files.key)
                .map_err(|e| anyhow::anyhow!("cannot load the TLS certificate or key: {e}"))?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                stop_signal().await;
                stopper.graceful_shutdown(Some(std::time::Duration::from_secs(10)));
            });
            axum_server::bind_openssl(address, tls)
                .handle(handle)
                .serve(app)
                .await?;
        }
        None => {
            let listener = tokio::net::TcpListener::bind(address).await?;
            axum::serve(listener, app)
                .with_graceful_shutdown(stop_signal())
                .await?;
        }
    }
    Ok(())
}

/// SIGTERM (what systemd, Docker and an orchestrator's rolling restart send) or SIGINT (Ctrl-C):
/// stop taking connections and finish the requests under way, so that a node leaving a cluster
/// loses no answer a client is waiting for.
async fn stop_signal() {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut terminate = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(signal) => signal,
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM; only Ctrl-C stops the server gracefully");
                let _ = interrupt.await;
                return;
            }
        };
        tokio::select! {
            _ = interrupt => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = interrupt.await;
    tracing::info!("stopping: finishing the requests under way");
}
