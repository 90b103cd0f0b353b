//! Casting a secret ballot in a participatory budget's vote.

use super::{act, AppState};
use crate::domain::accounts::User;
use crate::domain::ballots::{self, BallotInput};
use crate::domain::budgets::{Budget, BudgetProject};
use crate::domain::processes::ProcessDetail;
use crate::domain::Result;

/// Seals and stores `voter`'s ballot (replacing an earlier one) and returns the receipt the
/// voter keeps. The budget and its projects are the ones the voter's form was checked against.
pub async fn cast(
    state: &AppState,
    voter: User,
    detail: ProcessDetail,
    budget: Budget,
    projects: Vec<BudgetProject>,
    input: BallotInput,
) -> Result<String> {
    super::accounts::may_take_part(state, &voter)?;
    let key = state.config.secret_key.clone();
    act(state, move |conn, _effects| {
        ballots::cast(conn, &key, &detail, &budget, &projects, &voter, &input)
    })
    .await
}
