//! Outcomes of a budget: the rule comparison staff see after the close, publication of the
//! declared rule's outcome with the ballot-log digest, and per-project tallies.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::budgets::{self, Budget};
use super::processes::ProcessDetail;
use super::{now, Error, Msg, Result};
use crate::budgeting::{rules, Outcome, Profile, Rule, Utility};
use crate::db::schema::budgets as budgets_table;
use crate::db::AnyConnection;

/// Rules shown side by side on the comparison page.
pub const COMPARED: [Rule; 5] = [
    Rule::Greedy(Utility::Cost),
    Rule::Greedy(Utility::Approval),
    Rule::Mes(Utility::Cost),
    Rule::MesAdd1(Utility::Cost),
    Rule::MaxUtility(Utility::Cost),
];

/// One project's count.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Tally {
    pub code: String,
    pub title: String,
    pub cost: String,
    pub votes: u64,
    pub points: u128,
}

fn profile(conn: &mut AnyConnection, budget: &Budget) -> Result<Profile> {
    let election = budgets::election(conn, budget)?;
    Profile::new(&election).map_err(|e| Error::Conflict(Msg::new("error-budget-uncountable").arg("why", e)))
}

/// Votes (and points) per project, in code order.
pub fn tallies(conn: &mut AnyConnection, budget: &Budget) -> Result<Vec<Tally>> {
    let profile = profile(conn, budget)?;
    let projects = budgets::projects(conn, &budget.id)?;
    Ok(projects
        .into_iter()
        .map(|p| {
            let i = profile.ids.iter().position(|id| *id == p.code);
            Tally {
                votes: i.map_or(0, |i| profile.supporters[i]),
                points: i.map_or(0, |i| profile.score[i]),
                code: p.code,
                title: p.title,
                cost: p.cost,
            }
        })
        .collect())
}

/// Every compared rule's outcome on the real ballots.
pub fn compare(conn: &mut AnyConnection, budget: &Budget) -> Result<Vec<Outcome>> {
    let profile = profile(conn, budget)?;
    Ok(COMPARED.iter().map(|r| rules::run(&profile, *r)).collect())
}

/// True once the process has had a vote phase and none is open now.
pub fn vote_closed(detail: &ProcessDetail) -> bool {
    let at = now();
    let votes: Vec<_> = detail.phases.iter().filter(|p| p.kind == "vote").collect();
    !votes.is_empty() && votes.iter().all(|p| p.ends_at <= at)
}

/// The published record: the outcome of the declared rule, the tallies and the log digest.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Published {
    pub budget: String,
    pub title: String,
    pub currency: String,
    pub rule: String,
    pub outcome: serde_json::Value,
    pub tallies: Vec<Tally>,
    pub ballots: i64,
    pub ballot_log_sha256: String,
}

/// Publishes the declared rule's outcome. Only after the vote closed; publishing again
/// recomputes the same thing and changes nothing.
pub fn publish(conn: &mut AnyConnection, detail: &ProcessDetail, budget: &Budget) -> Result<Published> {
    if !vote_closed(detail) {
        return Err(Error::Forbidden(Msg::new("denied-vote-not-closed")));
    }
    if let Some(existing) = &budget.published_outcome {
        return serde_json::from_str(existing).map_err(|e| {
            Error::Db(crate::db::DbError::Task(format!(
                "stored outcome unreadable: {e}"
            )))
        });
    }
    let profile = profile(conn, budget)?;
    let outcome = rules::run(&profile, budget.rule());
    let (_, digest) = budgets::ballot_log(conn, budget)?;
    let published = Published {
        budget: budget.slug.clone(),
        title: budget.title.clone(),
        currency: budget.currency.clone(),
        rule: budget.rule().name().into(),
        outcome: crate::budgeting::cli::outcome_json(&outcome),
        tallies: tallies(conn, budget)?,
        ballots: budgets::ballot_count(conn, &budget.id)?,
        ballot_log_sha256: digest.clone(),
    };
    let text = serde_json::to_string(&published).expect("serialisable");
    diesel::update(budgets_table::table.find(&budget.id))
        .set((
            budgets_table::published_outcome.eq(&text),
            budgets_table::ballot_log_sha256.eq(&digest),
            budgets_table::published_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(published)
}

/// The published record, if any.
pub fn published(budget: &Budget) -> Option<Published> {
    budget
        .published_outcome
        .as_deref()
        .and_then(|t| serde_json::from_str(t).ok())
}
