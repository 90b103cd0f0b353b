//! Pabulib `.pb` files: the typed [`Election`], a streaming reader and a writer.
//!
//! Format (pabulib.org/format): sections `META`, `PROJECTS`, `VOTES`, each a header line then
//! `;`-separated rows; UTF-8, LF or CRLF, optional quoting, any extra columns.

mod error;
mod model;
mod reader;
mod record;
mod writer;

pub use error::ParseError;
pub use model::{Ballot, Election, Project, VoteType};
pub use reader::{parse, parse_str};
pub use writer::{to_string, write};

/// Opens and parses a `.pb` file.
pub fn parse_file(path: &std::path::Path) -> Result<Election, ParseError> {
    let file = std::fs::File::open(path)
        .map_err(|e| ParseError::file(format!("cannot open {}: {e}", path.display())))?;
    parse(std::io::BufReader::new(file))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "META\r\nkey;value\r\ndescription;\"A \"\"quoted\"\"; test\"\r\nbudget;100.5\r\n\
        vote_type;cumulative\r\nPROJECTS\r\nproject_id;cost;name;category\r\n\
        a;60;Park;green\r\nb;40.50;Bench;\r\nVOTES\r\nvoter_id;vote;points;age\r\n\
        1;a,b;2,1;33\r\n2;b;3;\r\n3;;;\r\n";

    fn err(text: &str) -> String {
        parse_str(text).unwrap_err().to_string()
    }

    fn approval(projects: &str, votes: &str) -> String {
        format!(
            "META\nkey;value\nbudget;100\nvote_type;approval\nPROJECTS\nproject_id;cost\n{projects}VOTES\nvoter_id;vote\n{votes}"
        )
    }

    #[test]
    fn reads_every_part_of_a_file() {
        let e = parse_str(GOOD).unwrap();
        assert_eq!(e.budget.to_string(), "100.5");
        assert_eq!(e.vote_type, VoteType::Cumulative);
        assert_eq!(e.meta_value("description"), Some("A \"quoted\"; test"));
        assert_eq!(e.projects[1].id, "b");
        assert_eq!(e.projects[1].cost.to_string(), "40.50");
        assert_eq!(e.projects[0].name.as_deref(), Some("Park"));
        assert_eq!(e.projects[0].extra, vec![("category".into(), "green".into())]);
        assert_eq!(e.ballots[0].projects, vec!["a", "b"]);
        assert_eq!(e.ballots[0].points, vec![2, 1]);
        assert_eq!(e.ballots[0].extra, vec![("age".into(), "33".into())]);
        assert!(e.ballots[2].projects.is_empty());
    }

    #[test]
    fn writing_then_reading_gives_the_same_election() {
        let e = parse_str(GOOD).unwrap();
        let text = to_string(&e).unwrap();
        assert_eq!(parse_str(&text).unwrap(), e);
        let anon = e.anonymised();
        assert_eq!(anon.ballots[0].voter_id, "1");
        assert!(anon.ballots.iter().all(|b| b.extra.is_empty()));
        assert_eq!(parse_str(&to_string(&anon).unwrap()).unwrap(), anon);
    }

    #[test]
    fn a_cost_that_is_not_a_number_names_the_line() {
        let text = approval("a;10\nx;12k\n", "1;a\n");
        assert_eq!(
            err(&text),
            "line 8: project 'x' has a cost that is not a number ('12k')"
        );
    }

    #[test]
    fn a_vote_for_an_unknown_project_names_the_line() {
        let text = approval("a;10\n", "1;a\n2;a,zz\n");
        assert_eq!(
            err(&text),
            "line 11: voter '2' votes for project 'zz', which is not in PROJECTS"
        );
    }

    #[test]
    fn a_missing_section_is_reported() {
        let text = "META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nproject_id;cost\na;1\n";
        assert_eq!(err(text), "the file has no VOTES section");
    }

    #[test]
    fn a_wrong_column_count_names_the_line() {
        let text = approval("a;10\nb;20;extra\n", "1;a\n");
        assert_eq!(
            err(&text),
            "line 8: PROJECTS row has 3 columns but the header has 2"
        );
        let text = approval("a;10\n", "1;a;oops\n");
        assert_eq!(
            err(&text),
            "line 10: VOTES row has 3 columns but the header has 2"
        );
    }

    #[test]
    fn other_mistakes_are_named_in_plain_words() {
        let bad_budget = approval("a;1\n", "1;a\n").replace("budget;100", "budget;lots");
        assert_eq!(err(&bad_budget), "line 3: the budget 'lots' is not a number");
        let bad_type = approval("a;1\n", "1;a\n").replace("approval", "scoring");
        assert!(err(&bad_type).starts_with("line 4: vote_type 'scoring'"));
        let twice = approval("a;1\na;2\n", "1;a\n");
        assert_eq!(err(&twice), "line 8: project 'a' is listed twice");
        let points = GOOD.replace("1;a,b;2,1;33", "1;a,b;2;33");
        assert_eq!(err(&points), "line 12: voter '1' lists 2 projects but 1 points");
        let no_header = "META\nkey;value\nbudget;1\nvote_type;approval\nPROJECTS\nVOTES\n";
        assert_eq!(err(no_header), "line 6: the PROJECTS section has no header line");
        assert!(err("hello\n").starts_with("line 1: text before the first section"));
    }

    #[test]
    fn repeated_projects_in_a_ballot_count_once() {
        let e = parse_str(&approval("a;1\nb;1\n", "1;a,b,a\n")).unwrap();
        assert_eq!(e.ballots[0].projects, vec!["a", "b"]);
    }
}
