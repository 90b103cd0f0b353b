//! Participatory budgets of a process: the budget and its projects; import and export as `.pb`
//! in [`exchange`].
//!
//! Ballots live in `ballots`, outcomes in `budget_results`. Amounts are stored as exact decimal
//! text and read back with [`Decimal`], so nothing is ever rounded.

use std::str::FromStr;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::proposals::ProposalState;
use super::validate::{is_handle, Validator};
use super::{new_id, now, Error, Msg, Result};
use crate::budgeting::amount::Decimal;
use crate::budgeting::pabulib::VoteType;
use crate::budgeting::Rule;
use crate::db::schema::{ballots, budget_projects, budgets, sealed_ballots};
use crate::db::AnyConnection;

pub mod cards;
mod exchange;

pub use exchange::{ballot_log, election, import, log_text, stored_ballot};

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = budgets)]
pub struct Budget {
    pub id: String,
    pub process_id: String,
    pub slug: String,
    pub title: String,
    pub description: String,
    pub amount: String,
    pub currency: String,
    pub ballot_type: String,
    pub min_choices: i32,
    pub max_choices: i32,
    pub points: i32,
    pub rule: String,
    pub live_tallies: bool,
    pub published_outcome: Option<String>,
    pub ballot_log_sha256: Option<String>,
    pub published_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = budget_projects)]
pub struct BudgetProject {
    pub id: String,
    pub budget_id: String,
    pub code: String,
    pub title: String,
    pub description: String,
    pub cost: String,
    pub proposal_id: Option<String>,
}

super::stored::stored_enum! {
    /// How a ballot is filled in; stored in `budgets.ballot_type`.
    pub enum BallotType {
        /// Choose between `min_choices` and `max_choices` projects (0 = no maximum).
        Approval = "approval",
        /// Choose projects whose total cost fits the budget.
        Knapsack = "knapsack",
        /// Distribute exactly `points` points.
        Cumulative = "cumulative",
        /// Choose exactly one project.
        Choose1 = "choose-1",
    }
}

impl BallotType {
    /// The `vote_type` of the `.pb` ballot log (a knapsack ballot is an approval ballot).
    pub fn vote_type(self) -> VoteType {
        match self {
            BallotType::Approval | BallotType::Knapsack => VoteType::Approval,
            BallotType::Cumulative => VoteType::Cumulative,
            BallotType::Choose1 => VoteType::Choose1,
        }
    }
}

impl Budget {
    pub fn amount(&self) -> Decimal {
        Decimal::from_str(&self.amount).unwrap_or(Decimal::from_units(0))
    }

    pub fn ballot_type(&self) -> BallotType {
        BallotType::parse(&self.ballot_type).unwrap_or(BallotType::Approval)
    }

    /// The declared rule (cost utility unless the text says otherwise).
    pub fn rule(&self) -> Rule {
        let (name, utility) = self.rule.split_once(':').unwrap_or((&self.rule, "cost"));
        Rule::parse(name, Some(utility)).unwrap_or(Rule::Greedy(crate::budgeting::Utility::Cost))
    }
}

impl BudgetProject {
    pub fn cost(&self) -> Decimal {
        Decimal::from_str(&self.cost).unwrap_or(Decimal::from_units(0))
    }
}

/// What staff fill in to create a budget. Missing fields are empty, so validation names them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct BudgetForm {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub amount: String,
    pub currency: String,
    pub ballot_type: String,
    #[serde(default)]
    pub min_choices: String,
    #[serde(default)]
    pub max_choices: String,
    #[serde(default)]
    pub points: String,
    pub rule: String,
    #[serde(default)]
    pub live_tallies: Option<String>,
}

/// The most points a cumulative ballot may distribute (and any count on the budget form).
pub const MAX_POINTS: u64 = 10_000;

fn small_number(v: &mut Validator, field: &'static str, text: &str) -> i32 {
    if text.trim().is_empty() {
        return 0;
    }
    match text.trim().parse::<i32>() {
        Ok(n) if (0..=MAX_POINTS as i32).contains(&n) => n,
        _ => {
            v.add(field, Msg::new("error-not-a-count"));
            0
        }
    }
}

/// Validated values of a [`BudgetForm`].
fn check_form(form: &BudgetForm) -> Result<(Decimal, BallotType, i32, i32, i32, Rule)> {
    let mut v = Validator::new();
    if !is_handle(form.slug.trim()) {
        v.add("slug", Msg::new("error-handle"));
    }
    v.text("title", &form.title, 3, 200);
    v.optional_text("description", &form.description, 20_000);
    let amount = match Decimal::from_str(form.amount.trim()) {
        Ok(a) if !a.is_zero() => Some(a),
        _ => {
            v.add("amount", Msg::new("error-amount"));
            None
        }
    };
    let currency = form.currency.trim();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        v.add("currency", Msg::new("error-currency"));
    }
    let ballot_type = BallotType::parse(&form.ballot_type).ok();
    if ballot_type.is_none() {
        v.add("ballot_type", Msg::new("error-choose-one"));
    }
    let min = small_number(&mut v, "min_choices", &form.min_choices);
    let max = small_number(&mut v, "max_choices", &form.max_choices);
    if max > 0 && min > max {
        v.add("max_choices", Msg::new("error-min-above-max"));
    }
    let points = small_number(&mut v, "points", &form.points);
    if ballot_type == Some(BallotType::Cumulative) && points == 0 {
        v.add("points", Msg::new("error-required"));
    }
    let rule = Rule::parse(form.rule.trim(), None);
    if rule.is_none() {
        v.add("rule", Msg::new("error-choose-one"));
    }
    v.finish()?;
    Ok((
        amount.unwrap(),
        ballot_type.unwrap(),
        min,
        max,
        points,
        rule.unwrap(),
    ))
}

/// Creates a budget in a process.
pub fn create(conn: &mut AnyConnection, process_id: &str, form: &BudgetForm) -> Result<Budget> {
    let (amount, ballot_type, min, max, points, rule) = check_form(form)?;
    let id = new_id();
    diesel::insert_into(budgets::table)
        .values((
            budgets::id.eq(&id),
            budgets::process_id.eq(process_id),
            budgets::slug.eq(form.slug.trim()),
            budgets::title.eq(form.title.trim()),
            budgets::description.eq(form.description.trim()),
            budgets::amount.eq(amount.to_string()),
            budgets::currency.eq(form.currency.trim()),
            budgets::ballot_type.eq(form.ballot_type.trim()),
            budgets::min_choices.eq(min),
            budgets::max_choices.eq(max),
            budgets::points.eq(if ballot_type == BallotType::Cumulative {
                points
            } else {
                0
            }),
            budgets::rule.eq(rule.name()),
            budgets::live_tallies.eq(form.live_tallies.is_some()),
            budgets::created_at.eq(now()),
        ))
        .execute(conn)
        .map_err(|e| match crate::db::DbError::from(e) {
            crate::db::DbError::AlreadyExists(u) if u.covers("slug") => {
                Error::invalid("slug", Msg::new("error-slug-taken"))
            }
            other => other.into(),
        })?;
    find(conn, &id)
}

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Budget> {
    Ok(budgets::table.find(id).select(Budget::as_select()).first(conn)?)
}

pub fn by_slug(conn: &mut AnyConnection, process_id: &str, slug: &str) -> Result<Budget> {
    Ok(budgets::table
        .filter(budgets::process_id.eq(process_id))
        .filter(budgets::slug.eq(slug))
        .select(Budget::as_select())
        .first(conn)?)
}

pub fn for_process(conn: &mut AnyConnection, process_id: &str) -> Result<Vec<Budget>> {
    Ok(budgets::table
        .filter(budgets::process_id.eq(process_id))
        .order(budgets::created_at.asc())
        .select(Budget::as_select())
        .load(conn)?)
}

/// Projects of a budget, by code (the tie-break order of the rules).
pub fn projects(conn: &mut AnyConnection, budget_id: &str) -> Result<Vec<BudgetProject>> {
    let mut list: Vec<BudgetProject> = budget_projects::table
        .filter(budget_projects::budget_id.eq(budget_id))
        .select(BudgetProject::as_select())
        .load(conn)?;
    list.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(list)
}

/// The projects a proposal became, with their budgets: what its page says it will cost.
pub fn projects_of_proposal(
    conn: &mut AnyConnection,
    proposal_id: &str,
) -> Result<Vec<(Budget, BudgetProject)>> {
    Ok(budget_projects::table
        .inner_join(budgets::table)
        .filter(budget_projects::proposal_id.eq(proposal_id))
        .order(budgets::slug.asc())
        .select((Budget::as_select(), BudgetProject::as_select()))
        .load(conn)?)
}

/// What staff fill in to add a project. Missing fields are empty, so validation names them.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProjectForm {
    pub code: String,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub cost: String,
    #[serde(default)]
    pub proposal_id: Option<String>,
}

/// Accepted proposals of the budget's process that are not yet a project of this budget:
/// what staff may promote.
pub fn promotable(conn: &mut AnyConnection, budget: &Budget) -> Result<Vec<(String, String)>> {
    use crate::db::schema::proposals;
    let taken: Vec<Option<String>> = budget_projects::table
        .filter(budget_projects::budget_id.eq(&budget.id))
        .select(budget_projects::proposal_id)
        .load(conn)?;
    let taken: Vec<String> = taken.into_iter().flatten().collect();
    let accepted: Vec<(String, String)> = proposals::table
        .filter(proposals::process_id.eq(&budget.process_id))
        .filter(proposals::state.eq(ProposalState::Accepted.as_str()))
        .filter(proposals::hidden.eq(false))
        .order(proposals::created_at.asc())
        .select((proposals::id, proposals::title))
        .load(conn)?;
    Ok(accepted
        .into_iter()
        .filter(|(id, _)| !taken.contains(id))
        .collect())
}

/// Adds a project; refused once anyone has voted (the ballot would change under them). With a
/// `proposal_id`, the project is that accepted proposal, promoted: its title and text are used
/// where the form leaves them empty, and the project links back to it.
pub fn add_project(conn: &mut AnyConnection, budget: &Budget, form: &ProjectForm) -> Result<BudgetProject> {
    let mut form = form.clone();
    if let Some(proposal_id) = form.proposal_id.clone().filter(|p| !p.is_empty()) {
        let proposal = super::proposals::find(conn, &proposal_id)?;
        if proposal.process_id != budget.process_id || proposal.state() != ProposalState::Accepted {
            return Err(Error::invalid("proposal_id", Msg::new("error-not-promotable")));
        }
        if form.title.trim().is_empty() {
            form.title = proposal.title.clone();
        }
        if form.description.trim().is_empty() {
            form.description = proposal.body.chars().take(20_000).collect();
        }
    }
    let form = &form;
    let mut v = Validator::new();
    let code = form.code.trim();
    if code.is_empty() || code.len() > 40 || code.contains([';', ',', '"']) {
        v.add("code", Msg::new("error-project-code"));
    }
    v.text("title", &form.title, 3, 200);
    v.optional_text("description", &form.description, 20_000);
    let cost = Decimal::from_str(form.cost.trim()).ok().filter(|c| !c.is_zero());
    if cost.is_none() {
        v.add("cost", Msg::new("error-amount"));
    }
    v.finish()?;
    if ballot_count(conn, &budget.id)? > 0 {
        return Err(Error::Forbidden(Msg::new("denied-budget-has-ballots")));
    }
    let id = new_id();
    diesel::insert_into(budget_projects::table)
        .values((
            budget_projects::id.eq(&id),
            budget_projects::budget_id.eq(&budget.id),
            budget_projects::code.eq(code),
            budget_projects::title.eq(form.title.trim()),
            budget_projects::description.eq(form.description.trim()),
            budget_projects::cost.eq(cost.unwrap().to_string()),
            budget_projects::proposal_id.eq(form.proposal_id.as_deref().filter(|p| !p.is_empty())),
        ))
        .execute(conn)
        .map_err(|e| match crate::db::DbError::from(e) {
            crate::db::DbError::AlreadyExists(u) if u.covers("code") => {
                Error::invalid("code", Msg::new("error-project-code-taken"))
            }
            other => other.into(),
        })?;
    Ok(budget_projects::table
        .find(&id)
        .select(BudgetProject::as_select())
        .first(conn)?)
}

/// Stored ballots of the budget: cast (sealed) and imported.
pub fn ballot_count(conn: &mut AnyConnection, budget_id: &str) -> Result<i64> {
    let plain: i64 = ballots::table
        .filter(ballots::budget_id.eq(budget_id))
        .count()
        .get_result(conn)?;
    let sealed: i64 = sealed_ballots::table
        .filter(sealed_ballots::budget_id.eq(budget_id))
        .count()
        .get_result(conn)?;
    Ok(plain + sealed)
}
