"""The real-code benchmark of issue 19: kerascheck on public Keras scripts nobody here wrote.

    python benchmarks/real_code.py                  # every recorded script; writes benchmarks/REAL_CODE.md
    python benchmarks/real_code.py --only ID ...    # some scripts (ids or substrings); prints, writes no note
    python benchmarks/real_code.py --json out.json  # also every per-call outcome as JSON
    python benchmarks/real_code.py --md PATH        # the note elsewhere (with --only too)
    python benchmarks/real_code.py -j 2             # two scripts at once

It reads the manifest and the truth recorded by ``scripts/record_real_code.py`` (``benchmarks/
real_code/``), materialises each script from its git mirror (``benchmarks/real_code/corpus.py``;
``KERASCHECK_CORPUS_MIRRORS`` names the folder of mirrors; a script without one is skipped), and
analyses it with the kerascheck importable by this Python (whatever checkout that is), each in its
own process: the summary analysis (``kerascheck summary``: one event per ``summary()`` call, with
the table or the reason), then the rules (``kerascheck check``), timed, with the process's peak
memory. A crash, a hang (``--timeout``, 120 s) or an exception is an internal error of that script.

Totals, per script: the ``summary()`` calls the script reached under Keras, how many kerascheck
predicted, byte-exact / semantically equal / symbolic / confidently wrong, explained (named with a
reason) and silent (neither); analyses cut short and why; internal errors; error-severity
diagnostics on scripts that ran cleanly under TensorFlow (each is false: the script did not raise);
messages that show internals; time and peak memory. See ``benchmarks/real_code/compare.py``.
"""

from __future__ import annotations

import argparse
import collections
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

import compare  # noqa: E402
import corpus  # noqa: E402

# -- the analysis of one script, in a child process ----------------------------------------------------
CHILD = r"""
import json, resource, sys, time, traceback
path, out = sys.argv[1], sys.argv[2]
report = {"summaries": [], "diagnostics": [], "internal": [], "error": None, "cut_short": None,
          "unresolved": 0, "symbols": []}

def internal(stage, exc):
    frames = traceback.extract_tb(exc.__traceback__)[-3:]
    where = " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno}" for f in reversed(frames))
    report["internal"].append(f"{stage}: {type(exc).__name__}: {str(exc)[:300]} ({where})")

def save():
    report["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(report, f)

import kerascheck
report["kerascheck"] = kerascheck.__file__
source = open(path, encoding="utf-8", errors="replace").read()
started = time.perf_counter()
try:
    from kerascheck.analysis import analyze_source
    analysis = analyze_source(source, path)
except BaseException as exc:
    internal("summary", exc)
    analysis = None
result = getattr(analysis, "result", None)
if result is not None:
    symbols = list(getattr(result, "symbol_names", []) or [])
    report["symbols"] = symbols
    for event in result.summaries:
        item = {"line": event.loc.line, "text": None, "reason": getattr(event, "reason", None), "symbolic": False}
        if event.snapshot is not None:
            try:
                item["text"] = event.snapshot.render(None, 80)  # piped: 80 columns, as `kerascheck summary | ...`
                item["symbolic"] = any(name in item["text"] for name in symbols)
            except Exception as exc:
                reason = getattr(exc, "reason", None)
                if reason is None:
                    internal("render", exc)
                item["reason"] = reason or f"{type(exc).__name__}: {exc}"
        report["summaries"].append(item)
    cut = getattr(result, "cut_short", None)
    if cut:
        loc, reason = cut
        report["cut_short"] = {"line": getattr(loc, "line", None), "reason": reason}
    else:
        for loc, reason in result.unresolved:
            if reason.startswith("analysis stopped"):
                report["cut_short"] = {"line": loc.line, "reason": reason}
                break
    report["unresolved"] = len(result.unresolved)
    if result.error is not None:
        report["error"] = {"line": result.error.loc.line, "kind": result.error.kind, "message": result.error.message[:2000]}
elif analysis is not None:
    report["not_analysed"] = [d.format()[:300] for d in analysis.diagnostics]
report["summary_seconds"] = round(time.perf_counter() - started, 3)
save()
started = time.perf_counter()
try:
    from kerascheck.lint import lint_source
    for d in lint_source(source, path):
        report["diagnostics"].append({"line": d.line, "column": d.column, "code": d.code,
                                      "severity": d.severity, "message": d.message})
except BaseException as exc:
    internal("check", exc)
report["check_seconds"] = round(time.perf_counter() - started, 3)
save()
"""


def analyse(script: Path, timeout: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="kc-bench-") as tmp:
        out = Path(tmp) / "report.json"
        env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
        started = time.perf_counter()
        try:
            proc = subprocess.run([sys.executable, "-c", CHILD, str(script), str(out)], cwd=script.parent, env=env,
                                  stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  timeout=timeout)
            failure = None if proc.returncode == 0 else \
                f"process exited {proc.returncode}: " + " | ".join(proc.stderr.decode("utf-8", "replace").strip().splitlines()[-2:])[:300]
        except subprocess.TimeoutExpired:
            failure = f"timed out after {timeout:.0f} s"
        wall = time.perf_counter() - started
        try:
            report = json.loads(out.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            report = {"summaries": [], "diagnostics": [], "internal": [], "error": None, "cut_short": None}
    report["wall_seconds"] = round(wall, 2)
    if failure:
        report["internal"].append(failure)
        if "timed out" in failure:
            report["cut_short"] = report.get("cut_short") or {"line": None, "reason": failure}
    return report


# -- one script ----------------------------------------------------------------------------------------
def evaluate(entry: corpus.Entry, truth: dict, timeout: float) -> dict:
    row = {"id": entry.id, "repo": entry.repo, "path": entry.path, "source": entry.source,
           "status": truth["status"], "category": truth.get("category", truth["status"]),
           "truth_error": truth.get("error")}
    with tempfile.TemporaryDirectory(prefix="kc-corpus-") as tmp:
        script = corpus.materialise(entry, Path(tmp) / "src")
        if script is None:
            row["skipped"] = entry.skipped
            return row
        report = analyse(script, timeout)
    outcomes, extra = compare.classify(truth.get("summaries", []), report["summaries"], report.get("error"),
                                       report.get("cut_short"))
    row.update(compare.tally(outcomes))
    row["outcomes"] = outcomes
    row["unverifiable"] = len(extra)
    row["cut_short"] = report.get("cut_short")
    row["internal"] = report.get("internal", [])
    row["predicted_error"] = report.get("error")
    errors = [d for d in report.get("diagnostics", []) if d["severity"] == "error"]
    row["errors"] = errors
    # An error inside a function the file never calls (principle 10) is real, but the script that
    # ran cleanly never reached it: counted apart, not as a false error.
    uncalled = [d for d in errors if "which this file never calls" in d["message"]]
    row["uncalled_errors"] = uncalled
    row["false_errors"] = [d for d in errors if d not in uncalled] if truth["status"] == "ok" else []
    row["keras_stop"], row["stop_predicted"] = keras_stop(row)
    row["bad_messages"] = [dict(d, problem=p) for d in report.get("diagnostics", [])
                           if (p := compare.message_problem(d["message"]))]
    row["not_analysed"] = report.get("not_analysed")
    row["seconds"] = round(report.get("summary_seconds", 0) + report.get("check_seconds", 0), 2)
    row["summary_seconds"] = report.get("summary_seconds")
    row["check_seconds"] = report.get("check_seconds")
    row["peak_mb"] = report.get("peak_mb")
    row["unresolved"] = report.get("unresolved", 0)
    return row


def keras_stop(row: dict) -> tuple[bool, bool]:
    """Whether the script stopped on an error of its own (a Keras 2 API, a bug: not missing data or
    packages, not a syntax error), and whether kerascheck reported an error at that line."""
    stop = row.get("truth_error") or {}
    own = row.get("category") in ("keras2", "error") and stop.get("line") is not None \
        and stop.get("type") not in ("SyntaxError", "IndentationError")
    return own, own and any(d["line"] == stop["line"] for d in row.get("errors", []))


def totals(rows: list[dict]) -> dict:
    done = [r for r in rows if "skipped" not in r]
    t = {"scripts": len(done), "skipped": len(rows) - len(done),
         "sources": len({r["repo"] for r in done}),
         "ran cleanly": sum(r["status"] == "ok" for r in done)}
    for key in ("reached", "predicted", "exact", "semantic", "symbolic", "wrong", "explained", "silent", "unverifiable"):
        t[key] = sum(r.get(key, 0) for r in done)
    t["cut short"] = sum(bool(r.get("cut_short")) for r in done)
    t["internal errors"] = sum(bool(r.get("internal")) for r in done)
    t["false errors"] = sum(len(r.get("false_errors", [])) for r in done)
    t["scripts with false errors"] = sum(bool(r.get("false_errors")) for r in done)
    t["errors in functions the file never calls"] = sum(len(r.get("uncalled_errors", [])) for r in done)
    t["bad messages"] = sum(len(r.get("bad_messages", [])) for r in done)
    t["keras stops"] = sum(keras_stop(r)[0] for r in done)
    t["keras stops predicted"] = sum(keras_stop(r)[1] for r in done)
    t["seconds"] = round(sum(r.get("seconds") or 0 for r in done), 1)
    t["max seconds"] = max((r.get("seconds") or 0 for r in done), default=0)
    t["max peak MB"] = max((r.get("peak_mb") or 0 for r in done), default=0)
    return t


# -- the note ------------------------------------------------------------------------------------------
def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


def _short(entry_id: str) -> str:
    return entry_id if len(entry_id) <= 70 else entry_id[:67] + "..."


def _git_head(path: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(path), "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def grouped(items: list[tuple[str, str]], limit: int = 25) -> list[str]:
    """``(reason, example)`` pairs grouped by blurred reason: count, reason, one example."""
    groups: dict = collections.OrderedDict()
    for reason, example in items:
        key = compare.reason_group(reason)
        if key not in groups:
            groups[key] = [0, reason, example]
        groups[key][0] += 1
    ordered = sorted(groups.values(), key=lambda g: -g[0])
    lines = [f"| {n} | {reason[:160].replace('|', '/')} | {example} |" for n, reason, example in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(f"| {sum(g[0] for g in ordered[limit:])} | ({len(ordered) - limit} other reasons) | |")
    return lines


def render_note(rows: list[dict], t: dict, kerascheck_file: str) -> str:
    root = Path(kerascheck_file).resolve().parent.parent
    done = [r for r in rows if "skipped" not in r]
    reached = t["reached"]
    out = ["# Real-code benchmark (issue 19)", "",
           f"kerascheck {_git_head(root)} ({root}), {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC; "
           f"truth recorded under Keras 3.15.1 / TensorFlow 2.21.0 by `scripts/record_real_code.py`. "
           f"Run: `python benchmarks/real_code.py` (mirrors of the public repositories needed: "
           f"`benchmarks/real_code/corpus.py`).", "",
           f"{t['scripts']} scripts from {t['sources']} repositories ({t['skipped']} skipped: no mirror); "
           f"{t['ran cleanly']} ran cleanly to their end offline (datasets, training, downloads stubbed), the others "
           "stopped on missing data, packages, Keras 2 APIs or their own errors: their summaries before that point "
           "are the truth.", "",
           "How the truth is made: each script runs in its own process under TensorFlow, offline. `keras.datasets` "
           "loaders return arrays of the real shapes and dtypes (zero images, labels cycling through every class; "
           "imdb/reuters sequences of one length); `fit`/`evaluate`/`train_on_batch` train nothing but build the model, "
           "its metrics and optimizer from the first batch as the real call does; `predict` returns zeros of the output "
           "shape; `save*`/`load_weights`/`plot_model` do nothing; `get_file` downloads nothing (so `weights='imagenet'` "
           "builds with random weights, and a script reading a download stops there); `fit_generator` is left as Keras 3 "
           "has it (absent). A notebook is the script of its code cells, magics dropped. A call is matched by its line "
           "(and its occurrence at that line).", "",
           "## Totals", "",
           "| measure | count | share | target |", "| --- | ---: | ---: | --- |",
           f"| summary() calls reached under Keras | {reached} | | |",
           f"| predicted | {t['predicted']} | {_pct(t['predicted'], reached)} | |",
           f"| byte-exact | {t['exact']} | {_pct(t['exact'], reached)} | 90% |",
           f"| semantically equal, not byte-exact (names, widths) | {t['semantic']} | {_pct(t['semantic'], reached)} | |",
           f"| symbolic (data-dependent sizes left as symbols, consistent) | {t['symbolic']} | {_pct(t['symbolic'], reached)} | |",
           f"| confidently wrong | {t['wrong']} | {_pct(t['wrong'], reached)} | 0 |",
           f"| explained (not predicted, reason named) | {t['explained']} | {_pct(t['explained'], reached)} | |",
           f"| neither predicted nor explained (silent) | {t['silent']} | {_pct(t['silent'], reached)} | 0 |",
           f"| predicted past where the script stopped offline (unverifiable) | {t['unverifiable']} | | |",
           f"| analyses cut short | {t['cut short']} | | 0 |",
           f"| scripts with internal errors | {t['internal errors']} | | 0 |",
           f"| error-severity diagnostics on scripts that ran cleanly | {t['false errors']} (in {t['scripts with false errors']} scripts) | | 0 |",
           f"| errors inside functions the file never calls (real, not reached by the script) | {t.get('errors in functions the file never calls', 0)} | | |",
           f"| diagnostics whose message shows internals or is over 300 characters | {t['bad messages']} | | 0 |",
           f"| scripts stopped by a Keras/Python error of their own (Keras 2 API, bug): error predicted at that line "
           f"| {t['keras stops predicted']} of {t['keras stops']} | {_pct(t['keras stops predicted'], t['keras stops'])} | |",
           f"| analysis time, all scripts (summary + check) | {t['seconds']} s | | |",
           f"| slowest script | {t['max seconds']} s | | < 10 s |",
           f"| largest peak memory of one analysis process | {t['max peak MB']} MB | | < 1 GB |", ""]

    status = collections.Counter(r["category"] for r in done)
    out += ["Truth status of the scripts: " + ", ".join(f"{k} {v}" for k, v in status.most_common()) + ".", ""]

    def section(title: str, lines: list[str], header: str = "| count | reason | example |") -> None:
        if lines:
            out.extend([f"## {title}", "", header, "| ---: | --- | --- |", *lines, ""])

    silent = [(o["cause"], f"`{r['id']}`:{o['line']}") for r in done for o in r.get("outcomes", []) if o["outcome"] == "silent"]
    section("Silent summaries, by what kerascheck said instead", grouped(silent))
    explained = [(o["reason"], f"`{r['id']}`:{o['line']}") for r in done for o in r.get("outcomes", [])
                 if o["outcome"] == "explained"]
    section("Explained summaries, by reason", grouped(explained))
    wrong = [(o.get("difference", ""), f"`{r['id']}`:{o['line']}") for r in done for o in r.get("outcomes", [])
             if o["outcome"] == "wrong"]
    section("Confidently wrong summaries (first differing line)", grouped(wrong, 40))
    semantic = [(o.get("difference", ""), f"`{r['id']}`:{o['line']}") for r in done for o in r.get("outcomes", [])
                if o["outcome"] == "semantic"]
    section("Semantically equal but not byte-exact (first differing line)", grouped(semantic))
    cut = [(r["cut_short"]["reason"] or "", f"`{r['id']}`:{r['cut_short'].get('line')}") for r in done if r.get("cut_short")]
    section("Analyses cut short", grouped(cut))
    internal = [(m, f"`{r['id']}`") for r in done for m in r.get("internal", [])]
    section("Internal errors", grouped(internal))
    false = [(f"{d['code']} {d['message']}", f"`{r['id']}`:{d['line']}") for r in done for d in r.get("false_errors", [])]
    section("Error diagnostics on scripts that ran cleanly (false errors)", grouped(false, 40))
    other = [(f"{d['code']} {d['message']}", f"`{r['id']}`:{d['line']} (Keras: {(r.get('truth_error') or {}).get('type')} at "
              f"{(r.get('truth_error') or {}).get('line')})")
             for r in done if r["status"] != "ok" for d in r.get("errors", [])]
    section("Error diagnostics on scripts that stopped under Keras (line given with Keras's own stop)", grouped(other, 30))
    missed = [(f"{(r.get('truth_error') or {}).get('type')}: {(r.get('truth_error') or {}).get('message', '')[:130]}",
               f"`{r['id']}`:{(r.get('truth_error') or {}).get('line')}")
              for r in done if keras_stop(r)[0] and not keras_stop(r)[1]]
    section("Scripts whose own Keras/Python error kerascheck did not report at its line", grouped(missed, 30))
    bad = [(f"{d['code']} {d['problem']}: {d['message'][:120]}", f"`{r['id']}`:{d['line']}") for r in done
           for d in r.get("bad_messages", [])]
    section("Messages for people? (internal reprs, over 300 characters)", grouped(bad))

    out += ["## Per script", "",
            "Status: the truth (`ok` ran to the end; otherwise why it stopped). Calls: reached / predicted / exact / "
            "semantic / symbolic / wrong / explained / silent. Cut: the analysis was cut short. Int: internal error. "
            "Err: error diagnostics (false ones, on a clean script, in bold).", "",
            "| script | source | status | reached | pred | exact | sem | sym | wrong | expl | silent | cut | int | err | s | MB |",
            "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |"]
    for r in rows:
        if "skipped" in r:
            out.append(f"| `{_short(r['id'])}` | {r['source']} | skipped: {r['skipped']} |" + " |" * 13)
            continue
        err = len(r.get("errors", []))
        err_cell = f"**{err}**" if r.get("false_errors") else str(err)
        out.append(f"| `{_short(r['id'])}` | {r['source']} | {r['category']} | {r['reached']} | {r['predicted']} | "
                   f"{r['exact']} | {r['semantic']} | {r['symbolic']} | {r['wrong']} | {r['explained']} | {r['silent']} | "
                   f"{'yes' if r.get('cut_short') else ''} | {'yes' if r.get('internal') else ''} | {err_cell} | "
                   f"{r.get('seconds')} | {r.get('peak_mb')} |")
    out.append("")
    return "\n".join(out)


def print_totals(t: dict) -> None:
    reached = t["reached"]
    print(f"scripts {t['scripts']} (skipped {t['skipped']}) from {t['sources']} repositories; {t['ran cleanly']} ran cleanly")
    print(f"summary() calls reached {reached}: predicted {t['predicted']} ({_pct(t['predicted'], reached)}), "
          f"exact {t['exact']} ({_pct(t['exact'], reached)}), semantic {t['semantic']}, symbolic {t['symbolic']}, "
          f"wrong {t['wrong']}, explained {t['explained']}, silent {t['silent']}; unverifiable {t['unverifiable']}")
    print(f"cut short {t['cut short']}, internal errors {t['internal errors']}, false errors {t['false errors']} "
          f"(in {t['scripts with false errors']} scripts), bad messages {t['bad messages']}, "
          f"time {t['seconds']} s (max {t['max seconds']} s), max peak {t['max peak MB']} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", default=None, help="ids (or substrings of ids)")
    parser.add_argument("--json", type=Path, default=None, help="write every row and outcome here")
    parser.add_argument("--md", type=Path, default=None, help="write the note here (default: benchmarks/REAL_CODE.md "
                                                                 "for a full run, nowhere with --only)")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per script")
    parser.add_argument("-q", "--quiet", action="store_true", help="no line per script")
    parser.add_argument("--update", type=Path, default=None, metavar="JSON",
                        help="start from the rows of an earlier --json run; analyse again only --only's scripts "
                             "(the note covers them all)")
    parser.add_argument("-j", "--jobs", type=int, default=1,
                        help="scripts analysed at once (each in its own process; times are per process)")
    args = parser.parse_args(argv)
    import kerascheck

    entries = corpus.load_manifest()
    if args.only:
        entries = [e for e in entries if any(o == e.id or o in e.id for o in args.only)]
    todo = []
    for entry in entries:
        path = corpus.truth_path(entry)
        if path.exists():  # else not recorded (yet)
            todo.append((entry, json.loads(path.read_text(encoding="utf-8"))))

    def one(item):
        entry, truth = item
        return evaluate(entry, truth, args.timeout)

    rows = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for row in pool.map(one, todo):
            rows.append(row)
            if args.quiet:
                continue
            if "skipped" in row:
                print(f"{row['id']}: skipped: {row['skipped']}", flush=True)
            else:
                print(f"{row['id']}: reached {row['reached']}, exact {row['exact']}, sem {row['semantic']}, "
                      f"sym {row['symbolic']}, wrong {row['wrong']}, expl {row['explained']}, silent {row['silent']}"
                      f"{', CUT' if row.get('cut_short') else ''}{', INTERNAL' if row.get('internal') else ''}"
                      f"{', false errors ' + str(len(row['false_errors'])) if row.get('false_errors') else ''}"
                      f", {row['seconds']} s", flush=True)
    if args.update is not None:
        fresh = {r["id"]: r for r in rows}
        earlier = json.loads(args.update.read_text(encoding="utf-8"))["rows"]
        order = {e.id: i for i, e in enumerate(corpus.load_manifest())}
        rows = [fresh.pop(r["id"], r) for r in earlier] + list(fresh.values())
        rows.sort(key=lambda r: order.get(r["id"], len(order)))
    t = totals(rows)
    print_totals(t)
    md = args.md or (None if args.only and args.update is None else HERE / "REAL_CODE.md")
    if md is not None:
        md.write_text(render_note(rows, t, kerascheck.__file__), encoding="utf-8")
        print(f"wrote {md}")
    if args.json is not None:
        args.json.write_text(json.dumps({"totals": t, "rows": rows}, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
