#!/usr/bin/env bash
# Three Plenum towns federating over loopback (A on PostgreSQL or SQLite, B and C on SQLite), plus
# a fake server with 50 inboxes and crafted bad requests. See federation_test.py (one function
# per scenario) and lib.py (the shared module).
#
#   PLENUM_BIN       the built binary (default: target/debug/plenum)
#   PLENUM_FED_A_DB  postgres (default) or sqlite: town A's database
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
bin="${PLENUM_BIN:-target/debug/plenum}"
case "$bin" in /*) ;; *) bin="$root/$bin" ;; esac
venv="$root/target/interop-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import apsig, cryptography, http_message_signatures, pyld' 2>/dev/null; then
  echo "federation tests: installing apsig (and cryptography) from PyPI into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q -r "$root/federation-tests/interop/requirements.txt"
fi
cd "$here"
PLENUM_BIN="$bin" exec "$venv/bin/python" -u federation_test.py
