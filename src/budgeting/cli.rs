//! `plenum tally`: one outcome from one `.pb` file, printed for a person or as JSON.

use std::path::Path;

use anyhow::{anyhow, Context};

use super::{pabulib, tally as run_rule, Outcome, Rule};

/// Parses the file, runs the rule and prints the outcome on stdout.
pub fn tally(file: &Path, rule: &str, utility: &str, json: bool) -> anyhow::Result<()> {
    let rule = Rule::parse(rule, Some(utility)).ok_or_else(|| {
        anyhow!(
            "unknown rule '{rule}' or utility '{utility}': use --rule greedy|mes|mes-add1|max-utility \
             and --utility cost|approval"
        )
    })?;
    let election =
        pabulib::parse_file(file).with_context(|| format!("{} is not a valid .pb file", file.display()))?;
    let outcome = run_rule(&election, rule)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&outcome_json(&outcome))?);
    } else {
        print!("{}", summary(&election, &outcome));
    }
    Ok(())
}

/// The outcome as JSON, with `welfare` measured by the rule's own utility next to both welfares.
pub fn outcome_json(outcome: &Outcome) -> serde_json::Value {
    let mut value = serde_json::to_value(outcome).expect("an outcome always serialises");
    value["welfare"] = serde_json::Value::String(outcome.welfare());
    value
}

/// The funded project ids of an outcome in its JSON form (the inverse of [`outcome_json`] for
/// `selected`), e.g. as read back from published results.
pub fn selected_ids(outcome: &serde_json::Value) -> Vec<String> {
    outcome["selected"]
        .as_array()
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// A short readable report: what was funded, what it cost, who is represented.
fn summary(election: &pabulib::Election, outcome: &Outcome) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let name = |id: &str| {
        election
            .projects
            .iter()
            .find(|p| p.id == id)
            .and_then(|p| p.name.clone())
            .unwrap_or_default()
    };
    let _ = writeln!(
        out,
        "Rule: {} ({} utility), {} voters, {} projects, budget {}",
        outcome.rule,
        outcome.utility.name(),
        outcome.voters,
        election.projects.len(),
        outcome.budget
    );
    let _ = writeln!(out, "Funded ({}):", outcome.selected.len());
    for id in &outcome.selected {
        let _ = writeln!(out, "  {id}  {}", name(id));
    }
    let _ = writeln!(
        out,
        "Cost: {} ({:.1}% of the budget)\nVoters with a funded project: {} ({:.1}%)\nWelfare: {}",
        outcome.cost,
        outcome.percent_budget_used(),
        outcome.voters_with_funded_project,
        outcome.percent_voters_represented(),
        outcome.welfare()
    );
    out
}

/// `plenum verify-results`: checks the proof of a published results file and, given the ballot
/// log, its digest and that counting it again gives exactly the published outcome. Offline.
/// Prints one line per check; fails on the first that does not hold.
pub fn verify_results(results: &Path, ballots: Option<&Path>, key: Option<&str>) -> anyhow::Result<()> {
    use sha2::{Digest, Sha256};
    let text =
        std::fs::read_to_string(results).with_context(|| format!("cannot read {}", results.display()))?;
    let document: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", results.display()))?;
    let embedded = document["signer"]["publicKeyMultibase"].as_str();
    let key_text = key.or(embedded).ok_or_else(|| {
        anyhow!("the file names no signer key: give the process's key with --key (its publicKeyMultibase)")
    })?;
    let public = super::proof::parse_public_multibase(key_text)?;
    super::proof::verify(&document, &public)?;
    println!(
        "ok  the proof verifies with key {key_text}{}",
        if key.is_none() {
            " (taken from the file: compare it with the assertionMethod of the process actor)"
        } else {
            ""
        }
    );
    let Some(ballots) = ballots else {
        return Ok(());
    };
    let bytes = std::fs::read(ballots).with_context(|| format!("cannot read {}", ballots.display()))?;
    let digest = hex::encode(Sha256::digest(&bytes));
    if document["ballot_log_sha256"] != digest.as_str() {
        return Err(anyhow!(
            "the ballot log's SHA-256 is {digest}, but the results name {}",
            document["ballot_log_sha256"]
        ));
    }
    println!("ok  the ballot log's SHA-256 matches ({digest})");
    let rule_name = document["rule"].as_str().unwrap_or("");
    let utility = document["outcome"]["utility"].as_str();
    let rule = Rule::parse(rule_name, utility)
        .ok_or_else(|| anyhow!("unknown rule '{rule_name}' in the results"))?;
    let election = pabulib::parse_str(&String::from_utf8_lossy(&bytes))
        .with_context(|| format!("{} is not a valid .pb file", ballots.display()))?;
    let outcome = run_rule(&election, rule)?;
    let mut ours = outcome.selected.clone();
    let mut theirs = selected_ids(&document["outcome"]);
    ours.sort();
    theirs.sort();
    if ours != theirs {
        return Err(anyhow!(
            "counting the ballots with {} gives {:?}, but the results publish {:?}",
            rule.name(),
            ours,
            theirs
        ));
    }
    println!(
        "ok  counting the {} ballots again with {} ({} utility) gives the published outcome: {} projects",
        election.ballots.len(),
        rule.name(),
        rule.utility().name(),
        ours.len()
    );
    Ok(())
}
