"""Groups a flat `perf report --sort dso,sym` of Plenum's threads into parts of the stack.

Reads the report on stdin, prints a Markdown table: part, share of Plenum's samples, and the
three heaviest symbols of that part. The first matching rule names a symbol's part.
"""
import re
import sys
from collections import defaultdict

RULES = [
    ("kernel: network, scheduling, futexes", lambda dso, sym: dso.startswith("[kernel")),
    ("SQLite", lambda dso, sym: "sqlite" in sym.lower() or re.match(r"^(pcache|btree|vdbe|yy_|walFind|moveTo|getPage|tokenExpr|resolveExpr)", sym) is not None),
    ("PostgreSQL client (libpq)", lambda dso, sym: "libpq" in dso or sym.startswith("pq") or sym.startswith("PQ")),
    ("diesel (query building, rows)", lambda dso, sym: "diesel" in sym),
    ("allocator (malloc/free)", lambda dso, sym: re.search(r"malloc|_int_free|cfree|realloc|free_perturb|consolidate|tcache", sym) is not None),
    ("crypto (OpenSSL, SHA, HMAC)", lambda dso, sym: "libcrypto" in dso or "libssl" in dso or re.search(r"sha2|hmac|rsa|bignum|bn_", sym, re.I) is not None),
    ("HTML templates (askama)", lambda dso, sym: "askama" in sym or "plenum::web::pages" in sym and "render" in sym),
    ("JSON (serde_json)", lambda dso, sym: "serde_json" in sym or "serde" in sym),
    ("dates (chrono)", lambda dso, sym: "chrono" in sym),
    ("HTTP (hyper, axum, tower)", lambda dso, sym: re.search(r"hyper|axum|tower|http::|httparse|h1::", sym) is not None),
    ("async runtime (tokio)", lambda dso, sym: "tokio" in sym or "parking_lot" in sym),
    ("memory copies and string work (libc)", lambda dso, sym: "libc" in dso),
    ("Plenum's own code", lambda dso, sym: "plenum::" in sym),
]


def main():
    parts = defaultdict(float)
    heaviest = defaultdict(list)
    total = 0.0
    line = re.compile(r"^\s+([0-9.]+)%\s+(\S+)\s+\[[.k]\]\s+(.*)$")
    for raw in sys.stdin:
        m = line.match(raw)
        if not m:
            continue
        share, dso, sym = float(m.group(1)), m.group(2), m.group(3).strip()
        total += share
        part = next((name for name, rule in RULES if rule(dso, sym)), "other (Rust std, hashing, misc.)")
        parts[part] += share
        heaviest[part].append((share, sym[:60]))
    if total == 0:
        sys.exit("no samples in this recording (is perf allowed to record the server?)")
    print("| part of the stack | share of Plenum's CPU | heaviest symbols |")
    print("|---|---:|---|")
    for part, share in sorted(parts.items(), key=lambda kv: -kv[1]):
        top = ", ".join(f"`{s}`" for _, s in sorted(heaviest[part], reverse=True)[:3])
        print(f"| {part} | {100 * share / total:.1f}% | {top} |")


if __name__ == "__main__":
    main()
