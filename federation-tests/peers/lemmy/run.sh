#!/usr/bin/env bash
# A real Lemmy 0.19.20 follows a Plenum process (SQLite), driven through Lemmy's API.
#   PLENUM_BIN         the built binary (default: target/debug/plenum)
#   PLENUM_LEMMY_PEER  the folder with Lemmy's start.sh and binary (default: ../shared/peers/lemmy
#                      beside the repository). Missing, the step fails: it is never skipped.
# Needs root (names plenum.test and lemmy.test in /etc/hosts) and PostgreSQL on 127.0.0.1:5432
# for Lemmy (user postgres, trust).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bin="${PLENUM_BIN:-target/debug/plenum}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
peer="${PLENUM_LEMMY_PEER:-$root/../shared/peers/lemmy}"
if [ ! -f "$peer/start.sh" ] || [ ! -f "$peer/lemmy_server.gz" ]; then
  echo "lemmy test: no Lemmy peer at $peer (start.sh and lemmy_server.gz); set PLENUM_LEMMY_PEER" >&2
  exit 1
fi
venv="$root/target/interop-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import cryptography' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/federation-tests/interop/requirements.txt"
fi
cd "$here"
PLENUM_BIN="$bin" PLENUM_LEMMY_PEER="$(cd "$peer" && pwd)" exec "$venv/bin/python" -u lemmy_test.py
