//! Exact max-utility: a budget-feasible set with the largest total utility.
//!
//! This is a 0/1 knapsack: value = supporters × cost (cost utility) or supporters (approval
//! utility). We solve it exactly by depth-first branch and bound (Horowitz–Sahni): projects in
//! order of value per unit of cost, "take" explored before "leave", and a branch is cut when
//! even the fractional (LP) relaxation of what remains cannot beat the best set found. All
//! arithmetic is in integers, the bound rounded up, so the optimum is never cut away. Among
//! several optimal sets we keep the first one found in that order.

use std::cmp::Ordering;

use super::outcome::{NotSelectedReason, Outcome};
use super::{Rule, Utility};
use crate::budgeting::profile::Profile;

/// One project as the knapsack sees it. `value / cost = rate_num / rate_den`.
struct Item {
    project: u32,
    cost: u128,
    value: u128,
    rate_num: u128,
    rate_den: u128,
}

/// The optimal set (project indices) and its value.
pub(super) fn solve(profile: &Profile, utility: Utility) -> (Vec<u32>, u128) {
    let mut chosen_free = Vec::new();
    let mut free_value = 0u128;
    let mut items = Vec::new();
    for p in 0..profile.num_projects() {
        let supporters = u128::from(profile.supporters[p]);
        let cost = profile.costs[p];
        let (value, rate_num, rate_den) = match utility {
            Utility::Cost => (supporters * cost, supporters, 1),
            Utility::Approval => (supporters, supporters, cost),
        };
        if value == 0 || cost > profile.budget {
            continue;
        }
        if cost == 0 {
            chosen_free.push(p as u32);
            free_value += value;
            continue;
        }
        items.push(Item {
            project: p as u32,
            cost,
            value,
            rate_num,
            rate_den,
        });
    }
    // Best rate first; equal rates in index order (sort is stable).
    items.sort_by(
        |a, b| match (b.rate_num * a.rate_den).cmp(&(a.rate_num * b.rate_den)) {
            Ordering::Equal => Ordering::Equal,
            other => other,
        },
    );

    let mut search = Search {
        items: &items,
        best_value: 0,
        best: Vec::new(),
        taken: Vec::new(),
    };
    // Start from the greedy set so the bound cuts early.
    let mut room = profile.budget;
    let mut greedy_value = 0;
    for (k, item) in items.iter().enumerate() {
        if item.cost <= room {
            room -= item.cost;
            greedy_value += item.value;
            search.best.push(k);
        }
    }
    search.best_value = greedy_value;
    search.explore(0, profile.budget, 0);

    let mut selected = chosen_free;
    let mut picked: Vec<u32> = search.best.iter().map(|k| items[*k].project).collect();
    picked.sort_unstable();
    selected.extend(picked);
    (selected, free_value + search.best_value)
}

struct Search<'a> {
    items: &'a [Item],
    best_value: u128,
    best: Vec<usize>,
    taken: Vec<usize>,
}

impl Search<'_> {
    /// Upper bound on what items `from..` can add with `room` left (fractional relaxation).
    fn bound(&self, from: usize, mut room: u128) -> u128 {
        let mut total = 0;
        for item in &self.items[from..] {
            if item.cost <= room {
                room -= item.cost;
                total += item.value;
            } else {
                // Part of this item: rate × room, rounded up.
                total += (item.rate_num * room).div_ceil(item.rate_den);
                break;
            }
        }
        total
    }

    fn explore(&mut self, from: usize, room: u128, value: u128) {
        if value > self.best_value {
            self.best_value = value;
            self.best = self.taken.clone();
        }
        if from == self.items.len() || value + self.bound(from, room) <= self.best_value {
            return;
        }
        let item = &self.items[from];
        if item.cost <= room {
            self.taken.push(from);
            self.explore(from + 1, room - item.cost, value + item.value);
            self.taken.pop();
        }
        self.explore(from + 1, room, value);
    }
}

/// Max-utility outcome.
pub(super) fn outcome(profile: &Profile, utility: Utility) -> Outcome {
    let (selected, _) = solve(profile, utility);
    Outcome::build(profile, Rule::MaxUtility(utility), &selected, |_| {
        NotSelectedReason::NotInOptimalSet
    })
}
