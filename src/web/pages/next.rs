//! Where to send a person back to after signing in, signing up or switching language: only a
//! path of this site, never another one.
//!
//! Browsers resolve a `Location` header leniently (WHATWG URL parsing): they drop tabs and
//! newlines anywhere, read `\` as `/`, and take `//host` as another site. Proxies and frameworks
//! in between sometimes percent-decode. So the address must be a plain same-origin path both as
//! sent and after each decoding something on the way might apply.

use unicode_normalization::UnicodeNormalization;

/// Far above any address of ours (a path and a search query), far below header limits.
const MAX_BYTES: usize = 2048;
/// Percent-decodings tried; an address still changing after that is not one we made.
const MAX_DECODINGS: usize = 4;

/// `next` when it is a path of this site, else the home page.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_string(),
        _ => "/".into(),
    }
}

/// True for a same-origin path: one leading `/` not followed by `/` or `\`, printable ASCII only
/// (the addresses we build are already percent-encoded), and the same once decoded.
pub fn is_local_path(next: &str) -> bool {
    if next.len() > MAX_BYTES || !next.bytes().all(|b| b.is_ascii_graphic()) || next.contains('\\') {
        return false;
    }
    let mut current = next.to_string();
    for _ in 0..MAX_DECODINGS {
        if !starts_with_one_slash(&current) || current.chars().any(is_dangerous) {
            return false;
        }
        // NFKC as well: a fullwidth solidus or reverse solidus becomes `/` or `\`.
        let decoded: String = String::from_utf8_lossy(&percent_decode(&current))
            .nfkc()
            .collect();
        if decoded == current {
            return true;
        }
        current = decoded;
    }
    false
}

fn starts_with_one_slash(path: &str) -> bool {
    path.starts_with('/') && !matches!(path.as_bytes().get(1), Some(b'/' | b'\\'))
}

/// Characters that must not appear even percent-encoded. A decoded plain space may: it is what a
/// search for two words gives, and it cannot start the address (the first character is `/`).
fn is_dangerous(c: char) -> bool {
    c.is_control() || c == '\\' || (c.is_whitespace() && c != ' ')
}

/// `%XX` decoded; a `%` not followed by two hex digits stays as it is.
fn percent_decode(text: &str) -> Vec<u8> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_of_this_site_are_kept_as_sent() {
        for path in [
            "/",
            "/processes/vote-2027",
            "/proposals/0190?tab=comments#c12",
            "/processes?q=green%20park",
            "/processes?q=%C3%A9t%C3%A9",
            "/search?q=50%25",
            "/a/b//c",
        ] {
            assert_eq!(safe_next(Some(path)), path, "{path}");
        }
    }

    #[test]
    fn other_sites_and_odd_forms_fall_back_to_home() {
        let long = format!("/{}", "a".repeat(MAX_BYTES));
        for attack in [
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/%09/evil.example",
            "/%0d%0a//evil.example",
            "/%0A/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "%2F%2Fevil.example",
            "/%5Cevil.example",
            "/%5cevil.example",
            "/%252F/evil.example",
            "/%25252F/evil.example",
            "/%EF%BC%8Fevil.example",
            "/\u{ff0f}evil.example",
            "\u{ff0f}\u{ff0f}evil.example",
            " //evil.example",
            "/ /evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "evil.example",
            "",
            "/ok\r\nSet-Cookie: x=1",
            "/ok%00",
            long.as_str(),
        ] {
            assert_eq!(safe_next(Some(attack)), "/", "{attack:?}");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn a_lone_percent_sign_is_not_an_escape() {
        assert_eq!(percent_decode("/a%2"), b"/a%2");
        assert_eq!(percent_decode("/a%zz%41"), b"/a%zzA");
        assert_eq!(percent_decode("%"), b"%");
    }
}
