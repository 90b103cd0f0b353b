//! Body digests: `Digest: SHA-256=…` (draft-cavage) and `Content-Digest: sha-256=:…:`
//! (RFC 9530, with RFC 9421). Each header must come once: the signature covers one value, and
//! a second header of the same name would let the body be checked against another.

use axum::body::Bytes;
use axum::http::HeaderMap;
use base64::Engine;
use sha2::Digest;

use super::{single, unauthorized};
use crate::federation::error::FedError;

/// `Content-Digest` (RFC 9530): every sha-256 or sha-512 member must match the body, and at
/// least one must be there. Other algorithms are ignored, as the RFC allows.
pub fn check_content(headers: &HeaderMap, body: &Bytes) -> Result<(), FedError> {
    let value =
        single(headers, "content-digest")?.ok_or_else(|| unauthorized("missing Content-Digest header"))?;
    let members: sfv::Dictionary = sfv::Parser::new(value)
        .parse()
        .map_err(|_| unauthorized("unreadable Content-Digest"))?;
    let mut checked = 0;
    for (alg, entry) in &members {
        let actual = match alg.as_str() {
            "sha-256" => sha2::Sha256::digest(body).to_vec(),
            "sha-512" => sha2::Sha512::digest(body).to_vec(),
            _ => continue,
        };
        let claimed = match entry {
            sfv::ListEntry::Item(item) => item.bare_item.as_byte_sequence(),
            _ => None,
        }
        .ok_or_else(|| unauthorized("unreadable Content-Digest"))?;
        if claimed != actual.as_slice() {
            return Err(unauthorized("Content-Digest does not match the body"));
        }
        checked += 1;
    }
    if checked == 0 {
        return Err(unauthorized("Content-Digest has no sha-256 or sha-512 digest"));
    }
    Ok(())
}

/// `Digest` (RFC 3230, as draft-cavage uses it): exactly one SHA-256 member, matching the body.
pub fn check_legacy(headers: &HeaderMap, body: &Bytes) -> Result<(), FedError> {
    let value = single(headers, "digest")?.ok_or_else(|| unauthorized("missing Digest header"))?;
    let actual = base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(body));
    let mut sha256 = None;
    for member in value.split(',') {
        let (alg, digest) = member
            .trim()
            .split_once('=')
            .ok_or_else(|| unauthorized("unreadable Digest header"))?;
        if alg.eq_ignore_ascii_case("sha-256") {
            if sha256.is_some() {
                return Err(unauthorized("Digest gives SHA-256 twice"));
            }
            sha256 = Some(digest.trim());
        }
    }
    match sha256 {
        None => Err(unauthorized("Digest must give SHA-256")),
        Some(digest) if digest == actual => Ok(()),
        Some(_) => Err(unauthorized("Digest does not match the body")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &'static str, values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append(name, v.parse().unwrap());
        }
        headers
    }

    #[test]
    fn content_digest_accepts_the_right_hash_and_refuses_another_body() {
        let body = Bytes::from_static(b"{\"type\":\"Like\"}");
        let b64 = base64::engine::general_purpose::STANDARD;
        let good = format!("sha-256=:{}:", b64.encode(sha2::Sha256::digest(&body)));
        assert!(check_content(&with("content-digest", &[&good]), &body).is_ok());
        assert!(check_content(&with("content-digest", &[&good]), &Bytes::from_static(b"{}")).is_err());
        assert!(check_content(&with("content-digest", &["md5=:AAAA:"]), &body).is_err());
        // A matching member does not excuse a wrong one beside it.
        let mixed = format!("{good}, sha-512=:{}:", b64.encode([0u8; 64]));
        assert!(check_content(&with("content-digest", &[&mixed]), &body).is_err());
    }

    #[test]
    fn a_repeated_digest_header_is_refused_whichever_comes_first() {
        let body = Bytes::from_static(b"{\"type\":\"Follow\"}");
        let b64 = base64::engine::general_purpose::STANDARD;
        let right = format!("SHA-256={}", b64.encode(sha2::Sha256::digest(&body)));
        let other = format!("SHA-256={}", b64.encode(sha2::Sha256::digest(b"{}")));
        assert!(check_legacy(&with("digest", &[&right]), &body).is_ok());
        assert!(check_legacy(&with("digest", &[&right, &other]), &body).is_err());
        assert!(check_legacy(&with("digest", &[&other, &right]), &body).is_err());
        assert!(check_legacy(&with("digest", &[&format!("{right},{right}")]), &body).is_err());
        let c = format!("sha-256=:{}:", b64.encode(sha2::Sha256::digest(&body)));
        assert!(check_content(&with("content-digest", &[&c, &c]), &body).is_err());
    }
}
