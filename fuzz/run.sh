#!/usr/bin/env bash
# Builds the fuzz targets with AFL++ instrumentation and fuzzes one of them for a while.
#   fuzz/run.sh TARGET SECONDS
# TARGET: pb_reader, cavage_header, rfc9421_headers, digests, markdown, census_csv, activity_json.
# Needs `cargo install cargo-afl --locked` once (it builds AFL++ from the source it ships).
# Findings land in fuzz/out/TARGET/default/{crashes,hangs}; copy them to fuzz/regressions/TARGET/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
target=${1:?usage: run.sh TARGET SECONDS}
seconds=${2:?usage: run.sh TARGET SECONDS}
[ -d "corpus/$target" ] || { echo "no corpus/$target" >&2; exit 2; }

cargo afl build --release --bin "$target"

# Where the machine is not tuned for fuzzing (CPU governor, core dumps piped to a handler, cores
# shared with other work), run anyway; a re-run continues the previous one's queue.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_AUTORESUME=1 AFL_NO_UI=1
mkdir -p "out/$target"
# CPU time, not wall time, is what "how long it ran" means on a shared machine: GNU time reports
# user and system seconds of afl-fuzz and of every process it waited for (the fork server and the
# target it runs), and each run's figure is added to out/TARGET/cpu_seconds.log.
command -v /usr/bin/time > /dev/null || { echo "needs GNU time (Debian: apt-get install time)" >&2; exit 2; }
start=$(date +%s)
/usr/bin/time -f '%U %S' -o "out/$target/time.txt" \
  cargo afl fuzz -i "corpus/$target" -o "out/$target" -V "$seconds" "target/release/$target" \
  > "out/$target/fuzz.log" 2>&1 || { tail -30 "out/$target/fuzz.log" >&2; exit 1; }
wall=$(( $(date +%s) - start ))
cpu=$(awk 'END { printf "%.0f", $1 + $2 }' "out/$target/time.txt")
echo "$(date -u +%FT%TZ) cpu_seconds=$cpu wall_seconds=$wall" >> "out/$target/cpu_seconds.log"
echo "cpu_seconds $cpu"
echo "wall_seconds $wall"
echo "cpu_seconds_total $(sed -n 's/.*cpu_seconds=\([0-9]*\).*/\1/p' "out/$target/cpu_seconds.log" | awk '{ s += $1 } END { print s }')"

stats="out/$target/default/fuzzer_stats"
for key in run_time execs_done execs_per_sec corpus_count saved_crashes saved_hangs; do
  grep "^$key " "$stats" || true
done
echo "crashes: $(find "out/$target/default/crashes" -type f -name 'id:*' | wc -l)"
echo "hangs:   $(find "out/$target/default/hangs" -type f -name 'id:*' | wc -l)"
