//! The sealed ballot box: how a cast ballot is stored so that a copy of the database, with its
//! WAL, its free pages or PostgreSQL's dead rows, does not say how anyone voted.
//!
//! A ballot is written in the voter's own transaction, next to the `ballot_casts` row that says
//! they voted, so every trace the database keeps of that transaction (SQLite's rowids and WAL
//! frames, PostgreSQL's ctid and xmin) pairs the account with the ballot's row. Instead of
//! trying to hide that pairing, which mixing or shuffling only blurs (see `docs/voting.md`),
//! the row holds nothing readable: its content is sealed with AES-256-GCM under a key derived
//! from the instance's secret key, which is kept outside the database. Each write uses a fresh
//! random nonce, so voting twice the same way gives unrelated bytes, and every sealed ballot of
//! a budget has the same length, so the length says nothing about the choices. The budget and
//! the voter tag are bound to the ciphertext as associated data: a sealed ballot moved to
//! another row or budget no longer opens.

use base64::Engine;
use hmac::{Hmac, Mac};
use openssl::symm::{decrypt_aead, encrypt_aead, Cipher};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::budgets::{BallotType, Budget, BudgetProject};

const NONCE: usize = 12;
const TAG: usize = 16;

/// What a sealed ballot holds: what the published log shows for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Content {
    /// The receipt hash (the log's voter id).
    #[serde(rename = "r")]
    pub receipt_hash: String,
    /// Chosen project codes, comma-separated, in code order.
    #[serde(rename = "c")]
    pub choices: String,
    /// Points per chosen project, comma-separated (cumulative ballots), else empty.
    #[serde(rename = "p")]
    pub points: String,
}

fn mac(secret: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            mac.update(b"\0");
        }
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// The sealing key: derived from the instance's secret key, used for nothing else.
fn sealing_key(secret: &[u8]) -> [u8; 32] {
    mac(secret, &[b"plenum ballot box v1"])
}

fn associated_data(budget_id: &str, voter_tag: &str) -> Vec<u8> {
    format!("plenum-ballot-v1\0{budget_id}\0{voter_tag}").into_bytes()
}

/// The lookup value of a receipt in `sealed_ballots`: keyed, so a copy of the database cannot
/// match it with the receipt hashes of the published log.
pub fn receipt_key(secret: &[u8], budget_id: &str, receipt_hash: &str) -> String {
    hex::encode(mac(
        secret,
        &[b"receipt", budget_id.as_bytes(), receipt_hash.as_bytes()],
    ))
}

/// The length every sealed ballot of this budget is padded to: that of the longest ballot the
/// budget allows (every project, each with the most points), rounded up to 64 bytes. Projects
/// cannot change once anyone has voted, so it stays the same for the whole vote.
fn padded_length(budget: &Budget, projects: &[BudgetProject]) -> usize {
    let codes: Vec<&str> = projects.iter().map(|p| p.code.as_str()).collect();
    let points = if budget.ballot_type() == BallotType::Cumulative {
        vec![budget.points.max(0).to_string(); codes.len()].join(",")
    } else {
        String::new()
    };
    let longest = Content {
        receipt_hash: "0".repeat(32),
        choices: codes.join(","),
        points,
    };
    let len = serde_json::to_vec(&longest).map_or(0, |v| v.len());
    len.div_ceil(64).max(1) * 64
}

/// Seals a ballot for its row (budget, voter tag).
pub fn seal(
    secret: &[u8],
    budget: &Budget,
    projects: &[BudgetProject],
    voter_tag: &str,
    content: &Content,
) -> String {
    let mut plain = serde_json::to_vec(content).expect("a ballot serialises");
    // Spaces after the JSON value: ignored when it is read back.
    let target = padded_length(budget, projects).max(plain.len().div_ceil(64) * 64);
    plain.resize(target, b' ');
    let mut nonce = [0u8; NONCE];
    rand::thread_rng().fill_bytes(&mut nonce);
    let mut tag = [0u8; TAG];
    let sealed = encrypt_aead(
        Cipher::aes_256_gcm(),
        &sealing_key(secret),
        Some(&nonce),
        &associated_data(&budget.id, voter_tag),
        &plain,
        &mut tag,
    )
    .expect("AES-256-GCM with a 32-byte key and a 12-byte nonce");
    let mut out = Vec::with_capacity(NONCE + sealed.len() + TAG);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&sealed);
    out.extend_from_slice(&tag);
    base64::engine::general_purpose::STANDARD_NO_PAD.encode(out)
}

/// Opens a sealed ballot of the row (budget, voter tag); `None` if it does not open with this
/// key (another instance's key, or the bytes were changed or moved).
pub fn open(secret: &[u8], budget_id: &str, voter_tag: &str, sealed: &str) -> Option<Content> {
    let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(sealed)
        .ok()?;
    if bytes.len() < NONCE + TAG {
        return None;
    }
    let (nonce, rest) = bytes.split_at(NONCE);
    let (ciphertext, tag) = rest.split_at(rest.len() - TAG);
    let plain = decrypt_aead(
        Cipher::aes_256_gcm(),
        &sealing_key(secret),
        Some(nonce),
        &associated_data(budget_id, voter_tag),
        ciphertext,
        tag,
    )
    .ok()?;
    serde_json::from_slice(&plain).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(kind: &str, points: i32) -> (Budget, Vec<BudgetProject>) {
        let at = chrono::NaiveDateTime::default();
        let budget = Budget {
            id: "budget-1".into(),
            process_id: "p".into(),
            slug: "b".into(),
            title: "B".into(),
            description: String::new(),
            amount: "100".into(),
            currency: "EUR".into(),
            ballot_type: kind.into(),
            min_choices: 0,
            max_choices: 0,
            points,
            rule: "greedy".into(),
            live_tallies: false,
            published_outcome: None,
            ballot_log_sha256: None,
            published_at: None,
            created_at: at,
        };
        let projects = ["a", "bb", "long-project-code"]
            .iter()
            .map(|c| BudgetProject {
                id: format!("id-{c}"),
                budget_id: "budget-1".into(),
                code: c.to_string(),
                title: c.to_string(),
                description: String::new(),
                cost: "10".into(),
                proposal_id: None,
            })
            .collect();
        (budget, projects)
    }

    fn content(choices: &str, points: &str) -> Content {
        Content {
            receipt_hash: "00112233445566778899aabbccddeeff".into(),
            choices: choices.into(),
            points: points.into(),
        }
    }

    #[test]
    fn a_sealed_ballot_opens_only_with_its_key_in_its_own_row() {
        let (b, projects) = budget("cumulative", 10);
        let c = content("a,bb", "3,7");
        let sealed = seal(b"key one", &b, &projects, "tag", &c);
        assert_eq!(open(b"key one", &b.id, "tag", &sealed), Some(c.clone()));
        assert_eq!(open(b"key two", &b.id, "tag", &sealed), None);
        assert_eq!(open(b"key one", &b.id, "another tag", &sealed), None);
        assert_eq!(open(b"key one", "budget-2", "tag", &sealed), None);
        // A fresh nonce each time: the same ballot twice gives unrelated bytes.
        assert_ne!(seal(b"key one", &b, &projects, "tag", &c), sealed);
    }

    #[test]
    fn every_sealed_ballot_of_a_budget_has_the_same_length() {
        let (b, projects) = budget("cumulative", 10_000);
        let lengths: std::collections::BTreeSet<usize> = [
            content("a", "10000"),
            content("a,bb,long-project-code", "1,1,9998"),
            content("bb", "10000"),
        ]
        .iter()
        .map(|c| seal(b"k", &b, &projects, "t", c).len())
        .collect();
        assert_eq!(lengths.len(), 1, "{lengths:?}");
        let (b, projects) = budget("approval", 0);
        let lengths: std::collections::BTreeSet<usize> =
            [content("a", ""), content("a,bb,long-project-code", "")]
                .iter()
                .map(|c| seal(b"k", &b, &projects, "t", c).len())
                .collect();
        assert_eq!(lengths.len(), 1, "{lengths:?}");
    }
}
