//! MES with the "add1" completion, then greedy (the equalshares.net recommendation).
//!
//! pabutools `method_of_equal_shares(voter_budget_increment=1)` then
//! `greedy_utilitarian_welfare` on top: MES is run again and again, each time with every
//! voter's starting share one currency unit higher, until the outcome either spends more than
//! the real budget (then the previous outcome is kept) or is exhaustive (no project MES could
//! fund still fits in the real budget). Greedy then fills what is left.

use super::greedy;
use super::mes::{equal_shares, Setup};
use super::outcome::{NotSelectedReason, Outcome};
use super::{Rule, Utility};
use crate::budgeting::profile::Profile;

/// The MES part: funded projects and how many one-unit raises it took.
///
/// The raises are tried in order, as pabutools does, but a batch of consecutive raises is
/// computed at once on the available cores (each MES run is independent; each thread takes a run
/// of consecutive raises); the batch is then read in raise order, so the answer is exactly the
/// sequential one.
pub(super) fn raised_equal_shares(profile: &Profile, utility: Utility) -> (Vec<u32>, u64) {
    let setup = Setup::new(profile, utility);
    let unit = profile.currency_unit();
    // Threads pay off only when a batch is long enough to hide their start: a small election
    // needs thousands of raises of a few microseconds each, and starting threads for every raise
    // cost 20× the work (`docs/voting-rules.md`). The first run, timed, decides how many threads
    // and how many consecutive raises each computes (about 2 ms of work per thread and batch).
    let timed = std::time::Instant::now();
    let first = equal_shares(profile, &setup, 0);
    let one_run = timed.elapsed().as_secs_f64();
    let threads = if one_run < 150e-6 {
        1
    } else {
        std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8) as u64
    };
    let per_thread = ((2e-3 / one_run.max(1e-9)) as u64).clamp(1, 64);
    let mut first = Some(first);
    // Before any run, pabutools' "previous outcome" is the free projects alone.
    let mut previous: Vec<u32> = equal_shares_free_only(profile, &setup);
    let mut raises: u64 = 0;
    loop {
        let batch: Vec<Vec<u32>> = if let Some(first) = first.take() {
            vec![first]
        } else if threads == 1 {
            vec![equal_shares(profile, &setup, u128::from(raises) * unit)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads)
                    .map(|i| {
                        let setup = &setup;
                        let from = raises + i * per_thread;
                        scope.spawn(move || {
                            (from..from + per_thread)
                                .map(|r| equal_shares(profile, setup, u128::from(r) * unit))
                                .collect::<Vec<_>>()
                        })
                    })
                    .collect();
                // Thread i holds raises i·k … i·k + k − 1: joined in order, in raise order.
                handles
                    .into_iter()
                    .flat_map(|h| h.join().expect("an MES run does not panic"))
                    .collect()
            })
        };
        for selected in batch {
            let spent = profile.cost_of(&selected);
            if spent > profile.budget {
                return (previous, raises.saturating_sub(1));
            }
            let exhaustive = setup
                .candidates()
                .iter()
                .all(|p| selected.contains(p) || spent + profile.costs[*p as usize] > profile.budget);
            if exhaustive {
                return (selected, raises);
            }
            previous = selected;
            raises += 1;
        }
    }
}

/// Projects funded before MES starts (free ones with supporters).
fn equal_shares_free_only(profile: &Profile, setup: &Setup) -> Vec<u32> {
    (0..profile.num_projects() as u32)
        .filter(|p| profile.costs[*p as usize] == 0 && profile.supporters[*p as usize] > 0)
        .filter(|p| !setup.candidates().contains(p))
        .collect()
}

/// MES + add1 + greedy completion with the same utility.
pub(super) fn outcome(profile: &Profile, utility: Utility) -> Outcome {
    let (mut selected, raises) = raised_equal_shares(profile, utility);
    let (added, left) = greedy::complete(profile, utility, &selected);
    selected.extend(added);
    let mut outcome = Outcome::build(profile, Rule::MesAdd1(utility), &selected, |p| {
        NotSelectedReason::DidNotFitRemainingBudget {
            remaining: profile.amount(left[p as usize].unwrap_or(0)),
        }
    });
    outcome.budget_increments = Some(raises);
    outcome
}
