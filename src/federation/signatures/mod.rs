//! Inbound HTTP signatures in both schemes the fediverse uses:
//! - draft-cavage (`Signature: keyId=…,algorithm=…,headers=…,signature=…`), `rsa-sha256` or
//!   `hs2019`, which every server sends (`cavage`);
//! - RFC 9421 (`Signature-Input` + `Signature: label=:…:`), which Mastodon 4.5 and Fedify send
//!   first (`rfc9421`).
//!
//! Checks come in two steps: `precheck` needs no key (headers present once, the signature
//! covers our host, the target, a fresh date and the body's digest), so a malformed or
//! replayed request is refused before any key is fetched; `verify` then checks the signature
//! itself with the signer's key, checked with OpenSSL.
//!
//! A signature that fails or that we cannot read is a `401`, so a peer that "double-knocks"
//! (tries RFC 9421, then draft-cavage) gets through on its second try.

use axum::body::Bytes;
use axum::http::{request::Parts, HeaderMap};

use super::error::FedError;

pub mod cavage;
pub mod digest;
pub mod rfc9421;

/// How far a signature's `created` (or the `Date` header) may be from our clock: one hour either
/// way. Mastodon accepts requests up to 12 hours old with one hour of skew; ours are always
/// signed at the moment they are sent, so an hour is plenty and narrows replays.
pub const MAX_CLOCK_SKEW_SECS: i64 = 60 * 60;

/// How long after fetching a signer we refetch it when its signature fails (its key may have
/// rotated). Sooner than this, a bad signature is just refused: otherwise every forged request
/// would make us fetch the actor again (amplification).
pub const REFETCH_AFTER_FAILURE_SECS: i64 = 60;

/// The two signature schemes, told apart by the `Signature-Input` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Cavage,
    Rfc9421,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Cavage => "draft-cavage",
            Scheme::Rfc9421 => "RFC 9421",
        }
    }
}

/// Who signed a request, as the headers claim it (not yet verified), with the parsed header.
#[derive(Debug, Clone)]
pub struct Claim {
    pub scheme: Scheme,
    pub key_id: String,
    parsed: Parsed,
}

#[derive(Debug, Clone)]
enum Parsed {
    Cavage(cavage::Params),
    Rfc9421(rfc9421::Params),
}

impl Claim {
    /// The actor the key belongs to: `{actor}#main-key` (or the actor itself).
    pub fn owner(&self) -> &str {
        self.key_id.split('#').next().unwrap_or_default()
    }
}

fn unauthorized(reason: impl Into<String>) -> FedError {
    FedError::unauthorized(reason)
}

/// The value of a header that must come at most once: two headers of one name are refused,
/// since the signature covers one value and a check could read the other.
pub fn single<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, FedError> {
    let mut values = headers.get_all(name).iter();
    let Some(first) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(unauthorized(format!("the {name} header is repeated")));
    }
    first
        .to_str()
        .map(Some)
        .map_err(|_| unauthorized(format!("the {name} header is not readable text")))
}

/// Whether the request carries a signature at all.
pub fn is_signed(headers: &HeaderMap) -> bool {
    headers.contains_key("signature")
}

/// Reads the key id the request claims to be signed with, parsing the signature headers
/// strictly (repeated headers or parameters, unknown algorithms: refused).
pub fn claim(headers: &HeaderMap) -> Result<Claim, FedError> {
    let signature = single(headers, "signature")?.ok_or_else(|| unauthorized("missing HTTP signature"))?;
    if headers.contains_key("signature-input") {
        let params = rfc9421::parse(headers)?;
        return Ok(Claim {
            scheme: Scheme::Rfc9421,
            key_id: params.key_id.clone(),
            parsed: Parsed::Rfc9421(params),
        });
    }
    let params = cavage::parse(signature)?;
    Ok(Claim {
        scheme: Scheme::Cavage,
        key_id: params.key_id.clone(),
        parsed: Parsed::Cavage(params),
    })
}

/// Every check that needs no key. `base` is our public address (`https://town.example`),
/// `body` the POST body (`None` for a GET).
pub fn precheck(claim: &Claim, parts: &Parts, body: Option<&Bytes>, base: &str) -> Result<(), FedError> {
    match &claim.parsed {
        Parsed::Cavage(params) => params.precheck(parts, body, base),
        Parsed::Rfc9421(params) => params.precheck(parts, body),
    }
}

/// Verifies the request's signature with the signer's public key (PEM, as actors publish it),
/// after the checks of `precheck`.
pub fn verify(
    claim: &Claim,
    parts: &Parts,
    body: Option<&Bytes>,
    base: &str,
    public_key_pem: &str,
) -> Result<(), FedError> {
    precheck(claim, parts, body, base)?;
    verify_signature(claim, parts, base, public_key_pem)
}

/// The signature itself, with `public_key_pem`; what `precheck` checks is taken as checked.
fn verify_signature(claim: &Claim, parts: &Parts, base: &str, public_key_pem: &str) -> Result<(), FedError> {
    match &claim.parsed {
        Parsed::Cavage(params) => cavage::verify(params, parts, public_key_pem),
        Parsed::Rfc9421(params) => rfc9421::verify(params, parts, base, public_key_pem),
    }
}

/// The signed `Host` must be ours: a signature a peer made for another server (whose inbox has
/// the same path) is not replayed here. Default ports and a trailing dot are not differences.
fn check_host(headers: &HeaderMap, base: &str) -> Result<(), FedError> {
    let host = single(headers, "host")?.ok_or_else(|| unauthorized("missing Host header"))?;
    let ours = url::Url::parse(base).map(|u| host_of(&u)).unwrap_or_default();
    let scheme = base.split(':').next().unwrap_or("https");
    // An authority only: no user, path, query or spaces that a URL parser would read past.
    let plain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']');
    if !host.chars().all(plain) {
        return Err(unauthorized(format!(
            "the signed host {host:?} is not this server"
        )));
    }
    let theirs = url::Url::parse(&format!("{scheme}://{}/", host.trim()))
        .map(|u| host_of(&u))
        .unwrap_or_default();
    if !theirs.is_empty() && theirs == ours {
        Ok(())
    } else {
        Err(unauthorized(format!(
            "the signed host {host:?} is not this server"
        )))
    }
}

/// `host[:port]` lower-cased, without a default port or a trailing dot.
fn host_of(url: &url::Url) -> String {
    let name = url.host_str().unwrap_or_default().trim_end_matches('.');
    match url.port() {
        Some(port) => format!("{name}:{port}"),
        None => name.to_string(),
    }
}

/// A signed request must carry a `Date` close to ours: an old captured request is refused.
pub fn check_date(headers: &HeaderMap) -> Result<(), FedError> {
    let date = single(headers, "date")?.ok_or_else(|| unauthorized("missing Date header"))?;
    let when =
        chrono::DateTime::parse_from_rfc2822(date).map_err(|_| unauthorized("unreadable Date header"))?;
    fresh(when.timestamp())
        .map_err(|_| unauthorized("Date header too far from now (stale or replayed request)"))
}

/// A signature time within the allowed skew of ours, either way.
fn fresh(unix_time: i64) -> Result<(), FedError> {
    if (chrono::Utc::now().timestamp() - unix_time).abs() > MAX_CLOCK_SKEW_SECS {
        return Err(unauthorized(
            "signature created too far from now (stale or replayed)",
        ));
    }
    Ok(())
}

/// Verifies the request with its signer's key: the actor is fetched (or read from our cache)
/// and, if the signature fails, fetched again once, in case the key rotated since we cached it
/// (not if we fetched it within the last minute). Returns the signer. The inbox and signed GETs
/// both go through here. `precheck` runs first, once: a malformed, stale or misaddressed request
/// is refused before any key is fetched, and never causes a refetch.
pub async fn verify_by_signer(
    data: &activitypub_federation::config::Data<super::FedState>,
    claim: &Claim,
    parts: &Parts,
    body: Option<&Bytes>,
    stored_signer: Option<super::actors::RemoteActor>,
) -> Result<super::actors::RemoteActor, FedError> {
    use activitypub_federation::fetch::object_id::ObjectId;
    // Our public address (the `Data` derefs to the application state).
    let base = data.app_data().config.base();
    precheck(claim, parts, body, &base)?;
    let signer = ObjectId::<super::actors::RemoteActor>::parse(claim.owner())
        .map_err(|_| unauthorized("keyId is not a URL"))?;
    // The signer as the caller already read it from our database, if fetched recently enough
    // to skip the crate's own lookup (which would read the same row again); otherwise the
    // crate reads it, refetching it when stale.
    let actor = match stored_signer.filter(|a| a.ap_id == claim.owner() && a.fetched_recently()) {
        Some(actor) => actor,
        None => signer.dereference(data).await.map_err(key_unavailable)?,
    };
    let first = verify_signature(claim, parts, &base, &actor.public_key_pem);
    if first.is_ok() {
        return Ok(actor);
    }
    let age = crate::domain::now() - actor.fetched_at;
    if age < chrono::Duration::seconds(REFETCH_AFTER_FAILURE_SECS) {
        return Err(first.unwrap_err());
    }
    // The key may have been rotated since we fetched it.
    let actor = signer.dereference_forced(data).await.map_err(key_unavailable)?;
    verify_signature(claim, parts, &base, &actor.public_key_pem)?;
    Ok(actor)
}

/// The signer's key could not be had. What the fetch met stays in our log: the requester only
/// learns that we could not check the signature (never the fetched body, which would make us a
/// proxy for any address the `keyId` names).
fn key_unavailable(e: FedError) -> FedError {
    tracing::info!(reason = %e.reason(), status = e.status().as_u16(), "signer's key could not be fetched");
    unauthorized("the signing key could not be fetched from the signer's server")
}

/// An RSA public key, checked with OpenSSL: RSASSA-PKCS1-v1_5 with SHA-256 is what both schemes
/// use here, and OpenSSL verifies it about 30 times faster than the pure-Rust `rsa` crate
/// (`docs/performance.md`: verification was 40 % of the inbox's time).
struct RsaKey(std::sync::Arc<openssl::pkey::PKey<openssl::pkey::Public>>);

/// Parsed keys by their PEM text: OpenSSL 3 decodes PEM through its provider machinery, which
/// under load cost more than the signature check itself. A busy instance sees a few thousand
/// actors; the cache starts over past 10,000 keys.
static PARSED_KEYS: std::sync::LazyLock<
    std::sync::Mutex<
        std::collections::HashMap<String, std::sync::Arc<openssl::pkey::PKey<openssl::pkey::Public>>>,
    >,
> = std::sync::LazyLock::new(Default::default);

impl RsaKey {
    fn from_pem(pem: &str) -> Result<RsaKey, FedError> {
        if let Some(key) = PARSED_KEYS.lock().ok().and_then(|keys| keys.get(pem).cloned()) {
            return Ok(RsaKey(key));
        }
        let key = openssl::pkey::PKey::public_key_from_pem(pem.as_bytes())
            .ok()
            .filter(|k| k.id() == openssl::pkey::Id::RSA)
            .map(std::sync::Arc::new)
            .ok_or_else(|| unauthorized("the signer's public key is not an RSA key we can read"))?;
        if let Ok(mut keys) = PARSED_KEYS.lock() {
            if keys.len() >= 10_000 {
                keys.clear();
            }
            keys.insert(pem.to_string(), key.clone());
        }
        Ok(RsaKey(key))
    }

    fn verifies(&self, message: &[u8], signature: &[u8]) -> bool {
        openssl::sign::Verifier::new(openssl::hash::MessageDigest::sha256(), &self.0)
            .and_then(|mut v| {
                v.update(message)?;
                v.verify(signature)
            })
            .unwrap_or(false)
    }
}

#[cfg(test)]
mod tests;
