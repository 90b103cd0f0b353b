#!/usr/bin/env bash
# Three `plenum serve` nodes on one PostgreSQL database behind HAProxy (Debian's `haproxy`):
# sessions, throttles, reads, inbound activities, a 1,000-inbox fan-out with kill -9 of one node,
# and a rolling restart under load. See cluster_test.py.
#   PLENUM_BIN                the built binary (default: target/debug/plenum)
# The rolling restart also builds the release before the newest migration (git history needed).
#   PLENUM_CLUSTER_FOLLOWERS  fan-out size (default 1000)
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust) and `haproxy` on the PATH.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${PLENUM_BIN:-target/debug/plenum}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
command -v haproxy > /dev/null || { echo "cluster test: needs haproxy (Debian: apt-get install haproxy)" >&2; exit 1; }
venv="$root/target/interop-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import cryptography' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/federation-tests/interop/requirements.txt"
fi

# The rolling restart upgrades a running city from the release before the newest migration to this
# one, as a real upgrade does: old code serving while the first new node migrates the database. That
# release is built here from the repository's history (the parent of the commit that added the newest
# migration), sharing target/ so only the plenum crate itself is compiled again.
newest="$(ls "$root/migrations/postgres" | sort | tail -n 1)"
if [ "$(git -C "$root" rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
  git -C "$root" fetch -q --unshallow || true
fi
added="$(git -C "$root" log --format=%H --diff-filter=A -1 -- "migrations/postgres/$newest" 2>/dev/null || true)"
if [ -z "$added" ] || ! git -C "$root" rev-parse --verify -q "$added^" > /dev/null; then
  echo "cluster test: needs the repository's history to build the release before $newest" >&2
  exit 1
fi
previous_src="$root/target/previous-release/src"
previous_bin="$root/target/previous-release/plenum"
if [ ! -x "$previous_bin" ] || [ "$(cat "$root/target/previous-release/commit" 2>/dev/null)" != "$added^" ]; then
  rm -rf "$previous_src" && mkdir -p "$previous_src"
  git -C "$root" archive "$added^" | tar -x -C "$previous_src"
  # Building another tree in the same target/ replaces target/debug/plenum: keep ours aside.
  # (Copies, not hard links: cargo links target/debug/plenum to its own artifact, which a write
  # through the link would change.)
  kept="$(mktemp -d)"
  cp -p "$bin" "$kept/plenum"
  (cd "$previous_src" && CARGO_TARGET_DIR="$root/target" cargo build --locked --bin plenum)
  cp -p --remove-destination "$root/target/debug/plenum" "$previous_bin"
  cp -p --remove-destination "$kept/plenum" "$bin" && rm -rf "$kept"
  echo "$added^" > "$root/target/previous-release/commit"
fi
echo "rolling restart: from $(git -C "$root" log -1 --format='%h %s' "$added^" | cut -c1-80) to this tree"

cd "$here"
PLENUM_BIN="$bin" PLENUM_PREVIOUS_BIN="$previous_bin" exec "$venv/bin/python" -u cluster_test.py
