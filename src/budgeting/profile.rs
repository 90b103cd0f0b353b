//! The counting view of an election: integer amounts on one scale, projects in tie-break order.
//!
//! Exact arithmetic starts here. Every cost and the budget are multiplied by the same power of
//! ten (the most decimal places any of them has), so money becomes plain integers and "does it
//! fit" is an integer comparison. Vote counts and points are integers already. The rules then
//! only multiply and compare these integers (`u128`), except MES, whose shares are fractions of
//! this unit (see `rules::mes`).

use std::collections::HashMap;

use crate::budgeting::amount::Decimal;
use crate::budgeting::pabulib::{Election, VoteType};

/// Bound on scaled amounts (2^53): products with vote counts then stay exact in `u128`.
const MAX_SCALED: u128 = 1 << 53;
/// Bound on a project's score (votes or points).
const MAX_SCORE: u128 = 1 << 40;

/// The election cannot be counted exactly with our integer scheme.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    /// An amount, once on the common scale, is beyond what we count exactly.
    #[error("the amount {0} is too large to count exactly")]
    AmountTooLarge(String),
    /// More points than we count exactly.
    #[error("project '{0}' has more points than we can count exactly")]
    ScoreTooLarge(String),
}

/// An election prepared for the rules. Project `i` is the `i`-th id in string order, so
/// "lower index" is exactly pabutools' default tie-breaking (project id as a string, ascending).
#[derive(Debug, Clone)]
pub struct Profile {
    /// Project ids, sorted ascending as strings (byte order = Unicode code point order).
    pub ids: Vec<String>,
    /// Costs on the common scale.
    pub costs: Vec<u128>,
    /// Budget on the common scale.
    pub budget: u128,
    /// Decimal places of the common scale: `amount = scaled / 10^places`.
    pub places: u32,
    /// Ballot type of the file.
    pub vote_type: VoteType,
    /// Each ballot's chosen projects (indices, ascending, no repeats). Empty ballots are kept: they count
    /// in the number of voters, hence in each voter's share under MES.
    pub ballots: Vec<Vec<u32>>,
    /// Per project: number of ballots that list it ("supporters", "approvers").
    pub supporters: Vec<u64>,
    /// Per project: what greedy ranks by: total points for cumulative ballots, else supporters.
    pub score: Vec<u128>,
}

impl Profile {
    /// Builds the counting view. Ordinal and choose-1 ballots count as approval of every listed
    /// project; cumulative ballots keep their points in `score`.
    pub fn new(election: &Election) -> Result<Profile, ProfileError> {
        let places = election
            .projects
            .iter()
            .map(|p| p.cost.places())
            .chain(std::iter::once(election.budget.places()))
            .max()
            .unwrap_or(0);
        let scaled = |d: &Decimal| {
            d.rescale(places)
                .filter(|v| *v <= MAX_SCALED)
                .ok_or_else(|| ProfileError::AmountTooLarge(d.to_string()))
        };
        let mut order: Vec<usize> = (0..election.projects.len()).collect();
        order.sort_by(|a, b| election.projects[*a].id.cmp(&election.projects[*b].id));
        let ids: Vec<String> = order.iter().map(|i| election.projects[*i].id.clone()).collect();
        let costs = order
            .iter()
            .map(|i| scaled(&election.projects[*i].cost))
            .collect::<Result<Vec<_>, _>>()?;
        let budget = scaled(&election.budget)?;
        let index: HashMap<&str, u32> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i as u32))
            .collect();

        let mut supporters = vec![0u64; ids.len()];
        let mut score = vec![0u128; ids.len()];
        let mut ballots = Vec::with_capacity(election.ballots.len());
        for ballot in &election.ballots {
            let mut chosen = Vec::with_capacity(ballot.projects.len());
            for (k, id) in ballot.projects.iter().enumerate() {
                // The parser only lets through ids listed in PROJECTS; skip anything else.
                let Some(&p) = index.get(id.as_str()) else {
                    continue;
                };
                if chosen.contains(&p) {
                    continue;
                }
                chosen.push(p);
                let given = match election.vote_type {
                    VoteType::Cumulative => u128::from(ballot.points.get(k).copied().unwrap_or(0)),
                    _ => 1,
                };
                // Votes and points are the voters' numbers: every sum is checked, and a project
                // past MAX_SCORE is refused below (then every product the rules take is exact).
                let (s, n) = (&mut score[p as usize], &mut supporters[p as usize]);
                match (s.checked_add(given), n.checked_add(1)) {
                    (Some(total), Some(count)) if total <= MAX_SCORE => (*s, *n) = (total, count),
                    _ => return Err(ProfileError::ScoreTooLarge(ids[p as usize].clone())),
                }
            }
            // The rules never depend on the order within a ballot; sorted, identical ballots
            // are identical slices (MES groups them without copying).
            chosen.sort_unstable();
            ballots.push(chosen);
        }
        Ok(Profile {
            ids,
            costs,
            budget,
            places,
            vote_type: election.vote_type,
            ballots,
            supporters,
            score,
        })
    }

    /// Number of projects.
    pub fn num_projects(&self) -> usize {
        self.ids.len()
    }

    /// Number of voters (ballots, empty ones included).
    pub fn num_voters(&self) -> u64 {
        self.ballots.len() as u64
    }

    /// A scaled amount back as a decimal.
    pub fn amount(&self, scaled: u128) -> Decimal {
        Decimal::from_scaled(scaled, self.places)
    }

    /// One unit of currency on the common scale (`10^places`).
    pub fn currency_unit(&self) -> u128 {
        10u128.pow(self.places)
    }

    /// Total cost of a set of projects. Each cost is at most 2^53, so no number of projects a
    /// file can hold makes this overflow `u128`.
    pub fn cost_of(&self, projects: &[u32]) -> u128 {
        projects.iter().map(|p| self.costs[*p as usize]).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::budgeting::pabulib::parse_str;

    #[test]
    fn puts_all_amounts_on_one_scale_and_sorts_ids_as_strings() {
        let e = parse_str(
            "META\nkey;value\nbudget;100.5\nvote_type;approval\nPROJECTS\nproject_id;cost\n\
             10;20\n9;30.25\nVOTES\nvoter_id;vote\n1;9,10\n2;\n",
        )
        .unwrap();
        let p = Profile::new(&e).unwrap();
        assert_eq!(p.ids, vec!["10", "9"]);
        assert_eq!(p.places, 2);
        assert_eq!(p.costs, vec![2000, 3025]);
        assert_eq!(p.budget, 10050);
        assert_eq!(p.num_voters(), 2);
        assert_eq!(p.supporters, vec![1, 1]);
        assert_eq!(p.amount(3025).to_string(), "30.25");
    }
}
