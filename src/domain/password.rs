//! Password rules after NIST SP 800-63B: length, not composition; a blocklist; argon2id.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
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

/// Working memory for one argon2 run with our parameters (19 MiB). The server keeps one per
/// hashing slot and reuses it (`hashing::HashGate`): allocating 19 MiB per sign-in left glibc's
/// per-thread arenas holding hundreds of megabytes after a burst.
pub fn memory() -> Vec<Block> {
    vec![Block::default(); Params::default().block_count()]
}

/// An argon2id hash in PHC format (parameters from the crate: 19 MiB, 2 passes, 1 lane,
/// OWASP's recommended minimum), for the command line and seeding. The server hashes through
/// `HashGate::hash`, which bounds how many run at once.
pub fn hash(password: &str) -> String {
    hash_with(password, &mut memory())
}

/// [`hash`] in the given working memory.
pub fn hash_with(password: &str, memory: &mut [Block]) -> String {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_bytes = [0u8; 64];
    let raw_salt = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .expect("a generated salt decodes");
    let params = Params::default();
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    Argon2::default()
        .hash_password_into_with_memory(normalize(password).as_bytes(), raw_salt, &mut out, memory)
        .expect("argon2 with default parameters cannot fail");
    PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::default().into()),
        params: ParamsString::try_from(&params).expect("default parameters encode"),
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).expect("32 bytes is a valid output")),
    }
    .to_string()
}

/// True when `password` matches the stored hash, computed in `memory` when it is large enough
/// for the hash's parameters.
pub fn verify_with(password: &str, stored: &str, memory: &mut [Block]) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Ok(params), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        Params::try_from(&parsed),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from) {
        None => Version::default(),
        Some(Ok(v)) => v,
        Some(Err(_)) => return false,
    };
    let mut salt_bytes = [0u8; 64];
    let Ok(raw_salt) = salt.decode_b64(&mut salt_bytes) else {
        return false;
    };
    let mut own;
    // A hash made with more memory than ours (other parameters): a buffer for this one alone.
    let memory = if memory.len() >= params.block_count() {
        memory
    } else {
        own = vec![Block::default(); params.block_count()];
        &mut own[..]
    };
    let mut out = vec![0u8; expected.len()];
    Argon2::new(algorithm, version, params)
        .hash_password_into_with_memory(normalize(password).as_bytes(), raw_salt, &mut out, memory)
        .is_ok()
        && bool::from(subtle::ConstantTimeEq::ct_eq(out.as_slice(), expected.as_bytes()))
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
        let mut memory = memory();
        let stored = hash_with("correct horse battery", &mut memory);
        assert!(stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_with("correct horse battery", &stored, &mut memory));
        assert!(!verify_with("correct horse battery!", &stored, &mut memory));
        assert!(!verify_with("anything", "not a hash", &mut memory));
    }

    #[test]
    fn hashes_read_the_same_as_the_crate_s_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let mut memory = memory();
        // Hashes stored before the working memory was reused still verify, and new ones verify
        // with the crate's own verifier.
        let salt = SaltString::generate(&mut OsRng);
        let old = Argon2::default()
            .hash_password(normalize("été 2026 au marché").as_bytes(), &salt)
            .unwrap()
            .to_string();
        assert!(verify_with("été 2026 au marché", &old, &mut memory));
        let new = hash_with("été 2026 au marché", &mut memory);
        let parsed = PasswordHash::new(&new).unwrap();
        assert!(Argon2::default()
            .verify_password(normalize("été 2026 au marché").as_bytes(), &parsed)
            .is_ok());
        // Other parameters (more memory than the reused buffer holds) verify too.
        let bigger = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(32 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(normalize("x y z w v").as_bytes(), &salt)
        .unwrap()
        .to_string();
        assert!(verify_with("x y z w v", &bigger, &mut memory));
        assert!(!verify_with("x y z w", &bigger, &mut memory));
    }
}
