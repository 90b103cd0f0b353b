//! The typed content of a `.pb` file, as written (nothing computed, nothing dropped).

use crate::budgeting::amount::Decimal;

/// How voters expressed themselves (`vote_type` in META).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum VoteType {
    /// Each ballot is a set of approved projects.
    Approval,
    /// Each ballot gives points to projects (`points` column).
    Cumulative,
    /// Each ballot ranks projects, best first.
    Ordinal,
    /// Each ballot names at most one project.
    Choose1,
}

impl VoteType {
    /// The spelling used in `.pb` files.
    pub fn as_str(&self) -> &'static str {
        match self {
            VoteType::Approval => "approval",
            VoteType::Cumulative => "cumulative",
            VoteType::Ordinal => "ordinal",
            VoteType::Choose1 => "choose-1",
        }
    }

    /// Parses the META value; `None` for types we do not tally (e.g. `scoring`).
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "approval" => Some(VoteType::Approval),
            "cumulative" => Some(VoteType::Cumulative),
            "ordinal" => Some(VoteType::Ordinal),
            "choose-1" => Some(VoteType::Choose1),
            _ => None,
        }
    }
}

/// One row of PROJECTS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// `project_id`, compared as a string everywhere (also for tie-breaking).
    pub id: String,
    /// `cost`, exactly as written.
    pub cost: Decimal,
    /// `name`, when the file has that column.
    pub name: Option<String>,
    /// Every other column, in file order, as `(column, value)`.
    pub extra: Vec<(String, String)>,
}

/// One row of VOTES.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    /// `voter_id` as written.
    pub voter_id: String,
    /// Chosen projects in the order written, without repeats. For ordinal ballots, best first.
    pub projects: Vec<String>,
    /// For cumulative ballots, the points given to `projects[i]`; empty otherwise.
    pub points: Vec<u64>,
    /// Every other column (age, sex, voting method, …), in file order.
    pub extra: Vec<(String, String)>,
}

/// A whole election: what a `.pb` file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    /// META rows in file order (`budget` and `vote_type` included).
    pub meta: Vec<(String, String)>,
    /// Total budget (META `budget`).
    pub budget: Decimal,
    /// Ballot type (META `vote_type`).
    pub vote_type: VoteType,
    /// PROJECTS column names in file order (starts with `project_id`).
    pub project_columns: Vec<String>,
    /// Projects in file order.
    pub projects: Vec<Project>,
    /// VOTES column names in file order (starts with `voter_id`).
    pub vote_columns: Vec<String>,
    /// Ballots in file order.
    pub ballots: Vec<Ballot>,
}

impl Election {
    /// The META value for `key`, if present.
    pub fn meta_value(&self, key: &str) -> Option<&str> {
        self.meta.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// A copy fit for publication: voters renumbered 1..n and every column that could identify
    /// a voter (age, sex, neighbourhood, …) dropped; projects and META kept.
    pub fn anonymised(&self) -> Election {
        let keep = |c: &String| matches!(c.as_str(), "voter_id" | "vote" | "points");
        let ballots = self
            .ballots
            .iter()
            .enumerate()
            .map(|(i, b)| Ballot {
                voter_id: (i + 1).to_string(),
                projects: b.projects.clone(),
                points: b.points.clone(),
                extra: Vec::new(),
            })
            .collect();
        Election {
            vote_columns: self.vote_columns.iter().filter(|c| keep(c)).cloned().collect(),
            ballots,
            ..self.clone()
        }
    }
}
