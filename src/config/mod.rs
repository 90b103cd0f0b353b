//! Instance configuration: an optional TOML file, then environment variables, which win.
//! Every setting is documented in `docs/configuration.md`.

use std::net::SocketAddr;
use url::Url;

mod key_file;
mod load;
mod mail;
mod values;

use key_file::random_key;
pub use mail::{MailConfig, MailTransport};
use values::{default_hash_slots, DEFAULT_HASH_WAIT_MS, DEFAULT_IMAGE_MAX_MEGAPIXELS, DEFAULT_UPLOAD_MAX_MB};

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://FILE` (default `sqlite://plenum.db`) or `postgres://…`.
    pub database_url: String,
    /// Address the HTTP server listens on.
    pub bind: SocketAddr,
    /// The public address people and peers use; every link and id is built from it.
    pub public_url: Url,
    /// The town's name, shown in the header and page titles.
    pub town_name: String,
    /// Language used when the browser asks for none we have.
    pub default_locale: String,
    /// The town's time zone (`PLENUM_TIMEZONE`, an IANA name, `Europe/Paris` by default): times
    /// are stored in UTC and shown on the town's clock.
    pub timezone: chrono_tz::Tz,
    /// Main colour of the theme (must keep 4.5:1 contrast with white text).
    pub primary_color: String,
    /// Address of the town's logo, if any.
    pub logo_url: Option<String>,
    /// Key for the keyed hashes a copy of the database must not undo (which ballot is whose).
    /// Kept outside the database on purpose: `PLENUM_SECRET_KEY`, or the file
    /// `PLENUM_SECRET_KEY_FILE` (created with a random key on first start).
    pub secret_key: Vec<u8>,
    /// Test and debug setting: the servers (`host:port`) on loopback or private addresses that
    /// federation may reach, over http and with explicit ports
    /// (`PLENUM_FEDERATION_ALLOW_PRIVATE=localhost:8001,localhost:8002`; `*` for any). Empty, as
    /// on every public server, private addresses are refused.
    pub federation_allow_private: Vec<String>,
    /// First retry delay of a failed delivery; each next one is three times longer (capped at a
    /// day), and a delivery is given up after 12 attempts (about four days with the default 10 s).
    pub delivery_retry_base_secs: u64,
    /// Refuse unsigned requests for activity JSON (Mastodon's "secure mode"):
    /// `PLENUM_AUTHORIZED_FETCH=true`. Signed requests are verified either way.
    pub authorized_fetch: bool,
    /// Serve https directly with this certificate chain and key (PEM files), for a town without
    /// a reverse proxy: `PLENUM_TLS_CERT` and `PLENUM_TLS_KEY`, both or neither.
    pub tls: Option<TlsFiles>,
    /// Password hashes (argon2, 19 MiB each) computed at once: `PLENUM_PASSWORD_HASH_SLOTS`,
    /// by default the number of cores. More only queue for the same cores and take memory.
    pub password_hash_slots: usize,
    /// How long a sign-in waits for a hashing slot before it is answered 503 with
    /// `Retry-After`: `PLENUM_PASSWORD_HASH_WAIT_MS`, 5000 by default.
    pub password_hash_wait: std::time::Duration,
    /// Reverse proxies whose forwarding header names the client (`PLENUM_TRUSTED_PROXIES`,
    /// addresses or CIDR ranges). Empty, the default: the TCP peer is the client.
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// Which header those proxies set: `PLENUM_FORWARDED_HEADER`, `x-forwarded-for` (default)
    /// or `forwarded` (RFC 7239). Only that one is read: a proxy passes the other one on as the
    /// client wrote it.
    pub forwarded_header: ForwardedHeader,
    /// Who may read `/metrics` (Prometheus text): `PLENUM_METRICS_ALLOW`, addresses or CIDR
    /// ranges of the scrapers. Empty, the default: the endpoint answers 404 to everyone.
    pub metrics_allow: Vec<ipnet::IpNet>,
    /// Whether staff must sign in with a second factor (TOTP): `PLENUM_STAFF_TWO_FACTOR`,
    /// `required` (the default) or `optional`.
    pub staff_two_factor: StaffTwoFactor,
    /// Whether a new account must confirm its e-mail address before it takes part
    /// (`PLENUM_REQUIRE_EMAIL_CONFIRMATION`, default true; a demo may turn it off). Notification
    /// mail goes to confirmed addresses either way.
    pub require_email_confirmation: bool,
    /// Outgoing e-mail: how it leaves, from whom, and when digests go out.
    pub mail: MailConfig,
    /// Where uploaded images and documents are kept (`PLENUM_UPLOAD_DIR`): by default a folder
    /// beside the SQLite file (`town.db-uploads`), or `uploads` in the working folder with
    /// PostgreSQL. Several nodes share one folder (a network mount): docs/operations.md.
    pub upload_dir: std::path::PathBuf,
    /// The largest upload accepted, in bytes (`PLENUM_UPLOAD_MAX_MB`, 10 by default): a bigger
    /// one is cut off while it streams, and nothing is written.
    pub upload_max_bytes: usize,
    /// The most pixels an uploaded image may have (`PLENUM_IMAGE_MAX_MEGAPIXELS`, 40 by
    /// default), checked from its header before any decoding (image bombs).
    pub image_max_pixels: u64,
}

/// Whether a staff account must have two-factor sign-in on before it can act as staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffTwoFactor {
    /// A staff member without it is sent to turn it on and can do nothing staff-only until then.
    Required,
    /// Staff choose, as citizens do.
    Optional,
}

/// The header a trusted proxy adds the client's address to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ForwardedHeader {
    XForwardedFor,
    Forwarded,
}

#[derive(Debug, Clone)]
pub struct TlsFiles {
    pub cert: std::path::PathBuf,
    pub key: std::path::PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the configuration file {path} is not valid TOML: {source}")]
    Parse { path: String, source: toml::de::Error },
    #[error("cannot read or create the secret key file {path}: {source}")]
    SecretKey { path: String, source: std::io::Error },
    #[error("{name} is not a valid {what}: {value:?}")]
    Invalid {
        name: &'static str,
        what: &'static str,
        value: String,
    },
}

impl Config {
    /// A configuration for tests and the demo: everything default but the database and address.
    pub fn for_local(database_url: &str, bind: SocketAddr) -> Config {
        Config {
            database_url: database_url.into(),
            bind,
            public_url: Url::parse(&format!("http://{bind}")).expect("a socket address makes a URL"),
            town_name: "Plenum".into(),
            default_locale: "fr".into(),
            timezone: crate::i18n::DEFAULT_ZONE,
            primary_color: "#1d4f91".into(),
            logo_url: None,
            secret_key: random_key().into_bytes(),
            federation_allow_private: vec!["*".into()],
            delivery_retry_base_secs: 1,
            authorized_fetch: false,
            tls: None,
            password_hash_slots: default_hash_slots(),
            password_hash_wait: std::time::Duration::from_millis(DEFAULT_HASH_WAIT_MS),
            trusted_proxies: Vec::new(),
            metrics_allow: Vec::new(),
            forwarded_header: ForwardedHeader::XForwardedFor,
            staff_two_factor: StaffTwoFactor::Required,
            require_email_confirmation: true,
            mail: MailConfig {
                transport: MailTransport::None,
                from: "Plenum <noreply@localhost>".into(),
                timeout: std::time::Duration::from_secs(5),
                retry_base_secs: 1,
                digest_hour: None,
                poll: std::time::Duration::from_millis(200),
            },
            // Each local instance (a test, the demo) its own folder, removed by whoever made it.
            upload_dir: std::env::temp_dir()
                .join(format!("plenum-uploads-{}", uuid::Uuid::new_v4().simple())),
            upload_max_bytes: DEFAULT_UPLOAD_MAX_MB * 1024 * 1024,
            image_max_pixels: DEFAULT_IMAGE_MAX_MEGAPIXELS * 1_000_000,
        }
    }

    /// Cookies get the `Secure` flag whenever the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// `host` or `host:port` of the public address: what federation calls this instance's domain.
    pub fn domain(&self) -> String {
        let host = self.public_url.host_str().unwrap_or("localhost");
        match self.public_url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        }
    }

    /// The public address without its trailing slash, to build ids from.
    pub fn base(&self) -> String {
        self.public_url.as_str().trim_end_matches('/').to_string()
    }
}
