#!/usr/bin/env bash
# One measured window, run by plenum-bench (PLENUM_BENCH_ON_MEASURE, set by bench/profile.sh) as
# the window starts, with SERVER_PID, BENCH_PID and MEASURE_SECONDS in its environment:
#   - records `plenum serve` with perf (-> $1.data);
#   - on PostgreSQL, also the server's backends (-> $1.pg.data): the database's own CPU is on the
#     same two cores, and it is where a PostgreSQL figure goes;
#   - writes how the machine's cores were shared over the window (-> $1.cpu): Plenum, PostgreSQL,
#     the load generator, anything else, idle.
set -u
out=${1:?output prefix}
ticks_per_s=$(getconf CLK_TCK)

# CPU ticks (user + system, every thread) of the given processes.
ticks() {
  local sum=0 pid t
  for pid in "$@"; do
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) || continue
    sum=$((sum + ${t:-0}))
  done
  echo "$sum"
}
# Busy and total ticks of the whole machine.
machine() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }

postgres_pids=$(pgrep -x postgres | tr '\n' ' ')
perf record -q -F 999 -p "$SERVER_PID" -o "$out.data" -- sleep "$MEASURE_SECONDS" 2>/dev/null &
if [ -n "$postgres_pids" ] && [ "${PROFILE_DB:-}" = postgres ]; then
  perf record -q -F 999 -p "$(echo $postgres_pids | tr ' ' ',')" -o "$out.pg.data" -- sleep "$MEASURE_SECONDS" 2>/dev/null &
fi
read -r busy0 total0 < <(machine)
plenum0=$(ticks "$SERVER_PID"); bench0=$(ticks "$BENCH_PID"); pg0=$(ticks $postgres_pids)
start=$(date +%s.%N)
sleep "$MEASURE_SECONDS"
read -r busy1 total1 < <(machine)
plenum1=$(ticks "$SERVER_PID"); bench1=$(ticks "$BENCH_PID"); pg1=$(ticks $postgres_pids)
end=$(date +%s.%N)
wait
awk -v s="$start" -v e="$end" -v hz="$ticks_per_s" -v ncpu="$(nproc)" \
  -v p=$((plenum1 - plenum0)) -v g=$((pg1 - pg0)) -v b=$((bench1 - bench0)) \
  -v busy=$((busy1 - busy0)) -v total=$((total1 - total0)) 'BEGIN {
    secs = e - s
    pc = p / hz / secs; gc = g / hz / secs; bc = b / hz / secs
    idle = ncpu * (1 - busy / (total > 0 ? total : 1))
    other = ncpu - idle - pc - gc - bc; if (other < 0) other = 0
    printf "cores (of %d) over the window: Plenum %.2f, PostgreSQL %.2f, load generator %.2f, other %.2f, idle %.2f\n", ncpu, pc, gc, bc, other, idle
  }' > "$out.cpu"
