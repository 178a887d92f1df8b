#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Structure-aware mutations of NDJSON records for the commands whose parsers are not
reachable as functions (dns-grade reading the dns member, stats-report, seen-db import):
replace members at any depth with values of other types, drop them, repeat them, lengthen
strings, graft one part of a record into another. Deterministic for a given seed.

    fuzz/mutjson.py SEED COUNT <records.ndjson >mutated.ndjson
"""
import json, random, sys
seed = int(sys.argv[1]); count = int(sys.argv[2])
rng = random.Random(seed)
recs = [json.loads(l) for l in sys.stdin if l.strip().startswith('{')]
ODD = [None, True, False, 0, -1, 2**63, -2**63, 1e308, -0.0, 1.5, "", "x" * 300, "\u0000",
       "\ufffd", [], {}, [[[[[]]]]], {"a": {"b": {}}}, "caf\u00e9", "..", "-",
       "v=spf1 include:" + "a." * 120 + "com -all", "255.255.255.255", "::", "0 issue \";\""]
def paths(o, p=()):
    yield p
    if isinstance(o, dict):
        for k, v in o.items(): yield from paths(v, p + (k,))
    elif isinstance(o, list):
        for i, v in enumerate(o): yield from paths(v, p + (i,))
def get(o, p):
    for k in p: o = o[k]
    return o
def mutate(o):
    ps = list(paths(o))
    for _ in range(rng.randint(1, 4)):
        p = rng.choice(ps)
        if not p: continue
        parent = get(o, p[:-1]); k = p[-1]
        try:
            r = rng.random()
            if r < 0.5: parent[k] = rng.choice(ODD)
            elif r < 0.65:
                if isinstance(parent, dict): del parent[k]
                else: parent.pop(k)
            elif r < 0.8:
                v = parent[k]; parent[k] = [v, v] if not isinstance(v, list) else v * 3
            elif r < 0.9 and isinstance(parent[k], str): parent[k] = parent[k] * rng.randint(2, 50)
            else:
                src = get(o, rng.choice(ps)); parent[k] = json.loads(json.dumps(src))
        except (KeyError, IndexError, TypeError, RecursionError):
            pass
        ps = list(paths(o))
    return o
for i in range(count):
    r = json.loads(json.dumps(rng.choice(recs)))
    try: print(json.dumps(mutate(r), ensure_ascii=rng.random() < 0.5))
    except (ValueError, RecursionError): print("{}")
