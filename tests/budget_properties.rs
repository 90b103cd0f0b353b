//! Property tests of the budgeting rules on random small elections.
//!
//! Besides the properties the rules promise (within budget, greedy exhaustive, independent of
//! ballot order, max-utility is optimal), Method of Equal Shares is compared with a direct,
//! slow, all-rational implementation of its definition written here, so the fast version's
//! floating-point search with exact settlement is checked on many more shapes than the real files.

use std::collections::BTreeSet;

use num_rational::BigRational;
use num_traits::{One, Zero};
use plenum::budgeting::{pabulib, rules, Profile, Rule, Utility};
use proptest::prelude::*;

/// A random election: costs (in tenths), a budget, and each ballot as a set of project indices.
#[derive(Debug, Clone)]
struct Random {
    costs_tenths: Vec<u32>,
    budget: u32,
    ballots: Vec<Vec<usize>>,
}

impl Random {
    fn text(&self) -> String {
        let mut t = format!(
            "META\nkey;value\nbudget;{}\nvote_type;approval\nPROJECTS\nproject_id;cost\n",
            self.budget
        );
        for (i, c) in self.costs_tenths.iter().enumerate() {
            t += &format!("p{i};{}.{}\n", c / 10, c % 10);
        }
        t += "VOTES\nvoter_id;vote\n";
        for (v, b) in self.ballots.iter().enumerate() {
            let ids: Vec<String> = b.iter().map(|p| format!("p{p}")).collect();
            t += &format!("{v};{}\n", ids.join(","));
        }
        t
    }

    fn profile(&self) -> Profile {
        Profile::new(&pabulib::parse_str(&self.text()).expect("generated file parses")).unwrap()
    }
}

fn election() -> impl Strategy<Value = Random> {
    (1usize..8)
        .prop_flat_map(|projects| {
            (
                prop::collection::vec(10u32..1500, projects),
                20u32..300,
                prop::collection::vec(prop::collection::btree_set(0..projects, 0..=projects), 1..25),
            )
        })
        .prop_map(|(costs_tenths, budget, ballots)| Random {
            costs_tenths,
            budget,
            ballots: ballots.into_iter().map(|b| b.into_iter().collect()).collect(),
        })
}

fn scaled(profile: &Profile, d: &plenum::budgeting::amount::Decimal) -> u128 {
    d.rescale(profile.places).unwrap()
}

/// Method of Equal Shares straight from its definition, every number a rational.
fn reference_mes(profile: &Profile, utility: Utility) -> BTreeSet<String> {
    let voters = profile.ballots.len();
    let n = profile.num_projects();
    let mut budget: Vec<BigRational> =
        vec![BigRational::new(profile.budget.into(), (voters as u64).into()); voters];
    let util = |p: usize| -> BigRational {
        match utility {
            Utility::Cost => BigRational::from_integer(profile.costs[p].into()),
            Utility::Approval => BigRational::one(),
        }
    };
    let mut selected = BTreeSet::new();
    let mut candidates: Vec<usize> = (0..n).filter(|p| profile.supporters[*p] > 0).collect();
    loop {
        // Drop what the supporters can no longer afford; find the smallest rho among the rest.
        let mut best: Option<(BigRational, usize)> = None;
        candidates.retain(|&p| {
            let cost = BigRational::from_integer(profile.costs[p].into());
            let mut supporters: Vec<usize> = (0..voters)
                .filter(|v| profile.ballots[*v].contains(&(p as u32)))
                .collect();
            let total: BigRational = supporters.iter().map(|v| budget[*v].clone()).sum();
            if total < cost {
                return false;
            }
            let u = util(p);
            supporters.sort_by(|a, b| budget[*a].cmp(&budget[*b]));
            let mut paid = BigRational::zero();
            let mut rest = supporters.len();
            for v in &supporters {
                let rho = (&cost - &paid) / (&u * BigRational::from_integer(rest.into()));
                if &rho * &u <= budget[*v] {
                    if best.as_ref().is_none_or(|(b, _)| rho < *b) {
                        best = Some((rho, p));
                    }
                    break;
                }
                paid += &budget[*v];
                rest -= 1;
            }
            true
        });
        let Some((rho, p)) = best else { break };
        let pay = &rho * util(p);
        for (ballot, share) in profile.ballots.iter().zip(budget.iter_mut()) {
            if ballot.contains(&(p as u32)) {
                *share = if *share < pay {
                    BigRational::zero()
                } else {
                    &*share - &pay
                };
            }
        }
        selected.insert(profile.ids[p].clone());
        candidates.retain(|c| *c != p);
    }
    selected
}

/// Elections built to tie: few distinct costs and few distinct ballots, so many projects have
/// exactly the same ρ and supporters run out of money at exactly the same moment.
fn tied_election() -> impl Strategy<Value = Random> {
    (2usize..7)
        .prop_flat_map(|projects| {
            (
                prop::collection::vec(prop::sample::select(vec![100u32, 200, 300, 600]), projects),
                prop::sample::select(vec![30u32, 60, 90, 120]),
                prop::collection::vec(
                    prop::collection::btree_set(0..projects, 1..=projects.min(3)),
                    1..4,
                ),
                prop::collection::vec(0usize..4, 2..30),
            )
        })
        .prop_map(|(costs_tenths, budget, patterns, picks)| Random {
            costs_tenths,
            budget,
            ballots: picks
                .iter()
                .map(|i| patterns[i % patterns.len()].iter().copied().collect())
                .collect(),
        })
}

const RULES: [Rule; 8] = [
    Rule::Greedy(Utility::Cost),
    Rule::Greedy(Utility::Approval),
    Rule::Mes(Utility::Cost),
    Rule::Mes(Utility::Approval),
    Rule::MesAdd1(Utility::Cost),
    Rule::MesAdd1(Utility::Approval),
    Rule::MaxUtility(Utility::Cost),
    Rule::MaxUtility(Utility::Approval),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn every_outcome_fits_the_budget_and_funds_each_project_once(e in election()) {
        let profile = e.profile();
        for rule in RULES {
            let o = rules::run(&profile, rule);
            prop_assert!(scaled(&profile, &o.cost) <= profile.budget, "{:?} over budget", rule);
            let distinct: BTreeSet<_> = o.selected.iter().collect();
            prop_assert_eq!(distinct.len(), o.selected.len());
            prop_assert_eq!(o.selected.len() + o.not_selected.len(), profile.num_projects());
        }
    }

    #[test]
    fn greedy_and_completed_mes_leave_nothing_that_still_fits(e in election()) {
        let profile = e.profile();
        for rule in [Rule::Greedy(Utility::Cost), Rule::Greedy(Utility::Approval),
                     Rule::MesAdd1(Utility::Cost), Rule::MesAdd1(Utility::Approval)] {
            let o = rules::run(&profile, rule);
            let left = profile.budget - scaled(&profile, &o.cost);
            for n in &o.not_selected {
                let i = profile.ids.iter().position(|id| *id == n.project).unwrap();
                prop_assert!(profile.costs[i] > left || profile.supporters[i] == 0,
                    "{:?}: {} still fits", rule, n.project);
            }
        }
    }

    #[test]
    fn the_order_of_ballots_does_not_change_the_outcome(e in election(), seed in any::<u64>()) {
        let mut shuffled = e.clone();
        // A deterministic shuffle from the seed (Fisher-Yates with an LCG).
        let mut s = seed;
        for i in (1..shuffled.ballots.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.ballots.swap(i, (s >> 33) as usize % (i + 1));
        }
        let (a, b) = (e.profile(), shuffled.profile());
        for rule in RULES {
            let x: BTreeSet<_> = rules::run(&a, rule).selected.into_iter().collect();
            let y: BTreeSet<_> = rules::run(&b, rule).selected.into_iter().collect();
            prop_assert_eq!(x, y, "{:?}", rule);
        }
    }

    #[test]
    fn max_utility_is_at_least_every_other_rule(e in election()) {
        let profile = e.profile();
        let best_cost = rules::max_utility_value(&profile, Utility::Cost);
        let best_approval = rules::max_utility_value(&profile, Utility::Approval);
        for rule in RULES {
            let o = rules::run(&profile, rule);
            prop_assert!(scaled(&profile, &o.cost_welfare) <= best_cost, "{:?}", rule);
            prop_assert!(u128::from(o.approval_welfare) <= best_approval, "{:?}", rule);
        }
        let o = rules::run(&profile, Rule::MaxUtility(Utility::Cost));
        prop_assert_eq!(scaled(&profile, &o.cost_welfare), best_cost);
        let o = rules::run(&profile, Rule::MaxUtility(Utility::Approval));
        prop_assert_eq!(u128::from(o.approval_welfare), best_approval);
    }

    #[test]
    fn equal_shares_agrees_with_its_definition_in_exact_arithmetic(e in election()) {
        let profile = e.profile();
        for utility in [Utility::Cost, Utility::Approval] {
            let fast: BTreeSet<String> = rules::run(&profile, Rule::Mes(utility)).selected.into_iter().collect();
            prop_assert_eq!(fast, reference_mes(&profile, utility), "{:?}\n{}", utility, e.text());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn equal_shares_agrees_with_its_definition_on_tied_elections(e in tied_election()) {
        let profile = e.profile();
        for utility in [Utility::Cost, Utility::Approval] {
            let fast: BTreeSet<String> = rules::run(&profile, Rule::Mes(utility)).selected.into_iter().collect();
            prop_assert_eq!(fast, reference_mes(&profile, utility), "{:?}\n{}", utility, e.text());
        }
    }
}

/// Many voters with identical budgets make exact ties between projects: the lower id must win,
/// as in pabutools, and the fast MES must agree with the definition.
#[test]
fn exact_ties_go_to_the_lower_project_id() {
    let e = Random {
        costs_tenths: vec![1000, 1000, 1000],
        budget: 200,
        ballots: vec![vec![0, 1, 2], vec![0, 1, 2], vec![0, 1, 2]],
    };
    let profile = e.profile();
    for rule in RULES {
        let o = rules::run(&profile, rule);
        assert_eq!(
            o.selected.iter().collect::<BTreeSet<_>>(),
            ["p0", "p1"]
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .iter()
                .collect(),
            "{rule:?}"
        );
    }
    assert_eq!(reference_mes(&profile, Utility::Cost).len(), 2);
}

/// A cumulative budget with `points` to distribute over `projects` projects (p0, p1, …).
fn points_budget(
    points: i32,
    projects: usize,
) -> (
    plenum::domain::budgets::Budget,
    Vec<plenum::domain::budgets::BudgetProject>,
) {
    use plenum::domain::budgets::{Budget, BudgetProject};
    let at = chrono::NaiveDateTime::default();
    let budget = Budget {
        id: "b".into(),
        process_id: "p".into(),
        slug: "points".into(),
        title: "Points".into(),
        description: String::new(),
        amount: "100".into(),
        currency: "EUR".into(),
        ballot_type: "cumulative".into(),
        min_choices: 0,
        max_choices: 0,
        points,
        rule: "greedy".into(),
        live_tallies: false,
        published_outcome: None,
        ballot_log_sha256: None,
        published_at: None,
        created_at: at,
    };
    let projects = (0..projects)
        .map(|i| BudgetProject {
            id: format!("id{i}"),
            budget_id: "b".into(),
            code: format!("p{i}"),
            title: format!("Project {i}"),
            description: String::new(),
            cost: "10".into(),
            proposal_id: None,
        })
        .collect();
    (budget, projects)
}

/// Points a person may type: small ones, ones near the top of u64, anything.
fn typed_points() -> impl Strategy<Value = u64> {
    prop_oneof![0u64..=25, (u64::MAX - 25)..=u64::MAX, any::<u64>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Whatever points a voter sends, a ballot that passes the check (the only way to the
    /// ballot box) gives exactly the declared points, each project once, none above the
    /// budget's points. Half the cases are built so that their sum *wraps around* to exactly
    /// the declared points in u64 arithmetic, the shape of finding 3's attack.
    #[test]
    fn no_point_vector_passes_unless_its_true_sum_is_the_declared_points(
        points in 1i32..=20,
        projects in 1usize..6,
        picks in prop::collection::vec((0usize..6, typed_points()), 1..8),
        wrap in any::<bool>(),
    ) {
        use plenum::domain::ballots::{check, BallotInput};
        let (budget, list) = points_budget(points, projects);
        let mut choices: Vec<String> = picks.iter().map(|(p, _)| format!("p{}", p % projects)).collect();
        let mut given: Vec<u64> = picks.iter().map(|(_, v)| *v).collect();
        if wrap {
            // One more entry that makes the wrapping sum exactly `points`.
            let wrapped = given.iter().fold(0u64, |s, v| s.wrapping_add(*v));
            given.push((points as u64).wrapping_sub(wrapped));
            choices.push(format!("p{}", picks.len() % projects));
        }
        let input = BallotInput { choices, points: given, ..Default::default() };
        if let Ok(ballot) = check(&budget, &list, &input) {
            let total: u128 = ballot.points.iter().map(|p| u128::from(*p)).sum();
            prop_assert_eq!(total, points as u128);
            prop_assert!(ballot.points.iter().all(|p| *p >= 1 && *p <= points as u64));
            let distinct: BTreeSet<&String> = ballot.choices.iter().collect();
            prop_assert_eq!(distinct.len(), ballot.choices.len());
            prop_assert_eq!(ballot.choices.len(), ballot.points.len());
        }
    }
}
