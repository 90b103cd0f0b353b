//! One run of MES with a given starting share: rounds of affordability, with `f64` search and
//! exact settlement of close decisions (the module above explains why this is exact).

use std::cell::RefCell;
use std::cmp::Ordering;
use std::collections::HashMap;

use super::{close, Setup, REFRESH_BELOW};
use crate::budgeting::profile::Profile;
use crate::budgeting::rules::fraction::Fraction;

/// How a funded project's price is known: exactly, or as the inputs that determine it.
///
/// Most runs never need an exact price (no decision comes close enough), so a price is kept
/// as its recipe, `(cost − money of the supporters who paid all they had) / weight of the
/// others`, and computed only when an exact comparison asks for it. The supporters who paid
/// all they had still had the full price of every project funded before, so their money is
/// `share − Σ prices` over their ballot's projects funded earlier: the recipe stays exact.
#[derive(Clone)]
enum Price {
    Exact(Fraction),
    Recipe {
        cost: u128,
        poor: Vec<u32>,
        rich_weight: u128,
    },
}

/// One run of MES with a given starting share.
struct Run<'a> {
    setup: &'a Setup<'a>,
    profile: &'a Profile,
    /// Each voter's starting money, exact and approximate.
    share: Fraction,
    share_f: f64,
    /// Per group: money left (approximate) and whether it ran out.
    money: Vec<f64>,
    broke: Vec<bool>,
    /// Per funded project: what each paying supporter paid, and in which round it was funded.
    price: Vec<Option<Price>>,
    round: Vec<usize>,
    /// Exact prices computed from recipes so far.
    exact: RefCell<Vec<Option<Fraction>>>,
    rounds: usize,
}

impl<'a> Run<'a> {
    /// The exact price of funded project `p` (computed from its recipe on first use).
    fn exact_price(&self, p: u32) -> Fraction {
        if let Some(known) = &self.exact.borrow()[p as usize] {
            return known.clone();
        }
        let price = self.price[p as usize].as_ref().expect("a funded project");
        let value = self.value_of(price, self.round[p as usize]);
        self.exact.borrow_mut()[p as usize] = Some(value.clone());
        value
    }

    /// The exact value of a price decided in round `round` (what its poor supporters had then
    /// counts only the projects funded before it).
    fn value_of(&self, price: &Price, round: usize) -> Fraction {
        match price {
            Price::Exact(v) => v.clone(),
            Price::Recipe {
                cost,
                poor,
                rich_weight,
            } => {
                let given = self.exact_total_before(poor.iter().copied(), round);
                Fraction::int(*cost).sub(&given).over(*rich_weight)
            }
        }
    }

    fn funded_before(&self, q: u32, round: usize) -> bool {
        self.price[q as usize].is_some() && self.round[q as usize] < round
    }

    /// A group's money, exact.
    fn exact_money(&self, g: u32) -> Fraction {
        if self.broke[g as usize] {
            return Fraction::zero();
        }
        let mut money = self.share.clone();
        for p in self.setup.ballots[g as usize] {
            if self.price[*p as usize].is_some() {
                money = money.sub(&self.exact_price(*p));
            }
        }
        money
    }

    /// Exact total money of `groups` (none broke): Σ weight × (share − Σ prices), computed as
    /// (Σ weight) × share − Σ over funded projects of price × (weight of groups that paid it).
    fn exact_total(&self, groups: impl Iterator<Item = u32>) -> Fraction {
        self.exact_total_before(groups, usize::MAX)
    }

    /// [`Run::exact_total`] as it was before round `round` (projects funded later not paid yet).
    fn exact_total_before(&self, groups: impl Iterator<Item = u32>, round: usize) -> Fraction {
        let mut weight: u128 = 0;
        let mut paid: HashMap<u32, u128> = HashMap::new();
        for g in groups {
            let w = u128::from(self.setup.weights[g as usize]);
            weight += w;
            for p in self.setup.ballots[g as usize] {
                if self.funded_before(*p, round) {
                    *paid.entry(*p).or_default() += w;
                }
            }
        }
        let mut total = self.share.times(weight);
        for (p, w) in paid {
            total = total.sub(&self.exact_price(p).times(w));
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
        self.exact_total(self.paying_supporters(p)) >= Fraction::int(cost)
    }

    /// ρ of `p` in `f64`: the ρ at which supporters paying `min(money, ρ × satisfaction)` cover
    /// the cost. Start as if everyone paid in full; whoever cannot is moved to "pays all they
    /// have", which raises ρ; repeat until nobody else falls short. ρ only grows, so each group
    /// moves once and this ends after a few passes (no sorting: this runs for every candidate
    /// of every round of every raise).
    fn approximate_rho(&self, p: u32) -> f64 {
        let s = self.setup.satisfaction[p as usize] as f64;
        let cost = self.profile.costs[p as usize] as f64;
        let mut rho = 0.0;
        loop {
            let mut given = 0.0;
            let mut rich_weight = 0.0;
            for g in self.paying_supporters(p) {
                let (money, weight) = (self.money[g as usize], self.setup.weights[g as usize] as f64);
                if money < rho * s {
                    given += weight * money;
                } else {
                    rich_weight += weight;
                }
            }
            if rich_weight == 0.0 {
                return rho;
            }
            let next = (cost - given) / (rich_weight * s);
            if next <= rho {
                return rho;
            }
            rho = next;
        }
    }

    /// The price of `p` at affordability `estimate`. Supporters far from the threshold are
    /// "poor" (pay all they have) or "rich" (pay the price) by `f64`; when none is near it, the
    /// split is certain and the price is returned as a recipe, with no big-number work. Near the
    /// threshold, the split is settled exactly.
    fn price_of(&self, p: u32, estimate: f64) -> Price {
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
        let weight = |groups: &[u32]| -> u128 {
            groups
                .iter()
                .map(|g| u128::from(self.setup.weights[*g as usize]))
                .sum()
        };
        if unsure.is_empty() && !rich.is_empty() {
            return Price::Recipe {
                cost,
                rich_weight: weight(&rich),
                poor,
            };
        }
        let unsure_money: Vec<Fraction> = unsure.iter().map(|g| self.exact_money(*g)).collect();
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
            let rich_weight: u128 = weight(&rich)
                + unsure
                    .iter()
                    .zip(&unsure_poor)
                    .filter(|(_, is_poor)| !**is_poor)
                    .map(|(g, _)| u128::from(self.setup.weights[*g as usize]))
                    .sum::<u128>();
            if rich_weight == 0 {
                break;
            }
            let price = Fraction::int(cost).sub(&given).over(rich_weight);
            let mut changed = false;
            for (k, money) in unsure_money.iter().enumerate() {
                let now_poor = *money < price;
                if now_poor != unsure_poor[k] {
                    unsure_poor[k] = now_poor;
                    changed = true;
                }
            }
            if !changed && close(price.to_f64() / s as f64, estimate) {
                return Price::Exact(price);
            }
        }
        // The estimate was off (should not happen): do it all exactly.
        Price::Exact(self.exact_rho_slow(p).times(s))
    }

    /// ρ of `p` with exact money for every supporter (the textbook computation).
    fn exact_rho_slow(&self, p: u32) -> Fraction {
        let s = self.setup.satisfaction[p as usize];
        let mut groups: Vec<(Fraction, u128)> = self
            .paying_supporters(p)
            .map(|g| (self.exact_money(g), u128::from(self.setup.weights[g as usize])))
            .collect();
        groups.sort_by(|a, b| a.0.cmp(&b.0));
        let mut remaining = Fraction::int(self.profile.costs[p as usize]);
        let mut denominator: u128 = groups.iter().map(|(_, w)| w * s).sum();
        let mut rho = Fraction::zero();
        for (money, weight) in groups {
            rho = remaining.over(denominator);
            if rho.times(s) <= money {
                return rho;
            }
            remaining = remaining.sub(&money.times(weight));
            denominator -= weight * s;
        }
        rho
    }

    /// The exact ρ a price stands for (price / satisfaction).
    fn exact_rho_of(&self, p: u32, price: &Price) -> Fraction {
        // Not funded yet: it would be decided in the coming round.
        self.value_of(price, self.rounds)
            .over(self.setup.satisfaction[p as usize])
    }

    /// Funds `p` at `price` (≈ `approx` in `f64`): each supporter pays it or all they have.
    fn fund(&mut self, p: u32, price: Price, approx: f64) {
        let groups: Vec<u32> = self.paying_supporters(p).collect();
        self.price[p as usize] = Some(price);
        self.round[p as usize] = self.rounds;
        self.rounds += 1;
        for g in groups {
            let money = self.money[g as usize];
            // p is already counted in the exact money: nothing left means it took all they had.
            let runs_out = if close(money, approx) {
                self.exact_money(g) <= Fraction::zero()
            } else {
                money < approx
            };
            if runs_out {
                self.broke[g as usize] = true;
                self.money[g as usize] = 0.0;
            } else if money - approx < self.share_f * REFRESH_BELOW {
                // Little money left: a subtraction in f64 would lose most of its digits, so
                // take the copy from the exact value instead.
                self.money[g as usize] = self.exact_money(g).to_f64();
            } else {
                self.money[g as usize] = money - approx;
            }
        }
    }
}

/// Runs MES where every voter starts with `budget / voters + extra` (scaled amounts).
/// Returns the funded projects in the order they were picked.
pub(in crate::budgeting::rules) fn equal_shares(
    profile: &Profile,
    setup: &Setup,
    extra_per_voter: u128,
) -> Vec<u32> {
    let mut selected: Vec<u32> = setup.free.clone();
    let voters = u128::from(setup.voters.max(1));
    let share = Fraction::ratio(profile.budget + extra_per_voter * voters, voters);
    let share_f = share.to_f64();
    let n = profile.num_projects();
    let mut run = Run {
        setup,
        profile,
        money: vec![share_f; setup.ballots.len()],
        broke: vec![false; setup.ballots.len()],
        price: vec![None; n],
        round: vec![usize::MAX; n],
        exact: RefCell::new(vec![None; n]),
        rounds: 0,
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
        // One clear winner needs no exact work; near-ties are settled exactly, equal ρ going
        // to the lowest index (id order).
        let (p, price, estimate) = if contenders.len() == 1 {
            let (estimate, p) = contenders[0];
            (p, run.price_of(p, estimate), estimate)
        } else {
            let mut pick: Option<(Fraction, u32, Price, f64)> = None;
            for (estimate, p) in contenders {
                let price = run.price_of(p, estimate);
                let rho = run.exact_rho_of(p, &price);
                let better = match &pick {
                    None => true,
                    Some((best_rho, best_p, _, _)) => match rho.cmp(best_rho) {
                        Ordering::Less => true,
                        Ordering::Equal => p < *best_p,
                        Ordering::Greater => false,
                    },
                };
                if better {
                    pick = Some((rho, p, price, estimate));
                }
            }
            let (_, p, price, estimate) = pick.expect("at least one contender");
            (p, price, estimate)
        };
        let approx = estimate * setup.satisfaction[p as usize] as f64;
        run.fund(p, price, approx);
        selected.push(p);
        in_running.retain(|(_, q)| *q != p);
    }
}
