//! HTTP: HTML pages, the JSON API, and static assets. Handlers translate requests into calls to
//! `domain` and results into responses; they hold no rules of their own.

pub mod api;
pub mod client_ip;
pub mod content;
pub mod context;
pub mod error;
pub mod pages;
pub mod security;

use std::sync::Arc;

use axum::middleware;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;

/// Largest request body: a pabulib file of a big city's vote (Kraków 2024 is 4 MB) fits.
/// Forms and JSON have their own, smaller limits.
pub const MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

use crate::config::Config;
use crate::db::Db;
use crate::domain;
use crate::i18n::I18n;

/// Everything a request handler may need, shared by all requests.
pub struct AppState {
    pub db: Db,
    pub config: Config,
    pub i18n: Arc<I18n>,
    /// Keys CSRF tokens; stored in the database so all nodes agree.
    pub secret: Vec<u8>,
    /// The federation library's configuration, built on first use (see `federation::config`).
    pub federation:
        tokio::sync::OnceCell<activitypub_federation::config::FederationConfig<crate::federation::FedState>>,
    /// Wakes this node's delivery workers when an activity is queued here.
    pub deliveries_queued: tokio::sync::Notify,
    /// The HTTP client deliveries go through, built on first use from this instance's
    /// configuration (see `federation::deliver`).
    pub delivery_client: std::sync::OnceLock<reqwest_middleware::ClientWithMiddleware>,
    /// Bounds password hashing (sign-in, sign-up, account deletion) to a few at once.
    pub hashing: domain::hashing::HashGate,
}

impl AppState {
    /// Connects to the database (applying migrations) and loads translations.
    pub fn new(config: Config) -> anyhow::Result<Arc<AppState>> {
        let db = Db::connect(&config.database_url)?;
        let secret = db
            .write_blocking(domain::settings::instance_secret)
            .map_err(|e| anyhow::anyhow!("cannot read the instance secret: {e}"))?;
        // Ballots an older version stored in the clear are sealed before anyone is served.
        let sealed = db
            .write_blocking(|c| domain::ballots::seal_plaintext(c, &config.secret_key))
            .map_err(|e| anyhow::anyhow!("cannot seal the ballots stored in the clear: {e}"))?;
        if sealed > 0 {
            tracing::info!(
                sealed,
                "ballots stored in the clear by an older version are now sealed"
            );
        }
        Ok(Arc::new(AppState {
            db,
            i18n: I18n::load(),
            secret,
            federation: tokio::sync::OnceCell::new(),
            deliveries_queued: tokio::sync::Notify::new(),
            delivery_client: std::sync::OnceLock::new(),
            hashing: domain::hashing::HashGate::new(config.password_hash_slots, config.password_hash_wait),
            config,
        }))
    }
}

impl AppState {
    /// Where this instance is, for building federation ids.
    pub fn site(&self) -> crate::federation::outbox::Site {
        crate::federation::outbox::Site::of(&self.config)
    }

    /// Wakes the delivery workers after a change queued activities.
    pub fn deliveries_ready(&self) {
        self.deliveries_queued.notify_waiters();
    }
}

/// The whole application.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .merge(pages::router())
        .merge(api::router())
        .merge(crate::federation::routes::router())
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
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .with_state(state)
}

/// Serves until the process is stopped.
pub async fn serve(state: Arc<AppState>) -> anyhow::Result<()> {
    // The federation client (TLS, certificate store) is built on first use, not here: an idle
    // instance stays smaller (`docs/performance.md`).
    crate::federation::queue::spawn_worker(state.clone());
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let address = state.config.bind;
    tracing::info!(address = %address, public = %state.config.public_url, tls = state.config.tls.is_some(), "Plenum is listening");
    match &state.config.tls {
        Some(files) => {
            // Our own TLS: no reverse proxy needed. Stops on Ctrl-C / SIGINT like the plain server.
            let tls = axum_server::tls_openssl::OpenSSLConfig::from_pem_file(&files.cert, &files.key)
                .map_err(|e| anyhow::anyhow!("cannot load the TLS certificate or key: {e}"))?;
            let handle = axum_server::Handle::new();
            let stopper = handle.clone();
            tokio::spawn(async move {
                let _ = tokio::signal::ctrl_c().await;
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
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await?;
        }
    }
    Ok(())
}
