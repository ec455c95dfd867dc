"""Record the ground truth of the Keras 1/2-era scripts in ``fixtures/keras2/`` by running TensorFlow.

Each script declares its problems in trailing comments (``fixtures/keras2/README.md`` has the format)::

    model.compile(optimizer=Adam(lr=0.01))  # keras2: P3 fix: model.compile(optimizer=Adam(learning_rate=0.01))
    model.fit(x, y)  # keras2: P1 raises ;; P4 fix: model.fit(x, y, epochs=1)

For each script this runs the script under TensorFlow 2.21 / Keras 3.15.1 (dataset loaders stubbed
offline with arrays of the real shapes and dtypes: ``benchmarks/real_code/recording_child.py``'s
stubs; training, saving and prediction are REAL, on the small slices the scripts use), takes the
line of the script where it raises and attributes the exception to the problem that declares that
line, applies that problem's repair (every line it declares) and runs again, until the script runs
cleanly. A ``warn`` problem (one that does not raise: a one-unit softmax, a callback monitoring a
metric that is not logged) is checked to run without raising, with every other repair applied, and
the Python warnings Keras emits while it runs are recorded next to its declared reason.

It writes ``fixtures/keras2/<script>.problems.json`` (the format is in the README). Usage::

    python scripts/record_keras2.py                 # every script
    python scripts/record_keras2.py --only 05 07    # scripts whose name contains one of these

``Runner`` (one TensorFlow process; each script runs in a fork of it, so every run starts from a
fresh Keras state) is what ``tests/test_keras2_scripts.py`` and ``benchmarks/keras2.py`` use to run
scripts too.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import tokenize
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "fixtures", "keras2")
CHILD_DIR = os.path.join(ROOT, "benchmarks", "real_code")

_ANNOTATION = re.compile(r"#\s*keras2:\s*(?P<body>.*)$")
_ITEM = re.compile(r"^P(?P<id>\d+)(?P<flags>(?:\s+(?:raises|bug|warn\([^)]*\)|expect\([^)]*\)))*)(?:\s+fix:\s?(?P<fix>.*))?$")


# -- annotations --------------------------------------------------------------------------------------
@dataclass
class Problem:
    id: int
    fixes: dict = field(default_factory=dict)  # line -> replacement (one physical line, same indentation)
    markers: set = field(default_factory=set)  # lines declared with ``raises`` (no repair there)
    bug: bool = False  # not about migration: ``--fix`` is not expected to repair it
    warn: str = ""  # a problem that does not raise: the reason we know it is one
    expect: str = ""  # a text its exception's message contains (tells apart two problems on one line)

    @property
    def lines(self) -> list[int]:
        return sorted(set(self.fixes) | self.markers)


def parse_problems(source: str) -> dict[int, Problem]:
    """The problems a script declares in its ``# keras2:`` comments, by id."""
    problems: dict[int, Problem] = {}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type != tokenize.COMMENT:
            continue
        m = _ANNOTATION.search(tok.string)
        if not m:
            continue
        line = tok.start[0]
        for item in m.group("body").split(";;"):
            im = _ITEM.match(item.strip())
            if not im:
                raise ValueError(f"line {line}: cannot read the annotation {item.strip()!r}")
            p = problems.setdefault(int(im.group("id")), Problem(int(im.group("id"))))
            flags = im.group("flags") or ""
            if "bug" in flags.split():
                p.bug = True
            w = re.search(r"warn\(([^)]*)\)", flags)
            if w:
                p.warn = w.group(1).strip() or "declared"
            e = re.search(r"expect\(([^)]*)\)", flags)
            if e:
                p.expect = e.group(1).strip()
            if im.group("fix") is not None:
                p.fixes[line] = im.group("fix").rstrip()
            elif "raises" in flags.split():
                p.markers.add(line)
            elif not w and "bug" not in flags.split():
                raise ValueError(f"line {line}: P{p.id} declares neither a fix nor 'raises'")
    return dict(sorted(problems.items()))


def apply_repairs(source: str, problems, ids, *, by_marker: bool = False) -> str:
    """``source`` with the repairs of the problems ``ids`` applied. Lines never move: a repair is one
    physical line (statements joined with ``;``) and keeps the original comment, so the annotations of
    the other problems on that line stay. ``by_marker``: find each repair's line by its annotation
    (``# keras2: P<n>``) instead of its number -- for a copy ``--fix`` has edited."""
    lines = source.splitlines(keepends=True)
    wanted = {i for i in ids}
    if by_marker:
        for index, text in enumerate(lines):
            m = _ANNOTATION.search(text)
            if not m:
                continue
            for item in m.group("body").split(";;"):
                im = _ITEM.match(item.strip())
                if im and int(im.group("id")) in wanted and im.group("fix") is not None:
                    lines[index] = _replace(text, im.group("fix").rstrip())
                    break
        return "".join(lines)
    for pid in wanted:
        for line, fix in problems[pid].fixes.items():
            lines[line - 1] = _replace(lines[line - 1], fix)
    return "".join(lines)


def _replace(original: str, fix: str) -> str:
    indent = original[: len(original) - len(original.lstrip())]
    m = _ANNOTATION.search(original)
    comment = "  " + m.group(0) if m else ""
    end = "\n" if original.endswith("\n") else ""
    return f"{indent}{fix}{comment}{end}"


# -- running scripts under TensorFlow -------------------------------------------------------------------
class Runner:
    """One TensorFlow process (``--serve``); ``run(name, source)`` runs a script in a fork of it."""

    def __init__(self, timeout: float = 180):
        self.timeout = timeout
        env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", CUDA_VISIBLE_DEVICES="-1", PYTHONWARNINGS="ignore")
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        ready = json.loads(self.proc.stdout.readline() or "{}")
        if not ready.get("ready"):
            raise RuntimeError(f"the TensorFlow runner did not start: {ready}")
        self.versions = {"keras": ready["keras"], "tensorflow": ready["tensorflow"]}
        self.workdir = tempfile.mkdtemp(prefix="kc-keras2-")

    def run(self, name: str, source: str) -> dict:
        folder = tempfile.mkdtemp(dir=self.workdir)
        script = os.path.join(folder, os.path.basename(name))
        with open(script, "w", encoding="utf-8") as f:
            f.write(source)
        out = script + ".result.json"
        self.proc.stdin.write(json.dumps({"script": script, "out": out, "timeout": self.timeout}) + "\n")
        self.proc.stdin.flush()
        reply = json.loads(self.proc.stdout.readline())
        try:
            with open(out, encoding="utf-8") as f:
                result = json.load(f)
        except (OSError, ValueError):
            result = {"status": reply.get("status", "crashed")}
        if reply.get("status") != "done":
            result["status"] = reply.get("status")
        result["seconds"] = reply.get("seconds")
        return result

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        except Exception:  # noqa: BLE001
            self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _child(script: str, out: str) -> None:
    """In a fork of the server: run ``script`` (real Keras; datasets stubbed), write what happened."""
    import traceback
    import warnings

    script = os.path.abspath(script)
    seen: list[dict] = []

    def script_line(frame):
        while frame is not None:
            if os.path.abspath(frame.f_code.co_filename) == script:
                return frame.f_lineno
            frame = frame.f_back
        return None

    def showwarning(message, category, filename, lineno, file=None, line=None):
        entry = {"line": script_line(sys._getframe(1)), "category": category.__name__, "message": str(message)[:500]}
        if entry not in seen:
            seen.append(entry)

    warnings.simplefilter("always")
    warnings.showwarning = showwarning
    null = os.open(os.devnull, os.O_RDWR)
    os.dup2(null, 0)
    os.dup2(null, 1)
    sys.stdout = open(os.devnull, "w", encoding="utf-8")
    os.chdir(os.path.dirname(script))
    sys.path.insert(0, os.path.dirname(script))
    sys.argv = [script]
    started = time.time()
    try:
        with open(script, "rb") as f:
            code = compile(f.read(), script, "exec", dont_inherit=True)
        exec(code, {"__name__": "__main__", "__file__": script, "__builtins__": __builtins__})
        result = {"status": "ok"}
    except SystemExit as exc:
        result = {"status": "ok"} if exc.code in (None, 0) else {"status": "raised", "error": {"type": "SystemExit"}}
    except BaseException as exc:  # noqa: BLE001 - the script's own exception is the result
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if os.path.abspath(f.filename) == script]
        result = {"status": "raised", "error": {"type": type(exc).__name__, "message": str(exc)[:1000],
                                                "line": frames[-1].lineno if frames else None}}
    result["warnings"] = seen
    result["seconds"] = round(time.time() - started, 2)
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


def serve() -> None:
    sys.path.insert(0, CHILD_DIR)
    import recording_child  # noqa: E402 - the real-code recorder's offline stubs (datasets, get_file, plots)
    import keras
    import tensorflow as tf

    recording_child._install_dataset_stubs()
    recording_child._install_plot_stubs()
    recording_child.fork_server({"ready": True, "keras": keras.__version__, "tensorflow": tf.__version__},
                                lambda request: _child(request["script"], request["out"]), default_timeout=180)


# -- recording ------------------------------------------------------------------------------------------
def scripts(only=None) -> list[str]:
    names = sorted(n for n in os.listdir(FIXTURES) if n.endswith(".py"))
    if only:
        names = [n for n in names if any(o in n for o in only)]
    return [os.path.join(FIXTURES, n) for n in names]


def record(runner: Runner, path: str, log=print) -> dict:
    with open(path, encoding="utf-8") as f:
        source = f.read()
    name = os.path.basename(path)
    problems = parse_problems(source)
    applied: list[int] = []
    steps, errors = [], []
    while True:
        result = runner.run(name, apply_repairs(source, problems, applied))
        if result["status"] != "raised":
            break
        err = result["error"]
        line = err.get("line")
        candidates = [p for p in problems.values() if p.id not in applied and line in p.lines]
        message = err.get("message", "")
        if any(p.expect and p.expect in message for p in candidates):
            candidates = [p for p in candidates if p.expect and p.expect in message]
        else:
            candidates = [p for p in candidates if not p.expect]
        candidates.sort(key=lambda p: (line not in p.fixes, p.id))  # the line's own repair first
        if not candidates:
            errors.append(f"{name}: line {line} raises {err['type']}: {err.get('message', '')[:200]} "
                          f"-- no unrepaired problem declares that line")
            break
        p = candidates[0]
        log(f"  P{p.id}: line {line} {err['type']}: {err.get('message', '')[:120]!r}")
        steps.append({"problem": p.id, "line": line, "type": err["type"], "message": err.get("message", "")})
        applied.append(p.id)
        if p.warn:
            errors.append(f"{name}: P{p.id} is declared warn(...) but raises")
    final = result
    clean = final["status"] == "ok" and len(applied) + sum(1 for p in problems.values() if p.warn) >= len(problems)
    raised = {s["problem"]: s for s in steps}
    entries = []
    for order, p in enumerate(problems.values()):
        entry = {"id": p.id, "lines": p.lines, "repair": {str(k): v for k, v in sorted(p.fixes.items())},
                 "migration": not p.bug, "fixable": not p.bug}
        if p.id in raised:
            s = raised[p.id]
            entry.update({"kind": "raises", "line": s["line"], "exception": s["type"], "message": s["message"],
                          "order": steps.index(s) + 1})
        elif p.warn:
            # Everything else repaired, this one not: it must run, and what Keras warns is evidence.
            others = [q for q in problems if q != p.id]
            check = runner.run(name, apply_repairs(source, problems, others))
            entry.update({"kind": "warning", "line": p.lines[0], "reason": p.warn,
                          "runs_without_raising": check["status"] == "ok",
                          "runtime_warnings": [w for w in check.get("warnings", []) if w.get("line")]})
            if check["status"] != "ok":
                errors.append(f"{name}: warn problem P{p.id} left unrepaired does not run cleanly: {check.get('error')}")
            log(f"  P{p.id}: warning ({p.warn}); runs={check['status']}")
        else:
            entry.update({"kind": "never raised"})
            errors.append(f"{name}: P{p.id} never raised (declare it warn(...) or fix the script)")
        entries.append(entry)
    out = {"script": name, "keras": runner.versions["keras"], "tensorflow": runner.versions["tensorflow"],
           "problems": entries, "raising": len(steps), "warnings": sum(1 for e in entries if e["kind"] == "warning"),
           "repaired_runs_clean": clean, "repaired_status": final["status"],
           "repaired_error": final.get("error"), "recording_errors": errors}
    with open(path[:-3] + ".problems.json", "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--only", nargs="*", help="scripts whose file name contains one of these")
    ap.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--timeout", type=float, default=180)
    args = ap.parse_args(argv)
    if args.serve:
        serve()
        return 0
    failed = 0
    with Runner(args.timeout) as runner:
        for path in scripts(args.only):
            print(os.path.basename(path), flush=True)
            out = record(runner, path, log=lambda s: print(s, flush=True))
            for e in out["recording_errors"]:
                print("  !!", e, flush=True)
            if not out["repaired_runs_clean"]:
                print(f"  !! repaired script: {out['repaired_status']} {out.get('repaired_error')}", flush=True)
            failed += bool(out["recording_errors"]) or not out["repaired_runs_clean"]
    print(f"{failed} script(s) with recording problems")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
