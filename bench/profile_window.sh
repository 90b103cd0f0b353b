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

# CPU ticks (user + system, every thread) of each of the given processes: "pid ticks" lines.
ticks_by_pid() {
  local pid t
  for pid in "$@"; do
    t=$(awk '{ print $14 + $15 }' "/proc/$pid/stat" 2>/dev/null) && echo "$pid ${t:-0}"
  done
}
# The ticks the processes alive at both ends spent between two readings (a PostgreSQL backend
# that ends in the window takes its ticks away with it; one that starts in it is not counted).
spent() { join <(sort <<<"$1") <(sort <<<"$2") | awk '{ s += $3 - $2 } END { print s + 0 }'; }
# Busy and total ticks of the whole machine.
machine() { awk '/^cpu / { busy = $2 + $3 + $4 + $7 + $8 + $9; print busy, busy + $5 + $6 }' /proc/stat; }

postgres_pids=$(pgrep -x postgres | tr '\n' ' ')
perf record -q -F 999 -p "$SERVER_PID" -o "$out.data" -- sleep "$MEASURE_SECONDS" 2>/dev/null &
if [ -n "$postgres_pids" ] && [ "${PROFILE_DB:-}" = postgres ]; then
  perf record -q -F 999 -p "$(echo $postgres_pids | tr ' ' ',')" -o "$out.pg.data" -- sleep "$MEASURE_SECONDS" 2>/dev/null &
fi
# The split is read over the window less its last second: the harness may stop the server as
# soon as the window ends.
split_seconds=$(awk -v s="$MEASURE_SECONDS" 'BEGIN { print (s > 2 ? s - 1 : s / 2) }')
# On PostgreSQL, what the database did for the window: per table, scans and rows read and written,
# and the transactions committed (-> $1.pgstat0 / $1.pgstat1; bench/profile.sh prints the change).
pgstat() {
  psql -h 127.0.0.1 -U postgres -d plenum_test -AtF ' ' -c "
    select 'xact', xact_commit, tup_returned, tup_fetched, blks_hit from pg_stat_database where datname = current_database()
    union all
    select relname, seq_scan, seq_tup_read, coalesce(idx_scan, 0), coalesce(idx_tup_fetch, 0) + n_tup_ins + n_tup_upd
    from pg_stat_user_tables" > "$1" 2>/dev/null
}
[ "${PROFILE_DB:-}" = postgres ] && pgstat "$out.pgstat0"
read -r busy0 total0 < <(machine)
plenum0=$(ticks_by_pid "$SERVER_PID"); bench0=$(ticks_by_pid "$BENCH_PID"); pg0=$(ticks_by_pid $postgres_pids)
start=$(date +%s.%N)
sleep "$split_seconds"
read -r busy1 total1 < <(machine)
plenum1=$(ticks_by_pid "$SERVER_PID"); bench1=$(ticks_by_pid "$BENCH_PID"); pg1=$(ticks_by_pid $postgres_pids)
end=$(date +%s.%N)
[ "${PROFILE_DB:-}" = postgres ] && pgstat "$out.pgstat1"
awk -v s="$start" -v e="$end" 'BEGIN { printf "%.2f\n", e - s }' > "$out.seconds"
wait
awk -v s="$start" -v e="$end" -v hz="$ticks_per_s" -v ncpu="$(nproc)" \
  -v p="$(spent "$plenum0" "$plenum1")" -v g="$(spent "$pg0" "$pg1")" -v b="$(spent "$bench0" "$bench1")" \
  -v busy=$((busy1 - busy0)) -v total=$((total1 - total0)) 'BEGIN {
    secs = e - s
    pc = p / hz / secs; gc = g / hz / secs; bc = b / hz / secs
    idle = ncpu * (1 - busy / (total > 0 ? total : 1))
    other = ncpu - idle - pc - gc - bc; if (other < 0) other = 0
    printf "cores (of %d) over the window: Plenum %.2f, PostgreSQL %.2f, load generator %.2f, other %.2f, idle %.2f\n", ncpu, pc, gc, bc, other, idle
  }' > "$out.cpu"
