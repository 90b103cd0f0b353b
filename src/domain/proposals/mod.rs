//! Proposals: writing, editing with history, withdrawing, official answers; finding one and who
//! sees it in [`reading`], listing in [`list`], the post on another server one came from in
//! [`origin`].

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::accounts::User;
use super::processes::{Capability, ProcessDetail};
use super::validate::Validator;
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::{proposal_versions, proposals};
use crate::db::AnyConnection;

mod list;
mod origin;
mod reading;

use list::count_cache;
pub use list::{list, ListPage, ListQuery, Sort, PER_PAGE};
pub use origin::{by_origin, set_origin};
pub use reading::{find, find_listed, find_with_process, versions, visible_to};

super::stored::stored_enum! {
    /// Where a proposal stands, stored in `proposals.state`.
    pub enum ProposalState {
        Published = "published",
        Evaluating = "evaluating",
        Accepted = "accepted",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
    }
}

impl ProposalState {
    /// States staff may give in an official answer.
    pub const ANSWERS: &'static [ProposalState] = &[
        ProposalState::Evaluating,
        ProposalState::Accepted,
        ProposalState::Rejected,
    ];
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = proposals)]
pub struct Proposal {
    pub id: String,
    pub process_id: String,
    pub author_id: Option<String>,
    pub category_id: Option<String>,
    pub title: String,
    pub body: String,
    pub body_html: String,
    #[serde(skip)]
    pub search_text: String,
    pub state: String,
    pub answer: Option<String>,
    pub answer_html: Option<String>,
    pub answered_at: Option<NaiveDateTime>,
    /// Endorsements that count (residents, and peers or everyone where the process says so).
    pub endorsement_count: i64,
    /// Support from elsewhere that the process's rule does not count, shown apart.
    pub federated_count: i64,
    /// Boosts on the fediverse, and votes against (Lemmy's downvote): shown, never endorsements.
    pub share_count: i64,
    pub against_count: i64,
    pub comment_count: i64,
    #[serde(skip)]
    pub random_key: i64,
    pub hidden: bool,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

impl Proposal {
    /// The stored state; a state this version does not know reads as `Published` (the state
    /// that gives no one a right staff did not grant: it can still be answered).
    pub fn state(&self) -> ProposalState {
        ProposalState::parse(&self.state).unwrap_or(ProposalState::Published)
    }

    pub fn is_by(&self, user: &User) -> bool {
        self.author_id.as_deref() == Some(user.id.as_str())
    }

    /// Withdrawn and rejected proposals no longer gather support.
    pub fn is_open(&self) -> bool {
        !matches!(self.state(), ProposalState::Withdrawn | ProposalState::Rejected)
    }
}

/// A proposal as listed, with its author's public name.
#[derive(Debug, Clone, Serialize)]
pub struct Listed {
    #[serde(flatten)]
    pub proposal: Proposal,
    pub author_name: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = proposal_versions)]
pub struct Version {
    pub id: String,
    pub proposal_id: String,
    pub version: i32,
    pub title: String,
    pub body: String,
    pub editor_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// What a citizen writes.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProposalForm {
    pub title: String,
    pub body: String,
    #[serde(default)]
    pub category_id: Option<String>,
}

fn validate(detail: &ProcessDetail, form: &ProposalForm) -> Result<Option<String>> {
    let mut v = Validator::new();
    v.text("title", &form.title, 5, 150);
    v.text("body", &form.body, 15, 20_000);
    let category = form.category_id.clone().filter(|c| !c.is_empty());
    if let Some(c) = &category {
        if detail.category(c).is_none() {
            v.add("category_id", Msg::new("error-category"));
        }
    }
    v.finish()?;
    Ok(category)
}

fn insert_version(conn: &mut AnyConnection, p: &Proposal, editor: &User, at: NaiveDateTime) -> Result<()> {
    diesel::insert_into(proposal_versions::table)
        .values((
            proposal_versions::id.eq(new_id()),
            proposal_versions::proposal_id.eq(&p.id),
            proposal_versions::version.eq(p.version),
            proposal_versions::title.eq(&p.title),
            proposal_versions::body.eq(&p.body),
            proposal_versions::editor_id.eq(&editor.id),
            proposal_versions::created_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Publishes a new proposal, if the current phase accepts proposals.
pub fn create(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    author: &User,
    form: &ProposalForm,
) -> Result<Proposal> {
    count_cache::forget_all();
    let at = now();
    detail
        .check(Capability::CreateProposal, at)
        .map_err(Error::Forbidden)?;
    super::eligibility::check(conn, detail, Capability::CreateProposal, author)?;
    let category_id = validate(detail, form)?;
    let title = form.title.trim().to_string();
    let body = form.body.trim().to_string();
    let proposal = Proposal {
        id: new_id(),
        process_id: detail.process.id.clone(),
        author_id: Some(author.id.clone()),
        category_id,
        body_html: crate::markdown::render(&body),
        search_text: crate::markdown::search_text(&[&title, &body]),
        title,
        body,
        state: ProposalState::Published.as_str().into(),
        answer: None,
        answer_html: None,
        answered_at: None,
        endorsement_count: 0,
        federated_count: 0,
        share_count: 0,
        against_count: 0,
        comment_count: 0,
        random_key: rand::thread_rng().gen_range(1..i64::from(i32::MAX)),
        hidden: false,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(proposals::table)
        .values((
            proposals::id.eq(&proposal.id),
            proposals::process_id.eq(&proposal.process_id),
            proposals::author_id.eq(&proposal.author_id),
            proposals::category_id.eq(&proposal.category_id),
            proposals::title.eq(&proposal.title),
            proposals::body.eq(&proposal.body),
            proposals::body_html.eq(&proposal.body_html),
            proposals::search_text.eq(&proposal.search_text),
            proposals::state.eq(&proposal.state),
            proposals::endorsement_count.eq(0i64),
            proposals::comment_count.eq(0i64),
            proposals::random_key.eq(proposal.random_key),
            proposals::hidden.eq(false),
            proposals::version.eq(1),
            proposals::created_at.eq(at),
            proposals::updated_at.eq(at),
        ))
        .execute(conn)?;
    insert_version(conn, &proposal, author, at)?;
    Ok(proposal)
}

/// Whether `user` may edit `proposal` now; the error says why not.
pub fn check_editable(detail: &ProcessDetail, proposal: &Proposal, user: &User) -> Result<()> {
    if !proposal.is_by(user) {
        return Err(Error::Forbidden(Msg::new("denied-not-author")));
    }
    if proposal.state() != ProposalState::Published {
        return Err(Error::Forbidden(Msg::new("denied-answered")));
    }
    detail
        .check(Capability::CreateProposal, now())
        .map_err(Error::Forbidden)
}

/// Saves a new version written by its author; every version stays in the history.
/// `expected_version` is the version the author's form was written against: if the stored one
/// is newer (an edit from another device, another tab), the edit is refused with a conflict and
/// nothing is saved, whichever way it came (HTML form or JSON API).
pub fn edit(
    conn: &mut AnyConnection,
    detail: &ProcessDetail,
    proposal: &Proposal,
    user: &User,
    expected_version: i32,
    form: &ProposalForm,
) -> Result<Proposal> {
    count_cache::forget_all();
    check_editable(detail, proposal, user)?;
    if proposal.version != expected_version {
        return Err(Error::Conflict(Msg::new("error-edited-meanwhile")));
    }
    let category_id = validate(detail, form)?;
    let at = now();
    let title = form.title.trim();
    let body = form.body.trim();
    // The version filter makes the check and the write one statement: of two edits that read
    // the same version, only the first to commit wins.
    let changed = diesel::update(
        proposals::table
            .filter(proposals::id.eq(&proposal.id))
            .filter(proposals::version.eq(expected_version)),
    )
    .set((
        proposals::title.eq(title),
        proposals::body.eq(body),
        proposals::body_html.eq(crate::markdown::render(body)),
        proposals::search_text.eq(crate::markdown::search_text(&[title, body])),
        proposals::category_id.eq(&category_id),
        proposals::version.eq(expected_version + 1),
        proposals::updated_at.eq(at),
    ))
    .execute(conn)?;
    if changed == 0 {
        return Err(Error::Conflict(Msg::new("error-edited-meanwhile")));
    }
    let updated = find(conn, &proposal.id)?;
    insert_version(conn, &updated, user, at)?;
    Ok(updated)
}

/// The author takes the proposal back; it stays visible, marked withdrawn.
pub fn withdraw(conn: &mut AnyConnection, proposal: &Proposal, user: &User) -> Result<()> {
    count_cache::forget_all();
    if !proposal.is_by(user) {
        return Err(Error::Forbidden(Msg::new("denied-not-author")));
    }
    if proposal.state() == ProposalState::Withdrawn {
        return Ok(());
    }
    if proposal.state() != ProposalState::Published {
        return Err(Error::Forbidden(Msg::new("denied-answered")));
    }
    diesel::update(proposals::table.filter(proposals::id.eq(&proposal.id)))
        .set((
            proposals::state.eq(ProposalState::Withdrawn.as_str()),
            proposals::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The town's official answer.
pub fn answer(conn: &mut AnyConnection, proposal_id: &str, state: &str, text: &str) -> Result<()> {
    count_cache::forget_all();
    let proposal = find(conn, proposal_id)?;
    let mut v = Validator::new();
    let given = ProposalState::parse(state)
        .ok()
        .filter(|s| ProposalState::ANSWERS.contains(s));
    if given.is_none() {
        v.add("state", Msg::new("error-answer-state"));
    }
    if given != Some(ProposalState::Evaluating) {
        v.text("answer", text, 10, 10_000);
    } else {
        v.optional_text("answer", text, 10_000);
    }
    if proposal.state() == ProposalState::Withdrawn {
        v.add("state", Msg::new("error-answer-withdrawn"));
    }
    v.finish()?;
    let text = text.trim();
    let (answer, answer_html) = if text.is_empty() {
        (None, None)
    } else {
        (Some(text.to_string()), Some(crate::markdown::render(text)))
    };
    diesel::update(proposals::table.filter(proposals::id.eq(proposal_id)))
        .set((
            proposals::state.eq(state),
            proposals::answer.eq(answer),
            proposals::answer_html.eq(answer_html),
            proposals::answered_at.eq(Some(now())),
            proposals::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Hides or shows a proposal (moderation).
pub fn set_hidden(conn: &mut AnyConnection, id: &str, hidden: bool) -> Result<()> {
    count_cache::forget_all();
    let changed = diesel::update(proposals::table.filter(proposals::id.eq(id)))
        .set(proposals::hidden.eq(hidden))
        .execute(conn)?;
    if changed == 0 {
        return Err(Error::NotFound);
    }
    Ok(())
}
