"""Groups a flat `perf report --sort dso,sym` of Plenum's threads into parts of the stack, or with
`--postgres` of PostgreSQL's backends into the parts of its work.

Reads the report on stdin, prints a Markdown table: part, share of the recorded samples, and the
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

def matches(pattern):
    return lambda dso, sym: re.match(pattern, sym) is not None


# PostgreSQL 15's own function names (its binary exports them for extensions).
POSTGRES_RULES = [
    ("kernel: network, WAL writes, scheduling", lambda dso, sym: dso.startswith("[kernel")),
    ("WAL and commit", matches(r"(XLog|xlog|XactLog|RecordTransactionCommit|CommitTransaction|StartTransaction|"
                               r"AbortTransaction|pg_comp_crc32c|WALInsert|CopyXLog|ReserveXLog|XLogInsert)")),
    ("parse and analyse", matches(r"(raw_parser|base_yyparse|core_yylex|scanner_|pg_parse|parse_analyze|transform|"
                                  r"exec_parse_message|make_const|addRangeTable|colNameToVar|scanNSItem)")),
    ("plan", matches(r"(planner|standard_planner|subquery_planner|grouping_planner|query_planner|make_one_rel|"
                     r"create_|cost_|set_.*(pathlist|rel_size|plan_ref)|build_.*rel|get_relation_info|fix_|"
                     r"preprocess_|eval_const|add_path|compare_path|match_clause|.*selectivity|examine_variable|"
                     r"btcostestimate|genericcostestimate|get_attstatsslot|pull_up|distribute_|deconstruct_|"
                     r"reduce_|remove_useless|generate_|find_|expression_tree|equal|_equal|copyObject|_copy|bms_)")),
    ("catalog caches and locks", matches(r"(SearchCatCache|SearchSysCache|CatalogCache|hash_search|hash_bytes|"
                                         r"LockAcquire|LockRelease|LWLock|RelationIdGetRelation|relation_open|"
                                         r"RelationBuild|ResourceOwner|GetSnapshotData|AcceptInvalidation|"
                                         r"get_typ|get_op|get_func|lookup_type_cache)")),
    ("executor: scans, indexes, rows", matches(r"(Exec|exec_simple|index_|_bt|bt|heap|slot_|tts_|IndexNext|"
                                               r"ReadBuffer|PinBuffer|UnpinBuffer|BufTable|LockBuffer|"
                                               r"MarkBuffer|toast|Page|visibilityMap|HeapTuple|"
                                               r"ExecInterpExpr|FunctionCall|nocache_index|_hash)")),
    ("client protocol, memory", matches(r"(pq_|secure_|socket|AllocSet|palloc|pfree|MemoryContext|printtup|"
                                        r"exec_bind_message|exec_execute_message|PostgresMain|SendRowDescription|"
                                        r"internal_flush|BeginCommand|EndCommand|CreatePortal|Portal)")),
    ("libc (copies, strings)", lambda dso, sym: "libc" in dso),
]


def main():
    postgres = "--postgres" in sys.argv[1:]
    rules = POSTGRES_RULES if postgres else RULES
    whose = "the backends' CPU" if postgres else "Plenum's CPU"
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
        part = next(
            (name for name, rule in rules if rule(dso, sym)),
            "other PostgreSQL" if postgres else "other (Rust std, hashing, misc.)",
        )
        parts[part] += share
        heaviest[part].append((share, sym[:60]))
    if total == 0:
        sys.exit("no samples in this recording (is perf allowed to record the server?)")
    print(f"| part of the stack | share of {whose} | heaviest symbols |")
    print("|---|---:|---|")
    for part, share in sorted(parts.items(), key=lambda kv: -kv[1]):
        top = ", ".join(f"`{s}`" for _, s in sorted(heaviest[part], reverse=True)[:3])
        print(f"| {part} | {100 * share / total:.1f}% | {top} |")


if __name__ == "__main__":
    main()
