//! Instance configuration: an optional TOML file, then environment variables, which win.
//! Every setting is documented in `docs/configuration.md`.

use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;
use url::Url;

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

/// Outgoing e-mail settings ([configuration.md](../docs/configuration.md)).
#[derive(Debug, Clone)]
pub struct MailConfig {
    /// `PLENUM_SMTP_URL` or `PLENUM_MAIL_DIR`; neither: mails wait in the queue.
    pub transport: MailTransport,
    /// `PLENUM_MAIL_FROM`: `Name <address>` or an address; by default the town's name at
    /// `noreply@` its host.
    pub from: String,
    /// `PLENUM_MAIL_TIMEOUT_SECS` (30): longest wait for one answer of the SMTP server.
    pub timeout: std::time::Duration,
    /// `PLENUM_MAIL_RETRY_BASE_SECS` (60): first retry delay, then three times longer each time.
    pub retry_base_secs: u64,
    /// `PLENUM_DIGEST_HOUR` (8): the hour of the town's clock after which daily and weekly
    /// (Monday) digests go out; `off`: the worker sends none by itself (tests call the pass
    /// with their own clock, as `plenum admin send-digests --at` does).
    pub digest_hour: Option<u32>,
    /// `PLENUM_MAIL_POLL_MS` (1000): how often the worker looks for due mails and notifications.
    pub poll: std::time::Duration,
}

/// Where mail goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MailTransport {
    None,
    /// An `smtp://` or `smtps://` URL (`?tls=starttls` for STARTTLS).
    Smtp(String),
    /// A folder: each mail a `.eml` file.
    Dir(std::path::PathBuf),
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
        let delivery_retry_base_secs = match env("PLENUM_DELIVERY_RETRY_BASE_SECS") {
            Some(v) => v.parse().ok().filter(|n| *n > 0).ok_or(ConfigError::Invalid {
                name: "PLENUM_DELIVERY_RETRY_BASE_SECS",
                what: "number of seconds (at least 1)",
                value: v.clone(),
            })?,
            None => from_file.delivery_retry_base_secs.unwrap_or(10),
        };
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
        let password_hash_slots = match env("PLENUM_PASSWORD_HASH_SLOTS") {
            Some(v) => v
                .trim()
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(ConfigError::Invalid {
                    name: "PLENUM_PASSWORD_HASH_SLOTS",
                    what: "number (at least 1)",
                    value: v.clone(),
                })?,
            None => from_file.password_hash_slots.unwrap_or_else(default_hash_slots),
        };
        let password_hash_wait_ms = match env("PLENUM_PASSWORD_HASH_WAIT_MS") {
            Some(v) => v.trim().parse().ok().ok_or(ConfigError::Invalid {
                name: "PLENUM_PASSWORD_HASH_WAIT_MS",
                what: "number of milliseconds",
                value: v.clone(),
            })?,
            None => from_file.password_hash_wait_ms.unwrap_or(DEFAULT_HASH_WAIT_MS),
        };
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
        let upload_max_mb = match env("PLENUM_UPLOAD_MAX_MB") {
            Some(v) => {
                v.trim()
                    .parse()
                    .ok()
                    .filter(|n| (1..=1024).contains(n))
                    .ok_or(ConfigError::Invalid {
                        name: "PLENUM_UPLOAD_MAX_MB",
                        what: "number of megabytes (1 to 1024)",
                        value: v.clone(),
                    })?
            }
            None => from_file.upload_max_mb.unwrap_or(DEFAULT_UPLOAD_MAX_MB),
        };
        let image_max_megapixels = match env("PLENUM_IMAGE_MAX_MEGAPIXELS") {
            Some(v) => {
                v.trim()
                    .parse()
                    .ok()
                    .filter(|n| (1..=1000).contains(n))
                    .ok_or(ConfigError::Invalid {
                        name: "PLENUM_IMAGE_MAX_MEGAPIXELS",
                        what: "number of megapixels (1 to 1000)",
                        value: v.clone(),
                    })?
            }
            None => from_file
                .image_max_megapixels
                .unwrap_or(DEFAULT_IMAGE_MAX_MEGAPIXELS),
        };
        Ok(Config {
            staff_two_factor,
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

/// The mail settings as read, before they are checked.
struct MailFile {
    smtp_url: Option<String>,
    mail_dir: Option<String>,
    mail_from: Option<String>,
    timeout_secs: Option<u64>,
    retry_base_secs: Option<u64>,
    digest_hour: Option<String>,
    poll_ms: Option<u64>,
}

/// A positive number from the environment, else the file's.
fn number(name: &'static str, file: Option<u64>) -> Result<Option<u64>, ConfigError> {
    match std::env::var(name).ok().filter(|v| !v.is_empty()) {
        Some(v) => v
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or(ConfigError::Invalid {
                name,
                what: "number (at least 1)",
                value: v,
            }),
        None => Ok(file),
    }
}

fn mail_config(town_name: &str, public_url: &Url, f: MailFile) -> Result<MailConfig, ConfigError> {
    let transport = match (f.smtp_url, f.mail_dir) {
        (Some(_), Some(dir)) => {
            return Err(ConfigError::Invalid {
                name: "PLENUM_MAIL_DIR",
                what: "setting alongside PLENUM_SMTP_URL (choose one)",
                value: dir,
            })
        }
        (Some(url), None) => {
            let parsed = Url::parse(&url).ok().filter(|u| {
                matches!(u.scheme(), "smtp" | "smtps") && u.host_str().is_some_and(|h| !h.is_empty())
            });
            if parsed.is_none() {
                return Err(ConfigError::Invalid {
                    name: "PLENUM_SMTP_URL",
                    what: "URL like smtp://user:password@host:587?tls=starttls or smtps://host:465",
                    value: "(hidden: it may hold a password)".into(),
                });
            }
            MailTransport::Smtp(url)
        }
        (None, Some(dir)) => MailTransport::Dir(dir.into()),
        (None, None) => MailTransport::None,
    };
    let host = public_url.host_str().unwrap_or("localhost");
    let from = f
        .mail_from
        .unwrap_or_else(|| format!("{} <noreply@{host}>", quote_name(town_name)));
    if from.parse::<lettre::message::Mailbox>().is_err() || from.chars().any(char::is_control) {
        return Err(ConfigError::Invalid {
            name: "PLENUM_MAIL_FROM",
            what: "sender like Ville de Plenum <mairie@plenum.example>",
            value: from,
        });
    }
    let digest_hour = match f.digest_hour.as_deref().map(str::trim) {
        None => Some(8),
        Some("off") => None,
        Some(h) => Some(h.parse().ok().filter(|h| *h < 24).ok_or(ConfigError::Invalid {
            name: "PLENUM_DIGEST_HOUR",
            what: "hour from 0 to 23, or off",
            value: h.to_string(),
        })?),
    };
    Ok(MailConfig {
        transport,
        from,
        timeout: std::time::Duration::from_secs(f.timeout_secs.unwrap_or(30)),
        retry_base_secs: f.retry_base_secs.unwrap_or(60),
        digest_hour,
        poll: std::time::Duration::from_millis(f.poll_ms.unwrap_or(1000)),
    })
}

/// A display name as a quoted string when it holds characters an address header reserves.
fn quote_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !c.is_control() && *c != '"' && *c != '\\')
        .collect();
    format!("\"{clean}\"")
}

/// Photos from a phone are 2 to 8 MB; a plan or a quote as PDF rarely more.
const DEFAULT_UPLOAD_MAX_MB: usize = 10;

/// A 48-megapixel phone photo is refused; anything a town would show is far smaller, and
/// decoding 40 megapixels takes 160 MB, which bounds what one upload may cost.
const DEFAULT_IMAGE_MAX_MEGAPIXELS: u64 = 40;

/// Uploads beside the data: `town.db` → `town.db-uploads`, so that a copy of the data folder
/// takes them along; with PostgreSQL, `uploads` in the working folder.
fn default_upload_dir(database_url: &str) -> std::path::PathBuf {
    if crate::db::Backend::of_url(database_url) == crate::db::Backend::Sqlite {
        let path = crate::db::sqlite_path(database_url);
        if path != ":memory:" && !path.is_empty() {
            return format!("{path}-uploads").into();
        }
    }
    "uploads".into()
}

/// Long enough for a burst of a few hundred sign-ins to drain on two cores, short enough that a
/// person is told to retry rather than left waiting.
const DEFAULT_HASH_WAIT_MS: u64 = 5000;

/// One hash per core: argon2 keeps a core busy, so more at once only queue and take memory.
fn default_hash_slots() -> usize {
    std::thread::available_parallelism().map_or(2, usize::from)
}

/// Where the key file is when no setting names one. Not beside the database: a backup or a copy
/// of the database's folder would then hold both, and the key is what keeps a copy from linking
/// ballots to voters. New installations get `~/.config/plenum/NAME-HASH.key` (or
/// `$XDG_CONFIG_HOME/plenum/…`), named after the database so that two instances on one machine
/// never share a key; a key an older version created beside the database (`town.db.key`, or
/// `plenum-secret.key` in the working folder for PostgreSQL) is still used, with a warning,
/// since a new key would leave every sealed ballot unreadable.
fn default_key_file(database_url: &str) -> String {
    let legacy = legacy_key_file(database_url);
    if Path::new(&legacy).exists() {
        tracing::warn!(
            key_file = %legacy,
            "the secret key file is beside the database: move it elsewhere and set PLENUM_SECRET_KEY_FILE (docs/operations.md)"
        );
        return legacy;
    }
    let config_home = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| Path::new(&h).join(".config"))
        });
    let Some(config_home) = config_home else {
        return legacy;
    };
    let dir = config_home.join("plenum");
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    if builder.create(&dir).is_err() {
        return legacy;
    }
    dir.join(key_file_name(database_url)).display().to_string()
}

/// `town.db` → `town.db-1a2b3c4d.key`: the name says which database, the hash of its full
/// address (without a password) tells two databases of one name apart.
fn key_file_name(database_url: &str) -> String {
    use sha2::Digest;
    let (name, address) = if crate::db::Backend::of_url(database_url) == crate::db::Backend::Sqlite {
        let path = crate::db::sqlite_path(database_url);
        let absolute = std::fs::canonicalize(
            Path::new(path)
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new(".")),
        )
        .map(|dir| dir.join(Path::new(path).file_name().unwrap_or_default()))
        .unwrap_or_else(|_| Path::new(path).to_path_buf());
        let name = Path::new(path)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("plenum")
            .to_string();
        (name, absolute.display().to_string())
    } else {
        let mut url = Url::parse(database_url).ok();
        if let Some(u) = url.as_mut() {
            let _ = u.set_password(None);
        }
        let address = url.map(|u| u.to_string()).unwrap_or_default();
        let name = address
            .rsplit('/')
            .next()
            .filter(|n| !n.is_empty())
            .unwrap_or("postgres")
            .to_string();
        (name, address)
    };
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let hash = hex::encode(&sha2::Sha256::digest(address.as_bytes())[..4]);
    format!("{safe}-{hash}.key")
}

/// Where versions before 2026-12 put the key: beside an SQLite file (`town.db` →
/// `town.db.key`); in the working directory for PostgreSQL.
fn legacy_key_file(database_url: &str) -> String {
    if crate::db::Backend::of_url(database_url) == crate::db::Backend::Sqlite {
        let path = crate::db::sqlite_path(database_url);
        if path != ":memory:" && !path.is_empty() {
            return format!("{path}.key");
        }
    }
    "plenum-secret.key".into()
}

fn random_key() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn read_or_create_key(path: &Path) -> Result<Vec<u8>, ConfigError> {
    let error = |source| ConfigError::SecretKey {
        path: path.display().to_string(),
        source,
    };
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(text.trim().as_bytes().to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let key = random_key();
            let mut options = std::fs::OpenOptions::new();
            options.write(true).create_new(true);
            #[cfg(unix)]
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
            let mut file = options.open(path).map_err(error)?;
            std::io::Write::write_all(&mut file, key.as_bytes()).map_err(error)?;
            Ok(key.into_bytes())
        }
        Err(e) => Err(error(e)),
    }
}

fn parse_bool(text: &str) -> Option<bool> {
    match text.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

fn is_hex_color(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit())
}

/// A list of addresses or CIDR ranges, from the environment variable `name` (comma-separated) or
/// else the configuration file's list.
fn address_ranges(
    name: &'static str,
    from_file: Option<Vec<String>>,
) -> Result<Vec<ipnet::IpNet>, ConfigError> {
    let values: Vec<String> = match std::env::var(name).ok().filter(|v| !v.is_empty()) {
        Some(v) => v.split(',').map(str::to_string).collect(),
        None => from_file.unwrap_or_default(),
    };
    values
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .map(|p| {
            crate::web::client_ip::parse_range(p).ok_or(ConfigError::Invalid {
                name,
                what: "address or CIDR range",
                value: p.to_string(),
            })
        })
        .collect()
}

#[cfg(test)]
mod key_file_tests {
    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("plenum-keytest-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn the_default_key_file_is_not_beside_the_database_and_is_its_own() {
        let config_home = temp_dir("config");
        // Each test runs in its own process under nextest: the variable is ours alone.
        std::env::set_var("XDG_CONFIG_HOME", &config_home);
        let data = temp_dir("data");
        let other = temp_dir("other");
        let one = default_key_file(&format!("sqlite://{}", data.join("town.db").display()));
        let two = default_key_file(&format!("sqlite://{}", other.join("town.db").display()));
        assert!(
            one.starts_with(&config_home.join("plenum").display().to_string()),
            "{one}"
        );
        assert!(!one.starts_with(&data.display().to_string()), "{one}");
        assert_ne!(one, two, "two databases of one name get two keys");
        let pg = default_key_file("postgres://plenum:hunter2@db.example/town");
        assert!(!pg.contains("hunter2") && pg.ends_with(".key"), "{pg}");
        // A key an older version left beside the database is still the one used.
        let legacy = data.join("town.db.key");
        std::fs::write(&legacy, "k").unwrap();
        assert_eq!(
            default_key_file(&format!("sqlite://{}", data.join("town.db").display())),
            legacy.display().to_string()
        );
        for dir in [config_home, data, other] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
