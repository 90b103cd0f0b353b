//! Proposals: writing, editing with history, withdrawing, official answers, and listing.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::accounts::User;
use super::processes::{Capability, ProcessDetail};
use super::validate::Validator;
use super::{new_id, now, Error, Msg, Result};
use crate::db::schema::{posted_proposals, proposal_versions, proposals, users};
use crate::db::AnyConnection;

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

pub const PER_PAGE: i64 = 20;

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

pub fn find(conn: &mut AnyConnection, id: &str) -> Result<Proposal> {
    Ok(proposals::table
        .filter(proposals::id.eq(id))
        .select(Proposal::as_select())
        .first(conn)?)
}

/// Remembers that a proposal came from a post on another server (`ap_id`, the post's id), so that
/// what names the post there (a reply, a vote) reaches the proposal here.
pub fn set_origin(conn: &mut AnyConnection, proposal_id: &str, ap_id: &str) -> Result<()> {
    diesel::insert_into(posted_proposals::table)
        .values((
            posted_proposals::ap_id.eq(ap_id),
            posted_proposals::proposal_id.eq(proposal_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// The proposal a post on another server became, from the post's id.
pub fn by_origin(conn: &mut AnyConnection, ap_id: &str) -> Result<Option<String>> {
    Ok(posted_proposals::table
        .filter(posted_proposals::ap_id.eq(ap_id))
        .select(posted_proposals::proposal_id)
        .first(conn)
        .optional()?)
}

/// A proposal with its author's name; hidden ones only for staff.
pub fn find_listed(conn: &mut AnyConnection, id: &str, include_hidden: bool) -> Result<Listed> {
    let (proposal, author_name) = proposals::table
        .left_join(users::table)
        .filter(proposals::id.eq(id))
        .select((Proposal::as_select(), users::display_name.nullable()))
        .first::<(Proposal, Option<String>)>(conn)?;
    if proposal.hidden && !include_hidden {
        return Err(Error::NotFound);
    }
    Ok(Listed {
        proposal,
        author_name: author_name.filter(|n| !n.is_empty()),
    })
}

/// A proposal and its process as `viewer` may see them: hidden proposals and proposals of
/// unpublished processes exist for staff only (for anyone else they are not found).
pub fn visible_to(
    conn: &mut AnyConnection,
    id: &str,
    viewer: Option<&User>,
) -> Result<(ProcessDetail, Listed)> {
    let staff = viewer.is_some_and(User::is_admin);
    let listed = find_listed(conn, id, staff)?;
    let detail = super::processes::detail_by_id(conn, &listed.proposal.process_id)?;
    if !detail.process.published && !staff {
        return Err(Error::NotFound);
    }
    Ok((detail, listed))
}

pub fn versions(conn: &mut AnyConnection, proposal_id: &str) -> Result<Vec<Version>> {
    Ok(proposal_versions::table
        .filter(proposal_versions::proposal_id.eq(proposal_id))
        .order(proposal_versions::version.desc())
        .select(Version::as_select())
        .load(conn)?)
}

/// Orders a list can take. Random is the default: research on participation shows the first
/// items of a list get most attention, so no proposal should always be first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    #[default]
    Random,
    MostEndorsed,
    Newest,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::Random, Sort::MostEndorsed, Sort::Newest];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Random => "random",
            Sort::MostEndorsed => "most_endorsed",
            Sort::Newest => "newest",
        }
    }

    pub fn parse(text: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Filters and paging for a list of proposals.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub sort: Sort,
    pub category_id: Option<String>,
    pub state: Option<String>,
    pub text: Option<String>,
    /// Starts at 1.
    pub page: i64,
    /// Per-visitor seed of the random order, so the order stays the same while paging.
    pub seed: u32,
    pub include_hidden: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ListPage {
    pub items: Vec<Listed>,
    pub total: i64,
    pub page: i64,
    pub pages: i64,
}

/// One page of a process's proposals.
pub fn list(conn: &mut AnyConnection, process_id: &str, q: &ListQuery) -> Result<ListPage> {
    // The filters, without the author join: counting needs no names.
    let filtered = || -> Filtered<'_> {
        let mut query = proposals::table
            .filter(proposals::process_id.eq(process_id.to_string()))
            .into_boxed();
        if !q.include_hidden {
            query = query.filter(proposals::hidden.eq(false));
        }
        match q.state.as_deref().filter(|s| !s.is_empty()) {
            Some(state) => query = query.filter(proposals::state.eq(state.to_string())),
            // Withdrawn proposals are shown only when asked for.
            None => query = query.filter(proposals::state.ne(ProposalState::Withdrawn.as_str())),
        }
        if let Some(c) = q.category_id.as_deref().filter(|c| !c.is_empty()) {
            query = query.filter(proposals::category_id.eq(c.to_string()));
        }
        if let Some(t) = q.text.as_deref() {
            let folded = crate::markdown::search_text(&[t]);
            if !folded.is_empty() {
                let escaped = folded
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                query = query.filter(proposals::search_text.like(format!("%{escaped}%")).escape('\\'));
            }
        }
        query
    };
    let total = count_cache::get_or(process_id, q, || filtered().count().get_result(conn))?;
    let page = q.page.max(1);
    let pages = ((total + PER_PAGE - 1) / PER_PAGE).max(1);
    let offset = (page - 1) * PER_PAGE;
    // Ids first (from an index, in order), then the 20 rows with their authors' names.
    let ids: Vec<String> = match q.sort {
        Sort::Newest => filtered()
            .select(proposals::id)
            .order((proposals::created_at.desc(), proposals::id.desc()))
            .limit(PER_PAGE)
            .offset(offset)
            .load(conn)?,
        Sort::MostEndorsed => filtered()
            .select(proposals::id)
            .order((proposals::endorsement_count.desc(), proposals::id.asc()))
            .limit(PER_PAGE)
            .offset(offset)
            .load(conn)?,
        Sort::Random => random_page(conn, &filtered, random_pivot(q.seed), offset)?,
    };
    let mut rows: Vec<(Proposal, Option<String>)> = proposals::table
        .left_join(users::table)
        .filter(proposals::id.eq_any(&ids))
        .select((Proposal::as_select(), users::display_name.nullable()))
        .load(conn)?;
    rows.sort_by_key(|(p, _)| ids.iter().position(|id| *id == p.id));
    Ok(ListPage {
        items: rows
            .into_iter()
            .map(|(proposal, author_name)| Listed {
                proposal,
                author_name: author_name.filter(|n| !n.is_empty()),
            })
            .collect(),
        total,
        page,
        pages,
    })
}

/// How many proposals a list has, remembered for two seconds: counting 10,000 proposals costs more
/// than the whole rest of a list page (see `docs/performance.md`), and "N proposals" may lag a
/// new proposal by two seconds. Per process, so every node keeps its own.
mod count_cache {
    use std::collections::HashMap;
    use std::sync::{LazyLock, Mutex};
    use std::time::{Duration, Instant};

    use super::ListQuery;

    const FRESH_FOR: Duration = Duration::from_secs(2);
    const MAX_ENTRIES: usize = 4096;

    static COUNTS: LazyLock<Mutex<HashMap<String, (Instant, i64)>>> = LazyLock::new(Default::default);

    pub fn get_or<E>(
        process_id: &str,
        q: &ListQuery,
        count: impl FnOnce() -> Result<i64, E>,
    ) -> Result<i64, E> {
        let key = format!(
            "{process_id}\u{1f}{:?}\u{1f}{:?}\u{1f}{:?}\u{1f}{}",
            q.state, q.category_id, q.text, q.include_hidden
        );
        let now = Instant::now();
        if let Some((at, total)) = COUNTS.lock().ok().and_then(|c| c.get(&key).copied()) {
            if now.duration_since(at) < FRESH_FOR {
                return Ok(total);
            }
        }
        let total = count()?;
        if let Ok(mut counts) = COUNTS.lock() {
            if counts.len() >= MAX_ENTRIES {
                counts.retain(|_, (at, _)| now.duration_since(*at) < FRESH_FOR);
            }
            counts.insert(key, (now, total));
        }
        Ok(total)
    }

    /// After a change on this node: its next lists count again (other nodes within two seconds).
    pub fn forget_all() {
        if let Ok(mut counts) = COUNTS.lock() {
            counts.clear();
        }
    }
}

/// Where a visitor's random order starts: a point in the range of `random_key`.
fn random_pivot(seed: u32) -> i64 {
    // Spread the seed over [0, 2^31): neighbouring seeds start far apart.
    i64::from(seed.wrapping_mul(2_654_435_761) % 2_147_483_647)
}

type Filtered<'a> = proposals::BoxedQuery<'a, <AnyConnection as diesel::Connection>::Backend>;

/// The random order is one fixed shuffle (each proposal's `random_key`, drawn when it is
/// created), read from the visitor's pivot to the end and then from the start: every proposal
/// is equally likely to open the first page, a visitor keeps the same order while paging, and
/// each page is a range read of the `(process_id, random_key)` index instead of a sort of every
/// proposal of the process.
fn random_page<'a>(
    conn: &mut AnyConnection,
    filtered: &impl Fn() -> Filtered<'a>,
    pivot: i64,
    offset: i64,
) -> Result<Vec<String>> {
    let ordered = (proposals::random_key.asc(), proposals::id.asc());
    let mut ids: Vec<String> = filtered()
        .filter(proposals::random_key.ge(pivot))
        .select(proposals::id)
        .order(ordered)
        .limit(PER_PAGE)
        .offset(offset)
        .load(conn)?;
    if ids.len() as i64 == PER_PAGE {
        return Ok(ids);
    }
    // The page runs past the end: go on from the start. Past the pivot's part entirely, the
    // offset into the start is what the first part did not cover.
    let from_start = if ids.is_empty() {
        let after_pivot: i64 = filtered()
            .filter(proposals::random_key.ge(pivot))
            .count()
            .get_result(conn)?;
        (offset - after_pivot).max(0)
    } else {
        0
    };
    let rest: Vec<String> = filtered()
        .filter(proposals::random_key.lt(pivot))
        .select(proposals::id)
        .order(ordered)
        .limit(PER_PAGE - ids.len() as i64)
        .offset(from_start)
        .load(conn)?;
    ids.extend(rest);
    Ok(ids)
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
