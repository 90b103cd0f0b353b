#!/usr/bin/env bash
# Browser journeys through a real Plenum server: headless Chromium (Debian's), Playwright, axe-core.
#
#   PLENUM_BIN      the built binary (default: target/debug/plenum under the repository root)
#   PLENUM_TEST_DB  sqlite (default: a temporary file) or postgres (a fresh database, dropped after)
#   PLENUM_PG_HOST / PLENUM_PG_USER  where to create it (default 127.0.0.1 / postgres)
#
# Mail goes out by SMTP to a real server: federation-tests/mail/smtp_sink.py (aiosmtpd, Debian's
# python3-aiosmtpd, which .ci/setup installs) on a free port, storing each message it accepts as
# an .eml file in a folder the journeys read (PLENUM_MAIL_SINK) as the people's mailboxes.
#
# Screenshots of each page state checked (phone and desktop width) are written to
# federation-tests/browser/screenshots/<backend>/ and kept; the run prints where.
#
# Exits with the journeys' status; the last line of their output is "N passed, M failed".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${PLENUM_BIN:-target/debug/plenum}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
backend="${PLENUM_TEST_DB:-sqlite}"

log() { printf 'run.sh: %s\n' "$*" >&2; }

if [ ! -x "$bin" ]; then
  log "no Plenum binary at $bin (build it with 'cargo build' or set PLENUM_BIN)"
  exit 2
fi

# Debian's Chromium only: Playwright's own browser downloads are not reachable from here.
if [ ! -x /usr/bin/chromium ]; then
  log "installing Debian's chromium"
  if [ "$(id -u)" -ne 0 ]; then log "need root to apt-get install chromium"; exit 2; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
fi

cd "$here"
if [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/axe-core ]; then
  log "npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi

# pyotp (PyPI) computes the staff journey's sign-in codes: not our code checking itself.
venv="$root/target/browser-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyotp' 2>/dev/null; then
  log "installing pyotp from PyPI into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$here/requirements.txt"
fi

work="$(mktemp -d /tmp/plenum-browser.XXXXXX)"
server_pid=""
pg_db=""
pg_host="${PLENUM_PG_HOST:-127.0.0.1}"
pg_user="${PLENUM_PG_USER:-postgres}"

peer_pid=""
sink_pid=""
cleanup() {
  if [ -n "$sink_pid" ] && kill -0 "$sink_pid" 2>/dev/null; then kill "$sink_pid" 2>/dev/null || true; wait "$sink_pid" 2>/dev/null || true; fi
  if [ -n "$peer_pid" ] && kill -0 "$peer_pid" 2>/dev/null; then kill "$peer_pid" 2>/dev/null || true; wait "$peer_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ -n "$pg_db" ]; then
    psql -h "$pg_host" -U "$pg_user" -q -c "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 \
      || log "could not drop database $pg_db"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

case "$backend" in
  sqlite)
    export DATABASE_URL="sqlite://$work/plenum.db"
    ;;
  postgres)
    pg_db="plenum_browser_$(date +%s)_$$"
    psql -h "$pg_host" -U "$pg_user" -q -c "CREATE DATABASE $pg_db" >/dev/null
    export DATABASE_URL="postgres://$pg_user@$pg_host/$pg_db"
    ;;
  *)
    log "PLENUM_TEST_DB must be sqlite or postgres, not '$backend'"
    exit 2
    ;;
esac

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port="$(free_port)"
peer_port="$(free_port)"
smtp_port="$(free_port)"
export PLENUM_BIND="127.0.0.1:$port"
# Federation ids need a host name (not an IP); the browser itself uses 127.0.0.1 (relative links).
export PLENUM_PUBLIC_URL="http://localhost:$port"
export PLENUM_FEDERATION_ALLOW_PRIVATE="localhost:$port,localhost:$peer_port"
export PLENUM_LOG="${PLENUM_LOG:-warn}"
# Uploads in the run's own folder (removed with it), whichever the database.
export PLENUM_UPLOAD_DIR="$work/uploads"
export PLENUM_ADMIN_PASSWORD="quatre chats gris dansent le soir"
export PLENUM_MAIL_POLL_MS=200
# Each server below is told where its mail goes; nothing inherited from the caller's shell.
unset PLENUM_MAIL_DIR PLENUM_SMTP_URL

# The SMTP server the town sends through; the journeys read what it stored and follow the links.
sink_dir="$work/mail"
sink_python="${PLENUM_TEST_PYTHON:-/usr/bin/python3}"
if ! "$sink_python" -c 'import aiosmtpd' 2>/dev/null; then
  log "$sink_python has no aiosmtpd (Debian: apt-get install python3-aiosmtpd, as .ci/setup does)"
  exit 2
fi
"$sink_python" "$root/federation-tests/mail/smtp_sink.py" "$smtp_port" "$sink_dir" >"$work/sink.out" 2>"$work/sink.log" &
sink_pid=$!
for _ in $(seq 1 100); do
  if grep -qx ready "$work/sink.out" 2>/dev/null; then break; fi
  if ! kill -0 "$sink_pid" 2>/dev/null; then log "the SMTP sink stopped:"; cat "$work/sink.log" >&2; exit 1; fi
  sleep 0.1
done
grep -qx ready "$work/sink.out" || { log "the SMTP sink did not start on port $smtp_port"; cat "$work/sink.log" >&2; exit 1; }

log "backend $backend, server on $PLENUM_BIND"
"$bin" admin create-admin --email staff@example.org --username staff --name "Staff" >"$work/create-admin.log" 2>&1 || {
  log "plenum admin create-admin failed:"; cat "$work/create-admin.log" >&2
  log "continuing: the staff journey will fail to sign in"
}

PLENUM_SMTP_URL="smtp://127.0.0.1:$smtp_port" "$bin" serve >"$work/server.log" 2>&1 &
server_pid=$!

# A peer town (the demo town, on SQLite) whose process the staff journey follows; its mails
# (it sends none the journeys read) go to a folder of its own, not to the sink.
PLENUM_MAIL_DIR="$work/peer-mail" DATABASE_URL="sqlite://$work/peer.db" PLENUM_BIND="127.0.0.1:$peer_port" PLENUM_PUBLIC_URL="http://localhost:$peer_port" \
  "$bin" demo --bind "127.0.0.1:$peer_port" >"$work/peer.log" 2>&1 &
peer_pid=$!
for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$peer_port/health" 2>/dev/null; then break; fi
  sleep 0.2
done

for _ in $(seq 1 150); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null; then break; fi
  if ! kill -0 "$server_pid" 2>/dev/null; then
    log "the server stopped:"; cat "$work/server.log" >&2; exit 1
  fi
  sleep 0.2
done
curl -fsS -o /dev/null "http://127.0.0.1:$port/health" || { log "no answer from /health"; cat "$work/server.log" >&2; exit 1; }

# Playwright puts the fresh --user-data-dir of each launch under TMPDIR: keep it in $work.
mkdir -p "$work/tmp"
# Screenshots of every page state the journeys check (phone and desktop), one folder per
# backend, kept after the run: CI keeps them as artefacts for reviewers.
shots="$here/screenshots/$backend"
status=0
PLENUM_SCREENSHOTS="$shots" \
TMPDIR="$work/tmp" \
PLENUM_URL="http://127.0.0.1:$port" \
PLENUM_STAFF_EMAIL="staff@example.org" \
PLENUM_STAFF_PASSWORD="$PLENUM_ADMIN_PASSWORD" \
PLENUM_PEER="localhost:$peer_port" \
PLENUM_PYTHON="$venv/bin/python" \
PLENUM_MAIL_SINK="$sink_dir" \
  node journeys.mjs || status=$?

# The journeys read every mail from the sink; none there means mail never went through SMTP.
received="$(find "$sink_dir" -maxdepth 1 -name '*.eml' | wc -l)"
if [ "$received" -eq 0 ]; then
  log "FAIL: the SMTP sink on port $smtp_port received no mail (the server's log follows)"
  status=1
else
  log "the SMTP sink received $received mails"
fi

log "screenshots ($(find "$shots" -name '*.png' 2>/dev/null | wc -l) PNG files): $shots"
if [ "$status" -ne 0 ] && [ -s "$work/server.log" ]; then
  log "server log (last 40 lines):"
  tail -n 40 "$work/server.log" >&2
fi
exit "$status"
