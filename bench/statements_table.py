"""Statements per request in each measured window of bench/statements.sh.

    python3 bench/statements_table.py FOLDER

FOLDER holds bench.txt (plenum-bench's output: one line per scenario with its req/s) and
window.N.tsv (calls per statement over window N, written by bench/statements_window.sh).
"""
import re
import sys
from pathlib import Path


def main():
    folder = Path(sys.argv[1])
    lines = [l for l in (folder / "bench.txt").read_text().splitlines() if " req/s " in l]
    rates = []
    for line in lines:
        m = re.match(r"\s*postgres\s+(.+?)\s+(\d+) req/s", line)
        if m and not m.group(1).startswith(("idle", "fan-out")):
            rates.append((m.group(1).strip(), float(m.group(2))))
    windows = sorted(folder.glob("window.*.tsv"), key=lambda p: int(p.name.split(".")[1]))
    seconds = float(__import__("os").environ.get("SECONDS_PER_SCENARIO", "5"))
    print("| scenario | requests/s | statements per request | of which BEGIN/COMMIT/SAVEPOINT | most frequent |")
    print("|---|---:|---:|---:|---|")
    for (scenario, rate), window in zip(rates, windows):
        rows = []
        for row in window.read_text().splitlines():
            calls, query = row.split("\t", 1)
            rows.append((int(calls), query))
        requests = max(1.0, rate * seconds)
        total = sum(c for c, _ in rows) / requests
        control = sum(c for c, q in rows if re.match(r"(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)", q)) / requests
        top = "; ".join(f"{c / requests:.2f}× `{q[:60]}`" for c, q in rows[:3])
        print(f"| {scenario} | {rate:.0f} | {total:.1f} | {control:.1f} | {top} |")


if __name__ == "__main__":
    main()
