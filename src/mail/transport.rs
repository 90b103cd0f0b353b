//! How a mail leaves: SMTP through `lettre` (`PLENUM_SMTP_URL`), or a folder where each mail is
//! written as an `.eml` file (`PLENUM_MAIL_DIR`, what the demo uses). Either way the message is
//! built here, once, from the queued row: addresses parsed, `Subject:` and names encoded by
//! `lettre` (and already without control characters, see [`super::header_text`]), a stable
//! `Message-ID` from the row's id, and RFC 8058 one-click unsubscribe headers.

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::{ContentTransferEncoding, Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::store::Claimed;
use crate::config::{Config, MailTransport};

/// Why a send failed, and whether trying again later could help.
#[derive(Debug, Clone)]
pub struct Failed {
    pub reason: String,
    /// The server refused for good (5xx) or the mail cannot be built: not retried.
    pub permanent: bool,
}

impl Failed {
    fn permanent(reason: impl ToString) -> Failed {
        Failed {
            reason: reason.to_string(),
            permanent: true,
        }
    }

    fn transient(reason: impl ToString) -> Failed {
        Failed {
            reason: reason.to_string(),
            permanent: false,
        }
    }
}

/// The configured way out.
#[derive(Clone)]
pub enum Transport {
    Smtp {
        smtp: AsyncSmtpTransport<Tokio1Executor>,
        timeout: Duration,
    },
    Dir(PathBuf),
}

impl Transport {
    /// The transport the configuration names; `None` when it names none (mails then wait in
    /// the queue, and staff's page says so).
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Transport>> {
        match &config.mail.transport {
            MailTransport::None => Ok(None),
            MailTransport::Dir(dir) => {
                std::fs::create_dir_all(dir)?;
                Ok(Some(Transport::Dir(dir.clone())))
            }
            MailTransport::Smtp(url) => {
                let timeout = config.mail.timeout;
                let smtp = AsyncSmtpTransport::<Tokio1Executor>::from_url(&lettre_url(url))?
                    .timeout(Some(timeout))
                    .hello_name(ClientId::Domain(
                        config.public_url.host_str().unwrap_or("localhost").to_string(),
                    ))
                    .build();
                Ok(Some(Transport::Smtp { smtp, timeout }))
            }
        }
    }

    /// Sends one claimed mail from `from`.
    pub async fn send(&self, from: &Mailbox, domain: &str, mail: &Claimed) -> Result<(), Failed> {
        let message = build(from, domain, mail)?;
        match self {
            Transport::Smtp { smtp, timeout } => {
                // lettre's timeout bounds each read and write; this bounds the whole exchange,
                // so a server that answers a byte at a time cannot hold a worker either.
                match tokio::time::timeout(*timeout * 3, smtp.send(message)).await {
                    Err(_) => Err(Failed::transient(
                        "timed out: the SMTP server did not finish answering",
                    )),
                    Ok(Ok(_)) => Ok(()),
                    Ok(Err(e)) if e.is_permanent() => Err(Failed::permanent(describe(&e))),
                    Ok(Err(e)) => Err(Failed::transient(describe(&e))),
                }
            }
            Transport::Dir(dir) => {
                let bytes = message.formatted();
                let dir = dir.clone();
                let id = mail.id.clone();
                tokio::task::spawn_blocking(move || write_file(&dir, &id, &bytes))
                    .await
                    .map_err(Failed::transient)?
                    .map_err(|e| Failed::transient(format!("cannot write to the mail folder: {e}")))
            }
        }
    }
}

/// The error as staff read it: lettre's text, with the server's own answer when it gave one.
fn describe(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    if e.is_timeout() {
        text = format!("timed out: {text}");
    }
    text
}

/// Writes `{id}.eml` whole or not at all (a temporary file renamed), so a reader of the folder
/// never sees half a mail, and a mail sent again after a crash replaces itself.
fn write_file(dir: &std::path::Path, id: &str, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = dir.join(format!(".{id}.tmp"));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(format!("{id}.eml")))
}

/// `PLENUM_SMTP_URL` as lettre reads it: `tls=starttls` is its `tls=required`.
fn lettre_url(url: &str) -> String {
    url.replace("tls=starttls", "tls=required")
}

/// The `From:` mailbox of the configuration (checked when the configuration is read).
pub fn sender(config: &Config) -> anyhow::Result<Mailbox> {
    Ok(config.mail.from.parse()?)
}

/// The message for a claimed row.
pub fn build(from: &Mailbox, domain: &str, mail: &Claimed) -> Result<Message, Failed> {
    let address = super::check_address(&mail.to_address)
        .map_err(|_| Failed::permanent(format!("invalid address: {}", mail.to_address)))?;
    let name = mail.to_name.as_deref().map(super::header_text);
    let to = Mailbox::new(name.filter(|n| !n.is_empty()), address);
    let host = domain.split(':').next().unwrap_or(domain);
    let mut builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(super::header_text(&mail.subject))
        .message_id(Some(format!("<{}@{}>", mail.id, host)));
    if let Some(url) = &mail.list_unsubscribe {
        builder = builder
            .header(ListUnsubscribe(format!("<{url}>")))
            .header(ListUnsubscribePost);
    }
    let body = MultiPart::alternative()
        .singlepart(
            SinglePart::builder()
                .header(lettre::message::header::ContentType::TEXT_PLAIN)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(mail.text_body.clone()),
        )
        .singlepart(
            SinglePart::builder()
                .header(lettre::message::header::ContentType::TEXT_HTML)
                .header(ContentTransferEncoding::QuotedPrintable)
                .body(mail.html_body.clone()),
        );
    builder
        .multipart(body)
        .map_err(|e| Failed::permanent(format!("cannot build the message: {e}")))
}

/// `List-Unsubscribe: <https://…>` (RFC 2369).
#[derive(Debug, Clone)]
struct ListUnsubscribe(String);

impl Header for ListUnsubscribe {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe")
    }

    fn parse(s: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribe(s.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058).
#[derive(Debug, Clone)]
struct ListUnsubscribePost;

impl Header for ListUnsubscribePost {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("List-Unsubscribe-Post")
    }

    fn parse(_: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(ListUnsubscribePost)
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "List-Unsubscribe=One-Click".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed(subject: &str, name: &str) -> Claimed {
        Claimed {
            id: "0190-abc".into(),
            to_address: "ana@example.org".into(),
            to_name: Some(name.into()),
            subject: subject.into(),
            text_body: "Bonjour\n".into(),
            html_body: "<p>Bonjour</p>".into(),
            list_unsubscribe: Some("https://town.example/unsubscribe/tok".into()),
            attempts: 1,
        }
    }

    fn headers_of(message: &Message) -> String {
        let raw = String::from_utf8_lossy(&message.formatted()).to_string();
        raw.split("\r\n\r\n").next().unwrap_or_default().to_string()
    }

    #[test]
    fn line_breaks_in_subject_or_name_add_no_header() {
        let from: Mailbox = "Town <noreply@town.example>".parse().expect("mailbox");
        let message = build(
            &from,
            "town.example",
            &claimed("Hi\r\nBcc: evil@example.org", "Ana\r\nBcc: evil@example.org"),
        )
        .expect("built");
        let headers = headers_of(&message);
        assert!(
            !headers
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{headers}"
        );
        assert_eq!(message.envelope().to().len(), 1);
        assert!(
            headers.contains("List-Unsubscribe: <https://town.example/unsubscribe/tok>"),
            "{headers}"
        );
        assert!(headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(
            headers.contains("Message-ID: <0190-abc@town.example>"),
            "{headers}"
        );
    }

    #[test]
    fn starttls_is_lettres_required_tls() {
        assert_eq!(
            lettre_url("smtp://u:p@mail.example:587?tls=starttls"),
            "smtp://u:p@mail.example:587?tls=required"
        );
    }
}
