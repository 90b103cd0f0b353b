//! Inbound HTTP signatures in both schemes the fediverse uses:
//! - draft-cavage (`Signature: keyId=…,algorithm=…,headers=…,signature=…`), `rsa-sha256` or
//!   `hs2019`, which every server sends; on inbox POSTs the federation crate verifies it, on
//!   signed GETs (authorized fetch) `http-signature-normalization` does, here;
//! - RFC 9421 (`Signature-Input` + `Signature: label=:…:`), which Mastodon 4.5 and Fedify send
//!   first; the body is covered by `Content-Digest`. The headers are parsed with `sfv` (RFC 8941
//!   structured fields) and the signature base is built here: the RFC 9421 crates we tried
//!   (`httpsig` 0.0.26, `http-msgsign` 0.1) rewrite the signature parameters in an order of their
//!   own, while RFC 9421 §2.3 signs them in the order the sender wrote them, so Fedify's
//!   signatures (`alg;keyid;created`) would never verify with them.
//!
//! A signature that fails or that we cannot read is a `401`, so a peer that "double-knocks"
//! (tries RFC 9421, then draft-cavage) gets through on its second try.

use axum::body::Bytes;
use axum::http::{request::Parts, HeaderMap, StatusCode, Uri};
use base64::Engine;
use sfv::{BareItem, FieldType, ListEntry};
use sha2::Digest;

use super::error::FedError;

/// How far a signature's `created` (or the `Date` header) may be from our clock: one hour either
/// way. Mastodon accepts requests up to 12 hours old with one hour of skew; ours are always
/// signed at the moment they are sent, so an hour is plenty and narrows replays.
pub const MAX_CLOCK_SKEW_SECS: i64 = 60 * 60;

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

/// Who signed a request, as the headers claim it (not yet verified).
#[derive(Debug, Clone)]
pub struct Claim {
    pub scheme: Scheme,
    pub key_id: String,
}

impl Claim {
    /// The actor the key belongs to: `{actor}#main-key` (or the actor itself).
    pub fn owner(&self) -> &str {
        self.key_id.split('#').next().unwrap_or_default()
    }
}

fn unauthorized(reason: impl Into<String>) -> FedError {
    FedError::new(StatusCode::UNAUTHORIZED, reason)
}

/// Whether the request carries a signature at all.
pub fn is_signed(headers: &HeaderMap) -> bool {
    headers.contains_key("signature")
}

/// Reads the key id the request claims to be signed with.
pub fn claim(headers: &HeaderMap) -> Result<Claim, FedError> {
    let signature = headers
        .get("signature")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("missing HTTP signature"))?;
    if headers.contains_key("signature-input") {
        let key_id = Rfc9421::parse(headers)?.key_id;
        return Ok(Claim {
            scheme: Scheme::Rfc9421,
            key_id,
        });
    }
    let key_id = signature
        .split(',')
        .filter_map(|part| part.trim().strip_prefix("keyId="))
        .map(|v| v.trim_matches('"').to_string())
        .next()
        .ok_or_else(|| unauthorized("signature without keyId"))?;
    Ok(Claim {
        scheme: Scheme::Cavage,
        key_id,
    })
}

/// The first signature of an RFC 9421 request, parsed.
struct Rfc9421 {
    /// Covered components, in order (`"@method"`, `"content-digest"`…).
    covered: Vec<String>,
    /// The inner list exactly as signed: the `@signature-params` line of the base.
    params_line: String,
    key_id: String,
    created: Option<i64>,
    expires: Option<i64>,
    alg: Option<String>,
    signature: Vec<u8>,
}

impl Rfc9421 {
    fn parse(headers: &HeaderMap) -> Result<Rfc9421, FedError> {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .ok_or_else(|| unauthorized(format!("missing {name} header")))
        };
        let inputs: sfv::Dictionary = sfv::Parser::new(text("signature-input")?)
            .parse()
            .map_err(|e| unauthorized(format!("unreadable Signature-Input: {e}")))?;
        let signatures: sfv::Dictionary = sfv::Parser::new(text("signature")?)
            .parse()
            .map_err(|e| unauthorized(format!("unreadable Signature: {e}")))?;
        // A request may carry several signatures; we check the first one (Mastodon and Fedify
        // send one).
        let (label, entry) = inputs
            .iter()
            .next()
            .ok_or_else(|| unauthorized("empty Signature-Input"))?;
        let ListEntry::InnerList(inner) = entry else {
            return Err(unauthorized("Signature-Input member is not a list of components"));
        };
        let signature = match signatures.get(label) {
            Some(ListEntry::Item(item)) => item.bare_item.as_byte_sequence().map(<[u8]>::to_vec),
            _ => None,
        }
        .ok_or_else(|| unauthorized(format!("no signature labelled {label}")))?;
        let mut covered = Vec::new();
        for item in &inner.items {
            if !item.params.is_empty() {
                return Err(unauthorized("RFC 9421 component parameters are not supported"));
            }
            let name = item
                .bare_item
                .as_string()
                .ok_or_else(|| unauthorized("RFC 9421 component names must be strings"))?;
            covered.push(name.as_str().to_string());
        }
        let param = |key: &str| inner.params.get(key);
        let string = |key: &str| {
            param(key)
                .and_then(BareItem::as_string)
                .map(|s| s.as_str().to_string())
        };
        let integer = |key: &str| param(key).and_then(BareItem::as_integer).map(i64::from);
        let params_line = vec![entry.clone()]
            .serialize()
            .ok_or_else(|| unauthorized("empty Signature-Input"))?;
        Ok(Rfc9421 {
            key_id: string("keyid").ok_or_else(|| unauthorized("RFC 9421 signature without keyid"))?,
            created: integer("created"),
            expires: integer("expires"),
            alg: string("alg"),
            covered,
            params_line,
            signature,
        })
    }

    fn covers(&self, name: &str) -> bool {
        self.covered.iter().any(|c| c == name)
    }

    /// The signature base (RFC 9421 §2.5): one line per covered component, then the parameters.
    /// `target` is the full URL the request was sent to.
    fn base(&self, parts: &Parts, target: &Uri) -> Result<String, FedError> {
        let mut lines = Vec::with_capacity(self.covered.len() + 1);
        for name in &self.covered {
            let value = match name.as_str() {
                "@method" => parts.method.as_str().to_string(),
                "@target-uri" => target.to_string(),
                "@authority" => target
                    .authority()
                    .map(|a| a.as_str().to_lowercase())
                    .unwrap_or_default(),
                "@scheme" => target.scheme_str().unwrap_or_default().to_string(),
                "@path" => target.path().to_string(),
                "@query" => format!("?{}", target.query().unwrap_or_default()),
                "@request-target" => target
                    .path_and_query()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                derived if derived.starts_with('@') => {
                    return Err(unauthorized(format!("unsupported RFC 9421 component {derived}")))
                }
                field => {
                    let values: Vec<&str> = parts
                        .headers
                        .get_all(field)
                        .iter()
                        .filter_map(|v| v.to_str().ok())
                        .map(str::trim)
                        .collect();
                    if values.is_empty() {
                        return Err(unauthorized(format!("signed header {field} is missing")));
                    }
                    values.join(", ")
                }
            };
            lines.push(format!("\"{name}\": {value}"));
        }
        lines.push(format!("\"@signature-params\": {}", self.params_line));
        Ok(lines.join("\n"))
    }
}

/// Verifies the request's signature with the signer's public key (PEM, as actors publish it).
/// `base` is our public address: RFC 9421 signs the full target URI, which a server behind a
/// proxy only knows from its configuration. `body` is the POST body (`None` for a GET).
pub fn verify(
    claim: &Claim,
    parts: &Parts,
    body: Option<&Bytes>,
    base: &str,
    public_key_pem: &str,
) -> Result<(), FedError> {
    match claim.scheme {
        Scheme::Cavage => verify_cavage(parts, body, public_key_pem),
        Scheme::Rfc9421 => verify_rfc9421(parts, body, base, public_key_pem),
    }
}

/// Verifies the request with its signer's key: the actor is fetched (or read from our cache)
/// and, if the signature fails, fetched again once, in case the key rotated since we cached it.
/// Returns the signer. The inbox and signed GETs both go through here.
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
    let signer = ObjectId::<super::actors::RemoteActor>::parse(claim.owner())
        .map_err(|_| unauthorized("keyId is not a URL"))?;
    // The signer as the caller already read it from our database, if fetched recently enough
    // to skip the crate's own lookup (which would read the same row again); otherwise the
    // crate reads it, refetching it when stale.
    let actor = match stored_signer.filter(|a| a.ap_id == claim.owner() && a.fetched_recently()) {
        Some(actor) => actor,
        None => signer.dereference(data).await?,
    };
    if verify(claim, parts, body, &base, &actor.public_key_pem).is_ok() {
        return Ok(actor);
    }
    // The key may have been rotated since we fetched it.
    let actor = signer.dereference_forced(data).await?;
    verify(claim, parts, body, &base, &actor.public_key_pem)?;
    Ok(actor)
}

fn verify_cavage(parts: &Parts, body: Option<&Bytes>, public_key_pem: &str) -> Result<(), FedError> {
    let mut config = http_signature_normalization::Config::new()
        .set_expiration(std::time::Duration::from_secs(MAX_CLOCK_SKEW_SECS as u64));
    if body.is_some() {
        config = config.require_digest();
        check_legacy_digest(&parts.headers, body.unwrap_or(&Bytes::new()))?;
    }
    let headers = parts
        .headers
        .iter()
        .filter_map(|(k, v)| Some((k.to_string(), v.to_str().ok()?.to_string())))
        .collect();
    let path = parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/");
    let key = RsaKey::from_pem(public_key_pem)?;
    let verified = config
        .begin_verify(parts.method.as_str(), path, headers)
        .map_err(|e| unauthorized(format!("unusable draft-cavage signature: {e}")))?
        .verify(|signature, signing_string| {
            let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(signature) else {
                return false;
            };
            key.verifies(signing_string.as_bytes(), &raw)
        });
    if verified {
        Ok(())
    } else {
        Err(unauthorized("HTTP signature does not verify"))
    }
}

fn verify_rfc9421(
    parts: &Parts,
    body: Option<&Bytes>,
    base: &str,
    public_key_pem: &str,
) -> Result<(), FedError> {
    let signed = Rfc9421::parse(&parts.headers)?;
    if !signed.covers("@method")
        || !["@target-uri", "@path", "@request-target"]
            .iter()
            .any(|c| signed.covers(c))
    {
        return Err(unauthorized(
            "RFC 9421 signature must cover the method and the target",
        ));
    }
    let now = chrono::Utc::now().timestamp();
    match signed.created {
        Some(created) if (now - created).abs() > MAX_CLOCK_SKEW_SECS => {
            return Err(unauthorized(
                "signature created too far from now (stale or replayed)",
            ))
        }
        Some(_) => {}
        None => return Err(unauthorized("RFC 9421 signature without created")),
    }
    if signed.expires.is_some_and(|expires| expires < now) {
        return Err(unauthorized("signature expired"));
    }
    if let Some(body) = body {
        if !signed.covers("content-digest") {
            return Err(unauthorized(
                "RFC 9421 signature on a POST must cover Content-Digest",
            ));
        }
        check_content_digest(&parts.headers, body)?;
    }
    if let Some(alg) = signed.alg.as_deref() {
        if alg != "rsa-v1_5-sha256" {
            return Err(unauthorized(format!("unsupported RFC 9421 algorithm {alg:?}")));
        }
    }
    // The signed target is the public URL, whatever address the request reached us on.
    let target: Uri = format!(
        "{base}{}",
        parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    )
    .parse()
    .map_err(|_| unauthorized("unusable request target"))?;
    let signature_base = signed.base(parts, &target)?;
    if RsaKey::from_pem(public_key_pem)?.verifies(signature_base.as_bytes(), &signed.signature) {
        Ok(())
    } else {
        tracing::debug!(
            base = %signature_base,
            input = ?parts.headers.get("signature-input"),
            "RFC 9421 signature base that did not verify"
        );
        Err(unauthorized("HTTP signature does not verify"))
    }
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

/// `Content-Digest: sha-256=:…:` (RFC 9530), sha-256 or sha-512.
fn check_content_digest(headers: &HeaderMap, body: &Bytes) -> Result<(), FedError> {
    let value = headers
        .get("content-digest")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("missing Content-Digest header"))?;
    let b64 = base64::engine::general_purpose::STANDARD;
    for member in value.split(',') {
        let Some((alg, digest)) = member.trim().split_once('=') else {
            continue;
        };
        let Ok(claimed) = b64.decode(digest.trim().trim_matches(':')) else {
            return Err(unauthorized("unreadable Content-Digest"));
        };
        let actual = match alg.trim().to_ascii_lowercase().as_str() {
            "sha-256" => sha2::Sha256::digest(body).to_vec(),
            "sha-512" => sha2::Sha512::digest(body).to_vec(),
            _ => continue,
        };
        return if claimed == actual {
            Ok(())
        } else {
            Err(unauthorized("Content-Digest does not match the body"))
        };
    }
    Err(unauthorized("Content-Digest has no sha-256 or sha-512 digest"))
}

/// `Digest: SHA-256=…` (draft-cavage's body hash).
fn check_legacy_digest(headers: &HeaderMap, body: &Bytes) -> Result<(), FedError> {
    let value = headers
        .get("digest")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| unauthorized("missing Digest header"))?;
    let (alg, digest) = value
        .split_once('=')
        .ok_or_else(|| unauthorized("unreadable Digest header"))?;
    if !alg.eq_ignore_ascii_case("sha-256") {
        return Err(unauthorized("Digest must be SHA-256"));
    }
    let actual = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body));
    if actual == digest.trim() {
        Ok(())
    } else {
        Err(unauthorized("Digest does not match the body"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_digest_accepts_the_right_hash_and_refuses_another_body() {
        let body = Bytes::from_static(b"{\"type\":\"Like\"}");
        let b64 = base64::engine::general_purpose::STANDARD;
        let mut headers = HeaderMap::new();
        let good = format!("sha-256=:{}:", b64.encode(sha2::Sha256::digest(&body)));
        headers.insert("content-digest", good.parse().unwrap());
        assert!(check_content_digest(&headers, &body).is_ok());
        assert!(check_content_digest(&headers, &Bytes::from_static(b"{}")).is_err());
        headers.insert("content-digest", "md5=:AAAA:".parse().unwrap());
        assert!(check_content_digest(&headers, &body).is_err());
    }

    #[test]
    fn a_claim_names_the_scheme_and_the_key_owner() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "signature",
            "keyId=\"https://a.example/users/x#main-key\",algorithm=\"hs2019\",headers=\"(request-target) host date\",signature=\"AA==\""
                .parse()
                .unwrap(),
        );
        let c = claim(&headers).unwrap();
        assert_eq!(c.scheme, Scheme::Cavage);
        assert_eq!(c.owner(), "https://a.example/users/x");
        headers.insert("signature", "sig1=:AAAA:".parse().unwrap());
        headers.insert(
            "signature-input",
            "sig1=(\"@method\" \"@target-uri\");created=1700000000;keyid=\"https://b.example/u#k\""
                .parse()
                .unwrap(),
        );
        let c = claim(&headers).unwrap();
        assert_eq!(c.scheme, Scheme::Rfc9421);
        assert_eq!(c.owner(), "https://b.example/u");
    }

    /// Fedify writes `alg;keyid;created`; the base must keep that order (RFC 9421 §2.3).
    #[tokio::test]
    async fn rfc9421_parameters_are_signed_in_the_order_the_sender_wrote_them() {
        use rsa::pkcs8::EncodePublicKey;
        let private = rsa::RsaPrivateKey::new(&mut rand::thread_rng(), 2048).unwrap();
        let public_pem = private
            .to_public_key()
            .to_public_key_pem(rsa::pkcs8::LineEnding::LF)
            .unwrap();
        let body = Bytes::from_static(b"{\"type\":\"Like\"}");
        let b64 = base64::engine::general_purpose::STANDARD;
        let digest = format!("sha-256=:{}:", b64.encode(sha2::Sha256::digest(&body)));
        let created = chrono::Utc::now().timestamp();
        let params = format!(
            "(\"@method\" \"@target-uri\" \"content-digest\");alg=\"rsa-v1_5-sha256\";keyid=\"https://peer.example/u/ada#k\";created={created}"
        );
        let base = format!(
            "\"@method\": POST\n\"@target-uri\": https://town.example/inbox\n\"content-digest\": {digest}\n\"@signature-params\": {params}"
        );
        let signature = private
            .sign(
                rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                &sha2::Sha256::digest(base.as_bytes()),
            )
            .unwrap();
        let request = |input: &str| {
            axum::http::Request::post("/inbox")
                .header("content-digest", &digest)
                .header("signature-input", format!("sig1={input}"))
                .header("signature", format!("sig1=:{}:", b64.encode(&signature)))
                .body(())
                .unwrap()
                .into_parts()
                .0
        };
        let parts = request(&params);
        let c = claim(&parts.headers).unwrap();
        assert_eq!(c.owner(), "https://peer.example/u/ada");
        verify(&c, &parts, Some(&body), "https://town.example", &public_pem)
            .expect("signed as written verifies");
        let reordered = params.replace(
            ";alg=\"rsa-v1_5-sha256\";keyid=\"https://peer.example/u/ada#k\"",
            ";keyid=\"https://peer.example/u/ada#k\";alg=\"rsa-v1_5-sha256\"",
        );
        assert!(verify(
            &c,
            &request(&reordered),
            Some(&body),
            "https://town.example",
            &public_pem
        )
        .is_err());
        assert!(verify(
            &c,
            &parts,
            Some(&Bytes::from_static(b"{}")),
            "https://town.example",
            &public_pem
        )
        .is_err());
    }
}
