//! Census import benchmark: a generated CSV of 10,000 and 100,000 people read (streaming),
//! normalised, hashed and stored in a fresh SQLite database, as `plenum admin census import`
//! does. A peer doing the same work with Python's standard library (csv, hmac, sqlite3) is timed
//! in the same run (`bench/census_peer.py`), when python3 is there.
//!
//! `cargo bench --bench census`. Peak memory is the largest heap Plenum held during the import,
//! counted by a global allocator wrapper (the file itself is never read whole).

use std::io::Write;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Instant;

#[path = "support/alloc.rs"]
mod alloc;
use alloc::{Counting, CURRENT, PEAK};

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const KEY: &[u8] = b"benchmark-secret-key-0123456789abcdef";

/// `document;birth_date;postcode`, one made-up person per line, in the formats towns send.
fn write_census(path: &std::path::Path, people: usize) {
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).expect("temp file"));
    writeln!(out, "document;birth_date;postcode").expect("write");
    for i in 0..people {
        let day = 1 + i % 28;
        let month = 1 + (i / 28) % 12;
        let year = 1930 + (i / 336) % 80;
        writeln!(
            out,
            "X{:08};{day:02}/{month:02}/{year};{}",
            i * 7919 % 100_000_000,
            31000 + i % 500
        )
        .expect("write");
    }
}

fn main() {
    let dir = std::env::temp_dir().join(format!("plenum-census-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    println!("| people | Plenum (read + hash + store, SQLite) | peak heap | Python stdlib peer | ratio |");
    println!("|---:|---:|---:|---:|---:|");
    for people in [10_000usize, 100_000] {
        let csv = dir.join(format!("census-{people}.csv"));
        write_census(&csv, people);
        let db_path = dir.join(format!("plenum-{people}.db"));
        let db = plenum::db::Db::connect(&format!("sqlite://{}", db_path.display())).expect("database");
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let started = Instant::now();
        let census =
            plenum::domain::census::read(std::fs::File::open(&csv).expect("csv"), KEY, |_| {}).expect("read");
        let entries = census.report.entries;
        db.write_blocking(|c| plenum::domain::census::replace(c, &census, None))
            .expect("stored");
        let time = started.elapsed();
        let peak = PEAK.load(Ordering::Relaxed).saturating_sub(base);
        assert_eq!(entries, people, "every generated person is distinct");
        let peer = Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/bench/census_peer.py"))
            .arg(&csv)
            .arg(dir.join(format!("peer-{people}.db")))
            .output()
            .ok()
            .filter(|o| o.status.success())
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse::<f64>().ok());
        let (peer_text, ratio) = match peer {
            Some(secs) => (
                format!("{secs:.2} s"),
                format!("{:.1}×", secs / time.as_secs_f64()),
            ),
            None => ("not run".into(), "–".into()),
        };
        println!(
            "| {people} | {:.2} s | {:.1} MiB | {peer_text} | {ratio} |",
            time.as_secs_f64(),
            peak as f64 / (1024.0 * 1024.0)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
