"""The Keras 1/2-era corpus (``fixtures/keras2/``, issue 14): what kerascheck finds and fixes.

Prints, over the scripts and their recorded problems (``<script>.problems.json``):

* **faults found in one pass**: one ``check``; a raising problem counts when an error-severity
  diagnostic is on its recorded line, a warning problem when a diagnostic (error or warning) is on
  one of its declared lines;
* **faults found one at a time**: a user who runs ``check``, repairs what it reports (with the
  script's declared repairs), and runs ``check`` again, until it reports none of the problems left;
* **fixable vs fixed**: fixable = the migration problems (``bug`` problems are not); offered = a
  diagnostic with a fix (safe or unsafe) on one of the problem's lines in one pass; fixed = after
  ``check --fix --unsafe-fixes`` the problem is gone: a raising problem no longer raises when the
  fixed copy runs under TensorFlow (each run that raises on a line annotated ``# keras2: P<n>`` is
  counted against P<n>, which is then repaired by hand and the copy run again), a warning problem's
  annotated line was rewritten by the fix;
* **scripts that run after --fix**: the fixed copy, with its non-migration bugs repaired by hand,
  runs cleanly (dataset loaders stubbed offline); and how many need no hand repair at all.

``--no-run`` skips the TensorFlow part. Usage::

    python benchmarks/keras2.py [--no-run] [--only NAME...] [--json OUT]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures", "keras2")
_spec = importlib.util.spec_from_file_location("record_keras2", os.path.join(ROOT, "scripts", "record_keras2.py"))
record_keras2 = importlib.util.module_from_spec(_spec)
sys.modules.setdefault("record_keras2", record_keras2)
_spec.loader.exec_module(record_keras2)

from kerascheck.fix import fix_source, with_fix_applicability  # noqa: E402
from kerascheck.lint import lint_source  # noqa: E402


def found(problem: dict, diagnostics) -> bool:
    if problem["kind"] == "raises":
        return any(d.line == problem["line"] and d.severity == "error" for d in diagnostics)
    return any(d.line in problem["lines"] and d.severity in ("error", "warning") for d in diagnostics)


def safe_lint(source: str, path: str):
    try:
        return lint_source(source, path), None
    except Exception as exc:  # noqa: BLE001 - an internal error finds nothing
        return [], f"{type(exc).__name__}: {exc}"


def analyse(name: str) -> dict:
    path = os.path.join(FIXTURES, name + ".py")
    with open(path, encoding="utf-8") as f:
        source = f.read()
    with open(path[:-3] + ".problems.json", encoding="utf-8") as f:
        rec = json.load(f)
    declared = record_keras2.parse_problems(source)
    problems = rec["problems"]
    diags, internal = safe_lint(source, path)
    try:
        diags = with_fix_applicability(diags, source)  # what ``check`` marks fixable
    except Exception:  # noqa: BLE001
        pass
    one_pass = {p["id"] for p in problems if found(p, diags)}
    offered = {p["id"] for p in problems if any(d.line in p["lines"] and d.fix for d in diags)}
    # One at a time: check, repair what it reported, check again.
    seen, repaired, rounds = set(), set(), 0
    while True:
        rounds += 1
        d, _ = safe_lint(record_keras2.apply_repairs(source, declared, sorted(repaired)), path)
        new = {p["id"] for p in problems if p["id"] not in repaired and found(p, d)}
        if not new:
            break
        seen |= new
        repaired |= new
    try:
        fixed = fix_source(source, path, unsafe=True)
        fixed_text, fix_error = fixed.fixed, None
        stable = not fix_source(fixed_text, path, unsafe=True).changed
    except Exception as exc:  # noqa: BLE001
        fixed_text, fix_error, stable = source, f"{type(exc).__name__}: {exc}", False
    return {"name": name, "source": source, "fixed": fixed_text, "fix_error": fix_error, "stable": stable,
            "internal_error": internal, "problems": problems, "one_pass": one_pass, "one_at_a_time": seen,
            "rounds": rounds, "offered": offered}


def annotated_ids(line_text: str) -> list[int]:
    m = re.search(r"#\s*keras2:\s*(.*)$", line_text)
    return [int(x) for x in re.findall(r"(?:^|;;)\s*P(\d+)", m.group(1))] if m else []


def run_fixed(runner, item: dict) -> dict:
    """Run the fixed copy under TensorFlow; attribute each raise to the annotated problem, repair it by
    hand, run again. Returns the problems still raising after --fix and how the copy ended."""
    bugs = [p["id"] for p in item["problems"] if not p["migration"]]
    text = record_keras2.apply_repairs(item["fixed"], None, bugs, by_marker=True)
    first = runner.run(item["name"] + ".py", text)
    result, unfixed, broke = first, [], None
    hand = list(bugs)
    for _ in range(8):
        if result["status"] != "raised":
            break
        line = result["error"].get("line")
        lines = text.splitlines()
        ids = annotated_ids(lines[line - 1]) if line and line <= len(lines) else []
        ids = [i for i in ids if i not in hand]
        err = result["error"]
        recorded = {p["id"]: p for p in item["problems"]}
        ids.sort(key=lambda i: (recorded.get(i, {}).get("exception") != err["type"],
                                recorded.get(i, {}).get("message", "")[:40] != err.get("message", "")[:40]))
        if not ids:
            broke = result["error"]
            break
        unfixed.append(ids[0])
        hand.append(ids[0])
        text = record_keras2.apply_repairs(item["fixed"], None, hand, by_marker=True)
        result = runner.run(item["name"] + ".py", text)
    original_lines = item["source"].splitlines()
    fixed_lines = item["fixed"].splitlines()
    fixed_warn = set()
    for p in item["problems"]:
        if p["kind"] != "warning":
            continue
        olds = [original_lines[i - 1] for i in p["lines"]]
        if not any(line in fixed_lines for line in olds):  # every annotated line was rewritten
            fixed_warn.add(p["id"])
    return {"runs": first["status"] == "ok", "runs_after_hand_repairs": result["status"] == "ok",
            "unfixed": unfixed, "broke": broke, "fixed_warnings": fixed_warn,
            "needs_no_hand_repair": first["status"] == "ok" and not bugs}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-run", action="store_true", help="skip the TensorFlow runs")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--json", help="write every outcome here")
    args = ap.parse_args(argv)
    names = [os.path.basename(p)[:-3] for p in record_keras2.scripts(args.only)]
    started = time.time()
    items = [analyse(n) for n in names]
    runs = {}
    if not args.no_run:
        with record_keras2.Runner() as runner:
            for item in items:
                runs[item["name"]] = run_fixed(runner, item)

    every = [(i, p) for i in items for p in i["problems"]]
    raising = [x for x in every if x[1]["kind"] == "raises"]
    warning = [x for x in every if x[1]["kind"] == "warning"]
    migration = [x for x in every if x[1]["migration"]]
    one_pass = sum(p["id"] in i["one_pass"] for i, p in every)
    one_at_a_time = sum(p["id"] in i["one_at_a_time"] for i, p in every)
    offered = sum(p["id"] in i["offered"] for i, p in migration)
    print(f"Keras 1/2-era corpus: {len(items)} scripts, {len(every)} problems "
          f"({len(raising)} raise, {len(warning)} warning-only; {len(migration)} migration, "
          f"{len(every) - len(migration)} other bugs)")
    print(f"faults found in one pass:      {one_pass}/{len(every)} "
          f"(raising {sum(p['id'] in i['one_pass'] for i, p in raising)}/{len(raising)}, "
          f"warning {sum(p['id'] in i['one_pass'] for i, p in warning)}/{len(warning)}); "
          f"scripts with every problem found: {sum(len(i['one_pass']) == len(i['problems']) for i in items)}/{len(items)}")
    print(f"faults found one at a time:    {one_at_a_time}/{len(every)} "
          f"(check, repair what it reports, check again; {sum(i['rounds'] for i in items)} check runs)")
    print(f"fixable (migration) problems:  {len(migration)}; a fix offered in one pass for {offered}")
    internal = [i["name"] for i in items if i["internal_error"] or i["fix_error"]]
    print(f"internal errors (check or --fix): {len(internal)} {internal}")
    print(f"second --fix changes nothing:  {sum(i['stable'] for i in items)}/{len(items)}")
    if runs:
        unfixed = sum(len(r["unfixed"]) for r in runs.values())
        mig_raising = [x for x in raising if x[1]["migration"]]
        fixed_raising = len(mig_raising) - unfixed
        fixed_warn = sum(len(r["fixed_warnings"] & {p["id"] for p in i["problems"] if p["migration"]})
                         for i in items for r in [runs[i["name"]]])
        mig_warn = [x for x in warning if x[1]["migration"]]
        print(f"fixed by --fix --unsafe-fixes: {fixed_raising + fixed_warn}/{len(migration)} migration problems "
              f"(raising {fixed_raising}/{len(mig_raising)} no longer raise under TF; "
              f"warning {fixed_warn}/{len(mig_warn)} lines rewritten)")
        broke = [n for n, r in runs.items() if r["broke"]]
        print(f"scripts that run after --fix:  {sum(r['runs'] for r in runs.values())}/{len(items)} "
              f"(their non-migration bugs repaired by hand); "
              f"{sum(r['needs_no_hand_repair'] for r in runs.values())}/"
              f"{sum(1 for i in items if all(p['migration'] for p in i['problems']))} scripts with only migration "
              f"problems run with no hand repair")
        print(f"fixed copies raising on a line no problem declares (a fix that broke something): {len(broke)} {broke}")
        for n, r in runs.items():
            if r["unfixed"] or r["broke"]:
                extra = f"; then {r['broke']['type']} line {r['broke']['line']}: {r['broke']['message'][:100]!r}" \
                    if r["broke"] else ""
                print(f"  {n}: still raising after --fix: {['P%d' % i for i in r['unfixed']]}{extra}")
    print(f"({time.time() - started:.0f} s)")
    if args.json:
        out = {i["name"]: {"one_pass": sorted(i["one_pass"]), "one_at_a_time": sorted(i["one_at_a_time"]),
                           "offered": sorted(i["offered"]), "stable": i["stable"],
                           "internal_error": i["internal_error"], "fix_error": i["fix_error"],
                           "problems": len(i["problems"]),
                           "run": {k: (sorted(v) if isinstance(v, set) else v)
                                   for k, v in runs.get(i["name"], {}).items()}} for i in items}
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(out, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
