//! Listing a process's proposals: filters, orders (random by default, stable per visitor),
//! pages, and the per-node cache of their counts.

use diesel::prelude::*;

use serde::{Deserialize, Serialize};

use super::{Listed, Proposal, ProposalState};
use crate::db::schema::{proposals, users};
use crate::db::AnyConnection;
use crate::domain::Result;

/// Proposals on one page of a list.
pub const PER_PAGE: i64 = 20;

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
pub(super) mod count_cache {
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
