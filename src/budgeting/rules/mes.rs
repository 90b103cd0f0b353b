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

use std::cmp::Ordering;
use std::collections::HashMap;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

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
pub(super) struct Setup {
    /// Distinct non-empty ballots.
    ballots: Vec<Vec<u32>>,
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

impl Setup {
    pub(super) fn new(profile: &Profile, utility: Utility) -> Setup {
        let mut index: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut ballots = Vec::new();
        let mut weights = Vec::new();
        for ballot in &profile.ballots {
            if ballot.is_empty() {
                continue;
            }
            let mut key = ballot.clone();
            key.sort_unstable();
            let next = ballots.len() as u32;
            let g = *index.entry(key.clone()).or_insert(next);
            if g == next {
                ballots.push(key);
                weights.push(0);
            }
            weights[g as usize] += 1;
        }
        let n = profile.num_projects();
        let mut supporters = vec![Vec::new(); n];
        for (g, ballot) in ballots.iter().enumerate() {
            for p in ballot {
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

fn ratio(numerator: u128, denominator: u128) -> BigRational {
    BigRational::new(BigInt::from(numerator), BigInt::from(denominator))
}

fn int(value: u128) -> BigRational {
    BigRational::from_integer(BigInt::from(value))
}

fn to_f64(value: &BigRational) -> f64 {
    value.to_f64().unwrap_or(f64::INFINITY)
}

/// Whether `a` and `b` are too close for `f64` to tell apart safely.
fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= TOLERANCE * a.abs().max(b.abs())
}

/// One run of MES with a given starting share.
struct Run<'a> {
    setup: &'a Setup,
    profile: &'a Profile,
    /// Each voter's starting money, exact and approximate.
    share: BigRational,
    share_f: f64,
    /// Per group: money left (approximate) and whether it ran out.
    money: Vec<f64>,
    broke: Vec<bool>,
    /// Per funded project: what each supporter paid (exact).
    price: Vec<Option<BigRational>>,
}

impl<'a> Run<'a> {
    /// A group's money, exact.
    fn exact_money(&self, g: u32) -> BigRational {
        if self.broke[g as usize] {
            return BigRational::zero();
        }
        let mut money = self.share.clone();
        for p in &self.setup.ballots[g as usize] {
            if let Some(price) = &self.price[*p as usize] {
                money -= price;
            }
        }
        money
    }

    /// Exact total money of `groups` (none broke): Σ weight × (share − Σ prices), computed as
    /// (Σ weight) × share − Σ over funded projects of price × (weight of groups that paid it).
    fn exact_total(&self, groups: impl Iterator<Item = u32>) -> BigRational {
        let mut weight: u128 = 0;
        let mut paid: HashMap<u32, u128> = HashMap::new();
        for g in groups {
            let w = u128::from(self.setup.weights[g as usize]);
            weight += w;
            for p in &self.setup.ballots[g as usize] {
                if self.price[*p as usize].is_some() {
                    *paid.entry(*p).or_default() += w;
                }
            }
        }
        let mut total = &self.share * int(weight);
        for (p, w) in paid {
            if let Some(price) = &self.price[p as usize] {
                total -= price * int(w);
            }
        }
        total
    }

    /// Supporters of `p` who still have money.
    fn paying_supporters(&self, p: u32) -> impl Iterator<Item = u32> + '_ {
        self.setup.supporters[p as usize]
            .iter()
            .copied()
            .filter(|g| !self.broke[*g as usize])
    }

    /// Whether `p`'s supporters together still have its cost (exact when close).
    fn affordable(&self, p: u32) -> bool {
        let cost = self.profile.costs[p as usize];
        let total: f64 = self
            .paying_supporters(p)
            .map(|g| self.setup.weights[g as usize] as f64 * self.money[g as usize])
            .sum();
        if !close(total, cost as f64) {
            return total > cost as f64;
        }
        self.exact_total(self.paying_supporters(p)) >= int(cost)
    }

    /// ρ of `p` in `f64`: supporters by money ascending; the first who can pay ρ × satisfaction
    /// with ρ = (cost − what the poorer ones gave) / (satisfaction of the rest) fixes ρ.
    fn approximate_rho(&self, p: u32) -> f64 {
        let s = self.setup.satisfaction[p as usize] as f64;
        let mut groups: Vec<(f64, f64)> = self
            .paying_supporters(p)
            .map(|g| (self.money[g as usize], self.setup.weights[g as usize] as f64))
            .collect();
        groups.sort_by(|a, b| a.0.total_cmp(&b.0));
        let mut remaining = self.profile.costs[p as usize] as f64;
        let mut denominator: f64 = groups.iter().map(|(_, w)| w * s).sum();
        let mut rho = f64::INFINITY;
        for (money, weight) in groups {
            rho = remaining / denominator;
            if rho * s <= money {
                return rho;
            }
            remaining -= weight * money;
            denominator -= weight * s;
        }
        rho
    }

    /// ρ of `p`, exact. The `f64` estimate splits supporters into those who pay everything they
    /// have ("poor") and those who pay ρ × satisfaction; only supporters near the threshold are
    /// checked exactly, and the split is corrected until it is consistent.
    fn exact_rho(&self, p: u32, estimate: f64) -> BigRational {
        let s = self.setup.satisfaction[p as usize];
        let cost = self.profile.costs[p as usize];
        let threshold = estimate * s as f64;
        let mut poor: Vec<u32> = Vec::new();
        let mut rich: Vec<u32> = Vec::new();
        let mut unsure: Vec<u32> = Vec::new();
        for g in self.paying_supporters(p) {
            let money = self.money[g as usize];
            if close(money, threshold) {
                unsure.push(g);
            } else if money < threshold {
                poor.push(g);
            } else {
                rich.push(g);
            }
        }
        let unsure_money: Vec<BigRational> = unsure.iter().map(|g| self.exact_money(*g)).collect();
        // Start with every unsure group counted as rich; move the ones that cannot pay.
        let mut unsure_poor = vec![false; unsure.len()];
        for _ in 0..=unsure.len() {
            let poor_groups = poor.iter().copied().chain(
                unsure
                    .iter()
                    .zip(&unsure_poor)
                    .filter(|(_, is_poor)| **is_poor)
                    .map(|(g, _)| *g),
            );
            let given = self.exact_total(poor_groups);
            let rich_weight: u128 = rich
                .iter()
                .chain(
                    unsure
                        .iter()
                        .zip(&unsure_poor)
                        .filter(|(_, is_poor)| !**is_poor)
                        .map(|(g, _)| g),
                )
                .map(|g| u128::from(self.setup.weights[*g as usize]))
                .sum();
            if rich_weight == 0 {
                break;
            }
            let rho = (int(cost) - given) / int(rich_weight * s);
            let pays = &rho * int(s);
            let mut changed = false;
            for (k, money) in unsure_money.iter().enumerate() {
                let now_poor = *money < pays;
                if now_poor != unsure_poor[k] {
                    unsure_poor[k] = now_poor;
                    changed = true;
                }
            }
            if !changed && close(to_f64(&rho), estimate) {
                return rho;
            }
        }
        // The estimate was off (should not happen): do it all exactly.
        self.exact_rho_slow(p)
    }

    /// ρ of `p` with exact money for every supporter (the textbook computation).
    fn exact_rho_slow(&self, p: u32) -> BigRational {
        let s = int(self.setup.satisfaction[p as usize]);
        let mut groups: Vec<(BigRational, u128)> = self
            .paying_supporters(p)
            .map(|g| (self.exact_money(g), u128::from(self.setup.weights[g as usize])))
            .collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let mut remaining = int(self.profile.costs[p as usize]);
        let mut denominator: u128 = groups
            .iter()
            .map(|(_, w)| w * self.setup.satisfaction[p as usize])
            .sum();
        let mut rho = BigRational::zero();
        for (money, weight) in groups {
            rho = &remaining / int(denominator);
            if &rho * &s <= money {
                return rho;
            }
            remaining -= money * int(weight);
            denominator -= weight * self.setup.satisfaction[p as usize];
        }
        rho
    }

    /// Funds `p` at affordability `rho`: each supporter pays ρ × satisfaction or all they have.
    fn fund(&mut self, p: u32, rho: &BigRational) {
        let price = rho * int(self.setup.satisfaction[p as usize]);
        let approx = to_f64(&price);
        let groups: Vec<u32> = self.paying_supporters(p).collect();
        for g in groups {
            let money = self.money[g as usize];
            let runs_out = if close(money, approx) {
                self.exact_money(g) <= price
            } else {
                money < approx
            };
            if runs_out {
                self.broke[g as usize] = true;
                self.money[g as usize] = 0.0;
            } else if money - approx < self.share_f * REFRESH_BELOW {
                // Little money left: a subtraction in f64 would lose most of its digits, so
                // take the copy from the exact value instead.
                self.money[g as usize] = to_f64(&(self.exact_money(g) - &price));
            } else {
                self.money[g as usize] = money - approx;
            }
        }
        self.price[p as usize] = Some(price);
    }
}

/// Runs MES where every voter starts with `budget / voters + extra` (scaled amounts).
/// Returns the funded projects in the order they were picked.
pub(super) fn equal_shares(profile: &Profile, setup: &Setup, extra_per_voter: u128) -> Vec<u32> {
    let mut selected: Vec<u32> = setup.free.clone();
    let voters = u128::from(setup.voters.max(1));
    let share = ratio(profile.budget + extra_per_voter * voters, voters);
    let share_f = to_f64(&share);
    let mut run = Run {
        setup,
        profile,
        money: vec![share_f; setup.ballots.len()],
        broke: vec![false; setup.ballots.len()],
        price: vec![None; profile.num_projects()],
        share,
        share_f,
    };
    // Lower bounds on ρ: it only grows as supporters spend money.
    let mut in_running: Vec<(f64, u32)> = setup
        .candidates
        .iter()
        .map(|p| {
            let total: u128 = setup.supporters[*p as usize]
                .iter()
                .map(|g| u128::from(setup.weights[*g as usize]) * setup.satisfaction[*p as usize])
                .sum();
            (profile.costs[*p as usize] as f64 / total as f64, *p)
        })
        .collect();
    loop {
        in_running.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        let mut best = f64::INFINITY;
        let mut contenders: Vec<(f64, u32)> = Vec::new();
        let mut still: Vec<(f64, u32)> = Vec::with_capacity(in_running.len());
        let mut k = 0;
        while k < in_running.len() {
            let (bound, p) = in_running[k];
            k += 1;
            if bound > best && !close(bound, best) {
                still.push((bound, p));
                still.extend_from_slice(&in_running[k..]);
                break;
            }
            if !run.affordable(p) {
                continue;
            }
            let rho = run.approximate_rho(p).max(bound);
            still.push((rho, p));
            if rho < best {
                best = rho;
            }
            contenders.push((rho, p));
        }
        in_running = still;
        contenders.retain(|(rho, _)| *rho <= best || close(*rho, best));
        if contenders.is_empty() {
            return selected;
        }
        // Settle the pick exactly; equal ρ goes to the lowest index (id order).
        let mut pick: Option<(BigRational, u32)> = None;
        for (estimate, p) in contenders {
            let rho = run.exact_rho(p, estimate);
            let better = match &pick {
                None => true,
                Some((best_rho, best_p)) => match rho.cmp(best_rho) {
                    Ordering::Less => true,
                    Ordering::Equal => p < *best_p,
                    Ordering::Greater => false,
                },
            };
            if better {
                pick = Some((rho, p));
            }
        }
        let (rho, p) = pick.expect("at least one contender");
        run.fund(p, &rho);
        selected.push(p);
        in_running.retain(|(_, q)| *q != p);
    }
}

/// MES outcome (no completion).
pub(super) fn outcome(profile: &Profile, utility: Utility) -> Outcome {
    let setup = Setup::new(profile, utility);
    let selected = equal_shares(profile, &setup, 0);
    Outcome::build(profile, Rule::Mes(utility), &selected, |_| {
        NotSelectedReason::SupportersCouldNotAfford
    })
}
