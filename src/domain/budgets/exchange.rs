//! A budget as a `.pb` file (pabulib): a past election imported with its ballots, and the
//! ballots cast here read back as an election to tally, export or publish as a log.

use diesel::prelude::*;

use super::{add_project, create, projects, BallotType, Budget, BudgetForm, ProjectForm, MAX_POINTS};
use crate::budgeting::pabulib::{self, Election, VoteType};
use crate::db::schema::{ballots, sealed_ballots};
use crate::db::AnyConnection;
use crate::domain::{Error, Msg, Result};

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
            let receipt_hash =
                crate::domain::ballots::hash_receipt(&format!("import:{}:{}", budget.id, b.voter_id));
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
/// A stored ballot that cannot be counted (see [`crate::domain::ballots::countable`]: a project twice,
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
        match crate::domain::ballot_box::open(secret_key, &budget.id, tag, sealed) {
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
    crate::domain::ballots::countable(budget, known, &projects, &points).then_some((projects, points))
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
