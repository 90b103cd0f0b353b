//! Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP, HMAC-SHA1), as authenticator
//! apps compute them: 6 digits, 30-second steps. Pure computation; what is stored and when a
//! code counts is in [`super::two_factor`].

use hmac::{Hmac, Mac};
use rand::RngCore;
use sha1::Sha1;
use subtle::ConstantTimeEq;

/// Length of a step, in seconds (RFC 6238's default, what every app uses).
pub const STEP_SECS: i64 = 30;
/// Digits in a code.
pub const DIGITS: u32 = 6;
/// Steps accepted either side of now, for a phone's clock a little off (RFC 6238 §5.2).
pub const WINDOW: i64 = 1;
/// Bytes of a secret: 160 bits, as RFC 4226 §4 recommends.
pub const SECRET_BYTES: usize = 20;

/// A fresh random secret.
pub fn new_secret() -> Vec<u8> {
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::thread_rng().fill_bytes(&mut secret);
    secret
}

/// The step a Unix time falls in.
pub fn step_at(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(STEP_SECS)
}

/// HOTP (RFC 4226 §5.3): the code for counter `step`, `digits` long, with leading zeros.
pub fn code_for_step(secret: &[u8], step: i64, digits: u32) -> String {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(&step.to_be_bytes());
    let hash = mac.finalize().into_bytes();
    // Dynamic truncation: the low nibble of the last byte picks four bytes.
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([hash[offset], hash[offset + 1], hash[offset + 2], hash[offset + 3]])
        & 0x7fff_ffff;
    let value = binary % 10u32.pow(digits);
    format!("{value:0width$}", width = digits as usize)
}

/// The step whose code `given` is, among the steps within [`WINDOW`] of `now_step` and after
/// `last_used` (a code already accepted, or one older than it, never counts again). Every
/// candidate is compared, in constant time, so the answer's timing tells nothing.
pub fn matching_step(secret: &[u8], given: &str, now_step: i64, last_used: i64) -> Option<i64> {
    let given = given.trim();
    if given.len() != DIGITS as usize || !given.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut found = None;
    for step in (now_step - WINDOW)..=(now_step + WINDOW) {
        let expected = code_for_step(secret, step, DIGITS);
        let same: bool = expected.as_bytes().ct_eq(given.as_bytes()).into();
        if same && step > last_used && found.is_none() {
            found = Some(step);
        }
    }
    found
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as `otpauth://` URIs and apps want it.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(BASE32[((buffer >> bits) & 31) as usize] as char);
        }
    }
    if bits > 0 {
        out.push(BASE32[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

/// Reads base32 (any case, spaces and padding ignored); `None` for any other character.
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.bytes().filter(|c| !matches!(c, b' ' | b'=')) {
        let value = BASE32.iter().position(|&b| b == c.to_ascii_uppercase())? as u32;
        buffer = (buffer << 5) | value;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
        buffer &= (1 << bits) - 1;
    }
    Some(out)
}

/// The `otpauth://` URI an app reads from the QR code (Google Authenticator's key URI format):
/// the label names the town and the account, so a person with several can tell them apart.
pub fn otpauth_uri(secret: &[u8], issuer: &str, account: &str) -> String {
    let enc = |s: &str| -> String {
        url::form_urlencoded::byte_serialize(s.as_bytes())
            .collect::<String>()
            .replace('+', "%20")
    };
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_SECS}",
        enc(issuer),
        enc(account),
        base32(secret),
        enc(issuer),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, the SHA-1 rows (seed "12345678901234567890", 8 digits).
    #[test]
    fn rfc_6238_appendix_b_sha1_vectors() {
        let seed = b"12345678901234567890";
        for (time, code) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(code_for_step(seed, step_at(time), 8), code, "T = {time}");
        }
    }

    /// RFC 4226 appendix D: HOTP values for counters 0 to 9, 6 digits.
    #[test]
    fn rfc_4226_appendix_d_vectors() {
        let seed = b"12345678901234567890";
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871",
            "520489",
        ];
        for (counter, code) in expected.iter().enumerate() {
            assert_eq!(code_for_step(seed, counter as i64, 6), *code);
        }
    }

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let secret = new_secret();
        let now = 1_000_000;
        for offset in -1..=1 {
            let code = code_for_step(&secret, now + offset, DIGITS);
            assert_eq!(matching_step(&secret, &code, now, 0), Some(now + offset));
        }
        let old = code_for_step(&secret, now - 2, DIGITS);
        let early = code_for_step(&secret, now + 2, DIGITS);
        // A collision with a window code is possible in principle (1 in 10^6); these secrets are random.
        if old != code_for_step(&secret, now, DIGITS) && old != code_for_step(&secret, now - 1, DIGITS) {
            assert_eq!(matching_step(&secret, &old, now, 0), None);
        }
        if early != code_for_step(&secret, now, DIGITS) && early != code_for_step(&secret, now + 1, DIGITS) {
            assert_eq!(matching_step(&secret, &early, now, 0), None);
        }
    }

    #[test]
    fn a_code_at_or_before_the_last_used_step_is_refused() {
        let secret = b"12345678901234567890";
        let now = 1_000_000;
        let code = code_for_step(secret, now, DIGITS);
        assert_eq!(matching_step(secret, &code, now, now), None);
        let previous = code_for_step(secret, now - 1, DIGITS);
        assert_eq!(matching_step(secret, &previous, now, now), None);
    }

    #[test]
    fn malformed_codes_are_refused() {
        let secret = b"12345678901234567890";
        for bad in ["", "12345", "1234567", "12345a", "１２３４５６", "-12345"] {
            assert_eq!(matching_step(secret, bad, 1_000_000, 0), None, "{bad:?}");
        }
    }

    #[test]
    fn base32_matches_rfc_4648_and_reads_back() {
        // RFC 4648 §10, without padding.
        for (plain, encoded) in [
            ("", ""),
            ("f", "MY"),
            ("fo", "MZXQ"),
            ("foo", "MZXW6"),
            ("foob", "MZXW6YQ"),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI"),
        ] {
            assert_eq!(base32(plain.as_bytes()), encoded);
            assert_eq!(from_base32(encoded).as_deref(), Some(plain.as_bytes()));
        }
        let secret = new_secret();
        assert_eq!(base32(&secret).len(), 32);
        assert_eq!(from_base32(&base32(&secret).to_lowercase()), Some(secret));
        assert_eq!(from_base32("MZ1"), None);
    }

    #[test]
    fn the_uri_names_the_town_and_account() {
        let uri = otpauth_uri(b"12345678901234567890", "Ville de Test", "staff@example.org");
        assert_eq!(
            uri,
            "otpauth://totp/Ville%20de%20Test:staff%40example.org?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ\
             &issuer=Ville%20de%20Test&algorithm=SHA1&digits=6&period=30"
        );
    }
}
