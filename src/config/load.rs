//! Reading the settings: the TOML file when one is given, then the environment variables, which
//! win; each value checked as it is read, so a mistake stops the start with its variable's name.

use std::net::SocketAddr;
use std::path::Path;

use serde::Deserialize;
use url::Url;

use super::key_file::{default_key_file, read_or_create_key};
use super::mail::{mail_config, number, MailFile};
use super::values::{
    address_ranges, choice, default_hash_slots, default_upload_dir, is_hex_color, number_in, parse_bool,
    DEFAULT_HASH_WAIT_MS, DEFAULT_IMAGE_MAX_MEGAPIXELS, DEFAULT_UPLOAD_MAX_MB,
};
use super::{Config, ConfigError, ForwardedHeader, StaffTwoFactor, TlsFiles};

/// The file's settings, each named as its variable without `PLENUM_`, in lower case.
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
        let forwarded_header = choice(
            "PLENUM_FORWARDED_HEADER",
            pick("PLENUM_FORWARDED_HEADER", from_file.forwarded_header),
            &[
                ("x-forwarded-for", ForwardedHeader::XForwardedFor),
                ("forwarded", ForwardedHeader::Forwarded),
            ],
            "header (x-forwarded-for or forwarded)",
        )?
        .unwrap_or(ForwardedHeader::XForwardedFor);
        let staff_two_factor = choice(
            "PLENUM_STAFF_TWO_FACTOR",
            pick("PLENUM_STAFF_TWO_FACTOR", from_file.staff_two_factor),
            &[
                ("required", StaffTwoFactor::Required),
                ("optional", StaffTwoFactor::Optional),
            ],
            "choice (required or optional)",
        )?
        .unwrap_or(StaffTwoFactor::Required);
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
}
