#!/usr/bin/env bash
# Three `plenum serve` nodes on one PostgreSQL database behind HAProxy (Debian's `haproxy`):
# sessions, throttles, reads, inbound activities, a 1,000-inbox fan-out with kill -9 of one node,
# and a rolling restart under load. See cluster_test.py.
#   PLENUM_BIN                the built binary (default: target/debug/plenum)
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
cd "$here"
PLENUM_BIN="$bin" exec "$venv/bin/python" -u cluster_test.py
