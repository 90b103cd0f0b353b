#!/usr/bin/env bash
# Statements per request on PostgreSQL, per scenario: what each request costs in round trips to
# the database, the figure that separates PostgreSQL from SQLite (docs/performance.md).
#   bash bench/statements.sh [list,endorse,...]      (default: every scenario)
# Needs the pg_stat_statements extension loaded by the server (shared_preload_libraries =
# 'pg_stat_statements' in postgresql.conf, then a restart); says so and stops otherwise.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
only=${1:-list,proposal,endorse,inbound}
if ! psql -h 127.0.0.1 -U postgres -d postgres -Atc "create extension if not exists pg_stat_statements; select count(*) from pg_stat_statements" >/dev/null 2>&1; then
  echo "pg_stat_statements is not loaded: add shared_preload_libraries = 'pg_stat_statements' to postgresql.conf and restart PostgreSQL" >&2
  exit 2
fi
cargo build --locked --release --bin plenum --bin plenum-bench
out=$(mktemp -d)
PLENUM_BENCH_ON_MEASURE="bash bench/statements_window.sh $out/window" \
  target/release/plenum-bench --plenum target/release/plenum --db postgres --only "$only" --seconds "${SECONDS_PER_SCENARIO:-5}" \
  | tee "$out/bench.txt"
python3 bench/statements_table.py "$out"
