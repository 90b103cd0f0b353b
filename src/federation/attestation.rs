//! Residency attestations: "actor X is a verified resident of town B, valid until T", signed by
//! town B's instance with an object integrity proof (FEP-8b32, `eddsa-jcs-2022`, the Ed25519 key
//! in the instance actor's `assertionMethod`). Town B attaches one to a `Like` sent to a `peers`
//! process of town A; town A counts the endorsement as a peer-town resident's only if the
//! attestation checks out. It carries no census data: only the actor, the issuer and the dates.

use chrono::{DateTime, Utc};
use serde_json::{json, Value};

use super::urls;

/// How long an attestation is valid: long enough for a delivery retried over days, short enough
/// that a revoked verification stops counting soon.
pub const VALID_DAYS: i64 = 7;

/// The owner id of the instance's Ed25519 key in `signing_keys`.
pub const INSTANCE_KEY_OWNER: &str = "instance";

pub fn key_id(base: &str) -> String {
    format!("{}#ed25519-key", urls::instance_actor(base))
}

/// A signed attestation that `subject` (an actor id here) is a verified resident of this town.
pub fn issue(base: &str, key: &ed25519_dalek::SigningKey, subject: &str, now: DateTime<Utc>) -> Value {
    let issued = now.format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let until = (now + chrono::Duration::days(VALID_DAYS))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let document = json!({
        "@context": [
            "https://www.w3.org/ns/activitystreams",
            "https://w3id.org/security/data-integrity/v2",
            { "plenum": urls::PLENUM_NS, "ResidencyAttestation": "plenum:ResidencyAttestation",
              "subject": "plenum:subject", "validFrom": "plenum:validFrom", "validUntil": "plenum:validUntil" }
        ],
        "type": "ResidencyAttestation",
        "issuer": urls::instance_actor(base),
        "subject": subject,
        "validFrom": issued,
        "validUntil": until,
    });
    crate::budgeting::proof::sign(&document, key, &key_id(base), &issued)
}

/// Why an attestation is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("no residency attestation")]
    Missing,
    #[error("the attestation names another actor")]
    WrongSubject,
    #[error("the attestation is not issued by the actor's own server")]
    WrongIssuer,
    #[error("the issuing town is not a peer of this process")]
    NotTrusted,
    #[error("the attestation has expired or is not valid yet")]
    Expired,
    #[error("the attestation's proof does not verify with the issuer's key")]
    BadProof,
}

/// Checks an attestation for `actor` (its id) against the issuer's actor document (fetched from
/// the issuer). `peer_hosts` are the towns the process trusts.
pub fn check(
    attestation: Option<&Value>,
    actor: &str,
    issuer_actor: Option<&Value>,
    peer_hosts: &[String],
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let att = attestation.filter(|a| a.is_object()).ok_or(Refusal::Missing)?;
    if att["type"].as_str() != Some("ResidencyAttestation") {
        return Err(Refusal::Missing);
    }
    if att["subject"].as_str() != Some(actor) {
        return Err(Refusal::WrongSubject);
    }
    let issuer = att["issuer"].as_str().unwrap_or_default();
    let issuer_host = urls::host_of_str(issuer);
    // The issuer is the instance actor of the actor's own server.
    let expected_issuer = url::Url::parse(actor)
        .ok()
        .map(|u| format!("{}://{}/actor", u.scheme(), urls::host_of(&u)));
    if expected_issuer.as_deref() != Some(issuer) {
        return Err(Refusal::WrongIssuer);
    }
    if !peer_hosts.contains(&issuer_host) {
        return Err(Refusal::NotTrusted);
    }
    let time = |key: &str| {
        att[key]
            .as_str()
            .and_then(|t| DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&Utc))
    };
    match (time("validFrom"), time("validUntil")) {
        (Some(from), Some(until)) if from <= now + chrono::Duration::minutes(5) && now < until => {}
        _ => return Err(Refusal::Expired),
    }
    let issuer_actor = issuer_actor.ok_or(Refusal::BadProof)?;
    if issuer_actor["id"].as_str() != Some(issuer) {
        return Err(Refusal::WrongIssuer);
    }
    if super::actors::proof_verifies(issuer_actor, att, Some(issuer)) {
        Ok(())
    } else {
        Err(Refusal::BadProof)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const B: &str = "https://town-b.example";

    fn issuer_actor(key: &ed25519_dalek::SigningKey) -> Value {
        json!({
            "id": format!("{B}/actor"),
            "assertionMethod": [{
                "id": key_id(B),
                "type": "Multikey",
                "controller": format!("{B}/actor"),
                "publicKeyMultibase": crate::budgeting::proof::public_multibase(&key.verifying_key()),
            }],
        })
    }

    #[test]
    fn each_way_an_attestation_can_be_wrong_is_refused() {
        let key = crate::budgeting::proof::new_key();
        let actor = format!("{B}/users/bob");
        let peers = vec!["town-b.example".to_string()];
        let now = Utc::now();
        let att = issue(B, &key, &actor, now);
        let doc = issuer_actor(&key);
        assert_eq!(check(Some(&att), &actor, Some(&doc), &peers, now), Ok(()));
        // Expired (and not valid yet).
        let old = issue(B, &key, &actor, now - chrono::Duration::days(VALID_DAYS + 1));
        assert_eq!(
            check(Some(&old), &actor, Some(&doc), &peers, now),
            Err(Refusal::Expired)
        );
        let future = issue(B, &key, &actor, now + chrono::Duration::days(1));
        assert_eq!(
            check(Some(&future), &actor, Some(&doc), &peers, now),
            Err(Refusal::Expired)
        );
        // Replayed for another actor.
        let eve = format!("{B}/users/eve");
        assert_eq!(
            check(Some(&att), &eve, Some(&doc), &peers, now),
            Err(Refusal::WrongSubject)
        );
        // Issued by another server than the actor's.
        let c_att = issue("https://town-c.example", &key, &actor, now);
        assert_eq!(
            check(Some(&c_att), &actor, Some(&doc), &peers, now),
            Err(Refusal::WrongIssuer)
        );
        // Issuer not trusted by the process.
        assert_eq!(
            check(
                Some(&att),
                &actor,
                Some(&doc),
                &["town-c.example".to_string()],
                now
            ),
            Err(Refusal::NotTrusted)
        );
        // Tampered body: a longer validity.
        let mut tampered = att.clone();
        tampered["validUntil"] = json!("2099-01-01T00:00:00Z");
        assert_eq!(
            check(Some(&tampered), &actor, Some(&doc), &peers, now),
            Err(Refusal::BadProof)
        );
        // Signed with a key the issuer does not publish.
        let forged = issue(B, &crate::budgeting::proof::new_key(), &actor, now);
        assert_eq!(
            check(Some(&forged), &actor, Some(&doc), &peers, now),
            Err(Refusal::BadProof)
        );
        // None at all.
        assert_eq!(
            check(None, &actor, Some(&doc), &peers, now),
            Err(Refusal::Missing)
        );
    }
}
