//! Outgoing e-mail settings: SMTP or a folder, the sender, timeouts and when digests go out.

use url::Url;

use super::ConfigError;

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

/// The mail settings as read, before they are checked.
pub(super) struct MailFile {
    pub(super) smtp_url: Option<String>,
    pub(super) mail_dir: Option<String>,
    pub(super) mail_from: Option<String>,
    pub(super) timeout_secs: Option<u64>,
    pub(super) retry_base_secs: Option<u64>,
    pub(super) digest_hour: Option<String>,
    pub(super) poll_ms: Option<u64>,
}

/// A positive number from the environment, else the file's.
pub(super) fn number(name: &'static str, file: Option<u64>) -> Result<Option<u64>, ConfigError> {
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

pub(super) fn mail_config(town_name: &str, public_url: &Url, f: MailFile) -> Result<MailConfig, ConfigError> {
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
