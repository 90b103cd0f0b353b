"""Statements per request in each measured window of bench/statements.sh.

    python3 bench/statements_table.py FOLDER

FOLDER holds window.N.tsv (calls per statement over window N, written by
bench/statements_window.sh, in the order plenum-bench ran the scenarios). A window's requests
are counted by a statement its scenario runs exactly once per request (the anchor below), so the
figure holds whatever part of the scenario the window covered.
"""
import re
import sys
from pathlib import Path

# Scenario (in plenum-bench's order with --only list,proposal,endorse,inbound) and its anchor.
SCENARIOS = [
    ("proposals list (HTML)", 'SELECT "proposals"."id" FROM "proposals"'),
    ("proposals list (HTML) at 3000/s", 'SELECT "proposals"."id" FROM "proposals"'),
    ("one proposal (HTML)", 'SELECT "comments"."id"'),
    ("one proposal (HTML) at 3000/s", 'SELECT "comments"."id"'),
    ("proposals list (JSON API)", 'SELECT "proposals"."id" FROM "proposals"'),
    ("proposals list (JSON API) at 3000/s", 'SELECT "proposals"."id" FROM "proposals"'),
    ("endorse (POST)", 'INSERT INTO "endorsements"'),
    ("inbound signed Like / Create(Note)", 'INSERT INTO "received_activities"'),
]
# What the node's own background workers ask every second or so, whatever the load.
BACKGROUND = re.compile(r"FROM (deliveries|mails) WHERE state|SET (TIME ZONE|CLIENT_ENCODING)|^SELECT \$1$")
CONTROL = re.compile(r"^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)")


def main():
    folder = Path(sys.argv[1])
    windows = sorted(folder.glob("window.*.tsv"), key=lambda p: int(p.name.split(".")[1]))
    print("| scenario | requests in the window | statements per request | of which transaction control |")
    print("|---|---:|---:|---:|")
    for (scenario, anchor), window in zip(SCENARIOS, windows):
        rows = []
        for row in window.read_text().splitlines():
            calls, query = row.split("\t", 1)
            if not BACKGROUND.search(query):
                rows.append((int(calls), query))
        requests = sum(c for c, q in rows if q.startswith(anchor))
        if requests == 0:
            print(f"| {scenario} | 0 | – | – |")
            continue
        total = sum(c for c, _ in rows) / requests
        control = sum(c for c, q in rows if CONTROL.match(q)) / requests
        print(f"| {scenario} | {requests} | {total:.1f} | {control:.1f} |")
        if "-v" in sys.argv:
            for c, q in rows[:25]:
                print(f"|   | {c / requests:.2f} × | `{q[:110]}` | |")


if __name__ == "__main__":
    main()
