#!/usr/bin/env bash
# Tally benchmark with pabutools 1.2.3 (from PyPI, in a virtual environment under target/) timed
# in the same run. Prints a Markdown table. PABUTOOLS_TIMEOUT (seconds, default 60) bounds each
# pabutools run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=target/pabutools-venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pabutools==1.2.3
fi
PABUTOOLS_PYTHON="$PWD/$venv/bin/python" cargo bench --bench tally
