//! What people do with proposals: write, edit, withdraw (the author), answer officially and
//! moderate (staff).

use super::{act, AppState, Staff};
use crate::domain::accounts::User;
use crate::domain::notifications::events;
use crate::domain::processes::ProcessDetail;
use crate::domain::proposals::{self, Listed, Proposal, ProposalForm};
use crate::domain::subscriptions::{self, Target};
use crate::domain::Result;
use crate::federation::outbox::Event;

/// A proposal and its process, if `viewer` may see them (see [`proposals::visible_to`]).
pub async fn view(state: &AppState, viewer: Option<&User>, id: String) -> Result<(ProcessDetail, Listed)> {
    let viewer = viewer.cloned();
    state
        .db
        .read(move |conn| proposals::visible_to(conn, &id, viewer.as_ref()))
        .await
}

/// A citizen publishes a proposal; followers of the process receive it.
pub async fn create(
    state: &AppState,
    author: User,
    detail: ProcessDetail,
    form: ProposalForm,
) -> Result<Proposal> {
    super::accounts::may_take_part(state, &author)?;
    act(state, move |conn, effects| {
        let proposal = proposals::create(conn, &detail, &author, &form)?;
        // Authors hear about what happens to their proposal unless they stop following it.
        subscriptions::follow(conn, &author.id, Target::Proposal, &proposal.id)?;
        events::proposal_created(conn, &proposal)?;
        effects.federate(Event::ProposalCreated(proposal.id.clone()));
        Ok(proposal)
    })
    .await
}

/// The author saves a new version of what they read as `expected_version`; a stale edit is a
/// conflict and saves nothing.
pub async fn edit(
    state: &AppState,
    author: User,
    detail: ProcessDetail,
    id: String,
    expected_version: i32,
    form: ProposalForm,
) -> Result<Proposal> {
    super::accounts::may_take_part(state, &author)?;
    act(state, move |conn, effects| {
        // Read again inside the transaction: the version check is against the latest.
        let current = proposals::find(conn, &id)?;
        let edited = proposals::edit(conn, &detail, &current, &author, expected_version, &form)?;
        effects.federate(Event::ProposalChanged(current.id));
        Ok(edited)
    })
    .await
}

/// The author takes the proposal back (it stays readable, marked withdrawn).
pub async fn withdraw(state: &AppState, author: User, id: String) -> Result<Proposal> {
    act(state, move |conn, effects| {
        let current = proposals::find(conn, &id)?;
        proposals::withdraw(conn, &current, &author)?;
        effects.federate(Event::ProposalChanged(current.id.clone()));
        proposals::find(conn, &current.id)
    })
    .await
}

/// Staff answer officially and give the proposal its new state. Followers get the changed
/// proposal and, because Mastodon shows edits of a post it has rather than new ones, a note of
/// the process in the town's language that reaches their timelines.
pub async fn answer(
    state: &AppState,
    staff: &Staff,
    id: String,
    new_state: String,
    text: String,
) -> Result<()> {
    let base = state.site().base;
    let town = state.town_tr();
    let staff_id = staff.user().id.clone();
    act(state, move |conn, effects| {
        proposals::answer(conn, &id, &new_state, &text)?;
        effects.federate(Event::ProposalChanged(id.clone()));
        let proposal = proposals::find(conn, &id)?;
        events::answered(conn, &proposal, &new_state, text.trim(), &staff_id)?;
        let news = town.t_with(
            "federation-answer-news",
            &[
                ("title", proposal.title.clone()),
                ("state", town.t(&format!("state-{new_state}"))),
                ("answer", text.clone()),
            ],
        );
        let link = crate::federation::urls::proposal(&base, &id);
        effects.federate(Event::News {
            process_id: proposal.process_id,
            html: crate::federation::content::news_html(&news, &link),
        });
        Ok(())
    })
    .await
}
