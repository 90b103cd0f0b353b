//! RFC 9421 HTTP message signatures (`Signature-Input` + `Signature: label=:…:`), which
//! Mastodon 4.5 and Fedify send first; the body is covered by `Content-Digest`. The headers are
//! parsed with `sfv` (RFC 8941 structured fields) and the signature base is built here: the
//! RFC 9421 crates we tried (`httpsig` 0.0.26, `http-msgsign` 0.1) rewrite the signature
//! parameters in an order of their own, while RFC 9421 §2.3 signs them in the order the sender
//! wrote them, so Fedify's signatures (`alg;keyid;created`) would never verify with them.

use axum::body::Bytes;
use axum::http::{request::Parts, HeaderMap, Uri};
use sfv::{BareItem, FieldType, ListEntry};

use super::{digest, fresh, single, unauthorized, RsaKey};
use crate::federation::error::FedError;

/// The first signature of an RFC 9421 request, parsed.
#[derive(Debug, Clone)]
pub struct Params {
    /// Covered components, in order (`"@method"`, `"content-digest"`…).
    covered: Vec<String>,
    /// The inner list exactly as signed: the `@signature-params` line of the base.
    params_line: String,
    pub key_id: String,
    created: Option<i64>,
    expires: Option<i64>,
    alg: Option<String>,
    signature: Vec<u8>,
}

/// Parses `Signature-Input` and `Signature`; each must come once.
pub fn parse(headers: &HeaderMap) -> Result<Params, FedError> {
    let text =
        |name: &str| single(headers, name)?.ok_or_else(|| unauthorized(format!("missing {name} header")));
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
    let mut covered: Vec<String> = Vec::new();
    for item in &inner.items {
        if !item.params.is_empty() {
            return Err(unauthorized("RFC 9421 component parameters are not supported"));
        }
        let name = item
            .bare_item
            .as_string()
            .ok_or_else(|| unauthorized("RFC 9421 component names must be strings"))?
            .as_str()
            .to_string();
        if covered.contains(&name) {
            return Err(unauthorized(format!("RFC 9421 component {name} covered twice")));
        }
        covered.push(name);
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
    Ok(Params {
        key_id: string("keyid").ok_or_else(|| unauthorized("RFC 9421 signature without keyid"))?,
        created: integer("created"),
        expires: integer("expires"),
        alg: string("alg"),
        covered,
        params_line,
        signature,
    })
}

impl Params {
    fn covers(&self, name: &str) -> bool {
        self.covered.iter().any(|c| c == name)
    }

    /// Everything that can be checked without the key: the signature covers the method, our
    /// authority and the path (`@target-uri` holds both), and on a POST the body's digest; it
    /// was created within the allowed skew and has not expired; the algorithm is the one we
    /// check; each covered header is present once.
    pub fn precheck(&self, parts: &Parts, body: Option<&Bytes>) -> Result<(), FedError> {
        let covers_target = self.covers("@target-uri")
            || (self.covers("@authority") && (self.covers("@path") || self.covers("@request-target")));
        if !self.covers("@method") || !covers_target {
            return Err(unauthorized(
                "RFC 9421 signature must cover the method, the authority and the path",
            ));
        }
        match self.created {
            Some(created) => fresh(created)?,
            None => return Err(unauthorized("RFC 9421 signature without created")),
        }
        if self
            .expires
            .is_some_and(|expires| expires < chrono::Utc::now().timestamp())
        {
            return Err(unauthorized("signature expired"));
        }
        if let Some(alg) = self.alg.as_deref() {
            if alg != "rsa-v1_5-sha256" {
                return Err(unauthorized(format!("unsupported RFC 9421 algorithm {alg:?}")));
            }
        }
        for field in self.covered.iter().filter(|c| !c.starts_with('@')) {
            if single(&parts.headers, field)?.is_none() {
                return Err(unauthorized(format!("signed header {field} is missing")));
            }
        }
        if parts.headers.contains_key(axum::http::header::DATE) {
            super::check_date(&parts.headers)?;
        }
        if let Some(body) = body {
            if !self.covers("content-digest") {
                return Err(unauthorized(
                    "RFC 9421 signature on a POST must cover Content-Digest",
                ));
            }
            digest::check_content(&parts.headers, body)?;
        }
        Ok(())
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
                field => single(&parts.headers, field)?
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            lines.push(format!("\"{name}\": {value}"));
        }
        lines.push(format!("\"@signature-params\": {}", self.params_line));
        Ok(lines.join("\n"))
    }
}

/// Checks the signature itself with the signer's key (after `precheck`). `base` is our public
/// address: the signed target is the public URL, whatever address the request reached us on
/// (a server behind a proxy only knows it from its configuration), so a signature made for
/// another server never verifies here.
pub fn verify(signed: &Params, parts: &Parts, base: &str, public_key_pem: &str) -> Result<(), FedError> {
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
