//! Tally benchmark: every rule on the largest shared elections and a synthetic 100,000-ballot
//! budget, with pabutools 1.2.3 timed on the same files in the same run when it is installed.
//!
//! `bash bench/tally.sh` installs pabutools in a virtual environment and runs this; or
//! `PABUTOOLS_PYTHON=/path/to/python cargo bench --bench tally`. Times exclude parsing on both
//! sides (pabutools is timed in-process by `bench/pabutools_tally.py`). Peak memory is the
//! largest heap the rule held, counted by a global allocator wrapper.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use plenum::budgeting::{pabulib, rules, Profile, Rule, Utility};

#[path = "support/alloc.rs"]
mod alloc;
use alloc::{Counting, CURRENT, PEAK};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const FILES: [&str; 5] = [
    "Poland_Krakow_2024.pb",
    "France_Toulouse_2024.pb",
    "France_Toulouse_2022.pb",
    "Netherlands_Amsterdam_631.pb",
    "Poland_Warszawa_2018_Bielany.pb",
];

const RULES: [Rule; 4] = [
    Rule::Greedy(Utility::Cost),
    Rule::Mes(Utility::Cost),
    Rule::MesAdd1(Utility::Cost),
    Rule::MaxUtility(Utility::Cost),
];

/// 100,000 ballots over 60 projects, from a fixed seed: a few popular projects, a long tail,
/// and voters choosing 1 to 8 projects, as in a big city's vote.
fn synthetic(path: &Path) {
    let mut seed: u64 = 0x5eed;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as u32
    };
    let projects = 60u32;
    let mut text = String::from(
        "META\nkey;value\ndescription;synthetic 100,000-ballot budget\nnum_projects;60\n\
         num_votes;100000\nbudget;5000000\nvote_type;approval\nPROJECTS\nproject_id;cost\n",
    );
    for p in 0..projects {
        text += &format!("{};{}\n", p + 1, 20_000 + (next() % 48) * 10_000);
    }
    text += "VOTES\nvoter_id;vote\n";
    for v in 0..100_000 {
        let k = 1 + next() % 8;
        let mut chosen: Vec<u32> = Vec::new();
        while chosen.len() < k as usize {
            // Popularity falls with the id: min of two draws skews toward low ids.
            let p = (next() % projects).min(next() % projects) + 1;
            if !chosen.contains(&p) {
                chosen.push(p);
            }
        }
        let ids: Vec<String> = chosen.iter().map(u32::to_string).collect();
        text += &format!("{v};{}\n", ids.join(","));
    }
    std::fs::write(path, text).unwrap();
}

/// Median wall time over repeated runs (at least 3, until 1 s is spent or 15 runs).
fn time_rule(profile: &Profile, rule: Rule) -> (Duration, usize, usize) {
    let mut times = Vec::new();
    let mut peak = 0;
    let mut selected = 0;
    let started = Instant::now();
    while times.len() < 3 || (started.elapsed() < Duration::from_secs(1) && times.len() < 15) {
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let outcome = rules::run(profile, rule);
        times.push(t.elapsed());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - base);
        selected = outcome.selected.len();
    }
    times.sort();
    (times[times.len() / 2], peak, selected)
}

fn pabutools(python: &str, file: &Path, rule: Rule, timeout: Duration) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/pabutools_tally.py");
    let mut child = match Command::new(python)
        .arg(script)
        .arg(file)
        .arg(rule.name())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => return format!("cannot run: {e}"),
    };
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return format!("> {} s", timeout.as_secs());
            }
            _ => std::thread::sleep(Duration::from_millis(20)),
        }
    }
    let out = child.wait_with_output().unwrap();
    let line = String::from_utf8_lossy(&out.stdout);
    match serde_json::from_str::<serde_json::Value>(line.trim())
        .ok()
        .and_then(|v| v["seconds"].as_f64())
    {
        // Four significant digits: a tiny file takes pabutools well under a millisecond.
        Some(s) if s < 0.01 => format!("{s:.6} s"),
        Some(s) => format!("{s:.3} s"),
        None => "failed".into(),
    }
}

fn ratio(ours: Duration, theirs: &str) -> String {
    match theirs
        .strip_suffix(" s")
        .and_then(|s| s.trim_start_matches("> ").parse::<f64>().ok())
    {
        Some(s) => {
            let r = s / ours.as_secs_f64();
            if theirs.starts_with('>') {
                format!("> {r:.0}×")
            } else {
                format!("{r:.0}×")
            }
        }
        None => "–".into(),
    }
}

fn main() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/pabulib/files");
    let synthetic_path = std::env::temp_dir().join("plenum-synthetic-100k.pb");
    synthetic(&synthetic_path);
    // TALLY_BENCH_ALL=1: every approval file of the shared set (the "every shared file"),
    // largest first; otherwise the five largest and the synthetic 100,000-ballot election.
    let mut files: Vec<PathBuf> = if std::env::var("TALLY_BENCH_ALL").is_ok() {
        let mut all: Vec<PathBuf> = std::fs::read_dir(&data)
            .expect("the shared pabulib files")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                // Bytes, not text: some files are not UTF-8.
                std::fs::read(p)
                    .map(|bytes| bytes.windows(18).any(|w| w == b"vote_type;approval"))
                    .unwrap_or(false)
            })
            .collect();
        all.sort_by_key(|p| std::cmp::Reverse(std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
        all
    } else {
        FILES.iter().map(|f| data.join(f)).collect()
    };
    files.push(synthetic_path);
    let python = std::env::var("PABUTOOLS_PYTHON").ok();
    let timeout = Duration::from_secs(
        std::env::var("PABUTOOLS_TIMEOUT")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(60),
    );
    if python.is_none() {
        eprintln!("PABUTOOLS_PYTHON is not set: pabutools columns left empty (bash bench/tally.sh sets it)");
    }
    println!("| file | ballots | projects | rule | Plenum | peak heap | funded | pabutools | ratio |");
    println!("|---|---:|---:|---|---:|---:|---:|---:|---:|");
    // TALLY_BENCH_ONLY=Toulouse_2024,Amsterdam_166 / TALLY_BENCH_RULE=mes narrow the run.
    let only = std::env::var("TALLY_BENCH_ONLY").unwrap_or_default();
    let only_rule = std::env::var("TALLY_BENCH_RULE").unwrap_or_default();
    let wanted = |f: &PathBuf| {
        let name = f.to_string_lossy();
        only.is_empty() || only.split(',').any(|part| name.contains(part))
    };
    for file in files.iter().filter(|f| wanted(f)) {
        let election = pabulib::parse_file(file).expect("file parses");
        let profile = Profile::new(&election).expect("countable");
        let name = file.file_name().unwrap().to_string_lossy().replace(".pb", "");
        for rule in RULES
            .into_iter()
            .filter(|r| only_rule.is_empty() || r.name() == only_rule)
        {
            let (time, peak, funded) = time_rule(&profile, rule);
            let theirs = python
                .as_deref()
                .map(|py| pabutools(py, file, rule, timeout))
                .unwrap_or_default();
            println!(
                "| {name} | {} | {} | {} | {:.2} ms | {:.1} MiB | {funded} | {theirs} | {} |",
                profile.num_voters(),
                profile.num_projects(),
                rule.name(),
                time.as_secs_f64() * 1000.0,
                peak as f64 / (1024.0 * 1024.0),
                ratio(time, &theirs),
            );
        }
    }
}
