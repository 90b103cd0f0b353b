//! Outcome rules for participatory budgeting, one file per rule.
//!
//! All rules match pabutools 1.2.3 (the reference our tests check against):
//! - ties are broken by project id compared as a string, ascending (pabutools'
//!   `lexico_tie_breaking`); [`Profile`] numbers projects in that order, so "lower index wins";
//! - every comparison that can decide a winner is exact (integers, or MES's exact
//!   fractions, see `fraction.rs`); floating point is only used to *order* work, never to decide.

mod fraction;
mod greedy;
mod max_welfare;
mod mes;
mod mes_add1;
mod outcome;

pub use outcome::{NotSelected, NotSelectedReason, Outcome};

use crate::budgeting::profile::Profile;

/// How a voter's satisfaction with a funded project is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Utility {
    /// Satisfaction = cost of the funded projects one chose (pabutools `Cost_Sat`).
    Cost,
    /// Satisfaction = number of funded projects one chose (pabutools `Cardinality_Sat`).
    Approval,
}

impl Utility {
    /// Name used on the command line.
    pub fn name(&self) -> &'static str {
        match self {
            Utility::Cost => "cost",
            Utility::Approval => "approval",
        }
    }
}

/// A rule with its utility.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Greedy: best score per unit of utility first, skipping what no longer fits. With cost
    /// utility that is "most votes (points) first"; with approval utility "votes per cost".
    Greedy(Utility),
    /// Method of Equal Shares, no completion.
    Mes(Utility),
    /// MES raising every voter's share by one currency unit until exhaustive or over budget
    /// (pabutools `voter_budget_increment=1`), then greedy completion with the same utility.
    MesAdd1(Utility),
    /// A budget-feasible set with the largest total utility (exact).
    MaxUtility(Utility),
}

impl Rule {
    /// Command-line name of the rule.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::Greedy(_) => "greedy",
            Rule::Mes(_) => "mes",
            Rule::MesAdd1(_) => "mes-add1",
            Rule::MaxUtility(_) => "max-utility",
        }
    }

    /// The utility the rule uses.
    pub fn utility(&self) -> Utility {
        match *self {
            Rule::Greedy(u) | Rule::Mes(u) | Rule::MesAdd1(u) | Rule::MaxUtility(u) => u,
        }
    }

    /// Parses `greedy|mes|mes-add1|max-utility` with an optional utility (default: cost).
    pub fn parse(rule: &str, utility: Option<&str>) -> Option<Rule> {
        let utility = match utility.unwrap_or("cost") {
            "cost" => Utility::Cost,
            "approval" => Utility::Approval,
            _ => return None,
        };
        match rule {
            "greedy" => Some(Rule::Greedy(utility)),
            "mes" => Some(Rule::Mes(utility)),
            "mes-add1" => Some(Rule::MesAdd1(utility)),
            "max-utility" => Some(Rule::MaxUtility(utility)),
            _ => None,
        }
    }

    /// Every rule we offer, in the order the comparison page lists them.
    pub fn all() -> [Rule; 8] {
        use Utility::*;
        [
            Rule::Greedy(Cost),
            Rule::Greedy(Approval),
            Rule::Mes(Cost),
            Rule::Mes(Approval),
            Rule::MesAdd1(Cost),
            Rule::MesAdd1(Approval),
            Rule::MaxUtility(Cost),
            Rule::MaxUtility(Approval),
        ]
    }
}

/// Runs `rule` on `profile`.
pub fn run(profile: &Profile, rule: Rule) -> Outcome {
    match rule {
        Rule::Greedy(u) => greedy::outcome(profile, u),
        Rule::Mes(u) => mes::outcome(profile, u),
        Rule::MesAdd1(u) => mes_add1::outcome(profile, u),
        Rule::MaxUtility(u) => max_welfare::outcome(profile, u),
    }
}

/// The optimal total utility (Σ over funded projects of supporters × cost for cost utility,
/// of supporters for approval utility), on the profile's scale. Several sets may reach it.
pub fn max_utility_value(profile: &Profile, utility: Utility) -> u128 {
    max_welfare::solve(profile, utility).1
}
