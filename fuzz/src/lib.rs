//! The fuzz targets' bodies, one function per target, shared by the AFL++ binaries
//! (`fuzz/src/bin/`) and by the main crate's `tests/fuzz_regressions.rs`, which replays
//! `fuzz/regressions/<target>/` through the same functions. Each function must never panic on
//! any input; a panic (or a broken property, asserted here) is a finding.

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderName, HeaderValue};

/// The `.pb` reader: any text gives a result or an error, never a panic.
pub fn pb_reader(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = plenum::budgeting::pabulib::parse_str(&text);
}

/// The draft-cavage `Signature` header parser.
pub fn cavage_header(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = plenum::federation::signatures::cavage::parse(&text);
}

/// The RFC 9421 `Signature-Input` + `Signature` parser. Input: header lines `name: value`.
pub fn rfc9421_headers(data: &[u8]) {
    let (headers, _) = headers_and_body(data);
    let _ = plenum::federation::signatures::rfc9421::parse(&headers);
}

/// `Digest` and `Content-Digest` checks. Input: header lines, a blank line, then the body.
pub fn digests(data: &[u8]) {
    let (headers, body) = headers_and_body(data);
    let _ = plenum::federation::signatures::digest::check_legacy(&headers, &body);
    let _ = plenum::federation::signatures::digest::check_content(&headers, &body);
}

/// Markdown rendering and the HTML sanitiser: no panic, and the output never holds script.
pub fn markdown(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let rendered = plenum::markdown::render(&text);
    if let Err(why) = script_free(&rendered) {
        panic!("render produced {why}: {rendered:?}");
    }
    let cleaned = plenum::markdown::sanitize(&text);
    if let Err(why) = script_free(&cleaned) {
        panic!("sanitize produced {why}: {cleaned:?}");
    }
}

/// The census CSV reader (bytes as uploaded, not necessarily UTF-8).
pub fn census_csv(data: &[u8]) {
    let _ = plenum::domain::census::read(data, b"fuzz-key", |_| {});
}

/// What is pure on the inbound activity path: the JSON parse, the typed reading of the
/// activity (which must never panic, whatever the shapes), and the sanitising of its content.
pub fn activity_json(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let _ = plenum::federation::protocol::id_of(&value);
    let object = plenum::federation::protocol::Object::from_json(value["object"].clone());
    let _ = plenum::federation::protocol::read(value);
    if let Some(content) = object.content.as_deref() {
        let cleaned = plenum::markdown::sanitize(content);
        if let Err(why) = script_free(&cleaned) {
            panic!("sanitize produced {why}: {cleaned:?}");
        }
        let _ = plenum::markdown::plain_text(&cleaned);
    }
    let _ = object.unwrap_create_or_update();
}

/// Splits `name: value` lines (up to a blank line) into a header map; the rest is the body.
/// Lines that are not a valid header are skipped.
pub fn headers_and_body(data: &[u8]) -> (HeaderMap, Bytes) {
    let mut headers = HeaderMap::new();
    let mut rest = data;
    while !rest.is_empty() {
        let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
        let line = rest[..end].strip_suffix(b"\r").unwrap_or(&rest[..end]);
        rest = rest.get(end + 1..).unwrap_or(&[]);
        if line.is_empty() {
            break;
        }
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let value = line[colon + 1..].strip_prefix(b" ").unwrap_or(&line[colon + 1..]);
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(&line[..colon]),
            HeaderValue::from_bytes(value),
        ) {
            headers.append(name, value);
        }
    }
    (headers, Bytes::copy_from_slice(rest))
}

/// Checks sanitised HTML for what could run script: a `<script` element, an `on…` event
/// attribute, or a `javascript:` (or `vbscript:`/`data:`) URL in a link or source attribute.
/// The HTML is the serialiser's own output, so text holds no raw `<` and every attribute
/// value is double-quoted.
pub fn script_free(html: &str) -> Result<(), String> {
    let lower = html.to_ascii_lowercase();
    if lower.contains("<script") {
        return Err("a <script element".into());
    }
    let bytes = lower.as_bytes();
    let mut i = 0;
    while let Some(start) = lower[i..].find('<').map(|p| p + i) {
        i = start + 1;
        // The tag name.
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
            i += 1;
        }
        // Attributes until the closing `>`.
        loop {
            while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
                i += 1;
            }
            if i >= bytes.len() || bytes[i] == b'>' {
                break;
            }
            let name_start = i;
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"=>/".contains(&bytes[i]) {
                i += 1;
            }
            let name = &lower[name_start..i];
            let mut value = "";
            if i < bytes.len() && bytes[i] == b'=' {
                i += 1;
                if i < bytes.len() && bytes[i] == b'"' {
                    let value_start = i + 1;
                    let end = lower[value_start..]
                        .find('"')
                        .map_or(bytes.len(), |p| p + value_start);
                    value = &lower[value_start..end];
                    i = (end + 1).min(bytes.len());
                } else {
                    let value_start = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    value = &lower[value_start..i];
                }
            }
            if name.starts_with("on") {
                return Err(format!("an event attribute {name}"));
            }
            if ["href", "src", "action", "formaction", "xlink:href", "srcset"].contains(&name) {
                // As a browser reads it (WHATWG URL): leading and trailing C0 controls and
                // spaces dropped, tabs and newlines removed anywhere; nothing else is ignored,
                // so `java\u{e}script:` is a relative URL, not a script.
                let decoded = decode_entities(value);
                let url: String = decoded
                    .trim_matches(|c: char| c <= ' ')
                    .chars()
                    .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                    .collect::<String>()
                    .to_ascii_lowercase();
                if ["javascript:", "vbscript:", "data:"]
                    .iter()
                    .any(|s| url.starts_with(s))
                {
                    return Err(format!("a script URL in {name}"));
                }
            }
        }
    }
    Ok(())
}

/// Enough entity decoding to see a scheme spelt with entities (`&#106;avascript:`).
fn decode_entities(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&s| s <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let decoded = match entity {
            "amp" => Some('&'),
            "colon" => Some(':'),
            "tab" => Some('\t'),
            "newline" => Some('\n'),
            _ => entity
                .strip_prefix("#x")
                .and_then(|h| u32::from_str_radix(h, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
