#!/usr/bin/env python3
"""A/B speed of two kerascheck checkouts on the same fixtures, in one run (figures, not a test).

    git worktree add /tmp/base f7cf496                  # the version to compare with
    python benchmarks/ab.py /tmp/base .                 # analysis and full lint, CPU seconds and ratio
    python benchmarks/ab.py /tmp/base . --rounds 5 --reps 5

Each measurement is a fresh process importing one checkout (``sys.path``), analysing every fixture
script the *base* checkout has (seeds, features, bugs: the same files for both) in-process after one
warm-up pass, and reporting the least process CPU time of ``--reps`` passes. The two checkouts are
measured alternately ``--rounds`` times, so that load on the machine falls on both; the figure is the
least of the rounds. ``analysis`` is ``analysis.analyze_source``; ``lint`` is ``lint.lint_source``
(analysis and every rule).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

CHILD = r"""
import glob, json, sys, time
root, mode, reps, base = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
sys.path.insert(0, root)
sys.setrecursionlimit(100000)
from kerascheck.analysis import analyze_source
from kerascheck.lint import lint_source
files = sorted(f for d in ("seeds", "features", "bugs") for f in glob.glob(f"{base}/fixtures/{d}/*.py"))
sources = [(f, open(f, encoding="utf-8").read()) for f in files]
run = analyze_source if mode == "analysis" else lint_source

def once():
    start = time.process_time()
    for path, text in sources:
        run(text, path)
    return time.process_time() - start

once()
print(json.dumps({"cpu": min(once() for _ in range(reps)), "files": len(sources)}))
"""


def measure(root: Path, mode: str, reps: int, base: Path) -> dict:
    proc = subprocess.run([sys.executable, "-c", CHILD, str(root), mode, str(reps), str(base)],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("base", type=Path, help="the checkout to compare with (its fixtures are used)")
    parser.add_argument("new", type=Path, help="the checkout measured against it")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--reps", type=int, default=3)
    args = parser.parse_args()
    base, new = args.base.resolve(), args.new.resolve()
    print(f"A/B: {new} against {base}; least process CPU over {args.rounds} alternating rounds of "
          f"{args.reps} passes")
    for mode in ("analysis", "lint"):
        best = {"base": float("inf"), "new": float("inf")}
        files = 0
        for _ in range(args.rounds):
            for name, root in (("base", base), ("new", new)):
                figure = measure(root, mode, args.reps, base)
                best[name] = min(best[name], figure["cpu"])
                files = figure["files"]
        print(f"{mode:9s} {files} files: base {best['base']:.3f} s, new {best['new']:.3f} s, "
              f"new/base {best['new'] / best['base']:.2f}x")


if __name__ == "__main__":
    main()
