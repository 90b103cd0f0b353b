//! Finding 4: a copy of the database (and of its WAL) must not link a ballot to its voter.
//!
//! 100 accounts cast 100 distinct ballots one after the other (each in its own transaction,
//! the easiest case for an attacker), ten of them vote again, the vote closes and the results
//! and ballot log are published. Then the test copies the database as an attacker without the
//! key file would (SQLite: the file and its -wal; PostgreSQL: every table with ctid and xmin,
//! the raw heap pages with their dead rows, statistics and sequences) and runs every linking
//! attack it knows. Each pairs accounts with published ballots; the test knows the true
//! pairing, and asserts that no attack pairs more than 10 correctly, where chance gives about
//! one (the number of fixed points of a random permutation: P(more than 10) < 1e-7).

use std::collections::HashMap;

use chrono::Duration;
use diesel::prelude::*;
use diesel::sql_types::Text;
use plenum::db::testing::test_backend;
use plenum::db::Backend;
use plenum::domain::accounts::User;
use plenum::domain::ballots::{self, BallotInput};
use plenum::domain::budgets::{self, Budget, BudgetProject};
use plenum::domain::processes::{self, ProcessDetail};
use plenum::domain::{budget_results, now, Error};

use crate::common::TestApp;
use crate::voting::{budget_form, process_form, project, store_raw_ballot, voting_process};

const VOTERS: usize = 100;
/// Correct pairings an attack may reach before the test calls it a link (chance: about 1).
const CHANCE_LIMIT: usize = 10;

/// A process with an open vote and an approval budget of 12 projects p00…p11.
async fn open_vote(app: &TestApp) -> (ProcessDetail, Budget, Vec<BudgetProject>) {
    let projects = (0..12)
        .map(|i| {
            project(
                &format!("p{i:02}"),
                &format!("Project {i}"),
                &format!("{}", 50 + i * 10),
            )
        })
        .collect();
    let (detail, budget) = voting_process(
        app,
        process_form(
            "secret-vote",
            "A secret vote",
            "A budget process for the secrecy tests, with enough words.",
        ),
        (now() - Duration::days(1), now() + Duration::days(7)),
        budget_form("secret", "Secret budget", "1000", "approval", "greedy"),
        projects,
    )
    .await;
    let id = budget.id.clone();
    let projects = app.db(move |c| budgets::projects(c, &id)).await;
    (detail, budget, projects)
}

/// The `n`-th three-project ballot (distinct for n < 220), as the form would send it.
fn ballot(n: usize) -> Vec<String> {
    let mut all = Vec::new();
    for a in 0..12 {
        for b in a + 1..12 {
            for c in b + 1..12 {
                all.push(vec![format!("p{a:02}"), format!("p{b:02}"), format!("p{c:02}")]);
            }
        }
    }
    // A fixed shuffle, so that neighbouring voters do not cast neighbouring ballots.
    all[(n * 97) % all.len()].clone()
}

/// Accounts made directly (without the slow password hashing), with time-ordered ids as real
/// accounts have, created in the order they will vote: the worst case.
async fn accounts(app: &TestApp, count: usize) -> Vec<User> {
    let users: Vec<User> = (0..count)
        .map(|i| User {
            id: plenum::domain::new_id(),
            username: format!("voter{i:03}"),
            email: None,
            display_name: format!("Voter {i}"),
            password_hash: None,
            role: "citizen".into(),
            locale: None,
            blocked: false,
            created_at: now(),
            deleted_at: None,
            email_frequency: "daily".into(),
            email_confirmed_at: None,
        })
        .collect();
    for u in users.clone() {
        app.state
            .db
            .write(move |c| {
                use plenum::db::schema::users;
                diesel::insert_into(users::table)
                    .values((
                        users::id.eq(&u.id),
                        users::username.eq(&u.username),
                        users::display_name.eq(&u.display_name),
                        users::role.eq(&u.role),
                        users::blocked.eq(false),
                        users::created_at.eq(u.created_at),
                    ))
                    .execute(c)
                    .map_err(plenum::db::DbError::from)?;
                Ok::<_, Error>(())
            })
            .await
            .expect("fixture account");
    }
    users
}

async fn cast(
    app: &TestApp,
    detail: &ProcessDetail,
    budget: &Budget,
    projects: &[BudgetProject],
    user: &User,
    choices: Vec<String>,
) -> String {
    let key = app.state.config.secret_key.clone();
    let (detail, budget, projects, user) = (detail.clone(), budget.clone(), projects.to_vec(), user.clone());
    app.state
        .db
        .write(move |c| {
            let input = BallotInput {
                points: vec![1; choices.len()],
                choices,
                ..Default::default()
            };
            ballots::cast(c, &key, &detail, &budget, &projects, &user, &input)
        })
        .await
        .expect("the ballot is cast")
}

/// One row as an attacker reads it: where it sits, its transaction (PostgreSQL), and its text.
#[derive(Debug, Clone, QueryableByName)]
struct Row {
    /// rowid, or ctid as text.
    #[diesel(sql_type = Text)]
    k: String,
    /// xmin as text (PostgreSQL), else empty.
    #[diesel(sql_type = Text)]
    x: String,
    #[diesel(sql_type = Text)]
    a: String,
    #[diesel(sql_type = Text)]
    b: String,
    #[diesel(sql_type = Text)]
    c: String,
}

impl Row {
    fn texts(&self) -> [&str; 3] {
        [&self.a, &self.b, &self.c]
    }

    /// Physical position: a rowid, or a ctid `(block,offset)`.
    fn position(&self) -> (u64, u64) {
        let t = self.k.trim_matches(|c| c == '(' || c == ')');
        match t.split_once(',') {
            Some((b, o)) => (b.parse().unwrap_or(0), o.parse().unwrap_or(0)),
            None => (t.parse().unwrap_or(0), 0),
        }
    }

    fn xmin(&self) -> u64 {
        self.x.parse().unwrap_or(0)
    }
}

/// What the attacker holds besides the copy: the published ballot log.
struct Log {
    /// (receipt hash, choices) in the log's order.
    lines: Vec<(String, String)>,
}

impl Log {
    /// What a row says about its ballot, if the attacker can read it: choices written in the
    /// clear, or a receipt hash of the log.
    fn read(&self, texts: &[&str]) -> Option<String> {
        texts.iter().find_map(|t| {
            self.lines
                .iter()
                .find(|(receipt, choices)| t == receipt || t == choices)
                .map(|(_, choices)| choices.clone())
        })
    }
}

/// Pairs the i-th voter with the i-th ballot row: a row the attacker can read gives its
/// ballot; an unreadable one can only be matched with the log by rank. Returns the number of
/// correct pairings.
fn score(voters: &[String], rows: &[Vec<&str>], log: &Log, truth: &HashMap<String, String>) -> usize {
    voters
        .iter()
        .zip(rows)
        .enumerate()
        .filter(|(i, (voter, row))| {
            let guess = log
                .read(row)
                .or_else(|| log.lines.get(*i).map(|(_, c)| c.clone()));
            guess.as_deref() == truth.get(*voter).map(String::as_str)
        })
        .count()
}

/// Orders the log's ballots by where their content first appears in `chunks` (frames of a
/// WAL, pages of a file, tuples of a heap by xmin): the order they were written in, if they
/// were written in the clear. Ballots found nowhere are left out.
fn content_order(chunks: &Chunks, log: &Log) -> Vec<String> {
    let text: Vec<(u64, String)> = chunks
        .iter()
        .map(|(at, bytes)| (*at, String::from_utf8_lossy(bytes).into_owned()))
        .collect();
    let mut found: Vec<(u64, String)> = Vec::new();
    for (receipt, choices) in &log.lines {
        let first = text
            .iter()
            .filter(|(_, t)| t.contains(receipt.as_str()) || t.contains(choices.as_str()))
            .map(|(at, _)| *at)
            .min();
        if let Some(at) = first {
            found.push((at, choices.clone()));
        }
    }
    found.sort();
    found.into_iter().map(|(_, c)| c).collect()
}

/// Pairs voters, in order, with ballots in the order `content_order` found them.
fn content_order_score(voters: &[String], ballots: &[String], truth: &HashMap<String, String>) -> usize {
    voters
        .iter()
        .zip(ballots)
        .filter(|(voter, choices)| truth.get(*voter) == Some(choices))
        .count()
}

/// Whether `needle` occurs in `haystack` (through `str`, whose search is fast).
fn contains(haystack: &str, needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.contains(std::str::from_utf8(needle).expect("ASCII needle"))
}

fn sorted_by<K: Ord>(rows: &[Row], key: impl Fn(&Row) -> K) -> Vec<Row> {
    let mut rows = rows.to_vec();
    rows.sort_by_key(|r| key(r));
    rows
}

/// (user id, texts of the ballot row the attack joined with that user's cast row).
type Joined = Vec<(String, Vec<String>)>;

/// Raw bytes, each chunk with its place in the order of writing.
type Chunks = Vec<(u64, Vec<u8>)>;

/// Everything the attacker reads from the copy, per engine.
struct Copy {
    /// Voter orderings: name → user ids in that order.
    voters: Vec<(String, Vec<String>)>,
    /// Ballot-row orderings: name → rows (their text) in that order.
    ballots: Vec<(String, Vec<Vec<String>>)>,
    /// Raw bytes in the order they were written, by chunk (WAL frame, file page, heap tuple by
    /// xmin), for content-order attacks: name → chunks.
    raw: Vec<(String, Chunks)>,
    /// Every byte of the copy (SQLite) or every row as text (PostgreSQL).
    everything: Vec<u8>,
    /// Rows written in the same transaction (PostgreSQL's xmin): (user id, texts of the ballot
    /// row of nearest xmin to that user's cast row), per ballot table.
    same_transaction: Vec<(String, Joined)>,
}

/// Reads rows; a table the copy does not have (an older schema) reads as empty.
macro_rules! load {
    ($conn:expr, $query:expr $(,)?) => {
        diesel::sql_query($query).load::<Row>($conn).unwrap_or_default()
    };
}

fn voter_orders(casts: &[Row], users: &[Row]) -> Vec<(String, Vec<String>)> {
    let ids = |rows: Vec<Row>| rows.into_iter().map(|r| r.a).collect::<Vec<_>>();
    let casts_by_user: HashMap<&str, &Row> = casts.iter().map(|r| (r.a.as_str(), r)).collect();
    let voted: Vec<Row> = users
        .iter()
        .filter(|u| casts_by_user.contains_key(u.a.as_str()))
        .cloned()
        .collect();
    vec![
        ("casts by position".into(), ids(sorted_by(casts, Row::position))),
        (
            "casts by xmin".into(),
            ids(sorted_by(casts, |r| (r.xmin(), r.position()))),
        ),
        (
            "casts by time".into(),
            ids(sorted_by(casts, |r| (r.b.clone(), r.position()))),
        ),
        (
            "accounts by id (uuid v7)".into(),
            ids(sorted_by(&voted, |r| r.a.clone())),
        ),
        (
            "accounts by position".into(),
            ids(sorted_by(&voted, Row::position)),
        ),
        (
            "accounts by creation time".into(),
            ids(sorted_by(&voted, |r| r.b.clone())),
        ),
    ]
}

fn ballot_orders(sealed: &[Row], plain: &[Row]) -> Vec<(String, Vec<Vec<String>>)> {
    let texts = |rows: Vec<Row>| {
        rows.into_iter()
            .map(|r| r.texts().iter().map(|t| t.to_string()).collect())
            .collect::<Vec<Vec<String>>>()
    };
    vec![
        ("sealed rows as stored".into(), texts(sealed.to_vec())),
        (
            "sealed rows by position".into(),
            texts(sorted_by(sealed, Row::position)),
        ),
        (
            "sealed rows by xmin".into(),
            texts(sorted_by(sealed, |r| (r.xmin(), r.position()))),
        ),
        (
            "sealed rows by voter tag".into(),
            texts(sorted_by(sealed, |r| r.a.clone())),
        ),
        (
            "sealed rows by receipt key".into(),
            texts(sorted_by(sealed, |r| r.b.clone())),
        ),
        (
            "plaintext rows by position".into(),
            texts(sorted_by(plain, Row::position)),
        ),
        (
            "plaintext rows by xmin".into(),
            texts(sorted_by(plain, |r| (r.xmin(), r.position()))),
        ),
        (
            "plaintext rows by voter tag".into(),
            texts(sorted_by(plain, |r| r.a.clone())),
        ),
    ]
}

/// Joins each cast row with the ballot row whose xmin is nearest to its own: written by the
/// same transaction (each insert runs in a savepoint, whose subtransaction has the next xid).
fn same_transaction(casts: &[Row], ballots: &[Row]) -> Joined {
    casts
        .iter()
        .filter(|c| !c.x.is_empty())
        .filter_map(|c| {
            let nearest = ballots.iter().min_by_key(|b| b.xmin().abs_diff(c.xmin()))?;
            Some((c.a.clone(), nearest.texts().map(str::to_string).to_vec()))
        })
        .collect()
}

fn copy_sqlite(url: &str) -> Copy {
    let path = plenum::db::sqlite_path(url).to_string();
    let dir = std::env::temp_dir().join(format!("plenum-secrecy-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = std::fs::read(&path).expect("the database file");
    let wal = std::fs::read(format!("{path}-wal")).unwrap_or_default();
    let copy = dir.join("copy.db");
    std::fs::write(&copy, &file).unwrap();
    std::fs::write(dir.join("copy.db-wal"), &wal).unwrap();
    let mut conn = diesel::SqliteConnection::establish(copy.to_str().unwrap()).expect("open the copy");
    let casts = load!(
        &mut conn,
        "SELECT CAST(rowid AS TEXT) AS k, '' AS x, user_id AS a, CAST(first_cast_at AS TEXT) AS b, '' AS c FROM ballot_casts",
    );
    let users = load!(
        &mut conn,
        "SELECT CAST(rowid AS TEXT) AS k, '' AS x, id AS a, CAST(created_at AS TEXT) AS b, '' AS c FROM users",
    );
    let sealed = load!(
        &mut conn,
        "SELECT '0' AS k, '' AS x, voter_tag AS a, receipt_key AS b, sealed AS c FROM sealed_ballots",
    );
    let plain = load!(
        &mut conn,
        "SELECT CAST(rowid AS TEXT) AS k, '' AS x, voter_tag AS a, receipt_hash AS b, choices AS c FROM ballots",
    );
    drop(conn);
    // WAL frames in the order they were appended (the WAL's history), and the file's pages.
    let mut raw = Vec::new();
    if wal.len() > 32 {
        let page = u32::from_be_bytes(wal[8..12].try_into().unwrap()) as usize;
        let frames: Vec<(u64, Vec<u8>)> = wal[32..]
            .chunks(24 + page)
            .enumerate()
            .map(|(i, f)| (i as u64, f.to_vec()))
            .collect();
        raw.push(("WAL frames in append order".to_string(), frames));
    }
    let page = u16::from_be_bytes(file[16..18].try_into().unwrap()) as usize;
    let page = if page == 1 { 65536 } else { page };
    raw.push((
        "database pages in file order".to_string(),
        file.chunks(page)
            .enumerate()
            .map(|(i, p)| (i as u64, p.to_vec()))
            .collect(),
    ));
    let mut everything = file;
    everything.extend_from_slice(&wal);
    std::fs::remove_dir_all(&dir).ok();
    Copy {
        voters: voter_orders(&casts, &users),
        ballots: ballot_orders(&sealed, &plain),
        raw,
        everything,
        // SQLite keeps no transaction id in a row.
        same_transaction: Vec::new(),
    }
}

#[derive(QueryableByName)]
struct Tuple {
    #[diesel(sql_type = Text)]
    x: String,
    #[diesel(sql_type = Text)]
    d: String,
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

fn copy_postgres(url: &str) -> Copy {
    let mut conn = diesel::PgConnection::establish(url).expect("connect as the attacker");
    let casts = load!(
        &mut conn,
        "SELECT ctid::text AS k, xmin::text AS x, user_id AS a, first_cast_at::text AS b, '' AS c FROM ballot_casts",
    );
    let users = load!(
        &mut conn,
        "SELECT ctid::text AS k, xmin::text AS x, id AS a, created_at::text AS b, '' AS c FROM users",
    );
    let sealed = load!(
        &mut conn,
        "SELECT ctid::text AS k, xmin::text AS x, voter_tag AS a, receipt_key AS b, sealed AS c FROM sealed_ballots",
    );
    let plain = load!(
        &mut conn,
        "SELECT ctid::text AS k, xmin::text AS x, voter_tag AS a, receipt_hash AS b, choices AS c FROM ballots",
    );
    // Every row of every table, as text: whatever the schema holds in the clear.
    let tables: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
    )
    .load(&mut conn)
    .expect("list the tables");
    let mut everything = Vec::new();
    for t in &tables {
        let rows: Vec<Name> = diesel::sql_query(format!("SELECT t::text AS name FROM \"{}\" t", t.name))
            .load(&mut conn)
            .expect("read a table");
        for r in rows {
            everything.extend_from_slice(r.name.as_bytes());
            everything.push(b'\n');
        }
    }
    // Statistics and sequences: counts per table only, and no sequence numbers the rows.
    let stats: Vec<Name> = diesel::sql_query(
        "SELECT relname || ': ' || n_tup_ins || ' inserted, ' || n_tup_upd || ' updated, ' || \
         n_tup_del || ' deleted, ' || n_dead_tup || ' dead' AS name FROM pg_stat_user_tables \
         WHERE schemaname = current_schema() AND relname IN ('ballots', 'sealed_ballots', 'ballot_casts')",
    )
    .load(&mut conn)
    .unwrap_or_default();
    for s in &stats {
        eprintln!("pg_stat_user_tables: {}", s.name);
    }
    let sequences: Vec<Name> = diesel::sql_query(
        "SELECT sequence_name::text AS name FROM information_schema.sequences WHERE sequence_schema = current_schema()",
    )
    .load(&mut conn)
    .expect("list the sequences");
    assert!(
        sequences.is_empty(),
        "a sequence could number ballots in cast order: {:?}",
        sequences.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    // The raw heap pages, dead row versions included (what a copy of the data directory
    // holds until VACUUM): tuples ordered by the transaction that wrote them.
    let mut raw = Vec::new();
    use diesel::connection::SimpleConnection;
    let inspect = conn.batch_execute("CREATE EXTENSION IF NOT EXISTS pageinspect SCHEMA public");
    for table in ["ballots", "sealed_ballots", "ballot_casts"] {
        let tuples: Result<Vec<Tuple>, _> = diesel::sql_query(format!(
            "SELECT h.t_xmin::text AS x, encode(h.t_data, 'hex') AS d \
             FROM generate_series(0, (pg_relation_size('{table}') / current_setting('block_size')::int)::int - 1) AS b, \
             LATERAL public.heap_page_items(public.get_raw_page('{table}', b)) AS h WHERE h.t_data IS NOT NULL"
        ))
        .load(&mut conn);
        match (&inspect, tuples) {
            (Ok(()), Ok(tuples)) => {
                let chunks: Vec<(u64, Vec<u8>)> = tuples
                    .iter()
                    .map(|t| (t.x.parse().unwrap_or(0), hex::decode(&t.d).unwrap_or_default()))
                    .collect();
                for (_, bytes) in &chunks {
                    everything.extend_from_slice(bytes);
                }
                raw.push((format!("{table} heap tuples (dead ones too) by xmin"), chunks));
            }
            _ => eprintln!("pageinspect is not available: the raw heap of {table} is not read"),
        }
    }
    Copy {
        voters: voter_orders(&casts, &users),
        ballots: ballot_orders(&sealed, &plain),
        raw,
        everything,
        same_transaction: vec![
            (
                "casts joined with the sealed row of nearest xmin".into(),
                same_transaction(&casts, &sealed),
            ),
            (
                "casts joined with the plaintext row of nearest xmin".into(),
                same_transaction(&casts, &plain),
            ),
        ],
    }
}

#[tokio::test]
async fn no_linking_attack_on_a_copy_of_the_database_pairs_voters_and_ballots_better_than_chance() {
    let app = TestApp::new().await;
    let (detail, budget, projects) = open_vote(&app).await;
    let users = accounts(&app, VOTERS).await;
    let mut truth: HashMap<String, String> = HashMap::new();
    let mut receipts: HashMap<String, String> = HashMap::new();
    for (i, user) in users.iter().enumerate() {
        let choices = ballot(i);
        receipts.insert(
            user.id.clone(),
            cast(&app, &detail, &budget, &projects, user, choices.clone()).await,
        );
        truth.insert(user.id.clone(), choices.join(","));
    }
    // Every tenth voter changes their mind: the last ballot counts.
    let mut replaced = Vec::new();
    for (n, user) in users.iter().enumerate().step_by(10) {
        let choices = ballot(VOTERS + n);
        replaced.push(receipts[&user.id].clone());
        receipts.insert(
            user.id.clone(),
            cast(&app, &detail, &budget, &projects, user, choices.clone()).await,
        );
        truth.insert(user.id.clone(), choices.join(","));
    }
    let key = app.state.config.secret_key.clone();
    let (b, voter) = (budget.clone(), users[10].clone());
    let current = app
        .db(move |c| ballots::current(c, &key, &b, &voter))
        .await
        .expect("a current ballot");
    assert_eq!(
        current.choices.join(","),
        truth[&users[10].id],
        "the voter sees their new ballot"
    );

    // Close and publish; the attacker has the published log.
    crate::budgets::close_vote(&app, &detail).await;
    let pid = detail.process.id.clone();
    let (key, b, base) = (
        app.state.config.secret_key.clone(),
        budget.clone(),
        app.state.config.base(),
    );
    let log_text = app
        .state
        .db
        .write(move |c| {
            let detail = processes::detail_by_id(c, &pid)?;
            budget_results::publish(c, &key, &base, &detail, &b)?;
            Ok::<_, Error>(budgets::ballot_log(c, &key, &b)?.0)
        })
        .await
        .expect("publish");
    let election = plenum::budgeting::pabulib::parse_str(&log_text).expect("the log parses");
    let log = Log {
        lines: election
            .ballots
            .iter()
            .map(|b| (b.voter_id.clone(), b.projects.join(",")))
            .collect(),
    };
    assert_eq!(log.lines.len(), VOTERS, "one ballot per voter in the log");
    let mut counted: Vec<&String> = log.lines.iter().map(|(_, c)| c).collect();
    let mut expected: Vec<&String> = truth.values().collect();
    counted.sort();
    expected.sort();
    assert_eq!(counted, expected, "the log holds exactly the last ballots");
    // Receipts still work: the last one is in the log, a replaced one is not.
    for (receipt, found) in [
        (receipts[&users[10].id].clone(), true),
        (replaced[1].clone(), false),
    ] {
        let (key, b) = (app.state.config.secret_key.clone(), budget.clone());
        let counted = app
            .db(move |c| ballots::receipt_is_counted(c, &key, &b, &receipt))
            .await;
        assert_eq!(counted, found);
    }

    let copy = match test_backend() {
        Backend::Sqlite => copy_sqlite(&app.state.config.database_url),
        Backend::Postgres => copy_postgres(&app.state.config.database_url),
    };

    // Nothing in the copy says what any ballot is: no receipt hash of the log, no choices.
    let everything = String::from_utf8_lossy(&copy.everything);
    for (receipt, choices) in &log.lines {
        assert!(
            !contains(&everything, receipt.as_bytes()),
            "receipt hash {receipt} is in the copy in the clear"
        );
        assert!(
            !contains(&everything, choices.as_bytes()),
            "ballot {choices} is in the copy in the clear"
        );
    }

    let written: Vec<(String, Vec<String>)> = copy
        .raw
        .iter()
        .map(|(name, chunks)| (name.clone(), content_order(chunks, &log)))
        .collect();
    let mut scores = Vec::new();
    for (voter_name, voters) in &copy.voters {
        assert_eq!(voters.len(), VOTERS, "{voter_name}: every voter is in the copy");
        for (ballot_name, rows) in &copy.ballots {
            let rows: Vec<Vec<&str>> = rows
                .iter()
                .map(|r| r.iter().map(String::as_str).collect())
                .collect();
            scores.push((
                format!("{voter_name} × {ballot_name}"),
                score(voters, &rows, &log, &truth),
            ));
        }
        // The log's own order (sorted by receipt hash) against the voters.
        let none: Vec<Vec<&str>> = vec![Vec::new(); VOTERS];
        scores.push((
            format!("{voter_name} × published log order"),
            score(voters, &none, &log, &truth),
        ));
        for (raw_name, ballots) in &written {
            scores.push((
                format!("{voter_name} × {raw_name}"),
                content_order_score(voters, ballots, &truth),
            ));
        }
    }
    for (name, pairs) in &copy.same_transaction {
        let correct = pairs
            .iter()
            .filter(|(voter, texts)| {
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                log.read(&texts).as_deref() == truth.get(voter).map(String::as_str)
            })
            .count();
        scores.push((name.clone(), correct));
    }
    for (attack, correct) in &scores {
        eprintln!("{correct:>3} / {VOTERS}  {attack}");
    }
    let worst = scores.iter().max_by_key(|(_, n)| *n).expect("attacks ran");
    assert!(
        worst.1 <= CHANCE_LIMIT,
        "attack '{}' paired {} of {VOTERS} voters with their ballot (chance: about 1)",
        worst.0,
        worst.1
    );
}

/// Ballots an older version stored in the clear (with the voter tag, the receipt hash and the
/// choices readable in the row) are sealed when the server starts, and still count, open for
/// their voter and check by receipt.
#[tokio::test]
async fn ballots_stored_in_the_clear_by_an_older_version_are_sealed_at_start_up() {
    let app = TestApp::new().await;
    let (_, budget, _) = open_vote(&app).await;
    let users = accounts(&app, 1).await;
    let key = app.state.config.secret_key.clone();
    let tag = ballots::voter_tag(&key, &budget.id, &users[0].id);
    let receipt = "ABCDE-FGHJK-LMNPQ-RSTUV";
    let receipt_hash = ballots::hash_receipt(receipt);
    store_raw_ballot(&app, &budget.id, [&tag, &receipt_hash, "p01,p02", ""]).await;
    // The server starts again on the same database.
    let config = app.state.config.clone();
    let restarted = tokio::task::spawn_blocking(move || plenum::app::AppState::new(config))
        .await
        .unwrap()
        .expect("restart");
    let (b, user) = (budget.clone(), users[0].clone());
    let (plain, current, counted, tallies) = restarted
        .db
        .read(move |c| {
            use plenum::db::schema::ballots;
            let plain: i64 = ballots::table
                .count()
                .get_result(c)
                .map_err(plenum::db::DbError::from)?;
            Ok::<_, Error>((
                plain,
                plenum::domain::ballots::current(c, &key, &b, &user)?,
                plenum::domain::ballots::receipt_is_counted(c, &key, &b, receipt)?,
                budget_results::tallies(c, &key, &b)?,
            ))
        })
        .await
        .unwrap();
    assert_eq!(plain, 0, "no ballot is left in the clear");
    assert_eq!(current.expect("the voter's ballot").choices, vec!["p01", "p02"]);
    assert!(counted);
    let votes: u64 = tallies.iter().map(|t| t.votes).sum();
    assert_eq!(votes, 2);
}
