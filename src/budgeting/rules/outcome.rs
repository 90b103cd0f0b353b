//! What a rule decided, with the figures the results page shows.

use serde::Serialize;

use super::{Rule, Utility};
use crate::budgeting::amount::Decimal;
use crate::budgeting::profile::Profile;

/// Why a project was not funded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
pub enum NotSelectedReason {
    /// The project alone costs more than the whole budget.
    CostsMoreThanBudget,
    /// No ballot lists it.
    NoSupporters,
    /// Greedy reached it when less money was left than it costs.
    DidNotFitRemainingBudget {
        /// Money left at that moment.
        remaining: Decimal,
    },
    /// MES: its supporters' remaining shares could not pay for it together.
    SupportersCouldNotAfford,
    /// Max-utility: the optimal set found does not contain it.
    NotInOptimalSet,
}

/// A project left out and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotSelected {
    /// Project id.
    pub project: String,
    /// The reason.
    #[serde(flatten)]
    pub reason: NotSelectedReason,
}

/// The result of one rule on one election.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// Rule name (`greedy`, `mes`, `mes-add1`, `max-utility`).
    pub rule: &'static str,
    /// Utility the rule used.
    pub utility: Utility,
    /// Funded project ids, in the order the rule picked them.
    pub selected: Vec<String>,
    /// Total cost of the funded projects.
    pub cost: Decimal,
    /// The budget.
    pub budget: Decimal,
    /// Σ over funded projects of supporters × cost ("cost utility" welfare).
    pub cost_welfare: Decimal,
    /// Σ over funded projects of supporters ("approval utility" welfare).
    pub approval_welfare: u64,
    /// Number of voters.
    pub voters: u64,
    /// Voters with at least one funded project among those they chose.
    pub voters_with_funded_project: u64,
    /// Every project not funded, in id order, with the reason.
    pub not_selected: Vec<NotSelected>,
    /// MES with completion: how many times every voter's share was raised by one unit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_increments: Option<u64>,
}

impl Outcome {
    /// Gathers the figures for `selected` (project indices in pick order). `reason` is asked
    /// for every project not selected that has supporters and fits the budget on its own.
    pub(crate) fn build(
        profile: &Profile,
        rule: Rule,
        selected: &[u32],
        mut reason: impl FnMut(u32) -> NotSelectedReason,
    ) -> Outcome {
        let n = profile.num_projects();
        let mut funded = vec![false; n];
        for p in selected {
            funded[*p as usize] = true;
        }
        let cost: u128 = profile.cost_of(selected);
        let cost_welfare: u128 = selected
            .iter()
            .map(|p| u128::from(profile.supporters[*p as usize]) * profile.costs[*p as usize])
            .sum();
        let approval_welfare = selected.iter().map(|p| profile.supporters[*p as usize]).sum();
        let voters_with_funded_project = profile
            .ballots
            .iter()
            .filter(|b| b.iter().any(|p| funded[*p as usize]))
            .count() as u64;
        let not_selected = (0..n as u32)
            .filter(|p| !funded[*p as usize])
            .map(|p| NotSelected {
                project: profile.ids[p as usize].clone(),
                reason: if profile.costs[p as usize] > profile.budget {
                    NotSelectedReason::CostsMoreThanBudget
                } else if profile.supporters[p as usize] == 0 {
                    NotSelectedReason::NoSupporters
                } else {
                    reason(p)
                },
            })
            .collect();
        Outcome {
            rule: rule.name(),
            utility: rule.utility(),
            selected: selected
                .iter()
                .map(|p| profile.ids[*p as usize].clone())
                .collect(),
            cost: profile.amount(cost),
            budget: profile.amount(profile.budget),
            cost_welfare: profile.amount(cost_welfare),
            approval_welfare,
            voters: profile.num_voters(),
            voters_with_funded_project,
            not_selected,
            budget_increments: None,
        }
    }

    /// The welfare the rule's own utility measures, as a decimal text.
    pub fn welfare(&self) -> String {
        match self.utility {
            Utility::Cost => self.cost_welfare.to_string(),
            Utility::Approval => self.approval_welfare.to_string(),
        }
    }

    /// Share of the budget spent, in percent (display only).
    pub fn percent_budget_used(&self) -> f64 {
        percent(self.cost.to_f64(), self.budget.to_f64())
    }

    /// Share of voters with at least one funded project, in percent (display only).
    pub fn percent_voters_represented(&self) -> f64 {
        percent(self.voters_with_funded_project as f64, self.voters as f64)
    }
}

fn percent(part: f64, whole: f64) -> f64 {
    if whole == 0.0 {
        0.0
    } else {
        100.0 * part / whole
    }
}
