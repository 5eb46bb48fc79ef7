#!/usr/bin/env python3
"""Check that the peers compute the same KPIs as Vitals.

    python bench/compare.py [NAME=]VITALS_JSON [NAME=]PEER_JSON [[NAME=]PEER_JSON ...]

Each file is a `vitals report --json`-shaped document ({"periods": [{"period": ..., "<kpi>": value}]}). Every KPI
the peer reports is compared with Vitals' value for the same period:

- money (MRR and its movements): equal to the cent, |vitals - peer| < 0.005 major units;
- rates and numbers (churn rates, NRR, NPS, CSAT, FCR): |vitals - peer| <= 1e-9;
- counts (active users): equal;
- null (denominator 0) only matches null.

Every disagreement is printed as `period kpi vitals=... peer=...`; the exit status is 1 if there is any.
"""
import json
import math
import os
import sys

MONEY = {"mrr", "arr", "arpa", "new_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr", "reactivation_mrr",
         "net_new_mrr"}
COUNTS = {"active_users", "active_accounts", "paying_customers", "new_customers", "churned_customers",
          "nps_responses", "tickets_opened"}
MONEY_TOLERANCE = 0.005
RATE_TOLERANCE = 1e-9


def load(path):
    with open(path) as f:
        document = json.load(f)
    return document.get("currency"), {p["period"]: p for p in document["periods"]}


def agrees(kpi, expected, actual):
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, dict) or isinstance(actual, dict):  # e.g. feature_adoption: rates keyed by name
        return isinstance(expected, dict) and isinstance(actual, dict) and expected.keys() == actual.keys() \
            and all(agrees(f"{kpi}.{key}", expected[key], actual[key]) for key in expected)
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (expected, actual)):
        return expected == actual
    if kpi in COUNTS:
        return expected == actual
    if not math.isfinite(actual):
        return False
    if kpi in MONEY:
        return abs(expected - actual) < MONEY_TOLERANCE
    return abs(expected - actual) <= RATE_TOLERANCE


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    reference, _, path = argv[0].rpartition("=")
    reference = reference or "vitals"
    currency, vitals = load(path)
    failures = 0
    for arg in argv[1:]:
        name, _, path = arg.rpartition("=")
        name = name or os.path.splitext(os.path.basename(path))[0]
        peer_currency, peer = load(path)
        problems = []
        if peer_currency != currency:
            problems.append(f"currency: {reference}={currency} {name}={peer_currency}")
        for period in sorted(set(vitals) | set(peer)):
            if period not in peer or period not in vitals:
                problems.append(f"{period}: only in {reference if period in vitals else name}")
                continue
            for kpi, value in peer[period].items():
                if kpi == "period":
                    continue
                expected = vitals[period].get(kpi, "absent")
                if expected == "absent" or not agrees(kpi, expected, value):
                    problems.append(f"{period} {kpi} {reference}={expected} {name}={value}")
        checked = sum(len(p) - 1 for p in peer.values())
        if problems:
            print(f"{name}: {len(problems)} disagreement(s) with {reference} over {checked} values")
            for line in problems:
                print(f"  {line}")
        else:
            print(f"{name}: agrees with {reference} on all {checked} values ({len(peer)} periods)")
        failures += len(problems)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
