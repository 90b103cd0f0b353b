"""Times one pabutools 1.2.3 rule on one .pb file, in-process, parsing apart.

Usage: python pabutools_tally.py FILE.pb RULE   (RULE: greedy | mes | mes-add1 | max-utility, cost utility)
Prints one JSON line: {"seconds": ..., "runs": ..., "selected": [...]} — the bench harness reads it.
"seconds" is the median over repeated runs (until 1 s is spent or 15 runs, at least one), as the
Rust side is timed: a single cold run of a tiny election is mostly noise.
Ballots of any type are read as approval of the listed projects, as Plenum does.
"""
import json
import sys
import time

from pabutools.election import ApprovalBallot, ApprovalProfile, Cost_Sat, parse_pabulib
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    max_additive_utilitarian_welfare,
    method_of_equal_shares,
)


def main():
    path, rule = sys.argv[1], sys.argv[2]
    instance, profile = parse_pabulib(path)
    if not isinstance(profile, ApprovalProfile):
        profile = ApprovalProfile([ApprovalBallot(list(b)) for b in profile], instance=instance)
    times = []
    total_started = time.perf_counter()
    while not times or (time.perf_counter() - total_started < 1.0 and len(times) < 15):
        started = time.perf_counter()
        outcome = run(rule, instance, profile)
        times.append(time.perf_counter() - started)
    times.sort()
    seconds = times[len(times) // 2]
    print(json.dumps({"seconds": seconds, "runs": len(times), "selected": sorted(p.name for p in outcome)}))


def run(rule, instance, profile):
    if rule == "greedy":
        return greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes":
        return method_of_equal_shares(instance, profile, sat_class=Cost_Sat)
    elif rule == "mes-add1":
        return completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": Cost_Sat, "voter_budget_increment": 1}, {"sat_class": Cost_Sat}],
        )
    elif rule == "max-utility":
        return max_additive_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    else:
        raise SystemExit(f"unknown rule {rule}")


if __name__ == "__main__":
    main()
