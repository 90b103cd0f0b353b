//! Inbound HTTP signatures in both schemes the fediverse uses:
//! - draft-cavage (`Signature: keyId=…,algorithm=…,headers=…,signature=…`), `rsa-sha256` or
//!   `hs2019`, which every server sends; on inbox POSTs the federation crate verifies it, on
//!   signed GETs (authorized fetch) `http-signature-normalization` does, here;
//! - RFC 9421 (`Signature-Input` + `Signature: label=:…:`), which Mastodon 4.5 and Fedify send
//!   first, verified with `httpsig`; the body is covered by `Content-Digest`.
//!
//! A signature that fails or that we cannot read is a `401`, so a peer that "double-knocks"
//! (tries RFC 9421, then draft-cavage) gets through on its second try.

use axum::http::{header, request::Parts, HeaderMap, Method, StatusCode, Uri};
use base64::Engine;
use axum::body::Bytes;
use httpsig_hyper::prelude::{AlgorithmName, PublicKey};
use httpsig_hyper::{MessageSignature, MessageSignatureReq};
use rsa::pkcs8::DecodePublicKey;
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
        let key_id = rfc9421_params(headers)?
            .keyid
            .ok_or_else(|| unauthorized("RFC 9421 signature without keyid"))?;
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

/// The parameters of the first RFC 9421 signature on the request.
fn rfc9421_params(headers: &HeaderMap) -> Result<httpsig_hyper::prelude::HttpSignatureParams, FedError> {
    let mut probe = axum::http::Request::new(http_body_util::Empty::<Bytes>::new());
    *probe.headers_mut() = headers.clone();
    let params = probe
        .get_signature_params()
        .map_err(|e| unauthorized(format!("unreadable RFC 9421 signature: {e}")))?;
    params
        .into_values()
        .next()
        .ok_or_else(|| unauthorized("RFC 9421 signature without parameters"))
}

/// Verifies the request's signature with the signer's public key (PEM, as actors publish it).
/// `base` is our public address: RFC 9421 signs the full target URI, which a server behind a
/// proxy only knows from its configuration. `body` is the POST body (`None` for a GET).
pub async fn verify(
    claim: &Claim,
    parts: &Parts,
    body: Option<&Bytes>,
    base: &str,
    public_key_pem: &str,
) -> Result<(), FedError> {
    match claim.scheme {
        Scheme::Cavage => verify_cavage(parts, body, public_key_pem),
        Scheme::Rfc9421 => verify_rfc9421(claim, parts, body, base, public_key_pem).await,
    }
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
    let key = rsa::RsaPublicKey::from_public_key_pem(public_key_pem)
        .map_err(|_| unauthorized("the signer's public key is not an RSA key we can read"))?;
    let verified = config
        .begin_verify(parts.method.as_str(), path, headers)
        .map_err(|e| unauthorized(format!("unusable draft-cavage signature: {e}")))?
        .verify(|signature, signing_string| {
            let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(signature) else {
                return false;
            };
            key.verify(
                rsa::Pkcs1v15Sign::new::<sha2::Sha256>(),
                &sha2::Sha256::digest(signing_string.as_bytes()),
                &raw,
            )
            .is_ok()
        });
    if verified {
        Ok(())
    } else {
        Err(unauthorized("HTTP signature does not verify"))
    }
}

async fn verify_rfc9421(
    claim: &Claim,
    parts: &Parts,
    body: Option<&Bytes>,
    base: &str,
    public_key_pem: &str,
) -> Result<(), FedError> {
    let params = rfc9421_params(&parts.headers)?;
    let covered: Vec<String> = params
        .covered_components
        .iter()
        .map(|c| c.to_string().trim_matches('"').to_string())
        .collect();
    let covers = |name: &str| covered.iter().any(|c| c == name);
    if !covers("@method") || !(covers("@target-uri") || covers("@path") || covers("@request-target")) {
        return Err(unauthorized(
            "RFC 9421 signature must cover the method and the target",
        ));
    }
    match params.created {
        Some(created) => {
            let skew = (chrono::Utc::now().timestamp() - created as i64).abs();
            if skew > MAX_CLOCK_SKEW_SECS {
                return Err(unauthorized("signature created too far from now (stale or replayed)"));
            }
        }
        None if !covers("date") => return Err(unauthorized("RFC 9421 signature without created or date")),
        None => {}
    }
    if let Some(body) = body {
        if !covers("content-digest") {
            return Err(unauthorized("RFC 9421 signature on a POST must cover Content-Digest"));
        }
        check_content_digest(&parts.headers, body)?;
    }
    if let Some(alg) = params.alg.as_deref() {
        if alg != "rsa-v1_5-sha256" {
            return Err(unauthorized(format!("unsupported RFC 9421 algorithm {alg:?}")));
        }
    }
    let key = PublicKey::from_pem(&AlgorithmName::RsaV1_5Sha256, public_key_pem)
        .map_err(|_| unauthorized("the signer's public key is not an RSA key we can read"))?;
    // The signed target is the public URL, whatever address the request reached us on.
    let target: Uri = format!(
        "{base}{}",
        parts.uri.path_and_query().map(|p| p.as_str()).unwrap_or("/")
    )
    .parse()
    .map_err(|_| unauthorized("unusable request target"))?;
    let mut request = axum::http::Request::new(http_body_util::Empty::<Bytes>::new());
    *request.method_mut() = parts.method.clone();
    *request.uri_mut() = target;
    *request.headers_mut() = parts.headers.clone();
    request
        .verify_message_signature(&key, Some(&claim.key_id))
        .await
        .map(|_| ())
        .map_err(|_| unauthorized("HTTP signature does not verify"))
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

/// A GET asking for activity JSON (what authorized fetch protects).
pub fn is_federation_get(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::GET
        && headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("activity+json") || a.contains("ld+json"))
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
}
