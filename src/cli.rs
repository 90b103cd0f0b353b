//! The `plenum` command line: serve, migrate, demo, admin tasks, backup, tally.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::app::AppState;
use crate::config::Config;
use crate::domain::{accounts, sessions};

#[derive(Parser)]
#[command(
    name = "plenum",
    version,
    about = "A federated participation server for towns"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the instance (settings from --config and PLENUM_* / DATABASE_URL variables).
    Serve {
        #[arg(long, env = "PLENUM_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Apply pending database migrations and exit.
    Migrate {
        #[arg(long, env = "PLENUM_CONFIG")]
        config: Option<PathBuf>,
    },
    /// Run a demo town with sample content (SQLite file plenum-demo.db unless DATABASE_URL is set).
    Demo {
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Staff and maintenance tasks.
    Admin {
        #[arg(long, env = "PLENUM_CONFIG", global = true)]
        config: Option<PathBuf>,
        #[command(subcommand)]
        task: AdminTask,
    },
    /// Recompute a participatory-budget outcome from a pabulib `.pb` file (no database needed).
    Tally {
        /// The `.pb` file: a published ballot log or any pabulib file.
        file: PathBuf,
        /// greedy | mes | mes-add1 | max-utility
        #[arg(long, default_value = "greedy")]
        rule: String,
        /// cost | approval
        #[arg(long, default_value = "cost")]
        utility: String,
        /// Print one JSON object instead of a readable summary.
        #[arg(long)]
        json: bool,
    },
    /// Check a published results file (signature) and, with its ballot log, recount it. Offline.
    VerifyResults {
        /// The results JSON (results.json of a budget).
        results: PathBuf,
        /// The ballot log (.pb) it names, to check its digest and recount it.
        ballots: Option<PathBuf>,
        /// The process's public key (publicKeyMultibase), instead of the one in the file.
        #[arg(long)]
        key: Option<String>,
    },
    /// Copy the database to a file (SQLite; for PostgreSQL use pg_dump, see docs/operations.md).
    Backup {
        #[arg(long, env = "PLENUM_CONFIG")]
        config: Option<PathBuf>,
        /// Where to write the copy.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum AdminTask {
    /// Create a staff account. The password comes from PLENUM_ADMIN_PASSWORD, or is generated
    /// and printed once.
    CreateAdmin {
        #[arg(long)]
        email: String,
        #[arg(long)]
        username: String,
        #[arg(long)]
        name: String,
    },
    /// Give an existing account the staff role.
    Promote {
        #[arg(long)]
        username: String,
    },
    /// Turn two-factor sign-in off for an account that lost both its phone and its recovery
    /// codes (staff must then turn it on again at their next sign-in).
    ResetTwoFactor {
        #[arg(long)]
        username: String,
    },
    /// Create a budget in a process from a pabulib `.pb` file: its projects and its ballots (to
    /// replay a past election). Nothing is imported if the file has a mistake.
    ImportBudget {
        /// Slug of the process.
        #[arg(long)]
        process: String,
        /// Slug of the new budget.
        #[arg(long)]
        slug: String,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "EUR")]
        currency: String,
        /// Declared rule: greedy | mes | mes-add1 | max-utility
        #[arg(long, default_value = "mes-add1")]
        rule: String,
        /// The `.pb` file.
        file: PathBuf,
    },
    /// The census that verifies residents (kept only as keyed hashes).
    Census {
        #[command(subcommand)]
        task: CensusTask,
    },
    /// Queue the daily and weekly digests due at a time of the town's clock (what the mail worker
    /// does at `PLENUM_DIGEST_HOUR`): one per person with notifications not yet mailed, once per
    /// day (or week). A running node's mail worker sends them.
    SendDigests {
        /// The town's local time, like 2026-12-09T08:00; now by default.
        #[arg(long)]
        at: Option<String>,
    },
    /// Write a budget and its ballots as a pabulib `.pb` file (the anonymised ballot log).
    ExportBudget {
        #[arg(long)]
        process: String,
        #[arg(long)]
        slug: String,
        /// Where to write it.
        #[arg(long)]
        to: PathBuf,
    },
}

#[derive(Subcommand)]
enum CensusTask {
    /// Replace the census with a CSV file (header line = the columns people will be asked for;
    /// `;` or `,` between fields). Nothing changes if a line is malformed.
    Import {
        /// The CSV file.
        file: PathBuf,
    },
}

pub fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PLENUM_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("plenum: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    // Named threads: `top -H` and profiles (bench/profile.sh) tell the server's threads apart
    // from a load generator's, which are tokio's default name too.
    Ok(tokio::runtime::Builder::new_multi_thread()
        .thread_name("plenum-rt")
        .enable_all()
        .build()?)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { config } => {
            let config = Config::load(config.as_deref())?;
            let state = AppState::new(config)?;
            runtime()?.block_on(crate::web::serve(state))
        }
        Command::Migrate { config } => {
            let config = Config::load(config.as_deref())?;
            crate::db::Db::connect(&config.database_url)?;
            println!("Migrations applied to {}", redact(&config.database_url));
            Ok(())
        }
        Command::Demo { bind } => crate::demo::run(&bind),
        Command::Admin { config, task } => {
            let config = Config::load(config.as_deref())?;
            let state = AppState::new(config)?;
            runtime()?.block_on(admin(state, task))
        }
        Command::Tally {
            file,
            rule,
            utility,
            json,
        } => crate::budgeting::cli::tally(&file, &rule, &utility, json),
        Command::VerifyResults {
            results,
            ballots,
            key,
        } => crate::budgeting::cli::verify_results(&results, ballots.as_deref(), key.as_deref()),
        Command::Backup { config, to } => {
            let config = Config::load(config.as_deref())?;
            crate::db::backup::backup(&config.database_url, &to)?;
            println!("Backup written to {}", to.display());
            Ok(())
        }
    }
}

async fn admin(state: std::sync::Arc<AppState>, task: AdminTask) -> anyhow::Result<()> {
    match task {
        AdminTask::CreateAdmin {
            email,
            username,
            name,
        } => {
            let (password, generated) = match std::env::var("PLENUM_ADMIN_PASSWORD") {
                Ok(p) if !p.is_empty() => (p, false),
                _ => (sessions::new_secret(), true),
            };
            let form = accounts::NewAccount {
                email,
                username,
                display_name: name,
                password: password.clone(),
            };
            let user = crate::app::accounts::create_staff(&state, form)
                .await
                .map_err(|e| anyhow::anyhow!(describe(&state, &e)))?;
            println!(
                "Staff account created: {} <{}>",
                user.username,
                user.email.unwrap_or_default()
            );
            if generated {
                println!("Password (shown once): {password}");
            }
            Ok(())
        }
        AdminTask::Census {
            task: CensusTask::Import { file },
        } => {
            let key = state.config.secret_key.clone();
            let started = std::time::Instant::now();
            let census = tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
                let input =
                    std::fs::File::open(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let census = crate::domain::census::read(input, &key, |lines| {
                    eprint!("\r  read {lines} lines…");
                })
                .map_err(|e| anyhow::anyhow!("{e}"))?;
                eprintln!();
                Ok(census)
            })
            .await??;
            let report = census.report.clone();
            for (line, first) in &report.duplicates {
                println!("line {line}: same person as line {first} (kept once)");
            }
            if report.duplicate_count > report.duplicates.len() {
                println!("… {} duplicates in all", report.duplicate_count);
            }
            let tr = state.town_tr();
            for (line, msg) in &report.errors {
                println!("line {line}: {}", tr.msg(msg));
            }
            if report.error_count > 0 {
                anyhow::bail!(
                    "{} malformed lines: nothing imported, the census is unchanged",
                    report.error_count
                );
            }
            let expired = crate::app::census::replace(&state, None, census)
                .await
                .map_err(|e| anyhow::anyhow!(describe(&state, &e)))?;
            println!(
                "Census replaced: {} people from {} lines ({} duplicates), columns {}; {} verifications expired; {:.1} s.",
                report.entries,
                report.lines,
                report.duplicate_count,
                report.columns.join(", "),
                expired,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        AdminTask::SendDigests { at } => {
            let at = match at {
                None => chrono::Utc::now(),
                Some(text) => crate::mail::notify::town_time(&text, state.config.timezone)
                    .ok_or_else(|| anyhow::anyhow!("--at must be a time like 2026-12-09T08:00"))?,
            };
            let hour = state.config.mail.digest_hour.unwrap_or(8);
            let queued = crate::mail::worker::digests(&state, at, hour).await?;
            println!("{queued} digest(s) queued.");
            Ok(())
        }
        AdminTask::Promote { username } => {
            crate::app::accounts::make_staff(&state, username)
                .await
                .map_err(|e| anyhow::anyhow!(describe(&state, &e)))?;
            println!("Done.");
            Ok(())
        }
        AdminTask::ResetTwoFactor { username } => {
            crate::app::two_factor::reset(&state, username)
                .await
                .map_err(|e| anyhow::anyhow!(describe(&state, &e)))?;
            println!("Done: two-factor sign-in is off for this account.");
            Ok(())
        }
        AdminTask::ImportBudget {
            process,
            slug,
            title,
            currency,
            rule,
            file,
        } => {
            let election = crate::budgeting::pabulib::parse_file(&file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let ballots = election.ballots.len();
            let projects = election.projects.len();
            let process_id = state
                .db
                .read(move |c| crate::domain::processes::detail_by_slug(c, &process, true))
                .await
                .map_err(|e| anyhow::anyhow!(describe(&state, &e)))?
                .process
                .id;
            let form = crate::app::budgets::ImportForm {
                slug,
                title,
                currency,
                rule,
            };
            crate::app::budgets::import(&state, None, process_id, form, election)
                .await
                .map_err(|e| anyhow::anyhow!(describe(&state, &e)))?;
            println!("Budget imported: {projects} projects, {ballots} ballots.");
            Ok(())
        }
        AdminTask::ExportBudget { process, slug, to } => {
            let key = state.config.secret_key.clone();
            let (text, digest) = state
                .db
                .read(move |c| {
                    let detail = crate::domain::processes::detail_by_slug(c, &process, true)?;
                    let budget = crate::domain::budgets::by_slug(c, &detail.process.id, &slug)?;
                    crate::domain::budgets::ballot_log(c, &key, &budget)
                })
                .await
                .map_err(|e| anyhow::anyhow!(describe(&state, &e)))?;
            std::fs::write(&to, text)?;
            println!("Written to {} (SHA-256 {digest}).", to.display());
            Ok(())
        }
    }
}

/// A domain error in words, for the terminal (English).
pub fn describe(state: &AppState, error: &crate::domain::Error) -> String {
    let tr = state.i18n.tr("en");
    match error {
        crate::domain::Error::Invalid(fields) => fields
            .iter()
            .map(|f| format!("{}: {}", f.field, tr.msg(&f.msg)))
            .collect::<Vec<_>>()
            .join("; "),
        crate::domain::Error::Forbidden(m) | crate::domain::Error::Conflict(m) => tr.msg(m),
        other => other.to_string(),
    }
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
