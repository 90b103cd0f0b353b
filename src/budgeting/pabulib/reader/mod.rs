//! Reads a `.pb` stream into an [`Election`], checking it as it goes: the sections, META and
//! PROJECTS here, each ballot of VOTES in [`ballots`].

use std::collections::HashMap;
use std::io::BufRead;

use super::error::ParseError;
use super::model::{Ballot, Election, Project, VoteType};
use super::record::{Record, Records};
use crate::budgeting::amount::Decimal;

mod ballots;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Section {
    Meta,
    Projects,
    Votes,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::Meta => "META",
            Section::Projects => "PROJECTS",
            Section::Votes => "VOTES",
        }
    }
}

/// Column positions of the VOTES section, found once from its header.
struct VoteColumns {
    voter_id: usize,
    vote: usize,
    points: Option<usize>,
}

/// Parses a whole `.pb` stream. Reads line by line; only the typed result is kept.
pub fn parse<R: BufRead>(input: R) -> Result<Election, ParseError> {
    Parser::default().run(Records::new(input))
}

/// Parses `.pb` text already in memory (tests, uploads).
pub fn parse_str(text: &str) -> Result<Election, ParseError> {
    parse(text.as_bytes())
}

#[derive(Default)]
struct Parser {
    section: Option<Section>,
    header: Option<(usize, Vec<String>)>,
    seen: Vec<Section>,
    meta: Vec<(String, String)>,
    budget: Option<Decimal>,
    vote_type: Option<VoteType>,
    project_columns: Vec<String>,
    projects: Vec<Project>,
    project_index: HashMap<String, usize>,
    vote_columns: Vec<String>,
    vote_layout: Option<VoteColumns>,
    ballots: Vec<Ballot>,
}

fn section_of(record: &Record) -> Option<Section> {
    let first = record.fields.first()?;
    if record.fields[1..].iter().any(|f| !f.is_empty()) {
        return None;
    }
    match first.to_ascii_lowercase().as_str() {
        "meta" => Some(Section::Meta),
        "projects" => Some(Section::Projects),
        "votes" => Some(Section::Votes),
        _ => None,
    }
}

impl Parser {
    fn run<R: BufRead>(mut self, mut records: Records<R>) -> Result<Election, ParseError> {
        while let Some(record) = records.next_record()? {
            if record.is_blank() {
                continue;
            }
            if let Some(section) = section_of(&record) {
                if self.seen.contains(&section) {
                    return Err(ParseError::at(
                        record.line,
                        format!("the {} section appears a second time", section.name()),
                    ));
                }
                if let (Some(previous), None) = (self.section, &self.header) {
                    return Err(ParseError::at(
                        record.line,
                        format!("the {} section has no header line", previous.name()),
                    ));
                }
                self.seen.push(section);
                self.section = Some(section);
                self.header = None;
                continue;
            }
            let Some(section) = self.section else {
                return Err(ParseError::at(
                    record.line,
                    "text before the first section (the file must start with META)",
                ));
            };
            match &self.header {
                None => self.read_header(section, record)?,
                Some((_, header)) => {
                    if record.fields.len() != header.len() {
                        return Err(ParseError::at(
                            record.line,
                            format!(
                                "{} row has {} columns but the header has {}",
                                section.name(),
                                record.fields.len(),
                                header.len()
                            ),
                        ));
                    }
                    match section {
                        Section::Meta => self.read_meta(record)?,
                        Section::Projects => self.read_project(record)?,
                        Section::Votes => self.read_ballot(record)?,
                    }
                }
            }
        }
        self.finish()
    }

    fn read_header(&mut self, section: Section, record: Record) -> Result<(), ParseError> {
        let line = record.line;
        let columns = record.fields;
        let find = |name: &str| columns.iter().position(|c| c == name);
        let missing = |name: &str| {
            ParseError::at(
                line,
                format!("the {} header has no '{name}' column", section.name()),
            )
        };
        match section {
            Section::Meta => {
                if columns.len() != 2 {
                    return Err(ParseError::at(
                        line,
                        "the META header must have two columns (key;value)",
                    ));
                }
            }
            Section::Projects => {
                if find("project_id") != Some(0) {
                    return Err(ParseError::at(
                        line,
                        "the PROJECTS header must start with 'project_id'",
                    ));
                }
                find("cost").ok_or_else(|| missing("cost"))?;
                self.project_columns = columns.clone();
            }
            Section::Votes => {
                let vote_type = self
                    .vote_type
                    .ok_or_else(|| ParseError::at(line, "VOTES comes before META has given a vote_type"))?;
                let voter_id = find("voter_id").ok_or_else(|| missing("voter_id"))?;
                let vote = find("vote").ok_or_else(|| missing("vote"))?;
                let points = match vote_type {
                    VoteType::Cumulative => Some(find("points").ok_or_else(|| missing("points"))?),
                    _ => None,
                };
                self.vote_layout = Some(VoteColumns {
                    voter_id,
                    vote,
                    points,
                });
                self.vote_columns = columns.clone();
            }
        }
        self.header = Some((line, columns));
        Ok(())
    }

    fn read_meta(&mut self, record: Record) -> Result<(), ParseError> {
        let mut fields = record.fields.into_iter();
        let key = fields.next().unwrap_or_default();
        let value = fields.next().unwrap_or_default();
        if key.is_empty() {
            return Err(ParseError::at(record.line, "META row has an empty key"));
        }
        if self.meta.iter().any(|(k, _)| *k == key) {
            return Err(ParseError::at(
                record.line,
                format!("META key '{key}' is given twice"),
            ));
        }
        match key.as_str() {
            "budget" => {
                let budget = value
                    .parse::<Decimal>()
                    .map_err(|e| ParseError::at(record.line, format!("the budget '{value}' {e}")))?;
                self.budget = Some(budget);
            }
            "vote_type" => {
                let vote_type = VoteType::parse(&value).ok_or_else(|| {
                    ParseError::at(
                        record.line,
                        format!(
                            "vote_type '{value}' is not one we can count \
                             (approval, cumulative, ordinal, choose-1)"
                        ),
                    )
                })?;
                self.vote_type = Some(vote_type);
            }
            _ => {}
        }
        self.meta.push((key, value));
        Ok(())
    }

    fn read_project(&mut self, record: Record) -> Result<(), ParseError> {
        let line = record.line;
        let mut id = String::new();
        let mut cost = None;
        let mut name = None;
        let mut extra = Vec::new();
        for (column, value) in self.project_columns.iter().zip(record.fields) {
            match column.as_str() {
                "project_id" => id = value,
                "cost" => cost = Some(value),
                "name" => name = Some(value),
                _ => extra.push((column.clone(), value)),
            }
        }
        if id.is_empty() {
            return Err(ParseError::at(line, "a project has an empty project_id"));
        }
        let cost_text = cost.unwrap_or_default();
        let cost = cost_text.parse::<Decimal>().map_err(|e| {
            ParseError::at(
                line,
                format!("project '{id}' has a cost that {e} ('{cost_text}')"),
            )
        })?;
        if self.project_index.contains_key(&id) {
            return Err(ParseError::at(line, format!("project '{id}' is listed twice")));
        }
        self.project_index.insert(id.clone(), self.projects.len());
        self.projects.push(Project {
            id,
            cost,
            name,
            extra,
        });
        Ok(())
    }

    fn finish(self) -> Result<Election, ParseError> {
        for section in [Section::Meta, Section::Projects, Section::Votes] {
            if !self.seen.contains(&section) {
                return Err(ParseError::file(format!(
                    "the file has no {} section",
                    section.name()
                )));
            }
        }
        if let (Some(section), None) = (self.section, &self.header) {
            return Err(ParseError::file(format!(
                "the {} section has no header line",
                section.name()
            )));
        }
        let budget = self
            .budget
            .ok_or_else(|| ParseError::file("META has no 'budget'"))?;
        let vote_type = self
            .vote_type
            .ok_or_else(|| ParseError::file("META has no 'vote_type'"))?;
        if self.project_columns.is_empty() {
            return Err(ParseError::file("the PROJECTS section has no header line"));
        }
        Ok(Election {
            meta: self.meta,
            budget,
            vote_type,
            project_columns: self.project_columns,
            projects: self.projects,
            vote_columns: self.vote_columns,
            ballots: self.ballots,
        })
    }
}

#[cfg(test)]
mod tests;
