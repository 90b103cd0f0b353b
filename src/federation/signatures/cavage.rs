//! draft-cavage signatures (`Signature: keyId="…",algorithm="…",headers="…",signature="…"`),
//! what every fediverse server sends.
//!
//! The header is parsed strictly here, before `http-signature-normalization` builds the signing
//! string: a parameter given twice, a value the two parsers could read differently, an
//! algorithm label other than the two Mastodon accepts, or a list of signed headers that leaves
//! out what a replay would change, is refused before any key is fetched.

use axum::body::Bytes;
use axum::http::request::Parts;
use base64::Engine;

use super::{digest, fresh, single, unauthorized, RsaKey};
use crate::federation::error::FedError;

/// What the `Signature` header says, parsed.
#[derive(Debug, Clone)]
pub struct Params {
    pub key_id: String,
    pub algorithm: Option<String>,
    /// Signed headers in order, lower-cased (`(request-target)`, `host`, `date`…).
    pub headers: Vec<String>,
    pub created: Option<i64>,
    pub expires: Option<i64>,
}

/// Algorithm labels we accept, as Mastodon does: the signature is always checked as
/// RSASSA-PKCS1-v1_5 with SHA-256 whatever the label says, so any other label is a lie.
const ALGORITHMS: [&str; 2] = ["rsa-sha256", "hs2019"];

/// Parses a `Signature` header value. Refuses duplicates, unknown algorithms, empty members and
/// values with a quote or comma inside (which the signing-string builder would split otherwise).
pub fn parse(value: &str) -> Result<Params, FedError> {
    let mut seen = std::collections::HashMap::new();
    for member in value.split(',') {
        let member = member.trim();
        let (key, raw) = member
            .split_once('=')
            .ok_or_else(|| unauthorized("unreadable Signature header"))?;
        let key = key.trim();
        let raw = raw.trim();
        let text = match raw.strip_prefix('"') {
            Some(rest) => rest
                .strip_suffix('"')
                .filter(|inner| !inner.contains('"'))
                .ok_or_else(|| unauthorized(format!("unreadable Signature parameter {key}")))?,
            None => raw,
        };
        if seen.insert(key.to_string(), text.to_string()).is_some() {
            return Err(unauthorized(format!("Signature parameter {key} given twice")));
        }
    }
    let key_id = seen
        .remove("keyId")
        .filter(|k| !k.is_empty())
        .ok_or_else(|| unauthorized("signature without keyId"))?;
    if seen.get("signature").is_none_or(|s| s.is_empty()) {
        return Err(unauthorized("Signature header without a signature"));
    }
    let algorithm = seen.remove("algorithm");
    if let Some(alg) = &algorithm {
        if !ALGORITHMS.contains(&alg.as_str()) {
            return Err(unauthorized(format!(
                "unsupported signature algorithm {alg:?} (rsa-sha256 or hs2019)"
            )));
        }
    }
    let headers: Vec<String> = seen
        .remove("headers")
        .ok_or_else(|| unauthorized("Signature header without the list of signed headers"))?
        .split_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let mut unique = std::collections::HashSet::new();
    if let Some(twice) = headers.iter().find(|h| !unique.insert(h.as_str())) {
        return Err(unauthorized(format!(
            "{twice} listed twice among the signed headers"
        )));
    }
    let time = |name: &str| -> Result<Option<i64>, FedError> {
        seen.get(name)
            .map(|t| {
                t.parse::<i64>()
                    .map_err(|_| unauthorized(format!("unreadable {name}")))
            })
            .transpose()
    };
    Ok(Params {
        created: time("created")?,
        expires: time("expires")?,
        key_id,
        algorithm,
        headers,
    })
}

impl Params {
    fn signs(&self, name: &str) -> bool {
        self.headers.iter().any(|h| h == name)
    }

    /// Everything that can be checked without the signer's key: the signed headers cover the
    /// target, our host, a date and (on a POST) the body; each is present once; the date or
    /// `(created)` is fresh; the body matches its digest.
    pub fn precheck(&self, parts: &Parts, body: Option<&Bytes>, domain: &str) -> Result<(), FedError> {
        let mut required = vec!["(request-target)", "host"];
        if body.is_some() {
            required.push("digest");
        }
        for name in required {
            if !self.signs(name) {
                return Err(unauthorized(format!("the signature must cover {name}")));
            }
        }
        if !self.signs("date") && !self.signs("(created)") {
            return Err(unauthorized("the signature must cover date or (created)"));
        }
        for name in &self.headers {
            if name.starts_with('(') {
                continue;
            }
            if single(&parts.headers, name)?.is_none() {
                return Err(unauthorized(format!("signed header {name} is missing")));
            }
        }
        super::check_host(&parts.headers, domain)?;
        if self.signs("date") {
            super::check_date(&parts.headers)?;
        }
        if self.signs("(created)") {
            let created = self
                .created
                .ok_or_else(|| unauthorized("(created) is signed but not given"))?;
            fresh(created)?;
        }
        if self.signs("(expires)") {
            let expires = self
                .expires
                .ok_or_else(|| unauthorized("(expires) is signed but not given"))?;
            if expires < chrono::Utc::now().timestamp() {
                return Err(unauthorized("signature expired"));
            }
        }
        if let Some(body) = body {
            digest::check_legacy(&parts.headers, body)?;
        }
        Ok(())
    }
}

/// Checks the signature itself with the signer's key (after `precheck`).
pub fn verify(params: &Params, parts: &Parts, public_key_pem: &str) -> Result<(), FedError> {
    let config = http_signature_normalization::Config::new()
        .set_expiration(std::time::Duration::from_secs(super::MAX_CLOCK_SKEW_SECS as u64));
    // Only the headers the signature names, each present once (checked before): nothing else
    // can reach the signing string, and the library never sees an `Authorization` header it
    // would prefer to `Signature`.
    let mut headers: std::collections::BTreeMap<String, String> = params
        .headers
        .iter()
        .filter(|name| !name.starts_with('('))
        .filter_map(|name| Some((name.clone(), single(&parts.headers, name).ok()??.to_string())))
        .collect();
    headers.insert(
        "signature".into(),
        single(&parts.headers, "signature")?.unwrap_or_default().into(),
    );
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

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "keyId=\"https://a.example/u#k\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"AAAA\"";

    #[test]
    fn a_well_formed_header_parses() {
        let p = parse(GOOD).unwrap();
        assert_eq!(p.key_id, "https://a.example/u#k");
        assert_eq!(p.headers, ["(request-target)", "host", "date", "digest"]);
        assert!(parse(&GOOD.replace("rsa-sha256", "hs2019")).is_ok());
        assert!(parse(&GOOD.replace("algorithm=\"rsa-sha256\",", "")).is_ok());
    }

    #[test]
    fn unknown_algorithm_labels_are_refused() {
        for alg in ["hmac-sha256", "RSA-SHA256", "ed25519", "rsa-sha512", ""] {
            assert!(parse(&GOOD.replace("rsa-sha256", alg)).is_err(), "{alg}");
        }
    }

    #[test]
    fn parameters_given_twice_are_refused() {
        assert!(parse(&format!("{GOOD},keyId=\"https://b.example/u#k\"")).is_err());
        assert!(parse(&format!("{GOOD},signature=\"BBBB\"")).is_err());
        assert!(parse(&format!("{GOOD},headers=\"date\"")).is_err());
        assert!(parse(&GOOD.replace("host date", "host date host")).is_err());
    }

    #[test]
    fn ambiguous_values_are_refused() {
        assert!(parse(&GOOD.replace("\"AAAA\"", "\"AA\"AA\"")).is_err());
        assert!(parse(&format!("{GOOD},")).is_err());
        assert!(parse(&GOOD.replace("headers=", "headers")).is_err());
        assert!(parse("keyId=\"\",headers=\"host\",signature=\"A\"").is_err());
        assert!(parse(&GOOD.replace("(request-target) host date digest", "")).is_ok());
        assert!(parse(&GOOD.replace(",headers=\"(request-target) host date digest\"", "")).is_err());
    }
}
