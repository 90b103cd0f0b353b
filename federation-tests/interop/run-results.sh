#!/usr/bin/env bash
# Independent check of a published budget result: starts `plenum demo` (which replays a real
# election and publishes its signed result), downloads results.json and ballots.pb, and lets
# apsig and pabutools (PyPI) verify the proof, the digest and the outcome; then feedparser (PyPI)
# reads the town's and two processes' Atom feeds from the same server (check_feeds.py).
#
#   PLENUM_BIN      the built binary (default: target/debug/plenum)
#   PLENUM_TEST_DB  sqlite (default) or postgres
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${PLENUM_BIN:-target/debug/plenum}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
backend="${PLENUM_TEST_DB:-sqlite}"
log() { printf 'run-results.sh: %s\n' "$*" >&2; }

venv="$root/target/interop-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import apsig, pabutools, http_message_signatures, pyld, feedparser' 2>/dev/null; then
  log "installing apsig, pabutools and feedparser from PyPI into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi

work="$(mktemp -d /tmp/plenum-interop.XXXXXX)"
server_pid=""
pg_db=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; fi
  if [ -n "$pg_db" ]; then psql -h 127.0.0.1 -U postgres -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

case "$backend" in
  sqlite) export DATABASE_URL="sqlite://$work/demo.db" ;;
  postgres)
    pg_db="plenum_interop_$(date +%s)_$$"
    psql -h 127.0.0.1 -U postgres -q -c "CREATE DATABASE $pg_db" >/dev/null
    export DATABASE_URL="postgres://postgres@127.0.0.1/$pg_db" ;;
  *) log "PLENUM_TEST_DB must be sqlite or postgres"; exit 2 ;;
esac

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export PLENUM_PUBLIC_URL="http://127.0.0.1:$port" PLENUM_LOG=warn
"$bin" demo --bind "127.0.0.1:$port" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 150); do
  curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
  sleep 0.2
done

base="http://127.0.0.1:$port/processes/budget-2022-jolimont/budgets/quartier-10"
curl -fsS -o "$work/results.json" "$base/results.json"
curl -fsS -o "$work/ballots.pb" "$base/ballots.pb"
curl -fsS -H 'Accept: application/activity+json' -o "$work/actor.json" \
  "http://127.0.0.1:$port/processes/budget-2022-jolimont"
log "backend $backend: checking $base/results.json"
"$venv/bin/python" "$here/check_results.py" "$work/results.json" "$work/ballots.pb" "$work/actor.json"
# Plenum's own offline check must agree.
"$bin" verify-results "$work/results.json" "$work/ballots.pb"
log "backend $backend: reading the Atom feeds with feedparser"
"$venv/bin/python" "$here/check_feeds.py" "http://127.0.0.1:$port"
