"""Seeded faults on the real-code corpus (issue 14): kerascheck finds an injected Keras 1/2 fault,
stops the script there, and reports no consequence of it as a new error (no cascade).

    python benchmarks/seeded_faults.py -j 2             # every eligible script; writes benchmarks/SEEDED_FAULTS.md
    python benchmarks/seeded_faults.py --only ID ...    # some scripts (ids or substrings); prints, writes no note
    python benchmarks/seeded_faults.py --json out.json  # also every variant's measures as JSON

Eligible: the corpus scripts (``benchmarks/real_code/``) whose recorded truth ran cleanly under
TensorFlow and on which kerascheck reports no error-severity diagnostic today. Each is materialised
from its git mirror into a temporary folder (public code is never written into the repository; no
mirror, no run: the benchmark is not part of the test suite) and faults are injected with the
operators of ``benchmarks/fault_injection.py``: one variant per operator, at its earliest site that
runs in order (module level, outside a ``try``), else its earliest site inside a function; and one
variant with every site of every operator at once. kerascheck (the one this Python imports) runs on
the original and on each variant in its own process, with a timeout. Measured per variant:

* found: an error-severity diagnostic on each injected fault's lines (the edited line, or the first
  line of a call or statement around it: where a traceback may put it);
* stop: the diagnostic marked ``stops_script`` is on the first injected fault. Checked only when that
  fault is at module level: the earliest line is then the first in execution order. A fault inside a
  function runs when the function is called, so no order is assumed: counted apart;
* cascades: error-severity diagnostics on any other line. The original had none, so each is a
  consequence of the injected fault reported as a new error;
* summaries (one-fault variants with a module-level fault at line L): the summary events the original
  run gave before execution reached L (in execution order, up to the first at or past L) are
  unchanged, and nothing after them is predicted (the script stops at L);
* internal errors: exceptions in kerascheck, crashes, timeouts.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "real_code"))
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
import fault_injection  # noqa: E402

NOTE = HERE / "SEEDED_FAULTS.md"
HAND_WRITTEN = "<!-- hand-written below: kept when the note is written again -->"

# -- kerascheck on one file, in a child process ---------------------------------------------------------
CHILD = r"""
import json, sys, time, traceback
path, out = sys.argv[1], sys.argv[2]
report = {"diagnostics": [], "summaries": [], "internal": []}
started = time.perf_counter()
try:
    import kerascheck
    report["kerascheck"] = kerascheck.__file__
    from kerascheck.lint import run
    lint = run(open(path, encoding="utf-8").read(), path)
    for d in lint.diagnostics:
        report["diagnostics"].append({"line": d.line, "code": d.code, "severity": d.severity,
                                      "stops_script": bool(d.stops_script), "message": d.message[:500]})
    result = lint.analysis.result
    for event in (result.summaries if result is not None else []):
        text, reason = None, event.reason
        if event.snapshot is not None:
            try:
                text = event.snapshot.render(None, 80)
            except Exception as exc:
                reason = getattr(exc, "reason", None) or f"{type(exc).__name__}: {exc}"
        report["summaries"].append({"line": event.loc.line, "text": text, "reason": reason})
except BaseException as exc:
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    report["internal"].append(f"{type(exc).__name__}: {str(exc)[:300]} ({where})")
report["seconds"] = round(time.perf_counter() - started, 3)
with open(out, "w", encoding="utf-8") as f:
    json.dump(report, f)
"""


def run_kerascheck(script: Path, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="kc-seeded-") as tmp:
        out = Path(tmp) / "report.json"
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        failure = None
        try:
            proc = subprocess.run([sys.executable, "-c", CHILD, str(script), str(out)], cwd=script.parent, env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=timeout)
            if proc.returncode != 0:
                tail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-2:]
                failure = f"process exited {proc.returncode}: " + " | ".join(tail)[:300]
        except subprocess.TimeoutExpired:
            failure = f"timed out after {timeout:.0f} s"
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {"diagnostics": [], "summaries": [], "internal": [], "seconds": timeout}
    if failure:
        report["internal"].append(failure)
    report["internal"] += [f"{d['code']} at line {d['line']}: {d['message'][:200]}" for d in report["diagnostics"]
                           if "internal error" in d["message"]]
    return report


def errors(report: dict) -> list[dict]:
    return [d for d in report["diagnostics"] if d["severity"] == "error"]


# -- the variants of one script and what they show ------------------------------------------------------
def variants(injector: fault_injection.Injector) -> list[tuple[str, list[fault_injection.Site]]]:
    """(name, sites): one per operator that applies (its first site), then every site of the drift
    operators at once (the stress operators' sites are left out of it: see fault_injection)."""
    out = []
    for operator in fault_injection.OPERATORS + fault_injection.STRESS_OPERATORS:
        site = injector.first_site(operator)
        if site is not None:
            out.append((operator, [site]))
    drift = [s for s in injector.sites if s.operator in fault_injection.OPERATORS]
    if len(drift) > 1:
        out.append(("all", drift))
    return out


def measure(name: str, sites: list, report: dict, original: dict) -> dict:
    """The measures of one variant (see the module's docstring)."""
    found_errors = errors(report)
    faults = []
    for site in sites:
        at = [d for d in found_errors if d["line"] in site.lines]
        said = [d for d in report["diagnostics"] if d["line"] in site.lines and d["severity"] != "error"]
        faults.append(dict(site.as_dict(), found=bool(at), codes=sorted({d["code"] for d in at}),
                           other=[f"{d['code']} ({d['severity']}): {d['message'][:160]}" for d in said]))
    injected = {line for site in sites for line in site.lines}
    cascades = [d for d in found_errors if d["line"] not in injected]
    stops = [d for d in report["diagnostics"] if d["stops_script"]]
    first = min(sites, key=lambda s: s.line)
    row = {"variant": name, "faults": faults, "cascades": cascades,
           "stop": {"line": stops[0]["line"], "code": stops[0]["code"]} if stops else None,
           "first_in_function": first.in_function, "stop_ok": None, "summaries_ok": None,
           "internal": report["internal"], "seconds": report.get("seconds")}
    if not first.in_function:  # a module-level fault before every other one: the script stops there
        row["stop_ok"] = bool(stops) and stops[0]["line"] in first.lines
        row["summaries_ok"], row["summaries_detail"] = compare_summaries(original["summaries"], report["summaries"],
                                                                         min(first.lines))
    return row


def compare_summaries(original: list[dict], variant: list[dict], stop_line: int) -> tuple[bool, str]:
    """The original's summary events before execution reaches ``stop_line`` are unchanged in the
    variant, and the variant predicts nothing after them."""
    before = []
    for event in original:
        if event["line"] >= stop_line:
            break
        before.append(event)
    got = variant[: len(before)]
    changed = [o["line"] for o, v in zip(before, got) if (o["line"], o["text"]) != (v["line"], v["text"])]
    changed += [o["line"] for o in before[len(got):]]
    after = [v["line"] for v in variant[len(before):] if v["text"] is not None]
    ok = not changed and not after
    detail = "" if ok else (f"changed before line {stop_line}: {changed} " if changed else "") + \
        (f"predicted after line {stop_line}: {after}" if after else "")
    return ok, detail.strip()


def evaluate(entry: corpus.Entry, timeout: float) -> dict:
    row: dict = {"id": entry.id, "repo": entry.repo, "path": entry.path}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kc-seeded-corpus-") as tmp:
        script = corpus.materialise(entry, Path(tmp) / "src")
        if script is None:
            row["skipped"] = entry.skipped
            return row
        source = script.read_text(encoding="utf-8")
        original = run_kerascheck(script, timeout)
        row["original_errors"] = len(errors(original))
        row["original_internal"] = original["internal"]
        if errors(original) or original["internal"]:
            row["excluded"] = "kerascheck reports an error-severity diagnostic on the original" if errors(original) \
                else "internal error on the original"
            return row
        try:
            injector = fault_injection.Injector(source)
        except Exception as exc:  # noqa: BLE001 - a script libcst cannot parse: nothing to inject
            row["excluded"] = f"cannot parse: {type(exc).__name__}: {exc}"
            return row
        row["variants"] = []
        for name, sites in variants(injector):
            try:
                text = injector.apply(sites)
            except ValueError as exc:  # an edit that would move lines: an operator's bug, reported
                row["variants"].append({"variant": name, "injection_failed": str(exc)})
                continue
            script.write_text(text, encoding="utf-8")
            row["variants"].append(measure(name, sites, run_kerascheck(script, timeout), original))
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


# -- totals and the note --------------------------------------------------------------------------------
def totals(rows: list[dict]) -> dict:
    done = [r for r in rows if "variants" in r]
    single = [v for r in done for v in r["variants"] if v["variant"] != "all" and "faults" in v]
    every = [v for r in done for v in r["variants"] if v["variant"] == "all" and "faults" in v]
    both = single + every

    def count(vs, key):
        return sum(1 for v in vs if v.get(key))

    return {
        "scripts": len(done), "skipped": sum("skipped" in r for r in rows),
        "excluded": sum("excluded" in r for r in rows),
        "variants": len(both), "one-fault variants": len(single), "all-fault variants": len(every),
        "faults injected": sum(len(v["faults"]) for v in both),
        "found": sum(f["found"] for v in both for f in v["faults"]),
        "one-fault found": sum(f["found"] for v in single for f in v["faults"]),
        "all-fault faults": sum(len(v["faults"]) for v in every),
        "all-fault found": sum(f["found"] for v in every for f in v["faults"]),
        "stop checked": sum(v["stop_ok"] is not None for v in both), "stop ok": count(both, "stop_ok"),
        "fault inside a function first": sum(v["first_in_function"] for v in both),
        "summaries checked": sum(v["summaries_ok"] is not None for v in single),
        "summaries ok": count(single, "summaries_ok"),
        "cascades": sum(len(v["cascades"]) for v in both),
        "variants with cascades": sum(bool(v["cascades"]) for v in both),
        "internal errors": sum(bool(v["internal"]) for v in both) + sum(bool(r.get("original_internal")) for r in rows),
        "injection failures": sum(1 for r in done for v in r["variants"] if "injection_failed" in v),
        "seconds": round(sum(r.get("seconds") or 0 for r in rows), 1),
    }


def per_operator(rows: list[dict]) -> list[str]:
    lines = ["| operator | variants | found | stop on it (module-level) | fault inside a function | summaries unchanged |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for op in fault_injection.OPERATORS + fault_injection.STRESS_OPERATORS:
        vs = [v for r in rows for v in r.get("variants", []) if v["variant"] == op and "faults" in v]
        checked = [v for v in vs if v["stop_ok"] is not None]
        summ = [v for v in vs if v["summaries_ok"] is not None]
        lines.append(f"| `{op}` | {len(vs)} | {sum(v['faults'][0]['found'] for v in vs)} | "
                     f"{sum(v['stop_ok'] for v in checked)} of {len(checked)} | {sum(v['first_in_function'] for v in vs)} | "
                     f"{sum(v['summaries_ok'] for v in summ)} of {len(summ)} |")
    return lines


def problems(rows: list[dict]) -> dict[str, list[str]]:
    """Every cascade, missed fault, wrong stop, changed summary and internal error, one line each."""
    out: dict[str, list[str]] = {k: [] for k in ("cascades", "missed", "stop", "summaries", "internal")}
    for r in rows:
        for m in r.get("original_internal") or []:
            out["internal"].append(f"`{r['id']}` (original): {m}")
        for v in r.get("variants", []):
            where = f"`{r['id']}` [{v['variant']}]"
            if "injection_failed" in v:
                out["internal"].append(f"{where}: injection failed: {v['injection_failed']}")
                continue
            injected = ", ".join(f"{f['line']}" for f in v["faults"])
            for d in v["cascades"]:
                out["cascades"].append(f"{where} line {d['line']} {d['code']}: {d['message'][:220]} "
                                       f"(injected at {injected})")
            for f in v["faults"]:
                if not f["found"]:
                    said = "; ".join(f["other"]) or "nothing"
                    out["missed"].append(f"{where} line {f['line']}{' (in a function)' if f['in_function'] else ''}: "
                                         f"{f['description']}; kerascheck said: {said[:240]}")
            if v["stop_ok"] is False:
                first = min(v["faults"], key=lambda f: f["line"])
                out["stop"].append(f"{where}: first fault at {first['line']} ({first['description']}), "
                                   f"stops_script at {v['stop']}")
            if v["summaries_ok"] is False and v["variant"] != "all":
                out["summaries"].append(f"{where}: {v.get('summaries_detail')}")
            for m in v["internal"]:
                out["internal"].append(f"{where}: {m}")
    return out


def _git_head(path: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def render_note(rows: list[dict], t: dict, kerascheck_file: str, hand_written: str) -> str:
    root = Path(kerascheck_file).resolve().parent.parent
    found_pct = f"{100 * t['found'] / t['faults injected']:.1f}%" if t["faults injected"] else "-"
    out = ["# Seeded faults on the real-code corpus (issue 14)", "",
           f"kerascheck {_git_head(root)} ({root}), {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC. "
           "Run: `python benchmarks/seeded_faults.py -j 2` (needs the mirrors of `benchmarks/real_code/corpus.py`; "
           "operators: `benchmarks/fault_injection.py`; the method is in the docstring of `benchmarks/seeded_faults.py`).",
           "",
           f"{t['scripts']} eligible scripts: the corpus scripts that ran cleanly under TensorFlow and on which "
           f"kerascheck reports no error-severity diagnostic ({t['excluded']} clean scripts excluded, "
           f"{t['skipped']} skipped: no mirror). Each got one variant per operator that applies (one fault, at the "
           "operator's earliest site that runs in order) and one with every site of the six drift operators at once "
           "(the two stress operators, plain bugs whose consequences stay unknown, get one-fault variants only).", "",
           "## Totals", "", "| measure | count |", "| --- | ---: |",
           f"| variants (one-fault + all-fault) | {t['variants']} ({t['one-fault variants']} + {t['all-fault variants']}) |",
           f"| faults injected | {t['faults injected']} |",
           f"| found (an error on the fault's line) | {t['found']} ({found_pct}) |",
           f"| ... in one-fault variants | {t['one-fault found']} of {t['one-fault variants']} |",
           f"| ... in all-fault variants | {t['all-fault found']} of {t['all-fault faults']} |",
           f"| stops_script on the first fault (first fault at module level) | {t['stop ok']} of {t['stop checked']} |",
           f"| variants whose first fault is inside a function (stop not checked) | {t['fault inside a function first']} |",
           f"| one-fault variants: summaries before the fault unchanged, none after | "
           f"{t['summaries ok']} of {t['summaries checked']} |",
           f"| **cascades** (error-severity diagnostics on other lines) | **{t['cascades']}** "
           f"(in {t['variants with cascades']} variants) |",
           f"| internal errors, crashes, timeouts | {t['internal errors']} |",
           f"| injections that failed | {t['injection failures']} |",
           f"| time (materialise + every kerascheck run) | {t['seconds']} s |", "",
           "## Per operator (one-fault variants)", "", *per_operator(rows), ""]
    titles = {"cascades": "Cascades", "missed": "Faults not found", "stop": "stops_script elsewhere than the first fault",
              "summaries": "Summaries changed before the fault, or predicted after it", "internal": "Internal errors"}
    for key, items in problems(rows).items():
        out += [f"## {titles[key]} ({len(items)})", ""] + ([f"- {i}" for i in items] or ["None."]) + [""]
    return "\n".join(out) + "\n" + HAND_WRITTEN + "\n" + hand_written


def print_report(t: dict, rows: list[dict]) -> None:
    print(f"scripts {t['scripts']} (excluded {t['excluded']}, skipped {t['skipped']}); variants {t['variants']} "
          f"({t['one-fault variants']} one-fault, {t['all-fault variants']} all-fault); faults {t['faults injected']}, "
          f"found {t['found']}; stop ok {t['stop ok']}/{t['stop checked']}; summaries ok "
          f"{t['summaries ok']}/{t['summaries checked']}; cascades {t['cascades']}; internal errors "
          f"{t['internal errors']}; injection failures {t['injection failures']}; time {t['seconds']} s")
    for key, items in problems(rows).items():
        if items:
            print(f"{key} ({len(items)}):")
            for item in items:
                print("  " + item)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, help="ids (or substrings of ids)")
    parser.add_argument("--json", type=Path, default=None, help="write every row and variant here")
    parser.add_argument("--md", type=Path, default=None,
                        help="write the note here (default: benchmarks/SEEDED_FAULTS.md for a full run, none with --only)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per kerascheck run")
    parser.add_argument("-j", "--jobs", type=int, default=1, help="scripts at once (each run in its own process)")
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per script")
    args = parser.parse_args(argv)
    import kerascheck

    todo = []
    for entry in corpus.load_manifest():
        if args.only and not any(o == entry.id or o in entry.id for o in args.only):
            continue
        path = corpus.truth_path(entry)
        if path.exists() and json.loads(path.read_text(encoding="utf-8"))["status"] == "ok":
            todo.append(entry)
    rows = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for row in pool.map(lambda e: evaluate(e, args.timeout), todo):
            rows.append(row)
            if args.quiet:
                continue
            if "variants" not in row:
                print(f"{row['id']}: {row.get('skipped') or row.get('excluded')}", flush=True)
                continue
            vs = [v for v in row["variants"] if "faults" in v]
            print(f"{row['id']}: {len(vs)} variants, found {sum(f['found'] for v in vs for f in v['faults'])}/"
                  f"{sum(len(v['faults']) for v in vs)}, cascades {sum(len(v['cascades']) for v in vs)}"
                  f"{', INTERNAL' if any(v['internal'] for v in vs) else ''}, {row['seconds']} s", flush=True)
    t = totals(rows)
    print_report(t, rows)
    md = args.md or (None if args.only else NOTE)
    if md is not None:
        old = md.read_text(encoding="utf-8") if md.exists() else ""
        hand = old.split(HAND_WRITTEN, 1)[1].lstrip("\n") if HAND_WRITTEN in old else ""
        md.write_text(render_note(rows, t, kerascheck.__file__, hand), encoding="utf-8")
        print(f"wrote {md}")
    if args.json is not None:
        args.json.write_text(json.dumps({"totals": t, "rows": rows}, indent=1, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
