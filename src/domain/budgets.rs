//! Participatory budgets of a process: the budget, its projects, import and export as `.pb`.
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
use crate::budgeting::pabulib::{self, Election, VoteType};
use crate::budgeting::Rule;
use crate::db::schema::{ballots, budget_projects, budgets, sealed_ballots};
use crate::db::AnyConnection;

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

/// Creates a budget from a `.pb` file: its projects and, to replay a past election, its
/// ballots (stored like cast ballots, with a receipt derived from the file's voter id).
pub fn import(
    conn: &mut AnyConnection,
    process_id: &str,
    slug: &str,
    title: &str,
    currency: &str,
    rule: &str,
    election: &Election,
) -> Result<Budget> {
    let ballot_type = match election.vote_type {
        VoteType::Approval => "approval",
        VoteType::Cumulative => "cumulative",
        VoteType::Choose1 => "choose-1",
        // Ranked ballots are counted as approval of the listed projects.
        VoteType::Ordinal => "approval",
    };
    // The points each voter had: the most any ballot of the file gives. The file's numbers are
    // anyone's, so the sums are checked, and a file beyond what a budget allows is refused.
    let mut points: u64 = 0;
    for b in &election.ballots {
        let given = b.points.iter().try_fold(0u64, |sum, p| sum.checked_add(*p));
        match given {
            Some(given) if given <= MAX_POINTS => points = points.max(given),
            _ => {
                return Err(Error::invalid(
                    "file",
                    Msg::new("error-pb-too-many-points")
                        .arg("voter", &b.voter_id)
                        .arg("max", MAX_POINTS),
                ))
            }
        }
    }
    let form = BudgetForm {
        slug: slug.into(),
        title: title.into(),
        description: election.meta_value("description").unwrap_or("").into(),
        amount: election.budget.to_string(),
        currency: currency.into(),
        ballot_type: ballot_type.into(),
        min_choices: String::new(),
        max_choices: election
            .meta_value("max_length")
            .filter(|m| m.parse::<i32>().is_ok())
            .unwrap_or("")
            .into(),
        points: if points > 0 {
            points.to_string()
        } else {
            String::new()
        },
        rule: rule.into(),
        live_tallies: None,
    };
    let budget = create(conn, process_id, &form)?;
    for p in &election.projects {
        let title = p.name.clone().filter(|n| n.trim().chars().count() >= 3);
        add_project(
            conn,
            &budget,
            &ProjectForm {
                code: p.id.clone(),
                title: title.unwrap_or_else(|| format!("Project {}", p.id)),
                description: String::new(),
                cost: p.cost.to_string(),
                proposal_id: None,
            },
        )?;
    }
    let rows: Vec<_> = election
        .ballots
        .iter()
        .map(|b| {
            let receipt_hash = super::ballots::hash_receipt(&format!("import:{}:{}", budget.id, b.voter_id));
            (
                ballots::budget_id.eq(budget.id.clone()),
                ballots::voter_tag.eq(format!("import:{}", b.voter_id)),
                ballots::receipt_hash.eq(receipt_hash),
                ballots::choices.eq(b.projects.join(",")),
                ballots::points.eq(b.points.iter().map(u64::to_string).collect::<Vec<_>>().join(",")),
            )
        })
        .collect();
    // Multi-row inserts need the concrete backend (the run-time connection type cannot batch).
    for chunk in rows.chunks(500) {
        let insert = diesel::insert_into(ballots::table).values(chunk);
        match conn {
            AnyConnection::Sqlite(c) => insert.execute(c)?,
            AnyConnection::Postgresql(c) => insert.execute(c)?,
        };
    }
    Ok(budget)
}

/// The budget and its ballots as a pabulib election: the published ballot log. Voter ids are
/// receipt hashes and ballots are listed in their order, so the log says nothing about when or
/// by whom a ballot was cast.
///
/// A stored ballot that cannot be counted (see [`super::ballots::countable`]: a project twice,
/// points beyond the budget's…) is left out of the election, so one bad row never makes the
/// whole budget uncountable; the second value says how many were set aside, and the log says
/// so in the server's log too.
///
/// Cast ballots are opened with the instance's secret key (`secret_key`); imported ones are
/// stored as the file gave them. When no sealed ballot opens with this key, the budget cannot
/// be counted (a changed key file); one that alone does not open is set aside.
pub fn election(conn: &mut AnyConnection, secret_key: &[u8], budget: &Budget) -> Result<(Election, usize)> {
    let projects = projects(conn, &budget.id)?;
    let mut rows: Vec<(String, String, String)> = ballots::table
        .filter(ballots::budget_id.eq(&budget.id))
        .select((ballots::receipt_hash, ballots::choices, ballots::points))
        .load(conn)?;
    let sealed: Vec<(String, String)> = sealed_ballots::table
        .filter(sealed_ballots::budget_id.eq(&budget.id))
        .select((sealed_ballots::voter_tag, sealed_ballots::sealed))
        .load(conn)?;
    let mut unopened = 0;
    for (tag, sealed) in &sealed {
        match super::ballot_box::open(secret_key, &budget.id, tag, sealed) {
            Some(c) => rows.push((c.receipt_hash, c.choices, c.points)),
            None => unopened += 1,
        }
    }
    if unopened > 0 && unopened == sealed.len() {
        return Err(Error::Conflict(Msg::new("error-ballots-sealed-with-another-key")));
    }
    rows.sort();
    let vote_type = budget.ballot_type().vote_type();
    let known: std::collections::HashSet<&str> = projects.iter().map(|p| p.code.as_str()).collect();
    let mut set_aside = unopened;
    let mut ballots = Vec::with_capacity(rows.len());
    for (receipt, choices, points) in rows {
        match stored_ballot(budget, &known, &choices, &points) {
            Some((projects, points)) => ballots.push(pabulib::Ballot {
                voter_id: receipt,
                projects,
                points,
                extra: Vec::new(),
            }),
            None => set_aside += 1,
        }
    }
    if set_aside > 0 {
        tracing::warn!(
            budget = %budget.id,
            set_aside,
            "stored ballots that break the budget's rules are not counted"
        );
    }
    let mut vote_columns = vec!["voter_id".to_string(), "vote".to_string()];
    if vote_type == VoteType::Cumulative {
        vote_columns.push("points".into());
    }
    let election = Election {
        meta: vec![
            ("description".into(), budget.title.clone()),
            ("num_projects".into(), projects.len().to_string()),
            ("num_votes".into(), ballots.len().to_string()),
            ("budget".into(), budget.amount.clone()),
            ("vote_type".into(), vote_type.as_str().into()),
            ("rule".into(), budget.rule.clone()),
            ("currency".into(), budget.currency.clone()),
        ],
        budget: budget.amount(),
        vote_type,
        project_columns: vec!["project_id".into(), "cost".into(), "name".into()],
        projects: projects
            .iter()
            .map(|p| pabulib::Project {
                id: p.code.clone(),
                cost: p.cost(),
                name: Some(p.title.clone()),
                extra: Vec::new(),
            })
            .collect(),
        vote_columns,
        ballots,
    };
    Ok((election, set_aside))
}

/// A stored ballot's projects and points, if it can be counted in this budget.
pub fn stored_ballot(
    budget: &Budget,
    known: &std::collections::HashSet<&str>,
    choices: &str,
    points: &str,
) -> Option<(Vec<String>, Vec<u64>)> {
    let split = |s: &str| -> Vec<String> {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let projects = split(choices);
    let points: Vec<u64> = if budget.ballot_type() == BallotType::Cumulative {
        split(points)
            .iter()
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?
    } else {
        Vec::new()
    };
    super::ballots::countable(budget, known, &projects, &points).then_some((projects, points))
}

/// The ballot log as `.pb` text and its SHA-256 (hex).
pub fn ballot_log(conn: &mut AnyConnection, secret_key: &[u8], budget: &Budget) -> Result<(String, String)> {
    Ok(log_text(&election(conn, secret_key, budget)?.0))
}

/// An election as `.pb` text and that text's SHA-256 (hex).
pub fn log_text(election: &Election) -> (String, String) {
    use sha2::{Digest, Sha256};
    let text = pabulib::to_string(election).expect("writing to a String cannot fail");
    let digest = hex::encode(Sha256::digest(text.as_bytes()));
    (text, digest)
}
