#!/usr/bin/env bash
# Where the CPU goes in one load scenario: runs plenum-bench on one database and, during each
# measured window only (not while data is seeded or activities are signed), records the server
# process with `perf record` (bench/profile_window.sh), and on PostgreSQL the database's backends
# too. Prints, per window, how the machine's cores were shared (Plenum, PostgreSQL, the load
# generator, idle), then the share of each part of Plenum's stack (SQLite, diesel, templates, JSON,
# crypto, allocator, kernel, ...) and, on PostgreSQL, of the backends' work (parse and plan,
# executor, WAL and commit, ...). Needs perf (Debian linux-perf) and a release build
# (bash bench/run.sh builds one).
#
#   bash bench/profile.sh list sqlite      # the proposals list scenarios (one table per window)
#   bash bench/profile.sh inbound postgres
#   bash bench/profile.sh fan-out postgres  # the first fan-out, its first 3 s
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scenario=${1:?scenario word, e.g. list or inbound}
db=${2:-sqlite}
dir=$(mktemp -d /tmp/plenum-profile.XXXXXX)
# Each window's files are named by the time it started so that they sort in order.
export PROFILE_DB=$db
export PLENUM_BENCH_ON_MEASURE="bash $PWD/bench/profile_window.sh $dir/\$(date +%s%N)"
target/release/plenum-bench --plenum target/release/plenum --db "$db" --only "$scenario" --seconds 6 \
  | grep -E '^\| [a-z]' | grep -v '^| scenario' | cut -d'|' -f2,3,5,6,8 > "$dir/rows.txt"
sleep 1
i=0
for cpu in "$dir"/*.cpu; do
  i=$((i + 1))
  window=${cpu%.cpu}
  echo
  echo "window $i:$(sed -n "$((i + 1))p" "$dir/rows.txt")"   # row 1 is the idle one
  echo
  cat "$cpu"
  echo
  echo "Plenum by thread: $(perf report -i "$window.data" --no-children --sort comm --stdio 2>/dev/null \
    | awk '$1 ~ /%$/ { printf "%s%s %s", sep, $2, $1; sep = ", " }')"
  echo
  perf report -i "$window.data" --no-children --sort dso,sym --stdio 2>/dev/null | python3 bench/profile_categories.py
  if [ -f "$window.pg.data" ]; then
    echo
    echo "PostgreSQL backends:"
    echo
    perf report -i "$window.pg.data" --no-children --sort dso,sym --stdio 2>/dev/null \
      | python3 bench/profile_categories.py --postgres
  fi
  if [ -s "$window.pgstat0" ] && [ -s "$window.pgstat1" ]; then
    echo
    rate=$(sed -n "$((i + 1))p" "$dir/rows.txt" | cut -d'|' -f4 | tr -dc 0-9)
    python3 bench/pgstat_diff.py "$window.pgstat0" "$window.pgstat1" "${rate:-1}" "$(cat "$window.seconds")"
  fi
done
[ -n "${PROFILE_KEEP:-}" ] || rm -rf "$dir"
