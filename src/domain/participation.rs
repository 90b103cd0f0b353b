//! "My participation": what one person has done in the town, section by section, each read in
//! one query bounded to the newest [`SECTION_LIMIT`] rows and filtered on the person's own id
//! (the page takes no id from the request). A later kind of participation (registrations to
//! meetings, signatures of initiatives) adds a section: a type, a query, a field.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::Result;
use crate::db::schema::{ballot_casts, budgets, comments, endorsements, processes, proposals};
use crate::db::AnyConnection;

/// The most rows a section shows; it then says that older ones are not listed.
pub const SECTION_LIMIT: i64 = 50;

/// A section's rows, newest first, and whether older ones were left out.
#[derive(Debug)]
pub struct Section<T> {
    pub items: Vec<T>,
    pub more: bool,
}

impl<T> Section<T> {
    /// Rows read with one more than the limit: the extra one only says there are more.
    fn bounded(mut items: Vec<T>) -> Section<T> {
        let more = items.len() > SECTION_LIMIT as usize;
        items.truncate(SECTION_LIMIT as usize);
        Section { items, more }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// A proposal the person wrote, with where it stands.
#[derive(Debug, Queryable)]
pub struct MyProposal {
    pub id: String,
    pub title: String,
    pub state: String,
    pub answered_at: Option<NaiveDateTime>,
    pub hidden: bool,
    pub endorsement_count: i64,
    pub comment_count: i64,
    pub created_at: NaiveDateTime,
    pub process_title: String,
}

/// A proposal the person endorses (hidden proposals are left out: their page is closed).
#[derive(Debug, Queryable)]
pub struct MyEndorsement {
    pub proposal_id: String,
    pub proposal_title: String,
    pub proposal_state: String,
    pub created_at: NaiveDateTime,
}

/// A comment the person wrote, and the proposal it is on.
#[derive(Debug, Queryable)]
pub struct MyComment {
    pub id: String,
    pub body: String,
    pub hidden: bool,
    pub created_at: NaiveDateTime,
    pub proposal_id: String,
    pub proposal_title: String,
}

/// A budget the person voted in: the day only (what `ballot_casts` keeps), never the choices.
#[derive(Debug, Queryable)]
pub struct MyBallot {
    pub budget_title: String,
    pub budget_slug: String,
    pub results_published: Option<NaiveDateTime>,
    pub first_cast_at: NaiveDateTime,
    pub process_slug: String,
    pub process_title: String,
}

/// Everything the page shows.
#[derive(Debug)]
pub struct Participation {
    pub proposals: Section<MyProposal>,
    pub endorsements: Section<MyEndorsement>,
    pub comments: Section<MyComment>,
    pub ballots: Section<MyBallot>,
    /// How the account was verified as a resident (`census`, `in-person`), if it was.
    pub verification: Option<String>,
}

impl Participation {
    /// Nothing done yet (verification is a state, not something done).
    pub fn is_empty(&self) -> bool {
        self.proposals.is_empty()
            && self.endorsements.is_empty()
            && self.comments.is_empty()
            && self.ballots.is_empty()
    }
}

/// The participation of the account `user_id`.
pub fn of(conn: &mut AnyConnection, user_id: &str) -> Result<Participation> {
    let rows = SECTION_LIMIT + 1;
    let own_proposals = proposals::table
        .inner_join(processes::table)
        .filter(proposals::author_id.eq(user_id))
        .order((proposals::created_at.desc(), proposals::id.desc()))
        .limit(rows)
        .select((
            proposals::id,
            proposals::title,
            proposals::state,
            proposals::answered_at,
            proposals::hidden,
            proposals::endorsement_count,
            proposals::comment_count,
            proposals::created_at,
            processes::title,
        ))
        .load::<MyProposal>(conn)?;
    let endorsed = endorsements::table
        .inner_join(proposals::table)
        .filter(endorsements::user_id.eq(user_id))
        .filter(proposals::hidden.eq(false))
        .order((endorsements::created_at.desc(), endorsements::id.desc()))
        .limit(rows)
        .select((
            proposals::id,
            proposals::title,
            proposals::state,
            endorsements::created_at,
        ))
        .load::<MyEndorsement>(conn)?;
    let own_comments = comments::table
        .inner_join(proposals::table)
        .filter(comments::author_id.eq(user_id))
        .filter(proposals::hidden.eq(false))
        .order((comments::created_at.desc(), comments::id.desc()))
        .limit(rows)
        .select((
            comments::id,
            comments::body,
            comments::hidden,
            comments::created_at,
            proposals::id,
            proposals::title,
        ))
        .load::<MyComment>(conn)?;
    let voted = ballot_casts::table
        .inner_join(budgets::table.inner_join(processes::table))
        .filter(ballot_casts::user_id.eq(user_id))
        .order((ballot_casts::first_cast_at.desc(), budgets::id.desc()))
        .limit(rows)
        .select((
            budgets::title,
            budgets::slug,
            budgets::published_at,
            ballot_casts::first_cast_at,
            processes::slug,
            processes::title,
        ))
        .load::<MyBallot>(conn)?;
    Ok(Participation {
        proposals: Section::bounded(own_proposals),
        endorsements: Section::bounded(endorsed),
        comments: Section::bounded(own_comments),
        ballots: Section::bounded(voted),
        verification: super::census::verification(conn, user_id)?,
    })
}
