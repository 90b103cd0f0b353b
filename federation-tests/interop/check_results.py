"""Checks a Plenum budget's published results with software Plenum did not write.

    python check_results.py RESULTS.json BALLOTS.pb ACTOR.json

1. apsig (FEP-8b32 implementation) verifies the eddsa-jcs-2022 proof with the key found in the
   process actor's assertionMethod under the proof's verificationMethod id.
2. hashlib: the ballot log's SHA-256 is the one inside the signed results.
3. pabutools 1.2.3 recounts the ballot log with the declared rule and must fund exactly the
   published projects.
Prints one line per check and exits non-zero on the first failure.
"""
import copy
import hashlib
import json
import sys

from apsig import ProofVerifier
from pabutools.election import Cardinality_Sat, Cost_Sat, parse_pabulib
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    max_additive_utilitarian_welfare,
    method_of_equal_shares,
)


def fail(message):
    print(f"FAIL {message}")
    sys.exit(1)


def recount(path, rule, utility):
    instance, profile = parse_pabulib(path)
    sat = Cost_Sat if utility == "cost" else Cardinality_Sat
    if rule == "greedy":
        outcome = greedy_utilitarian_welfare(instance, profile, sat_class=sat)
    elif rule == "mes":
        outcome = method_of_equal_shares(instance, profile, sat_class=sat)
    elif rule == "mes-add1":
        outcome = completion_by_rule_combination(
            instance,
            profile,
            [method_of_equal_shares, greedy_utilitarian_welfare],
            [{"sat_class": sat, "voter_budget_increment": 1}, {"sat_class": sat}],
        )
    elif rule == "max-utility":
        outcome = max_additive_utilitarian_welfare(instance, profile, sat_class=sat)
    else:
        fail(f"unknown rule {rule}")
    return sorted(p.name for p in outcome)


def main():
    results_path, ballots_path, actor_path = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(results_path, encoding="utf-8") as f:
        document = json.load(f)
    with open(actor_path, encoding="utf-8") as f:
        actor = json.load(f)
    method_id = document["proof"]["verificationMethod"]
    keys = [m for m in actor.get("assertionMethod", []) if m.get("id") == method_id]
    if len(keys) != 1 or keys[0].get("controller") != actor["id"]:
        fail(f"the actor {actor.get('id')} does not publish {method_id} in assertionMethod")
    key = keys[0]["publicKeyMultibase"]
    print(f"ok  the actor publishes the verification method {method_id}")
    # apsig's verify removes proofValue from the dict it is given: hand it copies.
    method = ProofVerifier(key).verify(copy.deepcopy(document))
    if method != document["proof"]["verificationMethod"]:
        fail("apsig does not accept the proof")
    print(f"ok  apsig verifies the eddsa-jcs-2022 proof ({method})")

    tampered = copy.deepcopy(document)
    tampered["outcome"]["selected"] = tampered["outcome"]["selected"][:-1]
    if ProofVerifier(key).verify(tampered) is not None:
        fail("apsig accepts a changed outcome")
    print("ok  apsig refuses the same document with one funded project removed")

    with open(ballots_path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    if digest != document["ballot_log_sha256"]:
        fail(f"ballot log digest {digest} != {document['ballot_log_sha256']}")
    print(f"ok  the ballot log's SHA-256 is the signed one ({digest[:16]}...)")

    rule, utility = document["rule"], document["outcome"]["utility"]
    theirs = recount(ballots_path, rule, utility)
    ours = sorted(document["outcome"]["selected"])
    if theirs != ours:
        fail(f"pabutools funds {theirs}, Plenum published {ours}")
    print(f"ok  pabutools recounts the log with {rule} ({utility}): same {len(ours)} funded projects")


if __name__ == "__main__":
    main()
