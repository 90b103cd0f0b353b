#!/usr/bin/env bash
# Makes the before/after screenshots of issue 23 (README.md here) again:
#   - "after": the browser journeys' screenshots (CI artefacts) of the same pages, copied from
#     federation-tests/browser/screenshots/<db>/ (run federation-tests/browser/run.sh first);
#   - "before": the old commit's demo town (`plenum demo`, its own database in a temporary
#     folder), shot by before.mjs with the journeys' Playwright and Debian's Chromium;
#   - both cropped to the first screens (phone 1,400 px, desktop 1,000 px high) and written as
#     64-colour PNGs (Pillow, in target/screenshot-venv) so that the pairs stay small.
#
#   bash docs/screenshots/issue-23/make.sh OLD_PLENUM [AFTER_DIR]
#     OLD_PLENUM  `plenum` built from 65a17b4 (git worktree add /work/wt-old 65a17b4; cargo build
#                 --release --bin plenum there)
#     AFTER_DIR   default federation-tests/browser/screenshots/sqlite
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
old="$(realpath "${1:?usage: make.sh OLD_PLENUM [AFTER_DIR]}")"
after="${2:-$root/federation-tests/browser/screenshots/sqlite}"

venv="$root/target/screenshot-venv"
if ! "$venv/bin/python" -c 'import PIL' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pillow
fi
[ -d "$root/federation-tests/browser/node_modules/playwright-core" ] \
  || (cd "$root/federation-tests/browser" && npm ci --no-audit --no-fund --loglevel=error)

work="$(mktemp -d /tmp/plenum-issue23-shots.XXXXXX)"
demo_pid=""
cleanup() {
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
(cd "$work" && exec env PLENUM_PUBLIC_URL="http://127.0.0.1:$port" "$old" demo --bind "127.0.0.1:$port") \
  > "$work/demo.log" 2>&1 &
demo_pid=$!
for _ in $(seq 1 300); do
  curl -sf "http://127.0.0.1:$port/health" >/dev/null && break
  kill -0 "$demo_pid" 2>/dev/null || { cat "$work/demo.log"; exit 1; }
  sleep 0.2
done
PLENUM_URL="http://127.0.0.1:$port" SHOTS_DIR="$work" node "$here/before.mjs"

# The journeys' labels of the same pages (their number changes as journeys are added).
for pair in ballot:budget-ballot-js proposal-with-image:proposal-with-image results:budget-results \
  participation:participation-en; do
  name="${pair%%:*}" label="${pair#*:}"
  for size in phone desktop; do
    shot="$(ls "$after"/[0-9][0-9]-"$label-$size".png)"
    cp "$shot" "$work/$name-after-$size.png"
  done
done

"$venv/bin/python" - "$work" "$here" <<'PY'
import pathlib, sys
from PIL import Image
work, dest = map(pathlib.Path, sys.argv[1:])
for shot in sorted(work.glob("*-*-*.png")):
    image = Image.open(shot).convert("RGB")
    height = 1400 if shot.stem.endswith("phone") else 1000
    image = image.crop((0, 0, image.width, min(image.height, height)))
    image.quantize(colors=64, method=Image.Quantize.MEDIANCUT).save(dest / shot.name, optimize=True)
    print(f"{shot.name}: {image.width}×{image.height}, {(dest / shot.name).stat().st_size // 1024} KB")
PY
