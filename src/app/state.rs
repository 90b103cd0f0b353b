//! The state every request and every worker shares: the database, the configuration, the
//! translations, and the handles federation keeps per process. `web` and `federation` both
//! import it; it imports neither.

use std::sync::Arc;

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
    pub federation: tokio::sync::OnceCell<activitypub_federation::config::FederationConfig<FedState>>,
    /// Wakes this node's delivery workers when an activity is queued here.
    pub deliveries_queued: tokio::sync::Notify,
    /// Wakes this node's mail worker when a mail is queued here ([`AppState::mail_ready`]).
    pub mail_queued: tokio::sync::Notify,
    /// The HTTP client deliveries go through, built on first use from this instance's
    /// configuration (see `federation::deliver`).
    pub delivery_client: std::sync::OnceLock<reqwest_middleware::ClientWithMiddleware>,
    /// Bounds password hashing (sign-in, sign-up, account deletion) to a few at once.
    pub hashing: domain::hashing::HashGate,
    /// The folder of uploaded images and documents (`PLENUM_UPLOAD_DIR`).
    pub uploads: domain::attachments::Store,
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
            i18n: I18n::shared(),
            secret,
            federation: tokio::sync::OnceCell::new(),
            deliveries_queued: tokio::sync::Notify::new(),
            mail_queued: tokio::sync::Notify::new(),
            delivery_client: std::sync::OnceLock::new(),
            hashing: domain::hashing::HashGate::new(config.password_hash_slots, config.password_hash_wait),
            uploads: domain::attachments::Store::new(config.upload_dir.clone()),
            config,
        }))
    }
}

impl AppState {
    /// Where this instance is, for building federation ids.
    pub fn site(&self) -> Site {
        Site::of(&self.config)
    }

    /// The town's own voice: its default language, on its clock. For what is written once for
    /// everyone (fediverse timelines, feeds, the command line), not for one reader.
    pub fn town_tr(&self) -> crate::i18n::Tr {
        self.i18n
            .tr(&self.config.default_locale)
            .in_zone(self.config.timezone)
    }

    /// Wakes the mail worker after a change queued mail (it also looks every
    /// `PLENUM_MAIL_POLL_MS`, so forgetting this only delays the mail).
    pub fn mail_ready(&self) {
        self.mail_queued.notify_waiters();
    }

    /// Wakes the delivery workers after a change queued activities.
    pub fn deliveries_ready(&self) {
        self.deliveries_queued.notify_waiters();
    }
}

/// What the federation library hands back to our handlers: the application state.
#[derive(Clone)]
pub struct FedState(pub Arc<AppState>);

impl std::ops::Deref for FedState {
    type Target = AppState;
    fn deref(&self) -> &AppState {
        &self.0
    }
}

/// Where this instance is on the network: what every federation id is built from.
#[derive(Debug, Clone)]
pub struct Site {
    pub base: String,
    pub domain: String,
    /// The town's logo, shown as the avatar of its processes.
    pub logo: Option<String>,
    /// The town's language, for the few words Plenum writes into what peers show.
    pub locale: String,
}

impl Site {
    pub fn of(config: &Config) -> Site {
        Site {
            base: config.base(),
            domain: config.domain(),
            logo: config.logo_url.clone(),
            locale: config.default_locale.clone(),
        }
    }
}

/// Marks a request whose sender is signed in (session or API token). The web layer's context
/// sets it; federation's authorized-fetch guard, which runs inside it, reads it.
#[derive(Debug, Clone, Copy)]
pub struct SignedIn;
