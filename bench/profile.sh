#!/usr/bin/env bash
# Where the server's CPU goes in one load scenario: runs plenum-bench on one database and records
# the server process with `perf record` during each measured window only (not while data is
# seeded or activities are signed), then prints, per window, the share of each part of the
# stack (SQLite, diesel, templates, JSON, crypto, allocator, kernel, ...). Needs perf (Debian
# linux-perf) and a release build (bash bench/run.sh builds one).
#
#   bash bench/profile.sh list sqlite      # the proposals list scenarios (one table per window)
#   bash bench/profile.sh inbound postgres
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scenario=${1:?scenario word, e.g. list or inbound}
db=${2:-sqlite}
dir=$(mktemp -d /tmp/plenum-profile.XXXXXX)
# Each window gets its own file, named by the time it started so that they sort in order.
export PLENUM_BENCH_ON_MEASURE="perf record -q -F 999 -p \$SERVER_PID -o $dir/\$(date +%s%N).data -- sleep \$MEASURE_SECONDS 2>/dev/null"
target/release/plenum-bench --plenum target/release/plenum --db "$db" --only "$scenario" --seconds 6 \
  | grep -E '^\| [a-z]' | grep -v '^| scenario' | cut -d'|' -f2,3,6,8 > "$dir/rows.txt"
sleep 1
i=0
for data in "$dir"/*.data; do
  i=$((i + 1))
  echo
  echo "window $i:$(sed -n "$((i + 1))p" "$dir/rows.txt")"   # row 1 is the idle one
  perf report -i "$data" --no-children --sort dso,sym --stdio 2>/dev/null | python3 bench/profile_categories.py
done
rm -rf "$dir"
