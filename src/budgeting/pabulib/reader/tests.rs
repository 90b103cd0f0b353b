use super::parse_str;

fn cumulative(projects: &str, votes: &str) -> String {
    format!(
        "META\nkey;value\nbudget;100\nvote_type;cumulative\nPROJECTS\nproject_id;cost\n{projects}\
         VOTES\nvoter_id;vote;points\n{votes}"
    )
}

/// One ballot whose points add up past u64: an error naming its line, not a wrapped sum
/// that the importer or the tally would then trip over.
#[test]
fn a_ballot_whose_points_overflow_a_sum_is_an_error() {
    let text = cumulative("a;10\nb;10\n", &format!("1;a;1\n2;a,b;{},11\n", u64::MAX));
    assert_eq!(
        parse_str(&text).unwrap_err().to_string(),
        "line 12: voter '2' gives more points than can be counted"
    );
}

/// A project named twice on one cumulative ballot adds its points up: checked too.
#[test]
fn points_given_twice_to_one_project_that_overflow_are_an_error() {
    let text = cumulative("a;10\n", &format!("1;a,a;{},1\n", u64::MAX));
    assert_eq!(
        parse_str(&text).unwrap_err().to_string(),
        "line 10: voter '1' gives more points than can be counted"
    );
    let fine = parse_str(&cumulative("a;10\n", "1;a,a;2,3\n")).unwrap();
    assert_eq!(fine.ballots[0].points, vec![5]);
}
