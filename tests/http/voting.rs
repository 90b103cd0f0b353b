//! Fixtures for budgets and votes: a process open for voting, a budget with its projects, the
//! vote's dates moved. Built in one place, so a new field of a form is filled in once.

use chrono::NaiveDateTime;
use plenum::db::AnyConnection;
use plenum::domain::budgets::{self, Budget, BudgetForm, ProjectForm};
use plenum::domain::processes::{self, PhaseForm, ProcessDetail, ProcessForm};
use plenum::domain::Error;

use crate::common::TestApp;

/// A process's form with what the tests set: its slug, title and description.
pub fn process_form(slug: &str, title: &str, description: &str) -> ProcessForm {
    ProcessForm {
        slug: slug.into(),
        title: title.into(),
        description: description.into(),
        scope: String::new(),
        categories: String::new(),
    }
}

/// A budget in euros, with what the tests set; points, live tallies and the rest as by default.
pub fn budget_form(slug: &str, title: &str, amount: &str, ballot_type: &str, rule: &str) -> BudgetForm {
    BudgetForm {
        slug: slug.into(),
        title: title.into(),
        amount: amount.into(),
        currency: "EUR".into(),
        ballot_type: ballot_type.into(),
        rule: rule.into(),
        ..BudgetForm::default()
    }
}

/// A project `code` named `title` that costs `cost`.
pub fn project(code: &str, title: &str, cost: &str) -> ProjectForm {
    ProjectForm {
        code: code.into(),
        title: title.into(),
        cost: cost.into(),
        ..ProjectForm::default()
    }
}

/// A vote from `starts` to `ends`, during which nothing else (proposals, endorsements,
/// comments) is open.
pub fn vote_phase(starts: NaiveDateTime, ends: NaiveDateTime) -> PhaseForm {
    PhaseForm {
        kind: "vote".into(),
        starts_at: starts,
        ends_at: ends,
        proposals_enabled: false,
        endorsements_enabled: false,
        comments_enabled: false,
    }
}

fn create_budget(
    c: &mut AnyConnection,
    process_id: &str,
    budget: &BudgetForm,
    projects: &[ProjectForm],
) -> Result<Budget, Error> {
    let created = budgets::create(c, process_id, budget)?;
    for p in projects {
        budgets::add_project(c, &created, p)?;
    }
    Ok(created)
}

/// A published process whose one phase is a vote from `window.0` to `window.1`, holding
/// `budget` with `projects`.
pub async fn voting_process(
    app: &TestApp,
    process: ProcessForm,
    window: (NaiveDateTime, NaiveDateTime),
    budget: BudgetForm,
    projects: Vec<ProjectForm>,
) -> (ProcessDetail, Budget) {
    app.state
        .db
        .write(move |c| {
            let p = processes::create(c, &process)?;
            processes::add_phase(c, &p.id, &vote_phase(window.0, window.1))?;
            processes::set_published(c, &p.id, true)?;
            let budget = create_budget(c, &p.id, &budget, &projects)?;
            Ok::<_, Error>((processes::detail_by_id(c, &p.id)?, budget))
        })
        .await
        .expect("a process open for voting")
}

/// `budget` with `projects`, added to the process `process_id`.
pub async fn add_budget(
    app: &TestApp,
    process_id: &str,
    budget: BudgetForm,
    projects: Vec<ProjectForm>,
) -> Budget {
    let process_id = process_id.to_string();
    app.state
        .db
        .write(move |c| create_budget(c, &process_id, &budget, &projects))
        .await
        .expect("a budget with its projects")
}

/// Moves the vote of `detail` (its first phase) to run from `starts` to `ends`.
pub async fn set_vote_window(
    app: &TestApp,
    detail: &ProcessDetail,
    starts: NaiveDateTime,
    ends: NaiveDateTime,
) {
    let (pid, phase_id) = (detail.process.id.clone(), detail.phases[0].id.clone());
    app.state
        .db
        .write(move |c| processes::update_phase(c, &pid, &phase_id, &vote_phase(starts, ends)))
        .await
        .expect("move the vote");
}

/// A ballot row written straight into the table, as an older version or a broken import left
/// it (no sealing, no checks): `(voter tag, receipt hash, choices, points)`.
pub async fn store_raw_ballot(app: &TestApp, budget_id: &str, row: [&str; 4]) {
    let id = budget_id.to_string();
    let [tag, receipt_hash, choices, points] = row.map(str::to_string);
    app.state
        .db
        .write(move |c| {
            use diesel::prelude::*;
            use plenum::db::schema::ballots;
            diesel::insert_into(ballots::table)
                .values((
                    ballots::budget_id.eq(&id),
                    ballots::voter_tag.eq(&tag),
                    ballots::receipt_hash.eq(&receipt_hash),
                    ballots::choices.eq(&choices),
                    ballots::points.eq(&points),
                ))
                .execute(c)
                .map_err(plenum::db::DbError::from)?;
            Ok::<_, Error>(())
        })
        .await
        .expect("a ballot stored as it is");
}
