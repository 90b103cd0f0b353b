//! Unsubscribe links: a signed token in the URL says who and from what, so the link works
//! without signing in and from a mail client's one-click POST (RFC 8058), and nobody can make
//! one for someone else. Nothing is stored; the instance secret keys the signature.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a link stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// All notification mail: the person's frequency becomes `none`.
    All,
    /// Following one process (its notifications stop, in the app and by mail).
    Process(String),
}

impl Scope {
    fn encode(&self) -> String {
        match self {
            Scope::All => "all".into(),
            Scope::Process(id) => format!("process:{id}"),
        }
    }

    fn decode(text: &str) -> Option<Scope> {
        match text.split_once(':') {
            None if text == "all" => Some(Scope::All),
            Some(("process", id)) if !id.is_empty() => Some(Scope::Process(id.to_string())),
            _ => None,
        }
    }
}

/// The path of the link (`/unsubscribe/{token}`), to put after the town's address.
pub fn path(secret: &[u8], user_id: &str, scope: &Scope) -> String {
    format!("/unsubscribe/{}", token(secret, user_id, scope))
}

/// `payload.signature`, both base64url: the payload is `user_id\nscope`.
pub fn token(secret: &[u8], user_id: &str, scope: &Scope) -> String {
    let payload = format!("{user_id}\n{}", scope.encode());
    format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(payload.as_bytes()),
        URL_SAFE_NO_PAD.encode(sign(secret, payload.as_bytes()))
    )
}

/// Who and what a token is for; `None` when it was not made by this town (forged, altered,
/// cut).
pub fn verify(secret: &[u8], token: &str) -> Option<(String, Scope)> {
    if token.len() > 512 {
        return None;
    }
    let (payload, signature) = token.split_once('.')?;
    let payload = URL_SAFE_NO_PAD.decode(payload).ok()?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = mac(secret);
    mac.update(&payload);
    mac.verify_truncated_left(&signature).ok()?;
    if signature.len() != SIGNATURE_BYTES {
        return None;
    }
    let text = String::from_utf8(payload).ok()?;
    let (user_id, scope) = text.split_once('\n')?;
    Some((user_id.to_string(), Scope::decode(scope)?))
}

/// 128 bits of HMAC-SHA256: enough against forgery, short enough for a URL.
const SIGNATURE_BYTES: usize = 16;

fn mac(secret: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(b"unsubscribe\0");
    mac
}

fn sign(secret: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut mac = mac(secret);
    mac.update(payload);
    mac.finalize().into_bytes()[..SIGNATURE_BYTES].to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_reads_back_as_made() {
        let t = token(b"secret", "user-1", &Scope::Process("p-9".into()));
        assert_eq!(
            verify(b"secret", &t),
            Some(("user-1".into(), Scope::Process("p-9".into())))
        );
        let t = token(b"secret", "user-1", &Scope::All);
        assert_eq!(verify(b"secret", &t), Some(("user-1".into(), Scope::All)));
    }

    #[test]
    fn forged_or_altered_tokens_are_refused() {
        let t = token(b"secret", "user-1", &Scope::All);
        assert_eq!(verify(b"other secret", &t), None, "another town's key");
        let (_, sig) = t.split_once('.').expect("dot");
        let other = URL_SAFE_NO_PAD.encode(b"user-2\nall");
        assert_eq!(
            verify(b"secret", &format!("{other}.{sig}")),
            None,
            "someone else's id"
        );
        assert_eq!(verify(b"secret", &t[..t.len() - 4]), None, "a cut signature");
        assert_eq!(verify(b"secret", "garbage"), None);
        assert_eq!(verify(b"secret", &format!("{t}{}", "A".repeat(600))), None);
    }
}
