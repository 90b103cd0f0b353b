//! Writes an [`Election`] as a valid `.pb` file (e.g. the anonymised ballot log we publish).
//!
//! Whatever [`super::parse`] reads, this writes back so that parsing the output gives the same
//! `Election`: fields are quoted only when they must be, amounts keep their written precision.

use std::io::{self, Write};

use super::model::{Election, VoteType};
use crate::budgeting::amount::Decimal;

/// Writes `election` in Pabulib format. Fails with `InvalidInput` for what the format cannot
/// say (a project id containing `,`, or an id that reads as a section name).
pub fn write<W: Write>(election: &Election, out: &mut W) -> io::Result<()> {
    check_representable(election)?;
    writeln!(out, "META")?;
    writeln!(out, "key;value")?;
    let mut wrote_budget = false;
    let mut wrote_type = false;
    for (key, value) in &election.meta {
        // The typed fields win over the META text if someone changed them.
        let value = match key.as_str() {
            "budget" => {
                wrote_budget = true;
                match value.parse::<Decimal>() {
                    Ok(d) if d == election.budget => value.clone(),
                    _ => election.budget.to_string(),
                }
            }
            "vote_type" => {
                wrote_type = true;
                election.vote_type.as_str().to_string()
            }
            _ => value.clone(),
        };
        write_row(out, [key.as_str(), value.as_str()])?;
    }
    if !wrote_budget {
        write_row(out, ["budget", election.budget.to_string().as_str()])?;
    }
    if !wrote_type {
        write_row(out, ["vote_type", election.vote_type.as_str()])?;
    }

    let project_columns = project_columns(election);
    writeln!(out, "PROJECTS")?;
    write_row(out, project_columns.iter().map(String::as_str))?;
    for project in &election.projects {
        let cost = project.cost.to_string();
        let row = project_columns.iter().map(|c| match c.as_str() {
            "project_id" => project.id.as_str(),
            "cost" => cost.as_str(),
            "name" => project.name.as_deref().unwrap_or(""),
            other => lookup(&project.extra, other),
        });
        write_row(out, row)?;
    }

    let vote_columns = vote_columns(election);
    writeln!(out, "VOTES")?;
    write_row(out, vote_columns.iter().map(String::as_str))?;
    for ballot in &election.ballots {
        let vote = ballot.projects.join(",");
        let points = ballot
            .points
            .iter()
            .map(u64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let row = vote_columns.iter().map(|c| match c.as_str() {
            "voter_id" => ballot.voter_id.as_str(),
            "vote" => vote.as_str(),
            "points" => points.as_str(),
            other => lookup(&ballot.extra, other),
        });
        write_row(out, row)?;
    }
    Ok(())
}

/// Convenience: the `.pb` text of `election`.
pub fn to_string(election: &Election) -> io::Result<String> {
    let mut buf = Vec::new();
    write(election, &mut buf)?;
    String::from_utf8(buf).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

fn check_representable(election: &Election) -> io::Result<()> {
    for p in &election.projects {
        let lower = p.id.to_ascii_lowercase();
        if p.id.contains(',') || p.id.is_empty() || ["meta", "projects", "votes"].contains(&lower.as_str()) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("project id '{}' cannot be written in a .pb file", p.id),
            ));
        }
    }
    Ok(())
}

/// The header of PROJECTS: the election's own columns, plus any the data needs.
fn project_columns(election: &Election) -> Vec<String> {
    let mut columns = election.project_columns.clone();
    let need = |c: &str, columns: &mut Vec<String>| {
        if !columns.iter().any(|x| x == c) {
            columns.push(c.to_string());
        }
    };
    for c in ["project_id", "cost"] {
        need(c, &mut columns);
    }
    for p in &election.projects {
        if p.name.is_some() {
            need("name", &mut columns);
        }
        for (c, _) in &p.extra {
            need(c, &mut columns);
        }
    }
    // project_id must come first for the reader.
    if let Some(pos) = columns.iter().position(|c| c == "project_id") {
        let id = columns.remove(pos);
        columns.insert(0, id);
    }
    columns
}

fn vote_columns(election: &Election) -> Vec<String> {
    let mut columns = election.vote_columns.clone();
    let mut required = vec!["voter_id", "vote"];
    if election.vote_type == VoteType::Cumulative {
        required.push("points");
    }
    for c in required {
        if !columns.iter().any(|x| x == c) {
            columns.push(c.to_string());
        }
    }
    for b in &election.ballots {
        for (c, _) in &b.extra {
            if !columns.iter().any(|x| x == c) {
                columns.push(c.clone());
            }
        }
    }
    columns
}

fn lookup<'a>(pairs: &'a [(String, String)], key: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

fn write_row<'a, W: Write>(out: &mut W, fields: impl IntoIterator<Item = &'a str>) -> io::Result<()> {
    for (i, field) in fields.into_iter().enumerate() {
        if i > 0 {
            out.write_all(b";")?;
        }
        write_field(out, field)?;
    }
    out.write_all(b"\n")
}

fn write_field<W: Write>(out: &mut W, field: &str) -> io::Result<()> {
    let needs_quotes = field.contains([';', '"', '\n', '\r']);
    if !needs_quotes {
        return out.write_all(field.as_bytes());
    }
    out.write_all(b"\"")?;
    out.write_all(field.replace('"', "\"\"").as_bytes())?;
    out.write_all(b"\"")
}
