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
