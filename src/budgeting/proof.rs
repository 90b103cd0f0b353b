//! Object integrity proofs (FEP-8b32) with the `eddsa-jcs-2022` cryptosuite, and Ed25519 keys
//! written as Multikey (`publicKeyMultibase`).
//!
//! Signing (W3C vc-di-eddsa, §3.3 "eddsa-jcs-2022"): the proof options (`type`, `cryptosuite`,
//! `verificationMethod`, `proofPurpose`, `created`, and the document's `@context`) and the
//! document without `proof` are each canonicalised with JCS (RFC 8785) and hashed with SHA-256;
//! the Ed25519 signature covers hash(options) ‖ hash(document). `proofValue` is the signature
//! in base58-btc multibase (`z…`). No JSON-LD processing is needed to check it.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// Multicodec prefix of an Ed25519 public key (0xed, varint-encoded as 0xed 0x01).
const ED25519_PUB: [u8; 2] = [0xed, 0x01];

/// Why a proof does not hold.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProofError {
    #[error("the document has no proof")]
    Missing,
    #[error("the proof is not a DataIntegrityProof with cryptosuite eddsa-jcs-2022")]
    WrongSuite,
    #[error("the proof's purpose is not assertionMethod")]
    WrongPurpose,
    #[error("the proof value is not base58-btc multibase")]
    BadEncoding,
    #[error("the key is not an Ed25519 Multikey")]
    BadKey,
    #[error(
        "the signature does not match the document: it was changed after signing, or signed with another key"
    )]
    Invalid,
}

/// `z` + base58-btc of the multicodec-prefixed public key.
pub fn public_multibase(key: &VerifyingKey) -> String {
    let mut bytes = ED25519_PUB.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    format!("z{}", bs58::encode(bytes).into_string())
}

/// Reads a `publicKeyMultibase` value.
pub fn parse_public_multibase(text: &str) -> Result<VerifyingKey, ProofError> {
    let bytes = text
        .strip_prefix('z')
        .and_then(|b| bs58::decode(b).into_vec().ok())
        .ok_or(ProofError::BadKey)?;
    let raw: [u8; 32] = bytes
        .strip_prefix(&ED25519_PUB[..])
        .and_then(|k| k.try_into().ok())
        .ok_or(ProofError::BadKey)?;
    VerifyingKey::from_bytes(&raw).map_err(|_| ProofError::BadKey)
}

fn jcs_hash(value: &Value) -> [u8; 32] {
    let text = serde_jcs::to_string(value).expect("JSON values always canonicalise");
    Sha256::digest(text.as_bytes()).into()
}

fn hash_data(options: &Value, document: &Value) -> Vec<u8> {
    let mut data = jcs_hash(options).to_vec();
    data.extend_from_slice(&jcs_hash(document));
    data
}

fn options_of(document: &Value, proof: &Value) -> Value {
    let mut options = proof.clone();
    if let Some(o) = options.as_object_mut() {
        o.remove("proofValue");
        if !o.contains_key("@context") {
            if let Some(context) = document.get("@context") {
                o.insert("@context".into(), context.clone());
            }
        }
    }
    options
}

/// Returns `document` with a `proof` by `key`, named `verification_method`, made at `created`
/// (an RFC 3339 UTC time).
pub fn sign(document: &Value, key: &SigningKey, verification_method: &str, created: &str) -> Value {
    let mut unsigned = document.clone();
    if let Some(o) = unsigned.as_object_mut() {
        o.remove("proof");
    }
    let mut proof = json!({
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-jcs-2022",
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
        "created": created,
    });
    // The proof carries the document's context, as vc-di-eddsa's proof configuration does;
    // verifiers that hash the proof exactly as found (apsig) then agree with us.
    if let Some(context) = unsigned.get("@context") {
        proof["@context"] = context.clone();
    }
    let signature = key.sign(&hash_data(&options_of(&unsigned, &proof), &unsigned));
    proof["proofValue"] = json!(format!("z{}", bs58::encode(signature.to_bytes()).into_string()));
    let mut signed = unsigned;
    signed["proof"] = proof;
    signed
}

/// Checks the document's proof against `key`.
pub fn verify(document: &Value, key: &VerifyingKey) -> Result<(), ProofError> {
    let proof = document.get("proof").ok_or(ProofError::Missing)?;
    if proof["type"] != "DataIntegrityProof" || proof["cryptosuite"] != "eddsa-jcs-2022" {
        return Err(ProofError::WrongSuite);
    }
    if proof["proofPurpose"] != "assertionMethod" {
        return Err(ProofError::WrongPurpose);
    }
    let bytes = proof["proofValue"]
        .as_str()
        .and_then(|v| v.strip_prefix('z'))
        .and_then(|v| bs58::decode(v).into_vec().ok())
        .ok_or(ProofError::BadEncoding)?;
    let signature = Signature::from_slice(&bytes).map_err(|_| ProofError::BadEncoding)?;
    let mut unsigned = document.clone();
    if let Some(o) = unsigned.as_object_mut() {
        o.remove("proof");
    }
    key.verify(&hash_data(&options_of(&unsigned, proof), &unsigned), &signature)
        .map_err(|_| ProofError::Invalid)
}

/// A new random signing key.
pub fn new_key() -> SigningKey {
    SigningKey::generate(&mut rand::rngs::OsRng)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({
            "@context": ["https://www.w3.org/ns/activitystreams", "https://w3id.org/security/data-integrity/v2"],
            "id": "https://town.example/r/1",
            "type": "Document",
            "selected": ["2", "10"],
            "ballots": 393,
        })
    }

    #[test]
    fn a_signed_document_verifies_and_any_change_breaks_it() {
        let key = new_key();
        let signed = sign(
            &doc(),
            &key,
            "https://town.example/p#ed25519-key",
            "2026-11-25T10:00:00Z",
        );
        assert_eq!(verify(&signed, &key.verifying_key()), Ok(()));
        // Key order does not matter (JCS), content does.
        let reordered: Value = serde_json::from_str(&serde_json::to_string(&signed).unwrap()).unwrap();
        assert_eq!(verify(&reordered, &key.verifying_key()), Ok(()));
        let mut changed = signed.clone();
        changed["selected"] = json!(["2"]);
        assert_eq!(verify(&changed, &key.verifying_key()), Err(ProofError::Invalid));
        let mut moved = signed.clone();
        moved["proof"]["created"] = json!("2027-01-01T00:00:00Z");
        assert_eq!(verify(&moved, &key.verifying_key()), Err(ProofError::Invalid));
        assert_eq!(
            verify(&signed, &new_key().verifying_key()),
            Err(ProofError::Invalid)
        );
        assert_eq!(verify(&doc(), &key.verifying_key()), Err(ProofError::Missing));
    }

    #[test]
    fn multikey_round_trips_and_starts_like_every_ed25519_multikey() {
        let key = new_key().verifying_key();
        let text = public_multibase(&key);
        assert!(text.starts_with("z6Mk"), "{text}");
        assert_eq!(parse_public_multibase(&text), Ok(key));
        assert_eq!(parse_public_multibase("zabc"), Err(ProofError::BadKey));
    }
}
