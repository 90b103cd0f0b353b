//! One line of the VOTES section: a voter's ballot, checked against the projects and the vote
//! type read before it.

use super::{Parser, Section};
use crate::budgeting::pabulib::error::ParseError;
use crate::budgeting::pabulib::model::{Ballot, VoteType};
use crate::budgeting::pabulib::record::Record;

fn too_many_points(line: usize, voter_id: &str) -> ParseError {
    ParseError::at(
        line,
        format!("voter '{voter_id}' gives more points than can be counted"),
    )
}

impl Parser {
    pub(super) fn read_ballot(&mut self, record: Record) -> Result<(), ParseError> {
        let line = record.line;
        let (Some(layout), Some(vote_type)) = (&self.vote_layout, self.vote_type) else {
            return Err(ParseError::at(line, "a ballot comes before the VOTES header"));
        };
        if !self.seen.contains(&Section::Projects) {
            return Err(ParseError::at(line, "VOTES comes before PROJECTS"));
        }
        let voter_id = record.fields[layout.voter_id].clone();
        let listed: Vec<&str> = record.fields[layout.vote]
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let points_given: Vec<u64> = match layout.points {
            None => Vec::new(),
            Some(col) => {
                let text = &record.fields[col];
                let pts: Vec<&str> = text.split(',').map(str::trim).filter(|p| !p.is_empty()).collect();
                if pts.len() != listed.len() {
                    return Err(ParseError::at(
                        line,
                        format!(
                            "voter '{voter_id}' lists {} projects but {} points",
                            listed.len(),
                            pts.len()
                        ),
                    ));
                }
                pts.iter()
                    .map(|p| {
                        p.parse::<u64>().map_err(|_| {
                            ParseError::at(
                                line,
                                format!(
                                    "voter '{voter_id}' gives points '{p}', \
                                     which is not a whole number"
                                ),
                            )
                        })
                    })
                    .collect::<Result<_, _>>()?
            }
        };
        if vote_type == VoteType::Choose1 && listed.len() > 1 {
            return Err(ParseError::at(
                line,
                format!(
                    "voter '{voter_id}' names {} projects on a choose-1 ballot",
                    listed.len()
                ),
            ));
        }
        let mut projects: Vec<String> = Vec::with_capacity(listed.len());
        let mut points: Vec<u64> = Vec::with_capacity(points_given.len());
        for (i, id) in listed.iter().enumerate() {
            if !self.project_index.contains_key(*id) {
                return Err(ParseError::at(
                    line,
                    format!("voter '{voter_id}' votes for project '{id}', which is not in PROJECTS"),
                ));
            }
            // A project named twice counts once (approval, ordinal: first place kept);
            // cumulative points given twice to one project add up.
            match projects.iter().position(|p| p == id) {
                Some(pos) => {
                    if let (Some(total), Some(more)) = (points.get_mut(pos), points_given.get(i)) {
                        *total = total
                            .checked_add(*more)
                            .ok_or_else(|| too_many_points(line, &voter_id))?;
                    }
                }
                None => {
                    projects.push((*id).to_string());
                    if let Some(p) = points_given.get(i) {
                        points.push(*p);
                    }
                }
            }
        }
        // A ballot's points must add up to a number we can hold: the importer and the tally
        // sum them.
        if points
            .iter()
            .try_fold(0u64, |sum, p| sum.checked_add(*p))
            .is_none()
        {
            return Err(too_many_points(line, &voter_id));
        }
        let extra = self
            .vote_columns
            .iter()
            .zip(record.fields)
            .enumerate()
            .filter(|(i, _)| *i != layout.voter_id && *i != layout.vote && Some(*i) != layout.points)
            .map(|(_, (c, v))| (c.clone(), v))
            .collect();
        self.ballots.push(Ballot {
            voter_id,
            projects,
            points,
            extra,
        });
        Ok(())
    }
}
