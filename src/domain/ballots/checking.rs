//! What a ballot may hold: the form read, each choice checked against the budget's ballot type
//! and limits (with checked arithmetic: no sum wraps), and the looser test a stored ballot must
//! pass to be counted.

use std::collections::{BTreeMap, HashSet};

use crate::budgeting::amount::Decimal;
use crate::domain::budgets::{BallotType, Budget, BudgetProject};
use crate::domain::{Error, Msg, Result};

/// What the ballot form sends: the chosen project codes, and points for cumulative ballots.
#[derive(Debug, Clone, Default)]
pub struct BallotInput {
    pub choices: Vec<String>,
    /// Points per chosen project (cumulative ballots only), same order as `choices`.
    pub points: Vec<u64>,
    /// Projects whose points field was not a whole number (negative, a word, too large to
    /// hold): the ballot is refused, naming the first one.
    pub malformed: Vec<String>,
}

/// A cleaned ballot: projects in code order, without zero-point entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedBallot {
    pub choices: Vec<String>,
    pub points: Vec<u64>,
}

/// Reads the ballot form: `choice` repeated (checkbox / radio values), or `points-CODE` for
/// cumulative ballots, and `action` = `check` (show the running total) or `cast`. Returns the
/// input and whether the person asked to cast it. An empty or `0` points field is no choice; a
/// points field that is not a whole number is kept in `malformed`, so [`check`] refuses it.
pub fn parse_form(bytes: &[u8]) -> (BallotInput, bool) {
    let mut input = BallotInput::default();
    let mut cast = false;
    for (k, v) in url::form_urlencoded::parse(bytes) {
        if k == "choice" {
            input.choices.push(v.into_owned());
            input.points.push(1);
        } else if let Some(code) = k.strip_prefix("points-") {
            let text = v.trim();
            if text.is_empty() {
                continue;
            }
            match text.parse::<u64>() {
                Ok(0) => {}
                Ok(points) => {
                    input.choices.push(code.to_string());
                    input.points.push(points);
                }
                Err(_) => input.malformed.push(code.to_string()),
            }
        } else if k == "action" && v == "cast" {
            cast = true;
        }
    }
    (input, cast)
}

/// The total cost of the chosen projects, exact; `None` when it is too large to hold.
pub fn chosen_cost(projects: &[BudgetProject], choices: &[String]) -> Option<Decimal> {
    let places = projects.iter().map(|p| p.cost().places()).max().unwrap_or(0);
    let mut total: u128 = 0;
    for p in projects.iter().filter(|p| choices.contains(&p.code)) {
        total = total.checked_add(p.cost().rescale(places)?)?;
    }
    Some(Decimal::from_scaled(total, places))
}

/// The most points one project may receive: the budget's points (cumulative ballots).
fn points_cap(budget: &Budget) -> u64 {
    u64::try_from(budget.points).unwrap_or(0)
}

/// Checks a ballot against the budget's rules; every problem is a message a voter understands.
/// Every number in it comes from the voter, so every sum is checked: a ballot that passes has
/// known projects, each once, and (cumulative) points that add up exactly to the budget's, none
/// above it.
pub fn check(budget: &Budget, projects: &[BudgetProject], input: &BallotInput) -> Result<CheckedBallot> {
    let invalid = |msg: Msg| Err(Error::invalid("choices", msg));
    let ballot_type = budget.ballot_type();
    let cap = points_cap(budget);
    if let Some(code) = input.malformed.first() {
        return invalid(
            Msg::new("ballot-points-not-a-number")
                .arg("project", code)
                .arg("points", cap),
        );
    }
    if input.choices.len() > projects.len() {
        return invalid(Msg::new("ballot-more-than-projects").arg("projects", projects.len()));
    }
    let known: HashSet<&str> = projects.iter().map(|p| p.code.as_str()).collect();
    let mut chosen: BTreeMap<String, u64> = BTreeMap::new();
    for (i, code) in input.choices.iter().enumerate() {
        if !known.contains(code.as_str()) {
            return invalid(Msg::new("ballot-unknown-project"));
        }
        let points = match (ballot_type, input.points.get(i)) {
            (BallotType::Cumulative, None) => {
                return invalid(
                    Msg::new("ballot-points-not-a-number")
                        .arg("project", code)
                        .arg("points", cap),
                )
            }
            (BallotType::Cumulative, Some(p)) => *p,
            _ => 1,
        };
        if ballot_type == BallotType::Cumulative && points > cap {
            return invalid(
                Msg::new("ballot-points-per-project")
                    .arg("project", code)
                    .arg("points", cap),
            );
        }
        if chosen.insert(code.clone(), points).is_some() {
            return invalid(Msg::new("ballot-duplicate-project").arg("project", code));
        }
    }
    if ballot_type == BallotType::Cumulative {
        chosen.retain(|_, p| *p > 0);
    }
    let count = i32::try_from(chosen.len()).unwrap_or(i32::MAX);
    match ballot_type {
        BallotType::Approval => {
            if count < budget.min_choices.max(1) {
                return invalid(Msg::new("ballot-too-few").arg("min", budget.min_choices.max(1)));
            }
            if budget.max_choices > 0 && count > budget.max_choices {
                return invalid(Msg::new("ballot-too-many").arg("max", budget.max_choices));
            }
        }
        BallotType::Knapsack => {
            if count == 0 {
                return invalid(Msg::new("ballot-empty"));
            }
            let codes: Vec<String> = chosen.keys().cloned().collect();
            let Some(cost) = chosen_cost(projects, &codes) else {
                return invalid(Msg::new("ballot-cost-too-large").amount(
                    "budget",
                    budget.amount(),
                    &budget.currency,
                ));
            };
            if budget.amount().checked_sub(&cost).is_none() {
                return invalid(
                    Msg::new("ballot-over-budget")
                        .amount("total", cost, &budget.currency)
                        .amount("budget", budget.amount(), &budget.currency),
                );
            }
        }
        BallotType::Cumulative => {
            // Each entry is at most `cap` (≤ 10,000) and there are at most as many entries as
            // projects, so this cannot overflow; it is checked all the same.
            let total = chosen.values().try_fold(0u64, |sum, p| sum.checked_add(*p));
            if total != Some(cap) {
                return invalid(Msg::new("ballot-points").arg("points", budget.points).arg(
                    "given",
                    total.map_or_else(|| format!("> {}", u64::MAX), |t| t.to_string()),
                ));
            }
        }
        BallotType::Choose1 => {
            if count != 1 {
                return invalid(Msg::new("ballot-choose-one"));
            }
        }
    }
    let points = if ballot_type == BallotType::Cumulative {
        chosen.values().copied().collect()
    } else {
        Vec::new()
    };
    Ok(CheckedBallot {
        choices: chosen.into_keys().collect(),
        points,
    })
}

/// Whether a stored ballot can be counted in this budget: every project known and named once,
/// and (cumulative) as many points as projects, none above the budget's points and their sum
/// not either. Cast ballots always pass ([`check`] is stricter); an imported file or a ballot
/// stored by an older version may not, and is then set aside instead of making the whole
/// budget uncountable.
pub fn countable(budget: &Budget, known: &HashSet<&str>, projects: &[String], points: &[u64]) -> bool {
    let mut seen = HashSet::with_capacity(projects.len());
    if !projects
        .iter()
        .all(|p| known.contains(p.as_str()) && seen.insert(p.as_str()))
    {
        return false;
    }
    match budget.ballot_type() {
        BallotType::Cumulative => {
            let cap = points_cap(budget);
            points.len() == projects.len()
                && points
                    .iter()
                    .try_fold(0u64, |sum, p| if *p > cap { None } else { sum.checked_add(*p) })
                    .is_some_and(|total| total <= cap)
        }
        BallotType::Choose1 => projects.len() <= 1,
        BallotType::Approval | BallotType::Knapsack => true,
    }
}
