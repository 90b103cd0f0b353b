//! Greedy: rank projects by satisfaction per unit of cost, fund each one that still fits.
//!
//! pabutools' `greedy_utilitarian_welfare`: a project's total satisfaction is its score × cost
//! (cost utility) or its score (approval utility); the ranking key is that total divided by the
//! cost (∞ for a free project with satisfaction, 0 without satisfaction). Ties keep id order.
//! Every project is then walked in that order and funded if its cost fits what is left, so a
//! project ranked lower can still be funded after a more expensive one was skipped.

use std::cmp::Ordering;

use super::outcome::{NotSelectedReason, Outcome};
use super::{Rule, Utility};
use crate::budgeting::profile::Profile;

/// A project's ranking key as an exact fraction `numerator / denominator`; a zero
/// denominator with a positive numerator stands for infinity.
#[derive(Clone, Copy)]
struct Density {
    numerator: u128,
    denominator: u128,
}

impl Density {
    fn of(profile: &Profile, utility: Utility, project: usize) -> Density {
        let cost = profile.costs[project];
        let total = match utility {
            Utility::Cost => profile.score[project] * cost,
            Utility::Approval => profile.score[project],
        };
        if total == 0 {
            Density {
                numerator: 0,
                denominator: 1,
            }
        } else {
            Density {
                numerator: total,
                denominator: cost,
            }
        }
    }

    /// Exact comparison by cross-multiplication (both sides stay below 2^128: totals are
    /// below 2^93 and costs below 2^53, see `profile`).
    fn cmp(&self, other: &Density) -> Ordering {
        match (self.denominator == 0, other.denominator == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => (self.numerator * other.denominator).cmp(&(other.numerator * self.denominator)),
        }
    }
}

/// The order greedy walks: best density first, ties by index (= id order).
pub(super) fn ranking(profile: &Profile, utility: Utility) -> Vec<u32> {
    let densities: Vec<Density> = (0..profile.num_projects())
        .map(|p| Density::of(profile, utility, p))
        .collect();
    let mut order: Vec<u32> = (0..profile.num_projects() as u32).collect();
    // `sort_by` is stable, so equal densities stay in index order.
    order.sort_by(|a, b| densities[*b as usize].cmp(&densities[*a as usize]));
    order
}

/// Walks `ranking` on top of `already` (projects funded before), funding what fits.
/// Returns the projects added and, for each skipped project, the money left when it was reached.
pub(super) fn complete(
    profile: &Profile,
    utility: Utility,
    already: &[u32],
) -> (Vec<u32>, Vec<Option<u128>>) {
    let mut funded = vec![false; profile.num_projects()];
    for p in already {
        funded[*p as usize] = true;
    }
    let mut remaining = profile.budget.saturating_sub(profile.cost_of(already));
    let mut added = Vec::new();
    let mut left_when_skipped = vec![None; profile.num_projects()];
    for p in ranking(profile, utility) {
        if funded[p as usize] {
            continue;
        }
        let cost = profile.costs[p as usize];
        if cost <= remaining {
            remaining -= cost;
            funded[p as usize] = true;
            added.push(p);
        } else {
            left_when_skipped[p as usize] = Some(remaining);
        }
    }
    (added, left_when_skipped)
}

/// Greedy outcome.
pub(super) fn outcome(profile: &Profile, utility: Utility) -> Outcome {
    let (selected, left) = complete(profile, utility, &[]);
    Outcome::build(profile, Rule::Greedy(utility), &selected, |p| {
        NotSelectedReason::DidNotFitRemainingBudget {
            remaining: profile.amount(left[p as usize].unwrap_or(0)),
        }
    })
}
