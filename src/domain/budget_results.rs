//! Outcomes of a budget: the rule comparison staff see after the close, publication of the
//! declared rule's outcome with the ballot-log digest, and per-project tallies.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::accounts::User;
use super::budgets::{self, Budget};
use super::processes::{PhaseKind, ProcessDetail};
use super::{now, Error, Msg, Result};
use crate::budgeting::pabulib::Election;
use crate::budgeting::{rules, Outcome, Profile, Rule, Utility};
use crate::db::schema::budgets as budgets_table;
use crate::db::AnyConnection;

/// Rules shown side by side on the comparison page.
pub const COMPARED: [Rule; 5] = [
    Rule::Greedy(Utility::Cost),
    Rule::Greedy(Utility::Approval),
    Rule::Mes(Utility::Cost),
    Rule::MesAdd1(Utility::Cost),
    Rule::MaxUtility(Utility::Cost),
];

/// One project's count.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tally {
    pub code: String,
    pub title: String,
    pub cost: String,
    pub votes: u64,
    pub points: u128,
}

fn counting_profile(election: &Election) -> Result<Profile> {
    Profile::new(election).map_err(|e| Error::Conflict(Msg::new("error-budget-uncountable").arg("why", e)))
}

/// Votes (and points) per project, in code order.
pub fn tallies(conn: &mut AnyConnection, secret_key: &[u8], budget: &Budget) -> Result<Vec<Tally>> {
    let (election, _) = budgets::election(conn, secret_key, budget)?;
    Ok(tallies_of(&election, &counting_profile(&election)?))
}

/// The tallies of an election (whose projects are the budget's, in code order).
fn tallies_of(election: &Election, profile: &Profile) -> Vec<Tally> {
    election
        .projects
        .iter()
        .map(|p| {
            let i = profile.ids.iter().position(|id| *id == p.id);
            Tally {
                votes: i.map_or(0, |i| profile.supporters[i]),
                points: i.map_or(0, |i| profile.score[i]),
                code: p.id.clone(),
                title: p.name.clone().unwrap_or_default(),
                cost: p.cost.to_string(),
            }
        })
        .collect()
}

/// Every compared rule's outcome on the real ballots.
pub fn compare(conn: &mut AnyConnection, secret_key: &[u8], budget: &Budget) -> Result<Vec<Outcome>> {
    let profile = counting_profile(&budgets::election(conn, secret_key, budget)?.0)?;
    Ok(COMPARED.iter().map(|r| rules::run(&profile, *r)).collect())
}

/// Whether `viewer` may see a budget's running tallies. Everyone may where the town chose live
/// tallies, and once the results are published; staff also once the vote is closed (to compare
/// the rules on the real ballots before publishing). Until then nobody, staff included: a tally
/// read during the vote could steer it.
pub fn tallies_visible(budget: &Budget, detail: &ProcessDetail, viewer: Option<&User>) -> bool {
    budget.live_tallies
        || budget.published_outcome.is_some()
        || (viewer.is_some_and(User::is_admin) && vote_closed(detail))
}

/// True once the process has had a vote phase and none is open now.
pub fn vote_closed(detail: &ProcessDetail) -> bool {
    let at = now();
    let votes: Vec<_> = detail
        .phases
        .iter()
        .filter(|p| p.kind() == PhaseKind::Vote)
        .collect();
    !votes.is_empty() && votes.iter().all(|p| p.ends_at <= at)
}

/// True while a vote phase is open or still to come. The ballot log is the raw data: read
/// twice during the vote, it shows each ballot cast in between, so even staff wait for the close
/// whatever the live-tallies setting (a live tally is only an aggregate).
pub fn ballots_sealed(detail: &ProcessDetail) -> bool {
    let at = now();
    detail
        .phases
        .iter()
        .any(|p| p.kind() == PhaseKind::Vote && p.ends_at > at)
}

/// The ballot log (`.pb` text and its SHA-256) for staff, refused until the vote is over.
pub fn staff_ballot_log(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    detail: &ProcessDetail,
    budget: &Budget,
) -> Result<(String, String)> {
    if ballots_sealed(detail) {
        return Err(Error::Conflict(Msg::new("denied-ballots-sealed")));
    }
    budgets::ballot_log(conn, secret_key, budget)
}

/// The published record: the outcome of the declared rule, the tallies and the log digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Published {
    pub budget: String,
    pub title: String,
    pub currency: String,
    pub rule: String,
    pub outcome: serde_json::Value,
    pub tallies: Vec<Tally>,
    pub ballots: i64,
    /// Stored ballots left out of the count because they break the budget's rules (written only
    /// when there are some, so results without any read and sign as before).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub ballots_set_aside: i64,
    pub ballot_log_sha256: String,
}

fn is_zero(n: &i64) -> bool {
    *n == 0
}

/// Publishes the declared rule's outcome as a signed document (see [`signed_document`]). Only
/// after the vote closed; publishing again changes nothing and returns what was published.
pub fn publish(
    conn: &mut AnyConnection,
    secret_key: &[u8],
    base_url: &str,
    detail: &ProcessDetail,
    budget: &Budget,
) -> Result<Published> {
    if !vote_closed(detail) {
        return Err(Error::Forbidden(Msg::new("denied-vote-not-closed")));
    }
    if let Some(existing) = &budget.published_outcome {
        return serde_json::from_str(existing).map_err(|e| {
            Error::Db(crate::db::DbError::Task(format!(
                "stored outcome unreadable: {e}"
            )))
        });
    }
    // One reading of the ballots serves the outcome, the tallies and the log's digest.
    let (election, set_aside) = budgets::election(conn, secret_key, budget)?;
    let profile = counting_profile(&election)?;
    let outcome = rules::run(&profile, budget.rule());
    let (_, digest) = budgets::log_text(&election);
    let published = Published {
        budget: budget.slug.clone(),
        title: budget.title.clone(),
        currency: budget.currency.clone(),
        rule: budget.rule().name().into(),
        outcome: crate::budgeting::cli::outcome_json(&outcome),
        tallies: tallies_of(&election, &profile),
        ballots: election.ballots.len() as i64,
        ballots_set_aside: set_aside as i64,
        ballot_log_sha256: digest.clone(),
    };
    let key = super::signing_keys::for_owner(conn, &detail.process.id)?;
    let document = signed_document(base_url, detail, budget, &published, &key);
    let text = serde_json::to_string(&document).expect("serialisable");
    diesel::update(budgets_table::table.find(&budget.id))
        .set((
            budgets_table::published_outcome.eq(&text),
            budgets_table::ballot_log_sha256.eq(&digest),
            budgets_table::published_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(published)
}

/// The process actor's address, which owns the signing key.
pub fn actor_url(base_url: &str, detail: &ProcessDetail) -> String {
    format!(
        "{}/processes/{}",
        base_url.trim_end_matches('/'),
        detail.process.slug
    )
}

/// The results' JSON-LD context: the proof and key vocabularies, then Plenum's namespace for
/// every other term (tallies, rule, outcome…), so a JSON-LD consumer sees them all (the
/// ActivityStreams context would map unknown terms to meaningless blank-node IRIs).
pub fn results_context() -> serde_json::Value {
    serde_json::json!([
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/data-integrity/v2",
        "https://w3id.org/security/multikey/v1",
        { "plenum": crate::federation::urls::PLENUM_NS, "@vocab": crate::federation::urls::PLENUM_NS }
    ])
}

/// The results as a JSON-LD `Document` carrying a FEP-8b32 integrity proof (`eddsa-jcs-2022`)
/// by the process's Ed25519 key. The proof covers everything in it: outcome, rule, tallies,
/// number of ballots and the ballot log's SHA-256. `signer` repeats the public key so the file
/// can be checked offline (`plenum verify-results`); compare it with the key in the process
/// actor's `assertionMethod`.
pub fn signed_document(
    base_url: &str,
    detail: &ProcessDetail,
    budget: &Budget,
    published: &Published,
    key: &ed25519_dalek::SigningKey,
) -> serde_json::Value {
    let actor = actor_url(base_url, detail);
    let page = format!("{actor}/budgets/{}/results", budget.slug);
    let key_id = format!("{actor}#ed25519-key");
    let created = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let mut document = serde_json::to_value(published).expect("serialisable");
    let extra = serde_json::json!({
        "@context": results_context(),
        "id": format!("{page}.json"),
        "type": "Document",
        "name": published.title,
        "url": page,
        "attributedTo": actor,
        "published": created,
        "ballotLog": format!("{actor}/budgets/{}/ballots.pb", budget.slug),
        "signer": {
            "id": key_id,
            "type": "Multikey",
            "controller": actor,
            "publicKeyMultibase": crate::budgeting::proof::public_multibase(&key.verifying_key()),
        },
    });
    for (k, v) in extra.as_object().expect("an object") {
        document[k] = v.clone();
    }
    crate::budgeting::proof::sign(&document, key, &key_id, &created)
}

impl Published {
    /// Ids of the projects the published outcome funds.
    pub fn selected(&self) -> Vec<String> {
        crate::budgeting::cli::selected_ids(&self.outcome)
    }
}

/// The published record, if any.
pub fn published(budget: &Budget) -> Option<Published> {
    budget
        .published_outcome
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
}
