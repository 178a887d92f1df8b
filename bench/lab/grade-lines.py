#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
"""Lines of dns-grade's code at a git revision: cmd/dns-grade/ plus the common/ files only it
uses (a common file whose header is included only from cmd/dns-grade/ or from common files
that are themselves dns-grade's alone; found by the #include lines, to a fixed point).

usage: bench/lab/grade-lines.py [REV]     (default HEAD; run inside the repository)

Prints each file with its line count (wc -l) and the total. Shared files that carry code only
dns-grade exercises (such as an output path only it switches on) are not counted: they are
listed as shared with their users.
"""
import re
import subprocess
import sys

rev = sys.argv[1] if len(sys.argv) > 1 else "HEAD"


def git(*args):
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


files = [f for f in git("ls-tree", "-r", "--name-only", rev, "cmd", "common").split()
         if f.endswith((".c", ".h"))]
text = {f: git("show", f"{rev}:{f}") for f in files}
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
includers = {}  # common header -> files including it
for f, t in text.items():
    for h in inc.findall(t):
        includers.setdefault("common/" + h, set()).add(f)


def unit(f):
    """A common file's header and source go together."""
    return f.rsplit(".", 1)[0]


common_units = sorted({unit(f) for f in files if f.startswith("common/")})
mine = set()  # common units dns-grade alone uses
changed = True
while changed:
    changed = False
    for u in common_units:
        if u in mine:
            continue
        users = {g for g in includers.get(u + ".h", set()) if unit(g) != u}
        if users and all(g.startswith("cmd/dns-grade/") or unit(g) in mine for g in users):
            mine.add(u)
            changed = True
total = 0
for f in files:
    if f.startswith("cmd/dns-grade/") or (f.startswith("common/") and unit(f) in mine):
        n = text[f].count("\n")
        total += n
        print(f"{n:6d} {f}")
print(f"{total:6d} total at {git('rev-parse', '--short', rev).strip()}")
shared = [u for u in common_units if u not in mine and
          any(g.startswith("cmd/dns-grade/") for g in includers.get(u + ".h", set()))]
print("shared with other commands (not counted): " +
      ", ".join(u.split("/")[1] for u in shared))
