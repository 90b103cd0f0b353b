"""Two `plenum` binaries compared on the read paths of docs/performance.md (the proposals list as
HTML and JSON, one proposal page), in one run, in two ways that hold on a shared machine.

    python3 bench/ab.py count OLD NEW [--bench target/release/plenum-bench] [--requests 200]
    python3 bench/ab.py throughput OLD NEW [--bench ...] [--rounds 3] [--seconds 5]

`count` (deterministic): one seeded database (`plenum-bench --seed-only`, the benchmark's data),
copied for each binary. On SQLite each `plenum serve` runs under `valgrind --tool=callgrind`:
after a warm-up, the counters are zeroed, N requests of one kind are sent one after the other and
the counters dumped, so a figure is the instructions of every thread of the server (the runtime,
SQLite, templates) divided by N, whatever else the machine is doing. The same dump counts the calls
into SQLite: `sqlite3_reset` is called once per statement diesel runs (cached or not),
`sqlite3_prepare_v3` once per statement compiled (one not in diesel's cache), `sqlite3_exec` once per
batch (BEGIN, COMMIT). On PostgreSQL the binaries serve a private database normally and
`pg_stat_statements` (preloaded on this server) counts the statements run in that database over
the N requests. Each binary is measured twice (old, new, old, new) to show the figures repeat.

`throughput`: `plenum-bench --only list,proposal` (one harness for both binaries) run with OLD
and NEW alternately, ROUNDS times each, on SQLite and PostgreSQL; prints the medians of the
closed-loop rates and their ratio.
"""
import argparse
import os
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

PG_SERVER = "postgres://postgres@127.0.0.1:5432"
PG_DATABASE = "plenum_ab"
SLUG = "bench-2026"
PROPOSALS = 10_000
SQLITE_CALLS = ["sqlite3_reset", "sqlite3_prepare_v3", "sqlite3_exec", "sqlite3_step"]


def kinds(n):
    """The requests of each kind, the same for every binary: the list as N distinct visitors
    (each its own random order, but the same N orders for both binaries), N proposals spread over
    the 10,000 by a fixed stride."""
    return {
        "proposals list (HTML)": [(f"/processes/{SLUG}", f"ab-visitor-{i}") for i in range(n)],
        "one proposal (HTML)": [(f"/proposals/bench-proposal-{(i * 7919) % PROPOSALS}", "ab-visitor")
                                for i in range(n)],
        "proposals list (JSON API)": [(f"/api/v1/processes/{SLUG}/proposals", f"ab-visitor-{i}")
                                      for i in range(n)],
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base, path, visitor, timeout=120):
    request = urllib.request.Request(base + path, headers={"cookie": f"plenum_visitor={visitor}"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"{path}: HTTP {response.status}")
        return body


def start(binary, database_url, log, wrap=()):
    """`plenum serve` as plenum-bench starts it (bench/load/server.rs), optionally under valgrind,
    with the mail worker's poll put off for an hour: each poll reads the 100,000 accounts (34 M
    instructions a second under callgrind, docs/performance.md), work of no request that would be
    charged to the requests in proportion to how long they take. Binaries from before the mail
    worker ignore the setting."""
    port = free_port()
    env = dict(os.environ, DATABASE_URL=database_url, PLENUM_BIND=f"127.0.0.1:{port}",
               PLENUM_MAIL_POLL_MS="3600000",
               PLENUM_PUBLIC_URL=f"http://localhost:{port}",
               PLENUM_SECRET_KEY="benchmark-secret-key-0123456789abcdef0123",
               PLENUM_DEFAULT_LOCALE="en", PLENUM_LOG="warn", PLENUM_FEDERATION_ALLOW_PRIVATE="*")
    process = subprocess.Popen([*wrap, binary, "serve"], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 600
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{binary} serve exited with {process.returncode} (see {log.name})")
        try:
            get(base, "/health", "ab-visitor", timeout=30)
            return process, base
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{binary} serve did not answer /health (see {log.name})")


def stop(process):
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def warm_up(base, requests):
    """Ten requests of a kind, each checked to show the seeded data (a page of proposals, or
    the proposal's text): a binary that answers 200 with something else is not measured."""
    for path, visitor in requests[:10]:
        body = get(base, path, visitor)
        if b"bench-proposal-" not in body and b"The square needs shade" not in body:
            raise RuntimeError(f"{path} answered 200 without the seeded proposals")


def callgrind_dump(pid, directory, before):
    """Dumps the counters and returns (instructions, {function: calls}) of the new dump file."""
    subprocess.run(["callgrind_control", "-d", str(pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        new = set(os.listdir(directory)) - before
        if new:
            path = os.path.join(directory, new.pop())
            time.sleep(1)  # let callgrind finish writing it
            return parse_callgrind(path), new | {os.path.basename(path)}
        time.sleep(0.2)
    raise RuntimeError("callgrind wrote no dump")


# The visible-proposals count of a list page is remembered 2 s per node (docs/performance.md):
# how many refreshes fall in a window of N requests depends on how long they took, so their cost
# is taken out of the figure and shown apart. It is this call, from the list's own function.
COUNT_REFRESH = ("plenum::domain::proposals::list::list", "diesel::query_dsl::RunQueryDsl::get_result")


def parse_callgrind(path):
    """(instructions, {function: calls}, (count refreshes, their instructions)) of one dump."""
    names, calls, total = {}, {}, 0
    caller = callee = None
    refresh_calls = refresh_cost = 0
    pending = False
    with open(path, errors="replace") as f:
        for line in f:
            if pending:
                pending = False
                if (caller, callee) == COUNT_REFRESH:
                    refresh_cost += int(line.split()[1])
                continue
            if line.startswith(("fn=", "cfn=")):
                m = re.match(r"c?fn=\((\d+)\)(?: (.*))?", line.rstrip("\n"))
                if m and m.group(2):
                    names[m.group(1)] = m.group(2)
                name = names.get(m.group(1)) if m else None
                if line.startswith("fn="):
                    caller = name
                else:
                    callee = name
            elif line.startswith("calls=") and callee:
                n = int(line[6:].split()[0])
                calls[callee] = calls.get(callee, 0) + n
                if (caller, callee) == COUNT_REFRESH:
                    refresh_calls += n
                pending = True
            elif line.startswith(("summary:", "totals:")):
                total = max(total, int(line.split()[1]))
    return total, calls, (refresh_calls, refresh_cost)


def count_sqlite(binary, seed, n, workdir, label):
    """Instructions and SQLite calls per request of each kind, under callgrind."""
    db = os.path.join(workdir, f"{label}.db")
    for suffix in ["", "-wal", "-shm"]:
        if os.path.exists(seed + suffix):
            shutil.copy(seed + suffix, db + suffix)
    out = os.path.join(workdir, f"cg-{label}")
    os.makedirs(out)
    log = open(os.path.join(workdir, f"{label}.log"), "w")
    wrap = ["valgrind", "--tool=callgrind", "--dump-instr=no", f"--callgrind-out-file={out}/cg.%p"]
    process, base = start(binary, f"sqlite://{db}", log, wrap)
    results = {}
    try:
        for kind, requests in kinds(n).items():
            warm_up(base, requests)
            subprocess.run(["callgrind_control", "-z", str(process.pid)], check=True,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            for path, visitor in requests:
                get(base, path, visitor)
            (total, calls, (refreshes, cost)), _ = callgrind_dump(process.pid, out, set(os.listdir(out)))
            results[kind] = ((total - cost) / n, {c: calls.get(c, 0) / n for c in SQLITE_CALLS}, refreshes)
        # What the server does with no request (timers, queues), over 10 s: part of every figure
        # above in proportion to the time the N requests took.
        subprocess.run(["callgrind_control", "-z", str(process.pid)], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(10)
        (idle, _, _), _ = callgrind_dump(process.pid, out, set(os.listdir(out)))
        results["idle, per second"] = (idle / 10, {}, 0)
    finally:
        stop(process)
    return results


def psql(database, sql):
    return subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-AtX", "-c", sql],
                          check=True, capture_output=True, text=True).stdout.strip()


def classify(rows):
    """pg_stat_statements rows ("calls|query") of one window, split into what the requests ran,
    the pool's `SELECT 1` check of a connection as it is taken, and the background workers'
    polls (delivery queue, mail digests) with their transactions: an anonymous GET of these
    pages reads neither table and opens no transaction."""
    split = {"requests": 0, "pool check": 0, "background": 0}
    for line in rows.splitlines():
        if not re.match(r"\d+\|", line):
            continue  # the next line of a statement written over several
        calls, query = line.split("|", 1)
        if query.strip() == "SELECT 1":
            split["pool check"] += int(calls)
        elif query in ("BEGIN", "COMMIT") or "deliveries" in query or '"notifications"' in query:
            split["background"] += int(calls)
        else:
            split["requests"] += int(calls)
    return split


def count_postgres(binary, n, workdir, label, dbid):
    """Statements per request of each kind in the private database (pg_stat_statements)."""
    log = open(os.path.join(workdir, f"{label}-pg.log"), "w")
    process, base = start(binary, f"{PG_SERVER}/{PG_DATABASE}?sslmode=disable", log)
    results = {}
    try:
        for kind, requests in kinds(n).items():
            warm_up(base, requests)
            psql("postgres", f"select pg_stat_statements_reset(0, {dbid}, 0)")
            for path, visitor in requests:
                get(base, path, visitor)
            rows = psql("postgres", f"select calls, query from pg_stat_statements where dbid = {dbid} "
                                    "order by calls desc")
            with open(os.path.join(workdir, f"{label}-pg-statements.txt"), "a") as f:
                f.write(f"== {kind}: {n} requests\n{rows}\n\n")
            results[kind] = {k: v / n for k, v in classify(rows).items()}
    finally:
        stop(process)
    return results


def count(args):
    workdir = tempfile.mkdtemp(prefix="plenum-ab.")
    print(f"work folder: {workdir}", file=sys.stderr)
    seed = os.path.join(workdir, "seed.db")
    subprocess.run([args.bench, "--seed-only", seed], check=True)
    # One file to copy for each binary: the seeding's write-ahead log folded into it.
    with sqlite3.connect(seed) as conn:
        conn.execute("pragma wal_checkpoint(TRUNCATE)")
    psql("postgres", f"drop database if exists {PG_DATABASE}")
    psql("postgres", f"create database {PG_DATABASE}")
    subprocess.run([args.bench, "--seed-only", f"{PG_SERVER}/{PG_DATABASE}?sslmode=disable"], check=True)
    psql("postgres", "create extension if not exists pg_stat_statements")
    dbid = psql("postgres", f"select oid from pg_database where datname = '{PG_DATABASE}'")
    runs = []
    for i, (label, binary) in enumerate([("old", args.old), ("new", args.new)] * 2):
        name = f"{label}{i // 2 + 1}"
        print(f"counting {name}: {binary}", file=sys.stderr)
        runs.append((label, count_sqlite(binary, seed, args.requests, workdir, name),
                     count_postgres(binary, args.requests, workdir, name, dbid)))
    psql("postgres", f"drop database if exists {PG_DATABASE}")
    print(f"\nPer request, mean of {args.requests} requests of each kind, old = {args.old}, "
          f"new = {args.new} (each measured twice: first / second run):\n")
    print("| request | instructions, old | instructions, new | new ÷ old | SQLite statements "
          "(`sqlite3_reset`) old → new | compiled (`prepare_v3`) old → new | PostgreSQL statements of the "
          "request old → new |")
    print("|---|---:|---:|---:|---|---|---|")
    by = {label: [r for r in runs if r[0] == label] for label in ("old", "new")}
    for kind in list(kinds(1)) + ["idle, per second"]:
        ins = {label: [r[1][kind][0] for r in by[label]] for label in by}
        fmt = lambda xs: " / ".join(f"{x / 1e6:.2f} M" for x in xs)
        ratio = statistics.mean(ins["new"]) / statistics.mean(ins["old"])
        if kind == "idle, per second":
            print(f"| {kind} | {fmt(ins['old'])} | {fmt(ins['new'])} | {ratio:.2f} | | | |")
            continue
        calls = {label: [r[1][kind][1] for r in by[label]] for label in by}
        pg = {label: [r[2][kind]["requests"] for r in by[label]] for label in by}
        pair = lambda key: f"{calls['old'][0][key]:.2f} → {calls['new'][0][key]:.2f}"
        print(f"| {kind} | {fmt(ins['old'])} | {fmt(ins['new'])} | {ratio:.3f} | {pair('sqlite3_reset')} "
              f"| {pair('sqlite3_prepare_v3')} | {pg['old'][0]:.2f} → {pg['new'][0]:.2f} |")
    print(f"\nPostgreSQL statements of each run, by text: {workdir}/*-pg-statements.txt")


def throughput(args):
    rates = {}
    for round_ in range(args.rounds):
        for label, binary in [("old", args.old), ("new", args.new)]:
            print(f"round {round_ + 1}, {label}: {binary}", file=sys.stderr)
            out = subprocess.run([args.bench, "--plenum", binary, "--db", "sqlite,postgres", "--only",
                                  "list,proposal", "--seconds", str(args.seconds)],
                                 check=True, capture_output=True, text=True).stdout
            for line in out.splitlines():
                m = re.match(r"\s+(sqlite|postgres)\s+(.+?)\s+(\d+) req/s\s+p50\s+([\d.]+) ms\s+p99\s+([\d.]+)", line)
                if m and " at " not in m.group(2):
                    rates.setdefault((m.group(1), m.group(2), label), []).append(int(m.group(3)))
    print(f"\nClosed loop, 100 clients, {args.seconds} s per scenario, {args.rounds} runs of each binary "
          "alternating (old, new, old, new, ...):\n")
    print("| database | scenario | old, req/s (runs) | new, req/s (runs) | median old | median new | new ÷ old |")
    print("|---|---|---|---|---:|---:|---:|")
    for db, scenario in sorted({(k[0], k[1]) for k in rates}, key=lambda k: (k[0] != "sqlite", k[1])):
        old, new = rates.get((db, scenario, "old"), []), rates.get((db, scenario, "new"), [])
        if not old or not new:
            continue
        mo, mn = statistics.median(old), statistics.median(new)
        print(f"| {db} | {scenario} | {', '.join(map(str, old))} | {', '.join(map(str, new))} "
              f"| {mo:,.0f} | {mn:,.0f} | {mn / mo:.2f} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["count", "throughput"])
    parser.add_argument("old")
    parser.add_argument("new")
    parser.add_argument("--bench", default="target/release/plenum-bench")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    args = parser.parse_args()
    count(args) if args.mode == "count" else throughput(args)


if __name__ == "__main__":
    main()
