#!/usr/bin/env bash
# The load benchmark, full size (docs/performance.md): builds release, then runs every scenario
# on SQLite and PostgreSQL against real `plenum serve` processes on loopback, prints the table and
# writes it into docs/performance.md. Extra arguments go to plenum-bench (e.g. --db sqlite,
# --seconds 5). Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth), as the tests do.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
cargo build --locked --release --bin plenum --bin plenum-bench
exec target/release/plenum-bench --plenum target/release/plenum --write docs/performance.md "$@"
