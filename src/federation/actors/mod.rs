//! Actors: ours as JSON (the instance `Application`, each process a `Group`, each citizen a
//! `Person`), and the actors of other servers as the crate fetches and we cache them.

mod remote;

pub use remote::{ActorJson, Endpoints, LocalSigner, RemoteActor};

use serde_json::{json, Value};

use crate::db::AnyConnection;
use crate::domain::accounts::User;
use crate::domain::processes::ProcessDetail;
use crate::domain::{now, Result};
use crate::federation::keys::{self, Owner};
use crate::federation::urls;

fn public_key(id: &str, pem: &str) -> Value {
    json!({ "id": format!("{id}#main-key"), "owner": id, "publicKeyPem": pem })
}

/// The instance actor: signs follows of remote processes and signed fetches.
pub fn instance_json(conn: &mut AnyConnection, base: &str, town_name: &str) -> Result<Value> {
    let key = keys::for_owner(conn, Owner::Instance, keys::INSTANCE_ID)?;
    let attesting = crate::domain::signing_keys::for_owner(conn, super::attestation::INSTANCE_KEY_OWNER)?;
    let id = urls::instance_actor(base);
    Ok(json!({
        "@context": urls::actor_context(),
        "id": id,
        "type": "Application",
        "preferredUsername": "instance",
        "name": town_name,
        "url": base,
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "endpoints": { "sharedInbox": urls::shared_inbox(base) },
        "publicKey": public_key(&id, &key.public_pem),
        // The key that signs residency attestations of this town's verified residents.
        "assertionMethod": [{
            "id": super::attestation::key_id(base),
            "type": "Multikey",
            "controller": id,
            "publicKeyMultibase": crate::budgeting::proof::public_multibase(&attesting.verifying_key()),
        }],
    }))
}

/// Whether `document`'s FEP-8b32 proof verifies with the key `actor` lists in `assertionMethod`
/// under the proof's `verificationMethod` (and, with `controller`, controlled by that actor).
/// Used for a process's signed results and a town's residency attestations.
pub fn proof_verifies(actor: &Value, document: &Value, controller: Option<&str>) -> bool {
    let method = document["proof"]["verificationMethod"]
        .as_str()
        .unwrap_or_default();
    actor["assertionMethod"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|k| k["id"].as_str() == Some(method))
        .filter(|k| controller.is_none() || k["controller"].as_str() == controller)
        .filter_map(|k| k["publicKeyMultibase"].as_str())
        .filter_map(|m| crate::budgeting::proof::parse_public_multibase(m).ok())
        .any(|key| crate::budgeting::proof::verify(document, &key).is_ok())
}

/// Who may endorse a process from elsewhere, and which peer towns count as residents.
#[derive(Debug, Clone)]
pub struct Eligibility {
    pub rule: crate::domain::eligibility::Rule,
    pub peer_hosts: Vec<String>,
}

impl Eligibility {
    /// Read off the process row, which holds the endorsing rule and the peer list.
    pub fn of(process: &crate::domain::processes::Process) -> Eligibility {
        Eligibility {
            rule: process.rule_for(crate::domain::processes::Capability::Endorse),
            peer_hosts: process
                .peer_hosts
                .split([',', ' ', '\n'])
                .map(|h| h.trim().to_lowercase())
                .filter(|h| !h.is_empty())
                .collect(),
        }
    }
}

/// A process as a `Group`: followable like a Lemmy community or a Mastodon account. Carries its
/// phases, its eligibility rule and the Ed25519 key of its signed results (FEP-8b32).
pub fn process_json(
    conn: &mut AnyConnection,
    base: &str,
    detail: &ProcessDetail,
    logo: Option<&str>,
) -> Result<Value> {
    let key = keys::for_owner(conn, Owner::Process, &detail.process.id)?;
    let results_key = crate::domain::signing_keys::for_owner(conn, &detail.process.id)?;
    let rule = Eligibility::of(&detail.process);
    let id = urls::process(base, &detail.process.slug);
    let at = now();
    let phases: Vec<Value> = detail
        .phases
        .iter()
        .map(|p| {
            json!({
                "kind": p.kind,
                "startTime": p.starts_at.and_utc().to_rfc3339(),
                "endTime": p.ends_at.and_utc().to_rfc3339(),
            })
        })
        .collect();
    Ok(json!({
        "@context": urls::actor_context(),
        "id": id,
        "type": "Group",
        "preferredUsername": detail.process.slug,
        "name": detail.process.title,
        "summary": detail.process.description_html,
        "url": id,
        "published": detail.process.created_at.and_utc().to_rfc3339(),
        "updated": detail.process.updated_at.and_utc().to_rfc3339(),
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "followers": format!("{id}/followers"),
        "endpoints": { "sharedInbox": urls::shared_inbox(base) },
        "manuallyApprovesFollowers": false,
        "discoverable": true,
        "publicKey": public_key(&id, &key.public_pem),
        "assertionMethod": [{
            "id": format!("{id}#ed25519-key"),
            "type": "Multikey",
            "controller": id,
            "publicKeyMultibase": crate::budgeting::proof::public_multibase(&results_key.verifying_key()),
        }],
        "eligibility": rule.rule.as_str(),
        "phases": phases,
        "currentPhase": detail.phase_at(at).map(|p| p.kind.clone()),
        // What Lemmy and Mastodon look for on a group.
        "featured": format!("{id}/featured"),
        // Lemmy lets its users post in the community only when this is false: true unless the
        // process takes proposals from the fediverse now (see `posted`).
        "postingRestrictedToMods": !super::posted::takes_fediverse_proposals(detail, at),
        "sensitive": false,
        // Mastodon's avatar and header: the town's logo, else Plenum's ballot box.
        "icon": match logo {
            Some(url) => json!({ "type": "Image", "url": url }),
            None => json!({ "type": "Image", "mediaType": "image/png", "url": format!("{base}/static/avatar.png") }),
        },
        "image": { "type": "Image", "mediaType": "image/png", "url": format!("{base}/static/header.png") },
        // Lemmy reads the moderators from here: the town's staff.
        "attributedTo": format!("{id}/moderators"),
    }))
}

/// A citizen as a `Person`: the author of proposals and comments, the actor of endorsements.
pub fn person_json(conn: &mut AnyConnection, base: &str, user: &User) -> Result<Value> {
    let key = keys::for_owner(conn, Owner::Person, &user.id)?;
    let id = urls::person(base, &user.username);
    Ok(json!({
        "@context": urls::context(),
        "id": id,
        "type": "Person",
        "preferredUsername": user.username,
        "name": if user.display_name.is_empty() { &user.username } else { &user.display_name },
        "url": id,
        "inbox": format!("{id}/inbox"),
        "outbox": format!("{id}/outbox"),
        "endpoints": { "sharedInbox": urls::shared_inbox(base) },
        "publicKey": public_key(&id, &key.public_pem),
        "published": user.created_at.and_utc().to_rfc3339(),
    }))
}
