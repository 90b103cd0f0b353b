"""The change in PostgreSQL's statistics over one measured window (bench/profile_window.sh wrote a
snapshot at each end): transactions committed and, per table (summed over the benchmark's
schemas), sequential scans and the rows they read, index scans, rows written.

    python3 bench/pgstat_diff.py BEFORE AFTER REQUESTS_PER_SECOND SECONDS
"""
import sys
from collections import defaultdict


def load(path):
    rows = defaultdict(lambda: [0, 0, 0, 0])
    with open(path) as f:
        for line in f:
            name, *numbers = line.split()
            for i, n in enumerate(numbers[:4]):
                rows[name][i] += int(n or 0)
    return rows


def main():
    before, after = load(sys.argv[1]), load(sys.argv[2])
    # The requests answered over the snapshots' interval, at the window's measured rate.
    requests = max(1.0, float(sys.argv[3]) * float(sys.argv[4]))
    x0, x1 = before["xact"], after["xact"]
    print(f"transactions committed: {x1[0] - x0[0]} ({(x1[0] - x0[0]) / requests:.1f} per request); "
          f"rows returned by scans {x1[1] - x0[1]}, fetched {x1[2] - x0[2]}, buffer hits {x1[3] - x0[3]} "
          f"({(x1[3] - x0[3]) / requests:.0f} per request)")
    print()
    print("| table | seq scans | rows read by them | index scans | rows fetched + written |")
    print("|---|---:|---:|---:|---:|")
    changes = []
    for name, now in after.items():
        if name == "xact":
            continue
        then = before.get(name, [0, 0, 0, 0])
        d = [a - b for a, b in zip(now, then)]
        if any(d):
            changes.append((name, d))
    for name, d in sorted(changes, key=lambda c: -(c[1][1] + c[1][3])):
        print(f"| {name} | {d[0]} | {d[1]} | {d[2]} | {d[3]} |")


if __name__ == "__main__":
    main()
