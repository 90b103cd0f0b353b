#!/usr/bin/env bash
# Old against new on the proposals list (HTML and JSON API) and one proposal page, in one run
# (docs/performance.md, "Issue 23: list and page before/after"): instructions and SQL statements
# per request (callgrind on SQLite, pg_stat_statements on a private PostgreSQL database), then
# throughput of interleaved runs (old, new, old, new, ...) on SQLite and PostgreSQL. One
# plenum-bench (the new one) seeds and drives both binaries. Needs valgrind, psql and PostgreSQL on
# 127.0.0.1:5432 (user postgres, trust auth, pg_stat_statements preloaded).
#
#   bash bench/ab.sh OLD_PLENUM NEW_PLENUM [--rounds 3] [--seconds 5] [--requests 100]
#   e.g. git worktree add /work/wt-old 65a17b4 && (cd /work/wt-old && cargo build --release --bin plenum)
#        bash bench/ab.sh /work/wt-old/target/release/plenum target/release/plenum
set -euo pipefail
old=$(realpath "${1:?usage: bench/ab.sh OLD_PLENUM NEW_PLENUM [options]}")
new=$(realpath "${2:?usage: bench/ab.sh OLD_PLENUM NEW_PLENUM [options]}")
shift 2
cd "$(dirname "${BASH_SOURCE[0]}")/.."
rounds=3 seconds=5 requests=100
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --requests) requests=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
cargo build --locked --release --bin plenum-bench
python3 bench/ab.py count "$old" "$new" --bench target/release/plenum-bench --requests "$requests"
python3 bench/ab.py throughput "$old" "$new" --bench target/release/plenum-bench --rounds "$rounds" --seconds "$seconds"
