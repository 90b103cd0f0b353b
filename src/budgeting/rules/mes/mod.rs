//! Method of Equal Shares (pabutools `method_of_equal_shares`, binary satisfaction).
//!
//! Every voter starts with an equal share of the budget. Each round, for every project still
//! in the running, we compute its *affordability* ρ: the smallest factor such that supporters
//! paying `min(their money, ρ × satisfaction)` together cover the cost. The project with the
//! smallest ρ is funded (ties: lowest id), its supporters pay, and we go on until no project
//! can be paid for by its supporters.
//!
//! Exactness without slowness. Every supporter of a project gets the same satisfaction from it
//! (the cost, or 1), so a voter who was never short of money has exactly
//! `share − Σ price(p)` over the funded projects `p` on their ballot, where `price(p) = ρ(p) ×
//! satisfaction` is one exact fraction per funded project; a voter who once could not pay in full
//! has nothing left. We therefore keep one exact fraction per funded project, a flag per voter
//! group, and an `f64` copy of each budget to search with. Whenever a decision is closer than
//! [`TOLERANCE`] in `f64`, it is settled with exact fractions (sums over poor supporters become
//! integer counts times the per-project prices). Pick, ties and "does it fit" are thus decided
//! exactly, as pabutools does with Python fractions; `f64` only avoids most of the work.

mod run;

pub(super) use run::equal_shares;

use std::collections::HashMap;

use super::outcome::{NotSelectedReason, Outcome};
use super::{Rule, Utility};
use crate::budgeting::profile::Profile;

/// Relative gap under which an `f64` comparison is re-done exactly. Our `f64` errors are
/// around 1e-13 relative (sums of at most a few hundred thousand terms); this is far wider.
const TOLERANCE: f64 = 1e-9;

/// A group whose money falls below this fraction of the starting share gets its `f64` copy
/// recomputed from the exact value, so the copy stays accurate relative to what is left.
const REFRESH_BELOW: f64 = 1e-3;

/// Voters with identical ballots, counted once with a weight.
pub(super) struct Setup<'a> {
    /// Distinct non-empty ballots (borrowed from the profile, whose ballots are sorted).
    ballots: Vec<&'a [u32]>,
    /// How many voters cast each of them.
    weights: Vec<u64>,
    /// Per project, the groups that support it.
    supporters: Vec<Vec<u32>>,
    /// Per project, what one supporter's satisfaction is (cost or 1), and its total.
    satisfaction: Vec<u128>,
    /// Projects MES considers (satisfaction and a positive cost), in index order.
    candidates: Vec<u32>,
    /// Projects with supporters and no cost: funded before MES starts (as pabutools does).
    free: Vec<u32>,
    /// Number of voters, empty ballots included.
    voters: u64,
}

impl<'a> Setup<'a> {
    pub(super) fn new(profile: &'a Profile, utility: Utility) -> Setup<'a> {
        // Grouping is the whole cost of MES on a small election: borrowed keys and a fast
        // hasher (the keys are our own small integers, not attacker-chosen strings).
        let mut index: HashMap<&[u32], u32, rustc_hash::FxBuildHasher> =
            HashMap::with_capacity_and_hasher(profile.ballots.len() / 2, Default::default());
        let mut ballots: Vec<&[u32]> = Vec::new();
        let mut weights = Vec::new();
        for ballot in &profile.ballots {
            if ballot.is_empty() {
                continue;
            }
            let next = ballots.len() as u32;
            let g = *index.entry(ballot.as_slice()).or_insert(next);
            if g == next {
                ballots.push(ballot);
                weights.push(0);
            }
            weights[g as usize] += 1;
        }
        let n = profile.num_projects();
        let mut supporters = vec![Vec::new(); n];
        for (g, ballot) in ballots.iter().enumerate() {
            for p in ballot.iter() {
                supporters[*p as usize].push(g as u32);
            }
        }
        let satisfaction: Vec<u128> = (0..n)
            .map(|p| match utility {
                Utility::Cost => profile.costs[p],
                Utility::Approval => 1,
            })
            .collect();
        let mut candidates = Vec::new();
        let mut free = Vec::new();
        for p in 0..n {
            if supporters[p].is_empty() || satisfaction[p] == 0 {
                continue;
            }
            if profile.costs[p] > 0 {
                candidates.push(p as u32);
            } else {
                free.push(p as u32);
            }
        }
        Setup {
            ballots,
            weights,
            supporters,
            satisfaction,
            candidates,
            free,
            voters: profile.num_voters(),
        }
    }

    /// Projects MES may fund.
    pub(super) fn candidates(&self) -> &[u32] {
        &self.candidates
    }
}

/// Whether `a` and `b` are too close for `f64` to tell apart safely.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
}

/// MES outcome (no completion).
pub(super) fn outcome(profile: &Profile, utility: Utility) -> Outcome {
    let setup = Setup::new(profile, utility);
    let selected = equal_shares(profile, &setup, 0);
    Outcome::build(profile, Rule::Mes(utility), &selected, |_| {
        NotSelectedReason::SupportersCouldNotAfford
    })
}
