//! Signing and sending one delivery: the outbound half of HTTP signatures.
//!
//! The federation crate signs with the pure-Rust `rsa` crate, about a third of OpenSSL's speed
//! on our 2-core machine (`docs/performance.md`: 479 against 1,410 RSA-2048 signatures per second
//! and core), and a proposal announced to 1,000 followers is 2,000 signatures. So we sign here,
//! the same request in the same form with the same library the crate uses
//! (`http-signature-normalization`, Mastodon's `(request-target) host date digest` with a `Date`
//! header, one hour of validity), but with the private key parsed once into OpenSSL. The crate
//! still checks every inbox address first (`SendActivityTask::prepare`: local, private or
//! refused addresses never get a request).

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use base64::Engine;
use http_signature_normalization_reqwest::digest::SignExt;
use http_signature_normalization_reqwest::{Config as SignatureConfig, SignError};
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use reqwest_middleware::ClientWithMiddleware;
use sha2::{Digest, Sha256};
use url::Url;

use crate::app::AppState;

/// How long one delivery may take (connect and answer), as the crate's own client.
const TIMEOUT: Duration = Duration::from_secs(10);

/// A signature stays valid for an hour, as the crate signs.
const EXPIRES_AFTER: Duration = Duration::from_secs(60 * 60);

/// The HTTP client deliveries go through: no redirects, a timeout, and the crate's resolver
/// that refuses names resolving to private addresses at connect time (DNS rebinding), except
/// the servers listed for tests (`PLENUM_FEDERATION_ALLOW_PRIVATE`; `*` turns the check off).
/// One per instance, built on first use (an idle instance does not load the certificate store).
fn client(state: &AppState) -> &ClientWithMiddleware {
    state.delivery_client.get_or_init(|| {
        let allowed = &state.config.federation_allow_private;
        let listed: Vec<Url> = allowed
            .iter()
            .filter_map(|host| Url::parse(&format!("http://{host}")).ok())
            .collect();
        let check = !allowed.iter().any(|h| h == "*");
        let resolver = activitypub_federation::resolver::ValidatingDnsResolver::new(listed, check);
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .dns_resolver(std::sync::Arc::new(resolver))
            .user_agent(concat!("Plenum/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_default()
            .into()
    })
}

/// An actor's private key, parsed once for a batch of deliveries.
#[derive(Clone)]
pub struct SigningKey {
    /// The actor whose `#main-key` signs.
    pub actor: Url,
    key: PKey<Private>,
}

impl SigningKey {
    pub fn from_pem(actor: Url, private_pem: &str) -> Result<SigningKey, String> {
        let key = PKey::private_key_from_pem(private_pem.as_bytes())
            .map_err(|e| format!("unreadable private key: {e}"))?;
        Ok(SigningKey { actor, key })
    }

    /// RSASSA-PKCS1-v1_5 with SHA-256 of the signing string, in base64.
    fn sign(&self, signing_string: &str) -> Result<String, openssl::error::ErrorStack> {
        let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), &self.key)?;
        signer.update(signing_string.as_bytes())?;
        Ok(base64::engine::general_purpose::STANDARD.encode(signer.sign_to_vec()?))
    }
}

/// Why a delivery did not go through, and whether trying again later could help.
#[derive(Debug)]
pub struct Failed {
    pub reason: String,
    pub permanent: bool,
    /// The receiver answered and refused the activity (a 4xx): final, and shown to staff as
    /// refused with the receiver's answer, not as delivered.
    pub refused: bool,
}

#[derive(Debug)]
enum SendError {
    Sign(SignError),
    Http(reqwest::Error),
    Key(openssl::error::ErrorStack),
}

impl From<SignError> for SendError {
    fn from(e: SignError) -> Self {
        SendError::Sign(e)
    }
}

impl From<reqwest::Error> for SendError {
    fn from(e: reqwest::Error) -> Self {
        SendError::Http(e)
    }
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Sign(e) => write!(f, "cannot sign: {e}"),
            SendError::Http(e) => write!(f, "{e}"),
            SendError::Key(e) => write!(f, "cannot sign: {e}"),
        }
    }
}

/// The headers every delivery carries before it is signed (the crate's own set).
fn headers(inbox: &Url) -> Result<HeaderMap, String> {
    let host = match (inbox.host_str(), inbox.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => return Err("inbox address has no host".into()),
    };
    let mut headers = HeaderMap::new();
    headers.insert(
        "content-type",
        HeaderValue::from_static(activitypub_federation::FEDERATION_CONTENT_TYPE),
    );
    headers.insert(
        "host",
        HeaderValue::from_str(&host).map_err(|e| format!("bad host: {e}"))?,
    );
    headers.insert(
        "date",
        HeaderValue::from_str(&httpdate::fmt_http_date(SystemTime::now()))
            .map_err(|e| format!("bad date: {e}"))?,
    );
    Ok(headers)
}

/// Signs `body` with `key` and POSTs it to `inbox`. A 2xx answer is delivered; a 4xx other
/// than 408/429 means the server refuses it for good (not retried, as the crate and Mastodon
/// do, and reported as refused with the server's answer); anything else is worth another try.
pub async fn post(state: &AppState, key: &SigningKey, inbox: &Url, body: Vec<u8>) -> Result<(), Failed> {
    static SIGNATURE: OnceLock<SignatureConfig> = OnceLock::new();
    let signature = SIGNATURE
        .get_or_init(|| {
            SignatureConfig::new()
                .mastodon_compat()
                .set_expiration(EXPIRES_AFTER)
        })
        .clone();
    let client = client(state);
    let headers = headers(inbox).map_err(|reason| Failed {
        reason,
        permanent: true,
        refused: false,
    })?;
    let signer = key.clone();
    let request = client
        .post(inbox.as_str())
        .timeout(TIMEOUT)
        .headers(headers)
        .signature_with_digest(
            signature,
            format!("{}#main-key", key.actor),
            Sha256::new(),
            body,
            move |signing_string| signer.sign(signing_string).map_err(SendError::Key),
        )
        .await
        .map_err(|e: SendError| Failed {
            reason: e.to_string(),
            permanent: true,
            refused: false,
        })?;
    let response = client.execute(request).await.map_err(|e| Failed {
        reason: e.to_string(),
        permanent: false,
        refused: false,
    })?;
    let status = response.status();
    if status.is_success() {
        return Ok(());
    }
    let text: String = response
        .text()
        .await
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect();
    if status.is_client_error()
        && status != StatusCode::REQUEST_TIMEOUT
        && status != StatusCode::TOO_MANY_REQUESTS
    {
        tracing::info!(%inbox, %status, answer = %text, "delivery refused by the receiver, not retried");
        return Err(Failed {
            reason: format!("{status}: {text}"),
            permanent: true,
            refused: true,
        });
    }
    Err(Failed {
        reason: format!("{status}: {text}"),
        permanent: false,
        refused: false,
    })
}

/// Largest NodeInfo document read.
const NODEINFO_MAX_BYTES: usize = 64 * 1024;

async fn small_json(client: &ClientWithMiddleware, url: &str) -> Option<serde_json::Value> {
    let response = client
        .get(url)
        .timeout(TIMEOUT)
        .header("accept", "application/json")
        .send()
        .await
        .ok()?;
    if !response.status().is_success() {
        return None;
    }
    let bytes = response.bytes().await.ok()?;
    if bytes.len() > NODEINFO_MAX_BYTES {
        return None;
    }
    serde_json::from_slice(&bytes).ok()
}

/// The `software.name` a server gives in its NodeInfo (2.x, found through
/// `/.well-known/nodeinfo` on the inbox's origin), through the delivery client and its
/// address checks. `None` when it has none or it cannot be read.
pub async fn nodeinfo_software(state: &AppState, inbox: &Url) -> Option<String> {
    let client = client(state);
    let origin = inbox.origin().ascii_serialization();
    let links = small_json(client, &format!("{origin}/.well-known/nodeinfo")).await?;
    let href = links["links"]
        .as_array()?
        .iter()
        .filter(|l| {
            l["rel"]
                .as_str()
                .is_some_and(|r| r.starts_with("http://nodeinfo.diaspora.software/ns/schema/2."))
        })
        .filter_map(|l| l["href"].as_str())
        .next_back()?
        .to_string();
    // Only on the same server: a NodeInfo elsewhere says nothing about this one.
    if Url::parse(&href).ok()?.origin() != inbox.origin() {
        return None;
    }
    let info = small_json(client, &href).await?;
    info["software"]["name"].as_str().map(|n| n.to_ascii_lowercase())
}

/// A GET through the delivery client (its timeout, no redirects, its address checks), read up
/// to `max_bytes`. `Err` when the server cannot be reached or does not answer in time;
/// `Ok(None)` when it answers with anything but a 2xx (a redirect included) or too much.
pub async fn small_get(
    state: &AppState,
    url: &str,
    accept: &str,
    max_bytes: usize,
) -> Result<Option<Vec<u8>>, String> {
    let mut response = client(state)
        .get(url)
        .timeout(TIMEOUT)
        .header("accept", accept)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Ok(None);
    }
    // Read chunk by chunk: a hostile server may announce no length and send without end.
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| e.to_string())? {
        if body.len() + chunk.len() > max_bytes {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Some(body))
}
