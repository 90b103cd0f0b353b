#!/usr/bin/env bash
# Where the server's CPU goes in one load scenario: runs plenum-bench on one database with
# `perf record` on the whole machine, keeps the samples of Plenum's own threads (named
# "plenum-rt"; the load generator's are not), and prints the share of each part of the stack
# (SQLite, diesel, templates, JSON, crypto, allocator, kernel, ...). Needs perf (Debian
# linux-perf) and a release build (bash bench/run.sh builds one).
#
#   bash bench/profile.sh list sqlite      # the proposals list scenarios
#   bash bench/profile.sh inbound postgres
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scenario=${1:?scenario word, e.g. list or inbound}
db=${2:-sqlite}
data=$(mktemp /tmp/plenum-profile.XXXXXX)
perf record -q -F 999 -a -o "$data" -- \
  target/release/plenum-bench --plenum target/release/plenum --db "$db" --only "$scenario" --seconds 6 >/dev/null
perf report -i "$data" --comm plenum-rt --no-children --sort dso,sym --stdio 2>/dev/null \
  | python3 bench/profile_categories.py
rm -f "$data"
