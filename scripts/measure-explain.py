#!/usr/bin/env python3
"""How many of the collected error texts (tests/explain_corpus) a `keyway` binary names the
right code for, by input form: python3 scripts/measure-explain.py [path/to/keyway]"""

import json
import pathlib
import subprocess
import sys
import tomllib

root = pathlib.Path(__file__).resolve().parent.parent
binary = sys.argv[1] if len(sys.argv) > 1 else str(root / "target" / "debug" / "keyway")
tally = {}
for path in sorted((root / "tests" / "explain_corpus").glob("*/*.toml")):
    case = tomllib.loads(path.read_text())
    expected = case["code"]
    if expected.replace("_", "").islower():
        expected = "OAUTH_" + expected.upper()
    out = subprocess.run([binary, "explain", "--json"], input=case["text"].encode(),
                         capture_output=True, check=False)
    got = json.loads(out.stdout or b"{}").get("code", "")
    right, total = tally.get(case["form"], (0, 0))
    tally[case["form"]] = (right + (got.lower() == expected.lower()), total + 1)
for form, (right, total) in sorted(tally.items()):
    print(f"{form:16} {right:3} of {total:3}")
right = sum(r for r, _ in tally.values())
total = sum(t for _, t in tally.values())
print(f"{'all':16} {right:3} of {total:3} ({100 * right / max(total, 1):.0f} %)")
