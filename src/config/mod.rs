//! Instance configuration: an optional TOML file, then environment variables, which win.
//! Every setting is documented in `docs/configuration.md`.

use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;
use url::Url;

mod key_file;
mod mail;
mod values;

use key_file::{default_key_file, random_key, read_or_create_key};
use mail::{mail_config, number, MailFile};
pub use mail::{MailConfig, MailTransport};
use values::{
    address_ranges, default_hash_slots, default_upload_dir, is_hex_color, number_in, parse_bool,
    DEFAULT_HASH_WAIT_MS, DEFAULT_IMAGE_MAX_MEGAPIXELS, DEFAULT_UPLOAD_MAX_MB,
};

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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    town_name: Option<String>,
    default_locale: Option<String>,
    timezone: Option<String>,
    primary_color: Option<String>,
    logo_url: Option<String>,
    secret_key: Option<String>,
    secret_key_file: Option<String>,
    federation_allow_private: Option<Vec<String>>,
    delivery_retry_base_secs: Option<u64>,
    authorized_fetch: Option<bool>,
    tls_cert: Option<String>,
    tls_key: Option<String>,
    password_hash_slots: Option<usize>,
    password_hash_wait_ms: Option<u64>,
    trusted_proxies: Option<Vec<String>>,
    forwarded_header: Option<String>,
    metrics_allow: Option<Vec<String>>,
    staff_two_factor: Option<String>,
    require_email_confirmation: Option<bool>,
    smtp_url: Option<String>,
    mail_dir: Option<String>,
    mail_from: Option<String>,
    mail_timeout_secs: Option<u64>,
    mail_retry_base_secs: Option<u64>,
    digest_hour: Option<String>,
    mail_poll_ms: Option<u64>,
    upload_dir: Option<String>,
    upload_max_mb: Option<usize>,
    image_max_megapixels: Option<u64>,
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
    /// Reads the file (when given), then lets `PLENUM_*` / `DATABASE_URL` variables override it.
    pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
        let from_file = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.display().to_string(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse {
                    path: path.display().to_string(),
                    source,
                })?
            }
            None => FileConfig::default(),
        };
        let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let pick = |var: &str, file: Option<String>| env(var).or(file);

        let database_url =
            pick("DATABASE_URL", from_file.database_url).unwrap_or_else(|| "sqlite://plenum.db".into());
        let bind_text = pick("PLENUM_BIND", from_file.bind).unwrap_or_else(|| "127.0.0.1:8080".into());
        let bind: SocketAddr = bind_text.parse().map_err(|_| ConfigError::Invalid {
            name: "PLENUM_BIND",
            what: "address:port",
            value: bind_text.clone(),
        })?;
        let public_text =
            pick("PLENUM_PUBLIC_URL", from_file.public_url).unwrap_or_else(|| format!("http://{bind}"));
        let public_url = Url::parse(&public_text).map_err(|_| ConfigError::Invalid {
            name: "PLENUM_PUBLIC_URL",
            what: "URL",
            value: public_text.clone(),
        })?;
        let default_locale =
            pick("PLENUM_DEFAULT_LOCALE", from_file.default_locale).unwrap_or_else(|| "fr".into());
        if !crate::i18n::SUPPORTED.contains(&default_locale.as_str()) {
            return Err(ConfigError::Invalid {
                name: "PLENUM_DEFAULT_LOCALE",
                what: "language (fr or en)",
                value: default_locale,
            });
        }
        let timezone = match pick("PLENUM_TIMEZONE", from_file.timezone) {
            Some(name) => name.trim().parse().map_err(|_| ConfigError::Invalid {
                name: "PLENUM_TIMEZONE",
                what: "IANA time zone like Europe/Paris",
                value: name,
            })?,
            None => crate::i18n::DEFAULT_ZONE,
        };
        let primary_color =
            pick("PLENUM_PRIMARY_COLOR", from_file.primary_color).unwrap_or_else(|| "#1d4f91".into());
        if !is_hex_color(&primary_color) {
            return Err(ConfigError::Invalid {
                name: "PLENUM_PRIMARY_COLOR",
                what: "colour like #1d4f91",
                value: primary_color,
            });
        }
        let secret_key = match pick("PLENUM_SECRET_KEY", from_file.secret_key) {
            Some(key) if key.len() >= 32 => key.into_bytes(),
            Some(_) => {
                return Err(ConfigError::Invalid {
                    name: "PLENUM_SECRET_KEY",
                    what: "key (at least 32 characters)",
                    value: "(hidden)".into(),
                })
            }
            None => {
                let path = pick("PLENUM_SECRET_KEY_FILE", from_file.secret_key_file)
                    .unwrap_or_else(|| default_key_file(&database_url));
                read_or_create_key(Path::new(&path))?
            }
        };
        let federation_allow_private: Vec<String> = match env("PLENUM_FEDERATION_ALLOW_PRIVATE") {
            Some(v) => v
                .split(',')
                .map(|h| h.trim().to_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
            None => from_file.federation_allow_private.unwrap_or_default(),
        };
        let delivery_retry_base_secs = number_in(
            "PLENUM_DELIVERY_RETRY_BASE_SECS",
            from_file.delivery_retry_base_secs.unwrap_or(10),
            1..=u64::MAX,
            "number of seconds (at least 1)",
        )?;
        let authorized_fetch = match env("PLENUM_AUTHORIZED_FETCH") {
            Some(v) => parse_bool(&v).ok_or(ConfigError::Invalid {
                name: "PLENUM_AUTHORIZED_FETCH",
                what: "true or false",
                value: v.clone(),
            })?,
            None => from_file.authorized_fetch.unwrap_or(false),
        };
        let tls = match (
            pick("PLENUM_TLS_CERT", from_file.tls_cert),
            pick("PLENUM_TLS_KEY", from_file.tls_key),
        ) {
            (Some(cert), Some(key)) => Some(TlsFiles {
                cert: cert.into(),
                key: key.into(),
            }),
            (None, None) => None,
            (cert, _) => {
                return Err(ConfigError::Invalid {
                    name: if cert.is_some() {
                        "PLENUM_TLS_KEY"
                    } else {
                        "PLENUM_TLS_CERT"
                    },
                    what: "file (PLENUM_TLS_CERT and PLENUM_TLS_KEY go together)",
                    value: String::new(),
                })
            }
        };
        let password_hash_slots = number_in(
            "PLENUM_PASSWORD_HASH_SLOTS",
            from_file.password_hash_slots.unwrap_or_else(default_hash_slots),
            1..=usize::MAX,
            "number (at least 1)",
        )?;
        let password_hash_wait_ms = number_in(
            "PLENUM_PASSWORD_HASH_WAIT_MS",
            from_file.password_hash_wait_ms.unwrap_or(DEFAULT_HASH_WAIT_MS),
            0..=u64::MAX,
            "number of milliseconds",
        )?;
        let trusted_proxies = address_ranges("PLENUM_TRUSTED_PROXIES", from_file.trusted_proxies)?;
        let metrics_allow = address_ranges("PLENUM_METRICS_ALLOW", from_file.metrics_allow)?;
        let forwarded_header = match pick("PLENUM_FORWARDED_HEADER", from_file.forwarded_header) {
            None => ForwardedHeader::XForwardedFor,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "x-forwarded-for" => ForwardedHeader::XForwardedFor,
                "forwarded" => ForwardedHeader::Forwarded,
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "PLENUM_FORWARDED_HEADER",
                        what: "header (x-forwarded-for or forwarded)",
                        value: v,
                    })
                }
            },
        };
        let staff_two_factor = match pick("PLENUM_STAFF_TWO_FACTOR", from_file.staff_two_factor) {
            None => StaffTwoFactor::Required,
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "required" => StaffTwoFactor::Required,
                "optional" => StaffTwoFactor::Optional,
                _ => {
                    return Err(ConfigError::Invalid {
                        name: "PLENUM_STAFF_TWO_FACTOR",
                        what: "choice (required or optional)",
                        value: v,
                    })
                }
            },
        };
        let require_email_confirmation = match env("PLENUM_REQUIRE_EMAIL_CONFIRMATION") {
            Some(v) => parse_bool(&v).ok_or(ConfigError::Invalid {
                name: "PLENUM_REQUIRE_EMAIL_CONFIRMATION",
                what: "true or false",
                value: v,
            })?,
            None => from_file.require_email_confirmation.unwrap_or(true),
        };
        let town_name = pick("PLENUM_TOWN_NAME", from_file.town_name).unwrap_or_else(|| "Plenum".into());
        let mail = mail_config(
            &town_name,
            &public_url,
            MailFile {
                smtp_url: pick("PLENUM_SMTP_URL", from_file.smtp_url),
                mail_dir: pick("PLENUM_MAIL_DIR", from_file.mail_dir),
                mail_from: pick("PLENUM_MAIL_FROM", from_file.mail_from),
                timeout_secs: number("PLENUM_MAIL_TIMEOUT_SECS", from_file.mail_timeout_secs)?,
                retry_base_secs: number("PLENUM_MAIL_RETRY_BASE_SECS", from_file.mail_retry_base_secs)?,
                digest_hour: pick("PLENUM_DIGEST_HOUR", from_file.digest_hour),
                poll_ms: number("PLENUM_MAIL_POLL_MS", from_file.mail_poll_ms)?,
            },
        )?;
        let upload_dir = pick("PLENUM_UPLOAD_DIR", from_file.upload_dir)
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| default_upload_dir(&database_url));
        let upload_max_mb = number_in(
            "PLENUM_UPLOAD_MAX_MB",
            from_file.upload_max_mb.unwrap_or(DEFAULT_UPLOAD_MAX_MB),
            1..=1024,
            "number of megabytes (1 to 1024)",
        )?;
        let image_max_megapixels = number_in(
            "PLENUM_IMAGE_MAX_MEGAPIXELS",
            from_file
                .image_max_megapixels
                .unwrap_or(DEFAULT_IMAGE_MAX_MEGAPIXELS),
            1..=1000,
            "number of megapixels (1 to 1000)",
        )?;
        Ok(Config {
            staff_two_factor,
            require_email_confirmation,
            mail,
            upload_dir,
            upload_max_bytes: upload_max_mb * 1024 * 1024,
            image_max_pixels: image_max_megapixels * 1_000_000,
            password_hash_slots,
            password_hash_wait: std::time::Duration::from_millis(password_hash_wait_ms),
            trusted_proxies,
            metrics_allow,
            forwarded_header,
            authorized_fetch,
            tls,
            federation_allow_private,
            delivery_retry_base_secs,
            secret_key,
            database_url,
            bind,
            public_url,
            town_name,
            default_locale,
            timezone,
            primary_color,
            logo_url: pick("PLENUM_LOGO_URL", from_file.logo_url),
        })
    }

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
