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
    /// Main colour of the theme (must keep 4.5:1 contrast with white text).
    pub primary_color: String,
    /// Address of the town's logo, if any.
    pub logo_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    bind: Option<String>,
    public_url: Option<String>,
    town_name: Option<String>,
    default_locale: Option<String>,
    primary_color: Option<String>,
    logo_url: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the configuration file {path} is not valid TOML: {source}")]
    Parse { path: String, source: toml::de::Error },
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
        let primary_color =
            pick("PLENUM_PRIMARY_COLOR", from_file.primary_color).unwrap_or_else(|| "#1d4f91".into());
        if !is_hex_color(&primary_color) {
            return Err(ConfigError::Invalid {
                name: "PLENUM_PRIMARY_COLOR",
                what: "colour like #1d4f91",
                value: primary_color,
            });
        }
        Ok(Config {
            database_url,
            bind,
            public_url,
            town_name: pick("PLENUM_TOWN_NAME", from_file.town_name).unwrap_or_else(|| "Plenum".into()),
            default_locale,
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
            primary_color: "#1d4f91".into(),
            logo_url: None,
        }
    }

    /// Cookies get the `Secure` flag whenever the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.scheme() == "https"
    }
}

fn is_hex_color(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit())
}
