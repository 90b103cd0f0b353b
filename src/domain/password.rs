//! Password rules after NIST SP 800-63B: length, not composition; a blocklist; argon2id.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use unicode_normalization::UnicodeNormalization;

use super::Msg;

/// Shorter passwords are refused.
pub const MIN_CHARS: usize = 8;
/// The length we suggest on the form.
pub const RECOMMENDED_CHARS: usize = 15;
/// Far above the 64 that NIST asks verifiers to accept; only guards against abuse.
pub const MAX_CHARS: usize = 256;

/// Common and breached passwords of 8 characters or more, lowercase, one per line, sorted.
const BLOCKLIST: &str = include_str!("../../assets/common-passwords.txt");

/// NFKC, as NIST recommends, so the same password typed on two keyboards matches.
fn normalize(password: &str) -> String {
    password.nfkc().collect()
}

/// Checks a new password. `context` holds words tied to the account (e-mail, user name, the
/// service name) that must not make up the password.
pub fn check_new(password: &str, context: &[&str]) -> Result<(), Msg> {
    let normalized = normalize(password);
    let chars = normalized.chars().count();
    if chars < MIN_CHARS {
        return Err(Msg::new("password-too-short").arg("min", MIN_CHARS));
    }
    if chars > MAX_CHARS {
        return Err(Msg::new("password-too-long").arg("max", MAX_CHARS));
    }
    let lower = normalized.to_lowercase();
    if is_blocklisted(&lower) {
        return Err(Msg::new("password-too-common"));
    }
    let repeated = lower.chars().all(|c| lower.starts_with(c));
    if repeated {
        return Err(Msg::new("password-too-common"));
    }
    for word in context {
        let word = word.trim().to_lowercase();
        if word.chars().count() >= 4 && lower.contains(&word) {
            return Err(Msg::new("password-contains-personal"));
        }
    }
    Ok(())
}

fn is_blocklisted(lower: &str) -> bool {
    BLOCKLIST.lines().any(|line| line == lower)
}

/// An argon2id hash in PHC format (parameters from the crate: 19 MiB, 2 passes, 1 lane,
/// OWASP's recommended minimum).
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(normalize(password).as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

/// True when `password` matches the stored hash.
pub fn verify(password: &str, stored: &str) -> bool {
    match PasswordHash::new(stored) {
        Ok(parsed) => Argon2::default()
            .verify_password(normalize(password).as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passwords_are_refused_by_code_point_count() {
        assert_eq!(check_new("abc1234", &[]).unwrap_err().key, "password-too-short");
        // Eight code points of emoji and accents are enough, whatever their byte length.
        assert!(check_new("été🌞🌧🌈ça", &[]).is_ok());
    }

    #[test]
    fn long_passphrases_without_composition_rules_are_accepted() {
        assert!(check_new("the quick brown fox jumps over the lazy dog", &[]).is_ok());
        assert!(check_new(
            &"x".repeat(63).chars().chain("y".chars()).collect::<String>(),
            &[]
        )
        .is_ok());
    }

    #[test]
    fn common_passwords_are_refused() {
        assert_eq!(
            check_new("password123", &[]).unwrap_err().key,
            "password-too-common"
        );
        assert_eq!(
            check_new("AZERTYUIOP", &[]).unwrap_err().key,
            "password-too-common"
        );
        assert_eq!(
            check_new("aaaaaaaaaaaa", &[]).unwrap_err().key,
            "password-too-common"
        );
    }

    #[test]
    fn personal_words_are_refused() {
        let err = check_new("marie.dupont2026", &["marie.dupont", "plenum"]).unwrap_err();
        assert_eq!(err.key, "password-contains-personal");
    }

    #[test]
    fn hash_is_argon2id_and_verifies() {
        let stored = hash("correct horse battery");
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("correct horse battery", &stored));
        assert!(!verify("correct horse battery!", &stored));
        assert!(!verify("anything", "not a hash"));
    }
}
