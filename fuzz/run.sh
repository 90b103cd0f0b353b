#!/usr/bin/env bash
# Builds the fuzz targets with AFL++ instrumentation and fuzzes one of them for a CPU budget.
#   fuzz/run.sh TARGET CPU_SECONDS [MAX_WALL_SECONDS]
# TARGET: pb_reader, cavage_header, rfc9421_headers, digests, markdown, census_csv, activity_json.
# Needs `cargo install cargo-afl --locked` once (it builds AFL++ from the source it ships), and a
# cgroup the script may create (root, cgroup v1 `cpuacct` or v2): that is how CPU is measured.
# Findings land in fuzz/out/TARGET/default/{crashes,hangs}; copy them to fuzz/regressions/TARGET/.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
target=${1:?usage: run.sh TARGET CPU_SECONDS [MAX_WALL_SECONDS]}
budget=${2:?usage: run.sh TARGET CPU_SECONDS [MAX_WALL_SECONDS]}
max_wall=${3:-$((budget * 6))}
[ -d "corpus/$target" ] || { echo "no corpus/$target" >&2; exit 2; }

# FUZZ_NO_BUILD=1 fuzzes the binaries already built (several runs over a tree that is changing).
[ -n "${FUZZ_NO_BUILD:-}" ] || cargo afl build --release --bin "$target"
[ -x "target/release/$target" ] || { echo "target/release/$target is not built" >&2; exit 2; }

# CPU time, not wall time, is what "how long it ran" means on a shared machine. afl-fuzz's own
# rusage misses the persistent-mode target (killed, never reaped into it), so the run goes into a
# cgroup of its own and the group's counter is read: afl-fuzz, the fork server and every target
# process it ran, user and system time.
group_name="plenum-fuzz-$target"
if [ -d /sys/fs/cgroup/cpuacct ] && mkdir -p "/sys/fs/cgroup/cpuacct/$group_name" 2>/dev/null; then
  group="/sys/fs/cgroup/cpuacct/$group_name"
  usage_ns() { cat "$group/cpuacct.usage"; }
elif [ -f /sys/fs/cgroup/cgroup.controllers ] && mkdir -p "/sys/fs/cgroup/$group_name" 2>/dev/null; then
  group="/sys/fs/cgroup/$group_name"
  usage_ns() { awk '$1 == "usage_usec" { print $2 * 1000 }' "$group/cpu.stat"; }
else
  echo "cannot create a cgroup to measure CPU time (run as root on cgroup v1 cpuacct or v2)" >&2
  exit 2
fi

# Where the machine is not tuned for fuzzing (CPU governor, core dumps piped to a handler, cores
# shared with other work), run anyway; a re-run continues the previous one's queue.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1
export AFL_AUTORESUME=1 AFL_NO_UI=1
mkdir -p "out/$target"
start_ns=$(usage_ns)
start=$(date +%s)
# The shell moves itself into the group before it becomes afl-fuzz: everything it starts is counted.
sh -c 'echo $$ > "$1/cgroup.procs"; shift; exec "$@"' _ "$group" \
  cargo afl fuzz -i "corpus/$target" -o "out/$target" -V "$max_wall" "target/release/$target" \
  > "out/$target/fuzz.log" 2>&1 &
fuzzer=$!
used=0
while kill -0 "$fuzzer" 2>/dev/null; do
  sleep 5
  used=$(( ($(usage_ns) - start_ns) / 1000000000 ))
  if [ "$used" -ge "$budget" ]; then
    # SIGINT: afl-fuzz stops cleanly and writes its statistics.
    for pid in $(cat "$group/cgroup.procs"); do
      [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = afl-fuzz ] && kill -INT "$pid" 2>/dev/null || true
    done
    break
  fi
done
status=0
wait "$fuzzer" || status=$?
used=$(( ($(usage_ns) - start_ns) / 1000000000 ))
wall=$(( $(date +%s) - start ))
if [ "$status" -ne 0 ] && [ "$used" -lt "$budget" ]; then
  tail -30 "out/$target/fuzz.log" >&2
  exit 1
fi
echo "$(date -u +%FT%TZ) cpu_seconds=$used wall_seconds=$wall" >> "out/$target/cpu_seconds.log"
echo "cpu_seconds $used"
echo "wall_seconds $wall"
echo "cpu_seconds_total $(sed -n 's/.*cpu_seconds=\([0-9]*\).*/\1/p' "out/$target/cpu_seconds.log" | awk '{ s += $1 } END { print s }')"

stats="out/$target/default/fuzzer_stats"
for key in run_time execs_done execs_per_sec corpus_count saved_crashes saved_hangs; do
  grep "^$key " "$stats" || true
done
echo "crashes: $(find "out/$target/default/crashes" -type f -name 'id:*' | wc -l)"
echo "hangs:   $(find "out/$target/default/hangs" -type f -name 'id:*' | wc -l)"
