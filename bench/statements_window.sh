#!/usr/bin/env bash
# One measured window on PostgreSQL, run by plenum-bench as the window starts
# (PLENUM_BENCH_ON_MEASURE, set by bench/statements.sh): empties pg_stat_statements, waits for the
# window, and writes what the database ran in it (-> $1.N.tsv, N counting the windows): calls
# per statement, most frequent first. bench/statements.sh divides by the requests answered.
set -u
out=${1:?output prefix}
n=0
while [ -e "$out.$n.tsv" ] || [ -e "$out.$n.lock" ]; do n=$((n + 1)); done
touch "$out.$n.lock"
sql() { psql -h 127.0.0.1 -U postgres -d postgres -AtF $'\t' -c "$1"; }
sql "select pg_stat_statements_reset()" >/dev/null
sleep "$MEASURE_SECONDS"
sql "select s.calls, regexp_replace(s.query, '\s+', ' ', 'g')
     from pg_stat_statements s join pg_database d on d.oid = s.dbid
     where d.datname = 'plenum_test' order by s.calls desc" >"$out.$n.tsv"
rm -f "$out.$n.lock"
