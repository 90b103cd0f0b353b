//! Our rules against pabutools 1.2.3 on every approval election of `tests/data/pabulib`.
//!
//! `expected.jsonl` was computed with pabutools (see the README next to it). Each test runs one
//! rule over every file and reports every mismatch at once, so a failure shows its whole extent.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use plenum::budgeting::{pabulib, rules, Profile, Rule, Utility};

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pabulib")
}

/// One line of `expected.jsonl`.
struct Expected {
    file: String,
    json: serde_json::Value,
}

fn expected() -> Vec<Expected> {
    let text = std::fs::read_to_string(data_dir().join("expected.jsonl")).expect("expected.jsonl");
    let lines: Vec<Expected> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let json: serde_json::Value = serde_json::from_str(l).expect("valid JSON line");
            Expected {
                file: json["file"].as_str().expect("file").to_string(),
                json,
            }
        })
        .collect();
    assert_eq!(
        lines.len(),
        50,
        "expected.jsonl should describe the 50 approval files"
    );
    lines
}

fn profile(file: &str) -> Profile {
    let election =
        pabulib::parse_file(&data_dir().join("files").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    Profile::new(&election).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Runs `rule` on every file that has `key`, comparing the selected sets. Returns how many
/// files were compared; panics listing every file that differs.
fn compare_sets(key: &str, rule: Rule) -> usize {
    let mut compared = 0;
    let mut mismatches = Vec::new();
    for e in expected() {
        let Some(want) = e.json.get(key) else { continue };
        let want: BTreeSet<String> = want
            .as_array()
            .expect("a list of ids")
            .iter()
            .map(|v| v.as_str().expect("id string").to_string())
            .collect();
        let outcome = rules::run(&profile(&e.file), rule);
        let got: BTreeSet<String> = outcome.selected.iter().cloned().collect();
        assert_eq!(
            got.len(),
            outcome.selected.len(),
            "{}: a project selected twice",
            e.file
        );
        compared += 1;
        if got != want {
            mismatches.push(format!(
                "{}: only ours {:?}, only pabutools {:?}",
                e.file,
                got.difference(&want).collect::<Vec<_>>(),
                want.difference(&got).collect::<Vec<_>>()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{key}: {} of {compared} files differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
    compared
}

#[test]
fn greedy_by_votes_matches_pabutools() {
    assert_eq!(compare_sets("greedy_votes", Rule::Greedy(Utility::Cost)), 50);
}

#[test]
fn greedy_by_votes_per_cost_matches_pabutools() {
    assert_eq!(
        compare_sets("greedy_votes_per_cost", Rule::Greedy(Utility::Approval)),
        50
    );
}

#[test]
fn equal_shares_with_cost_utility_matches_pabutools() {
    assert_eq!(compare_sets("mes_cost", Rule::Mes(Utility::Cost)), 50);
}

#[test]
fn equal_shares_with_approval_utility_matches_pabutools() {
    assert_eq!(compare_sets("mes_approval", Rule::Mes(Utility::Approval)), 50);
}

#[test]
fn equal_shares_with_add1_and_greedy_completion_matches_pabutools() {
    // pabutools finished this rule in time on only some files; every one it did is compared.
    let compared = compare_sets("mes_cost_add1_then_greedy", Rule::MesAdd1(Utility::Cost));
    assert!(compared >= 20, "only {compared} files compared");
}

/// Parses "123" or "246/2" as a fraction.
fn fraction(text: &str) -> (u128, u128) {
    match text.split_once('/') {
        Some((n, d)) => (n.parse().unwrap(), d.parse().unwrap()),
        None => (text.parse().unwrap(), 1),
    }
}

#[test]
fn max_utility_reaches_the_optimal_welfare_pabutools_found() {
    let mut mismatches = Vec::new();
    for e in expected() {
        let (num, den) = fraction(e.json["max_welfare_cost_value"].as_str().expect("value"));
        let profile = profile(&e.file);
        let outcome = rules::run(&profile, Rule::MaxUtility(Utility::Cost));
        let value = rules::max_utility_value(&profile, Utility::Cost);
        // Our value is on the profile's scale (amounts × 10^places).
        let scale = 10u128.pow(profile.places);
        if value * den != num * scale {
            mismatches.push(format!("{}: ours {value}/{scale}, pabutools {num}/{den}", e.file));
        }
        // The set the rule returns must itself reach that value and fit the budget.
        assert_eq!(
            outcome.cost_welfare.rescale(profile.places),
            Some(value),
            "{}",
            e.file
        );
        assert!(
            outcome.cost.rescale(profile.places).unwrap() <= profile.budget,
            "{}",
            e.file
        );
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}

#[test]
fn every_other_ballot_type_imports_and_tallies_with_greedy() {
    let approval: BTreeSet<String> = expected().into_iter().map(|e| e.file).collect();
    let mut others = 0;
    for entry in std::fs::read_dir(data_dir().join("files")).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if approval.contains(&name) {
            continue;
        }
        let election = pabulib::parse_file(&data_dir().join("files").join(&name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_ne!(
            election.vote_type,
            pabulib::VoteType::Approval,
            "{name} has no reference line"
        );
        let profile = Profile::new(&election).unwrap();
        let outcome = rules::run(&profile, Rule::Greedy(Utility::Cost));
        assert!(
            outcome.cost.rescale(profile.places).unwrap() <= profile.budget,
            "{name}"
        );
        assert!(!outcome.selected.is_empty(), "{name}: nothing funded");
        // Greedy is exhaustive: nothing left out would still fit.
        let left = profile.budget - outcome.cost.rescale(profile.places).unwrap();
        for n in &outcome.not_selected {
            let i = profile.ids.iter().position(|id| *id == n.project).unwrap();
            assert!(
                profile.costs[i] > left || profile.supporters[i] == 0,
                "{name}: {} fits",
                n.project
            );
        }
        others += 1;
    }
    assert_eq!(others, 15);
}
