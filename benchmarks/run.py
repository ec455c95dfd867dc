#!/usr/bin/env python3
"""kerascheck benchmark suite (issue 7): figures, not timed tests.

    python benchmarks/run.py                 # everything; writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick         # smoke mode (< ~60 s), writes nothing
    python benchmarks/run.py --only 3,4      # some sections
    python benchmarks/run.py --tf-python none   # the TensorFlow-free parts only

Sections, each figure measured in this one run, side by side, median of several runs after a
warm-up:

1. each fixture script (fixtures/seeds, fixtures/features): ``kerascheck summary FILE`` whole
   process vs ``python FILE`` under TensorFlow, and the ratio;
2. per model, marginal cost: the engine resolving a script in-process (``analyze_source``) vs
   TensorFlow building the same models with TensorFlow already imported (timed inside a TF worker);
   model sets are pluggable (``MODEL_SETS``): seeds, features, keras.applications;
3. lint throughput over a corpus (default: the installed keras and tensorflow packages): bare
   ``libcst.parse_module`` over the files check parses, ``check --no-cache -j1``, ``-j`` all cores,
   a warm-cache re-run; files skipped by the byte scan; internal errors and timeouts;
4. single-file latency: ``kerascheck check`` on benchmarks/model_300.py, whole process;
5. peak RSS of 3 and 4 (``wait4`` rusage of each command: its largest process; for ``-j`` also
   the sampled sum over its process tree).

The TensorFlow interpreter: ``--tf-python`` (``none`` skips sections 1 and 2's TensorFlow side),
default this interpreter if it has tensorflow, else /work/tfenv/bin/python if present.
Only the standard library and kerascheck's own dependencies are used (no psutil).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "benchmarks"
sys.path.insert(0, str(ROOT))  # this checkout's kerascheck, whatever is installed

DEFAULT_TF_PYTHON = Path("/work/tfenv/bin/python")
RESULTS = HERE / "RESULTS.md"
MODEL_300 = HERE / "model_300.py"
GENERATED_END = "<!-- end of generated results: everything below is kept when run.py rewrites this file -->"

# Targets of issue 7.
TARGET_SUMMARY_RATIO = 20.0  # kerascheck summary vs python FILE under TF, median over seeds
TARGET_MODEL_RATIO = 100.0  # per-model resolve vs TF build
TARGET_LINT_VS_PARSE = 1.3  # check --no-cache vs bare libcst parsing
TARGET_WARM_CACHE_S = 2.0
TARGET_LATENCY_S = 0.150
TARGET_RSS_MB = 300.0

# keras.applications benchmarked by default (one per family); --applications all for every fixture.
APPLICATIONS_DEFAULT = ["MobileNetV2", "ResNet50", "DenseNet121", "EfficientNetB0", "ConvNeXtTiny",
                        "InceptionV3", "VGG16", "NASNetMobile", "Xception", "MobileNetV3Small"]


# -- measuring processes -------------------------------------------------------------------------

@dataclass
class Run:
    wall: float
    cpu: float  # user + sys of the process and its reaped children
    maxrss_mb: float  # the largest single process (wait4 ru_maxrss)
    tree_mb: float | None  # sampled peak of the sum over the process tree (when asked)
    rc: int
    stdout: str
    stderr: str
    timed_out: bool = False


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, rss pages), from /proc (Linux)."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                data = f.read()
        except OSError:
            continue
        rest = data[data.rindex(b")") + 2:].split()
        table[int(entry)] = (int(rest[1]), int(rest[21]))
    return table


def _tree_rss_mb(root: int, include_root: bool = True) -> float:
    table = _proc_table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in table and (include_root or pid != root):
            total += table[pid][1]
        todo.extend(children.get(pid, ()))
    return total * os.sysconf("SC_PAGE_SIZE") / 2**20


# Runs the measured command and reports its own rusage. The command is started from this small
# process, not from the benchmark: a child's ru_maxrss also counts the memory of the process it was
# (v)forked from, and the benchmark holds the whole corpus in memory.
LAUNCHER = r"""
import json, os, subprocess, sys, time
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(proc.pid, 0)
wall = time.perf_counter() - start
with open(sys.argv[1], "w") as f:
    json.dump([wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status), proc.pid], f)
"""


def measure(cmd: list[str], cwd: Path | str | None = None, env: dict | None = None, timeout: float = 3600,
            sample_tree: bool = False) -> Run:
    """Run ``cmd`` to completion: wall time, CPU time and peak RSS from its own rusage (wait4)."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile(suffix=".json", delete=False) as figures:
        figures.close()
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, figures.name, *cmd], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True)
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except OSError:
                pass

        timer = threading.Timer(timeout, kill)
        timer.start()
        peak = [0.0]
        done = threading.Event()
        sampler = None
        if sample_tree and os.path.isdir("/proc"):
            def sample() -> None:
                while not done.wait(0.05):
                    try:
                        peak[0] = max(peak[0], _tree_rss_mb(proc.pid, include_root=False))
                    except (OSError, ValueError, IndexError):
                        pass
            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
        proc.wait()
        outer = time.perf_counter() - start
        done.set()
        timer.cancel()
        if sampler is not None:
            sampler.join()
        try:
            wall, cpu, maxrss_kb, rc, _ = json.loads(Path(figures.name).read_text() or "null")
        except (OSError, TypeError, ValueError):  # killed
            wall, cpu, maxrss_kb, rc = outer, float("nan"), 0, proc.returncode
        finally:
            Path(figures.name).unlink(missing_ok=True)
        out.seek(0)
        err.seek(0)
        return Run(wall, cpu, maxrss_kb / 1024, peak[0] if sampler is not None else None, rc,
                   out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"), timed_out.is_set())


def repeat(fn, runs: int, budget: float) -> list:
    """Call ``fn`` up to ``runs`` times; stop early (at least once) when ``budget`` seconds are spent."""
    results, start = [], time.perf_counter()
    for _ in range(runs):
        results.append(fn())
        if time.perf_counter() - start > budget:
            break
    return results


def med(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def child_env() -> dict:
    env = dict(os.environ)
    # A pip-installed package has its bytecode compiled; let the measured processes cache theirs too.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    for key in ("COLUMNS", "LINES", "FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(key, None)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    # The measured kerascheck is this checkout's (a worktree), whatever the interpreter has installed.
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def kerascheck_cmd() -> list[str]:
    script = Path(sys.executable).parent / "kerascheck"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from kerascheck.cli import main; sys.exit(main())"]


def has_module(python: str, name: str) -> bool:
    """``find_spec`` in another interpreter (nothing imported)."""
    code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({name!r}) is None)"
    try:
        return subprocess.run([python, "-c", code], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def find_tf_python(choice: str | None) -> str | None:
    if choice is not None:
        if choice.lower() == "none":
            return None
        if not has_module(choice, "tensorflow"):
            sys.exit(f"--tf-python {choice}: cannot import tensorflow")
        return choice
    if has_module(sys.executable, "tensorflow"):
        return sys.executable
    if DEFAULT_TF_PYTHON.exists() and has_module(str(DEFAULT_TF_PYTHON), "tensorflow"):
        return str(DEFAULT_TF_PYTHON)
    return None


def fmt_s(seconds: float) -> str:
    if seconds != seconds:  # nan
        return "n/a"
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def fmt_ratio(r: float) -> str:
    return "n/a" if r != r else f"{r:.1f}×"


# -- report --------------------------------------------------------------------------------------

class Report:
    """Prints as it goes and keeps markdown for RESULTS.md and figures for --json."""

    def __init__(self) -> None:
        self.md: list[str] = []
        self.data: dict = {}
        self.targets: list[tuple[str, str, str, bool | None]] = []  # (target, measured, gap, met)

    def heading(self, text: str) -> None:
        print(f"\n== {text} ==", flush=True)
        self.md += ["", f"## {text}", ""]

    def note(self, text: str) -> None:
        print(text, flush=True)
        self.md += [text, ""]

    def table(self, header: list[str], rows: list[list[str]]) -> None:
        widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
        for row in [header, *rows]:
            print("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip(), flush=True)
        self.md.append("| " + " | ".join(header) + " |")
        self.md.append("|" + "|".join("---" for _ in header) + "|")
        for row in rows:
            self.md.append("| " + " | ".join(str(c) for c in row) + " |")
        self.md.append("")

    def target(self, name: str, measured: str, met: bool | None, gap: str = "") -> None:
        self.targets.append((name, measured, gap, met))


# -- 1. fixture scripts: kerascheck summary vs python FILE under TF ------------------------------

def fixture_scripts(quick: bool) -> list[Path]:
    seeds = sorted((ROOT / "fixtures" / "seeds").glob("*.py"))
    features = sorted((ROOT / "fixtures" / "features").glob("*.py"))
    return seeds[:2] if quick else seeds + features


def section_scripts(rep: Report, args, tf_python: str | None) -> None:
    rep.heading("1. Fixture scripts: `kerascheck summary FILE` vs `python FILE` under TensorFlow (whole process)")
    scripts = fixture_scripts(args.quick)
    env = child_env()
    kc = kerascheck_cmd()
    if tf_python is None:
        rep.note("TensorFlow side skipped: no interpreter with tensorflow (--tf-python).")
    # kerascheck runs in a scratch folder, so its result cache (.kerascheck_cache/) lands there.
    scratch = tempfile.TemporaryDirectory()
    # Warm-up: page cache, bytecode, TF's shared libraries.
    measure(kc + ["summary", "--no-cache", str(scripts[0])], cwd=scratch.name, env=env)
    if tf_python is not None:
        measure([tf_python, str(scripts[0])], cwd=scripts[0].parent, env=env, timeout=args.tf_timeout)
    rows, figures, ratios_seeds, ratios_all, cold_seeds = [], [], [], [], []
    for script in scripts:
        measure(kc + ["summary", str(script)], cwd=scratch.name, env=env)  # fills the cache
        kc_runs, cold_runs, tf_runs = [], [], []
        for i in range(args.runs):  # interleaved, so load changes hit both sides alike
            kc_runs.append(measure(kc + ["summary", str(script)], cwd=scratch.name, env=env))
            cold_runs.append(measure(kc + ["summary", "--no-cache", str(script)], cwd=scratch.name, env=env))
            if tf_python is not None and i < args.tf_runs:
                tf_runs.append(measure([tf_python, str(script)], cwd=script.parent, env=env, timeout=args.tf_timeout))
        kc_wall, kc_cpu = med(r.wall for r in kc_runs), med(r.cpu for r in kc_runs)
        cold_wall, cold_cpu = med(r.wall for r in cold_runs), med(r.cpu for r in cold_runs)
        ok = all(r.rc == 0 for r in kc_runs + cold_runs) and all(r.stdout == cold_runs[0].stdout for r in kc_runs)
        row = {"script": str(script.relative_to(ROOT)), "kerascheck_wall": kc_wall, "kerascheck_cpu": kc_cpu,
               "kerascheck_ok": ok, "runs": len(kc_runs), "no_cache_wall": cold_wall, "no_cache_cpu": cold_cpu}
        tf_wall = tf_cpu = ratio = cpu_ratio = cold_ratio = float("nan")
        if tf_runs:
            tf_wall, tf_cpu = med(r.wall for r in tf_runs), med(r.cpu for r in tf_runs)
            ratio, cpu_ratio, cold_ratio = tf_wall / kc_wall, tf_cpu / kc_cpu, tf_wall / cold_wall
            row.update(tf_wall=tf_wall, tf_cpu=tf_cpu, tf_ok=all(r.rc == 0 for r in tf_runs), tf_runs=len(tf_runs),
                       ratio=ratio, cpu_ratio=cpu_ratio, no_cache_ratio=cold_ratio)
            (ratios_seeds if "/seeds/" in row["script"] else ratios_all).append(ratio)
            if "/seeds/" in row["script"]:
                cold_seeds.append(cold_ratio)
        figures.append(row)
        rows.append([script.name, fmt_s(kc_wall), fmt_s(kc_cpu), fmt_s(cold_wall), fmt_s(cold_cpu), fmt_s(tf_wall),
                     fmt_s(tf_cpu), fmt_ratio(ratio), fmt_ratio(cpu_ratio), fmt_ratio(cold_ratio),
                     "" if ok else "kerascheck exit≠0 or output differs"])
        print(f"  {script.name}: kerascheck {fmt_s(kc_wall)} (--no-cache {fmt_s(cold_wall)}), TF {fmt_s(tf_wall)}, "
              f"{fmt_ratio(ratio)}", flush=True)
    scratch.cleanup()
    rep.md.append(f"kerascheck runs per script: {args.runs} with the result cache (filled by one run before: the "
                  f"script unchanged since the last run) and {args.runs} with `--no-cache` (a changed script: parse "
                  f"and analysis); TensorFlow runs per script: {args.tf_runs if tf_python else 0} (after one warm-up). "
                  "Wall = elapsed; CPU = user+sys of the process tree (TensorFlow's CPU includes its thread pools).")
    rep.md.append("")
    rep.table(["script", "kerascheck wall", "kerascheck CPU", "`--no-cache` wall", "`--no-cache` CPU", "TF wall",
               "TF CPU", "ratio (wall)", "ratio (CPU)", "ratio `--no-cache` (wall)", ""], rows)
    all_ratios = ratios_seeds + ratios_all
    med_seeds, med_cold = med(ratios_seeds), med(cold_seeds)
    rep.data["scripts"] = {"rows": figures, "median_ratio_seeds": med_seeds, "median_ratio_all": med(all_ratios),
                           "median_ratio_seeds_no_cache": med_cold}
    if ratios_seeds:
        rep.note(f"Median ratio over the seeds: **{fmt_ratio(med_seeds)}** (all fixtures: {fmt_ratio(med(all_ratios))}); "
                 f"with `--no-cache`: {fmt_ratio(med_cold)}.")
        rep.target(f"`summary` ≥ {TARGET_SUMMARY_RATIO:.0f}× faster than TF (median over seeds)", fmt_ratio(med_seeds),
                   med_seeds >= TARGET_SUMMARY_RATIO,
                   "" if med_seeds >= TARGET_SUMMARY_RATIO else f"{TARGET_SUMMARY_RATIO / med_seeds:.1f}× short")
        rep.target(f"`summary --no-cache` ≥ {TARGET_SUMMARY_RATIO:.0f}× faster than TF (median over seeds)",
                   fmt_ratio(med_cold), med_cold >= TARGET_SUMMARY_RATIO,
                   "" if med_cold >= TARGET_SUMMARY_RATIO else f"{TARGET_SUMMARY_RATIO / med_cold:.1f}× short")
    else:
        rep.target(f"`summary` ≥ {TARGET_SUMMARY_RATIO:.0f}× faster than TF (median over seeds)", "not measured (no TF)", None)


# -- 2. per-model marginal cost ------------------------------------------------------------------

def _set_seeds(args) -> list[Path]:
    return sorted((ROOT / "fixtures" / "seeds").glob("*.py"))[: 2 if args.quick else None]


def _set_features(args) -> list[Path]:
    return [] if args.quick else sorted((ROOT / "fixtures" / "features").glob("*.py"))


def _set_applications(args) -> list[Path]:
    folder = ROOT / "fixtures" / "applications"
    if args.quick or not folder.is_dir():
        return []
    if args.applications == "all":
        return sorted(folder.glob("*.py"))
    names = APPLICATIONS_DEFAULT if args.applications == "default" else args.applications.split(",")
    return [folder / f"{n}.py" for n in names if (folder / f"{n}.py").exists()]


# Pluggable: name -> (scripts to time, whether the engine must find the installed Keras source).
MODEL_SETS = {
    "seeds": (_set_seeds, False),
    "features": (_set_features, False),
    "applications": (_set_applications, True),
}

ENGINE_WORKER = r"""
import json, sys, time
sys.path.insert(0, sys.argv[3])
import libcst
from kerascheck.analysis import analyze_source
files, runs = json.loads(open(sys.argv[1]).read()), int(sys.argv[2])
out = {}
for path in files:
    source = open(path, encoding="utf-8").read()
    for _ in range(2):  # warm-up: imports, registries, caches
        analysis = analyze_source(source, path)
    walls, cpus, parses = [], [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        analysis = analyze_source(source, path)
        cpus.append(time.process_time() - c)
        walls.append(time.perf_counter() - w)
        w = time.perf_counter()
        libcst.parse_module(source)
        parses.append(time.perf_counter() - w)
    result = analysis.result
    models = len(result.keras.models) if result is not None else 0
    predicted = sum(1 for e in result.summaries if e.snapshot is not None) if result is not None else 0
    summaries = len(result.summaries) if result is not None else 0
    out[path] = {"walls": walls, "cpus": cpus, "parses": parses, "models": models, "summaries": summaries, "predicted": predicted,
                 "unresolved": len(result.unresolved) if result is not None else 0,
                 "error": result.error.message if result is not None and result.error else None}
print(json.dumps(out))
"""

TF_WORKER = r"""
import contextlib, gc, io, json, os, runpy, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf
import keras
from keras.src.models.model import Model
Model.summary = lambda self, *a, **k: None  # building is timed, not rich's table rendering
files, runs = json.loads(open(sys.argv[1]).read()), int(sys.argv[2])
out = {}
for path in files:
    os.chdir(os.path.dirname(path))
    walls, cpus, error = [], [], None
    for i in range(runs + 1):  # the first run is the warm-up
        keras.backend.clear_session()
        gc.collect()
        sys.argv = [path]
        sink = io.StringIO()
        w, c = time.perf_counter(), time.process_time()
        try:
            with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
                runpy.run_path(path, run_name="__main__")
        except BaseException as exc:
            error = f"{type(exc).__name__}: {exc}"[:200]
        if i:
            cpus.append(time.process_time() - c)
            walls.append(time.perf_counter() - w)
    out[path] = {"walls": walls, "cpus": cpus, "error": error}
print("@@RESULT@@" + json.dumps(out))
"""


def engine_python(need_keras_source: bool, tf_python: str | None) -> str:
    """This interpreter, unless keras.applications need the Keras source and only the TF one has it."""
    if need_keras_source and not has_module(sys.executable, "keras") and tf_python and has_module(tf_python, "kerascheck"):
        return tf_python
    return sys.executable


def section_models(rep: Report, args, tf_python: str | None) -> None:
    rep.heading("2. Per-model marginal cost: engine resolve (in-process) vs TensorFlow build (TF already imported)")
    sets = [s for s in args.model_sets.split(",") if s]
    chosen: list[tuple[str, Path]] = []
    for name in sets:
        if name not in MODEL_SETS:
            sys.exit(f"unknown model set {name!r}; known: {', '.join(MODEL_SETS)}")
        chooser, _ = MODEL_SETS[name]
        chosen += [(name, p) for p in chooser(args)]
    need_keras = any(MODEL_SETS[name][1] for name, _ in chosen)
    engine_py = engine_python(need_keras, tf_python)
    if need_keras and not has_module(engine_py, "keras"):
        rep.note("keras.applications skipped: no interpreter that runs kerascheck can locate the Keras source.")
        chosen = [(n, p) for n, p in chosen if not MODEL_SETS[n][1]]
    rep.note(f"Engine worker: `{engine_py}`; TensorFlow worker: `{tf_python or 'none'}`. Engine: median of "
             f"{args.engine_runs} `analyze_source` calls after 2 warm-ups; TensorFlow: median of {args.tf_runs} "
             "`runpy.run_path` of the same script after one warm-up, `keras.backend.clear_session()` before each, "
             "`summary()` stubbed out (building is timed, not rendering). Per model = per script / models the "
             "script creates.")
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.json"
        listing.write_text(json.dumps([str(p) for _, p in chosen]))
        proc = subprocess.run([engine_py, "-c", ENGINE_WORKER, str(listing), str(args.engine_runs), str(ROOT)],
                              capture_output=True, text=True, env=child_env(), timeout=args.tf_timeout * 4)
        if proc.returncode != 0:
            rep.note(f"engine worker failed: {proc.stderr.strip()[-2000:]}")
            return
        engine = json.loads(proc.stdout)
        tf: dict = {}
        if tf_python is not None:
            proc = subprocess.run([tf_python, "-c", TF_WORKER, str(listing), str(args.tf_runs)], capture_output=True,
                                  text=True, env=child_env(), timeout=args.tf_timeout * max(4, len(chosen)))
            marker = proc.stdout.rfind("@@RESULT@@")
            if proc.returncode != 0 or marker < 0:
                rep.note(f"TensorFlow worker failed: {proc.stderr.strip()[-2000:]}")
            else:
                tf = json.loads(proc.stdout[marker + len("@@RESULT@@"):])
    rows, figures, ratios, ratios_np = [], [], {}, []
    for name, path in chosen:
        e = engine[str(path)]
        models = e["models"]
        recording = path.with_suffix(".recording.json")
        if recording.exists():
            models = len(json.loads(recording.read_text()).get("models", [])) or models
        ew, ec, ep = med(e["walls"]), med(e["cpus"]), med(e["parses"])
        t = tf.get(str(path))
        tw = tc = ratio = ratio_np = float("nan")
        # A script the engine does not follow to the end costs it nothing: no ratio.
        followed = e["summaries"] > 0 and e["predicted"] == e["summaries"]
        if t is not None:
            tw, tc = med(t["walls"]), med(t["cpus"])
            if followed:
                ratio = tw / ew
                ratios.setdefault(name, []).append(ratio)
                ratio_np = tw / max(ew - ep, 1e-9)
                ratios_np.append(ratio_np)
        resolved = f"{e['predicted']}/{e['summaries']}" + ("" if followed else " (not followed: no ratio)")
        per = max(models, 1)
        figures.append({"set": name, "script": str(path.relative_to(ROOT)), "models": models, "engine_wall": ew,
                        "engine_cpu": ec, "engine_parse": ep, "ratio_without_parse": ratio_np, "tf_wall": tw, "tf_cpu": tc, "ratio": ratio, "summaries_predicted": resolved,
                        "engine_error": e["error"], "tf_error": t and t["error"]})
        rows.append([name, path.stem, str(models), resolved, fmt_s(ew / per), fmt_s(tw / per), fmt_ratio(ratio),
                     f"{ep / ew:.0%}" if ew == ew and ew > 0 else "n/a", fmt_ratio(ratio_np),
                     "TF raised: " + t["error"] if t and t["error"] else ""])
    rep.table(["set", "script", "models", "summaries predicted", "engine / model", "TF build / model", "ratio",
               "parse share of engine", "ratio without the parse", ""], rows)
    every = [r for rs in ratios.values() for r in rs]
    rep.data["models"] = {"rows": figures, "median_ratio": med(every), "median_ratio_without_parse": med(ratios_np),
                          "median_ratio_by_set": {k: med(v) for k, v in ratios.items()},
                          "min_ratio": min(every) if every else None}
    if every:
        by_set = ", ".join(f"{k} {fmt_ratio(med(v))}" for k, v in ratios.items())
        rep.note(f"Median ratio: **{fmt_ratio(med(every))}** ({by_set}); smallest: {fmt_ratio(min(every))}. "
                 f"Without the engine's libcst parse of the script (a per-file cost, not a per-model one): "
                 f"median {fmt_ratio(med(ratios_np))}.")
        m = med(every)
        rep.target(f"per-model resolve ≥ {TARGET_MODEL_RATIO:.0f}× cheaper than TF's build (median)", fmt_ratio(m),
                   m >= TARGET_MODEL_RATIO, "" if m >= TARGET_MODEL_RATIO else f"{TARGET_MODEL_RATIO / m:.1f}× short")
        worst = min(every)
        rep.target(f"per-model resolve ≥ {TARGET_MODEL_RATIO:.0f}× cheaper (every script)", f"min {fmt_ratio(worst)}",
                   worst >= TARGET_MODEL_RATIO,
                   "" if worst >= TARGET_MODEL_RATIO else
                   ", ".join(f"{r[1]} {r[6]}" for r in rows if r[6] != "n/a" and float(r[6][:-1]) < TARGET_MODEL_RATIO))
    else:
        rep.target(f"per-model resolve ≥ {TARGET_MODEL_RATIO:.0f}× cheaper than TF's build", "not measured (no TF)", None)


# -- 3 and 5. corpus throughput and memory ---------------------------------------------------------

def corpus_dirs(args, tf_python: str | None) -> tuple[list[Path], str]:
    if args.corpus:
        return [Path(c) for c in args.corpus], "given with --corpus"
    code = ("import importlib.util, json\n"
            "out = []\n"
            "for name in ('keras', 'tensorflow'):\n"
            "    spec = importlib.util.find_spec(name)\n"
            "    if spec is not None and spec.submodule_search_locations:\n"
            "        out.append(list(spec.submodule_search_locations)[0])\n"
            "print(json.dumps(out))\n")
    for python in [p for p in (tf_python, sys.executable, str(DEFAULT_TF_PYTHON) if DEFAULT_TF_PYTHON.exists() else None) if p]:
        try:
            found = json.loads(subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60).stdout)
        except (OSError, ValueError, subprocess.TimeoutExpired):
            continue
        if found:
            return [Path(f) for f in found], f"the installed packages of `{python}`"
    return [ROOT / "fixtures", ROOT / "kerascheck"], "kerascheck's own fixtures and sources (no keras/tensorflow installed)"


FLOOR_WORKER = r"""
import json, sys, time
import libcst
files, runs, budget = json.loads(open(sys.argv[1]).read()), int(sys.argv[2]), float(sys.argv[3])
sources = [open(f, encoding="utf-8").read() for f in files]
passes, start = [], None
for i in range(runs + 1):  # the first pass is the warm-up
    w, c = time.perf_counter(), time.process_time()
    for source in sources:
        try:
            libcst.parse_module(source)
        except Exception:
            pass
    if i:
        passes.append([time.perf_counter() - w, time.process_time() - c])
        start = start or w
        if time.perf_counter() - start > budget:
            break
print(json.dumps(passes))
"""


def count_internal_errors(stderr: str) -> int:
    return sum(1 for line in stderr.splitlines() if "internal error" in line)


def count_timeouts(stderr: str, stdout: str) -> int:
    return sum(1 for line in (stderr + stdout).splitlines() if "timed out" in line or "timeout" in line.lower())


def section_corpus(rep: Report, args, tf_python: str | None) -> None:
    from kerascheck.check import mentions_keras
    from kerascheck.files import iter_python_files

    rep.heading("3. Lint throughput over a corpus (and 5. peak RSS)")
    dirs, origin = corpus_dirs(args, tf_python)
    walked = list(iter_python_files([str(d) for d in dirs]))
    if args.quick:  # a spread-out sample, named file by file on the command line
        step = max(1, len(walked) // args.quick_files)
        walked = walked[::step][: args.quick_files]
        targets = [str(p) for p in walked]
    else:
        targets = [str(d) for d in dirs]
    sources, skipped, lines, nbytes = [], 0, 0, 0
    largest = (0, "")
    for path in walked:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if not mentions_keras(data):
            skipped += 1
            continue
        lines += data.count(b"\n")
        nbytes += len(data)
        largest = max(largest, (data.count(b"\n"), str(path)))
        try:
            data.decode("utf-8")
            sources.append(str(path))
        except UnicodeDecodeError:
            pass
    parsed = len(sources)
    rep.note(f"Corpus: {', '.join(f'`{d}`' for d in dirs)} ({origin}){' — quick sample' if args.quick else ''}: "
             f"{len(walked)} Python files; the byte scan skips {skipped} ({skipped / max(len(walked), 1):.0%}); "
             f"{parsed} files, {lines:,} lines, {nbytes / 2**20:.1f} MB are parsed and analysed; the largest file "
             f"has {largest[0]:,} lines (`{Path(largest[1]).name}`).")

    # The floor: bare libcst.parse_module over the same files, in a process of its own (for its RSS),
    # timed inside it (files read and decoded before the clock starts); one warm-up pass first.
    with tempfile.TemporaryDirectory() as tmp:
        listing = Path(tmp) / "files.json"
        listing.write_text(json.dumps(sources))
        floor_run = measure([sys.executable, "-c", FLOOR_WORKER, str(listing), str(args.corpus_runs), str(args.budget)],
                            env=child_env(), timeout=args.corpus_timeout)
    if floor_run.rc != 0:
        sys.exit(f"bare-parse worker failed: {floor_run.stderr[-2000:]}")
    floor = json.loads(floor_run.stdout)
    floor_wall, floor_cpu = med(f[0] for f in floor), med(f[1] for f in floor)

    kc = kerascheck_cmd()
    env = child_env()
    jobs = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    results: dict[str, list[Run]] = {}
    with tempfile.TemporaryDirectory() as nocache_cwd, tempfile.TemporaryDirectory() as cache_cwd:
        def check(extra: list[str], cwd: str) -> Run:
            return measure(kc + ["check", *extra, *targets], cwd=cwd, env=env, timeout=args.corpus_timeout,
                           sample_tree=True)

        results["j1"] = repeat(lambda: check(["--no-cache", "-j1"], nocache_cwd), args.corpus_runs, args.budget)
        cold = check([f"-j{jobs}"], cache_cwd)  # analyses everything and fills the cache for the warm runs
        results["cold"] = [cold]
        if cold.wall < args.budget:
            results["jN"] = repeat(lambda: check(["--no-cache", f"-j{jobs}"], nocache_cwd), args.corpus_runs,
                                   args.budget)
        else:  # the same work (plus cache writes): not worth repeating when one run exceeds the budget
            results["jN"] = [cold]
            rep.note(f"The cold-cache `-j{jobs}` run took longer than --budget ({args.budget:.0f} s): it stands for "
                     f"the `--no-cache -j{jobs}` figure.")
        results["warm"] = repeat(lambda: check([], cache_cwd), max(args.corpus_runs, 3), args.budget)

    def row(label: str, wall: float, cpu: float, runs: list[Run] | None, n: int) -> list[str]:
        rss = f"{max(r.maxrss_mb for r in runs):.0f} MB" if runs else ""
        tree = f"{max(r.tree_mb or 0 for r in runs):.0f} MB" if runs and any(r.tree_mb for r in runs) else ""
        return [label, str(n), fmt_s(wall), fmt_s(cpu), f"{parsed / wall:,.0f}", f"{lines / wall:,.0f}",
                f"{wall / floor_wall:.2f}×", rss, tree]

    rows = [row("bare `libcst.parse_module` (timed in its process)", floor_wall, floor_cpu, [floor_run], len(floor))]
    labels = {"j1": "`check --no-cache -j1`", "jN": f"`check --no-cache -j{jobs}`",
              "cold": f"`check -j{jobs}` (cold cache: fills it)", "warm": "`check` (warm cache, default -j)"}
    figures: dict = {"files": len(walked), "skipped": skipped, "parsed": parsed, "lines": lines, "jobs": jobs,
                     "floor_wall": floor_wall, "floor_cpu": floor_cpu}
    internal = timeouts = 0
    for key in ("j1", "jN", "cold", "warm"):
        runs = results[key]
        wall, cpu = med(r.wall for r in runs), med(r.cpu for r in runs)
        rows.append(row(labels[key], wall, cpu, runs, len(runs)))
        last = runs[-1]
        ie = max(count_internal_errors(r.stderr) for r in runs)
        to = max(count_timeouts(r.stderr, "") + (1 if r.timed_out else 0) for r in runs)
        internal, timeouts = max(internal, ie), max(timeouts, to)
        figures[key] = {"wall": wall, "cpu": cpu, "runs": len(runs), "maxrss_mb": max(r.maxrss_mb for r in runs),
                        "tree_mb": max(r.tree_mb or 0 for r in runs), "internal_errors": ie, "timeouts": to,
                        "exit": last.rc, "diagnostics": len(last.stdout.splitlines())}
    rep.table(["", "runs", "wall", "CPU", "files/s", "lines/s", "vs parse", "peak RSS (largest process)",
               "peak RSS (sum over processes)"], rows)
    rep.note(f"Diagnostics reported over the corpus: {figures['j1']['diagnostics']}; internal errors: **{internal}**; "
             f"timeouts: **{timeouts}** (a whole run is killed after {args.corpus_timeout:.0f} s; check's own "
             "per-file timeout diagnostics are counted too).")
    rep.data["corpus"] = figures
    j1 = figures["j1"]["wall"] / floor_wall
    j1cpu = figures["j1"]["cpu"] / floor_cpu
    rep.target(f"`check --no-cache -j1` within {TARGET_LINT_VS_PARSE}× of bare parsing", f"{j1:.2f}× (CPU {j1cpu:.2f}×)",
               j1 <= TARGET_LINT_VS_PARSE, "" if j1 <= TARGET_LINT_VS_PARSE else f"{j1 / TARGET_LINT_VS_PARSE:.1f}× over")
    jn = figures["jN"]["wall"] / floor_wall
    rep.target(f"`check --no-cache -j{jobs}` within {TARGET_LINT_VS_PARSE}× of bare (single-core) parsing", f"{jn:.2f}×",
               jn <= TARGET_LINT_VS_PARSE, "" if jn <= TARGET_LINT_VS_PARSE else f"{jn / TARGET_LINT_VS_PARSE:.1f}× over")
    warm = figures["warm"]["wall"]
    rep.target(f"warm-cache re-run < {TARGET_WARM_CACHE_S:.0f} s", fmt_s(warm), warm < TARGET_WARM_CACHE_S,
               "" if warm < TARGET_WARM_CACHE_S else f"{warm - TARGET_WARM_CACHE_S:.2f} s over")
    rss1 = figures["j1"]["maxrss_mb"]
    rssn = figures["jN"]["tree_mb"]
    rep.target(f"peak RSS < {TARGET_RSS_MB:.0f} MB, corpus run (`-j1`)", f"{rss1:.0f} MB", rss1 < TARGET_RSS_MB,
               "" if rss1 < TARGET_RSS_MB else f"{rss1 - TARGET_RSS_MB:.0f} MB over")
    rep.target(f"peak RSS < {TARGET_RSS_MB:.0f} MB, corpus run (`-j{jobs}`, summed over processes)", f"{rssn:.0f} MB",
               rssn < TARGET_RSS_MB, "" if rssn < TARGET_RSS_MB else f"{rssn - TARGET_RSS_MB:.0f} MB over")
    rep.target("zero internal errors and zero timeouts over the corpus", f"{internal} internal errors, {timeouts} timeouts",
               internal == 0 and timeouts == 0)


# -- 4 and 5. single-file latency ----------------------------------------------------------------

def section_latency(rep: Report, args) -> None:
    rep.heading("4. Single-file latency: `kerascheck check` on benchmarks/model_300.py (whole process, and 5. RSS)")
    n_lines = MODEL_300.read_text().count("\n")
    kc = kerascheck_cmd()
    env = child_env()
    runs = max(args.runs, 3) if args.quick else max(args.runs * 2, 10)
    commands = {
        "`python -c pass` (interpreter start, the floor)": [sys.executable, "-c", "pass"],
        "`python -c 'import kerascheck.cli'`": [sys.executable, "-c", "import kerascheck.cli"],
        "`python -c 'import libcst'` (the parser's import alone)": [sys.executable, "-c", "import libcst"],
        "`kerascheck check --no-cache model_300.py`": kc + ["check", "--no-cache", str(MODEL_300)],
        "`kerascheck check model_300.py` (warm cache)": kc + ["check", str(MODEL_300)],
        "`kerascheck summary --no-cache model_300.py`": kc + ["summary", "--no-cache", str(MODEL_300)],
        "`kerascheck summary model_300.py` (warm cache)": kc + ["summary", str(MODEL_300)],
    }
    rows, figures = [], {}
    with tempfile.TemporaryDirectory() as cwd:
        for cmd in commands.values():  # warm-up (and fills the cache)
            measure(cmd, cwd=cwd, env=env)
        collected: dict[str, list[Run]] = {k: [] for k in commands}
        for _ in range(runs):  # interleaved
            for label, cmd in commands.items():
                collected[label].append(measure(cmd, cwd=cwd, env=env))
    for label, rs in collected.items():
        wall, cpu = med(r.wall for r in rs), med(r.cpu for r in rs)
        rss = max(r.maxrss_mb for r in rs)
        figures[label] = {"wall": wall, "cpu": cpu, "maxrss_mb": rss, "exit": rs[-1].rc, "runs": len(rs),
                          "internal_errors": max(count_internal_errors(r.stderr) for r in rs)}
        rows.append([label, str(len(rs)), fmt_s(wall), fmt_s(min(r.wall for r in rs)), fmt_s(cpu), f"{rss:.0f} MB"])
    rep.note(f"benchmarks/model_300.py: {n_lines} lines.")
    rep.table(["command", "runs", "median wall", "best wall", "median CPU", "peak RSS"], rows)
    rep.data["latency"] = figures
    key = "`kerascheck check --no-cache model_300.py`"
    wall, cpu = figures[key]["wall"], figures[key]["cpu"]
    rep.target(f"single 300-line file < {TARGET_LATENCY_S * 1000:.0f} ms (whole process, no cache)",
               f"{fmt_s(wall)} wall, {fmt_s(cpu)} CPU", wall < TARGET_LATENCY_S,
               "" if wall < TARGET_LATENCY_S else f"{(wall - TARGET_LATENCY_S) * 1000:.0f} ms over")
    rss = figures[key]["maxrss_mb"]
    rep.target(f"peak RSS < {TARGET_RSS_MB:.0f} MB, single file", f"{rss:.0f} MB", rss < TARGET_RSS_MB)


# -- machine description and RESULTS.md ----------------------------------------------------------

def machine() -> dict:
    info: dict = {"platform": platform.platform(), "python": sys.version.split()[0], "executable": sys.executable}
    try:
        cpuinfo = Path("/proc/cpuinfo").read_text()
        for key in ("model name", "cpu MHz", "cache size"):
            for line in cpuinfo.splitlines():
                if line.startswith(key):
                    info[key] = line.split(":", 1)[1].strip()
                    break
        info["logical cpus"] = cpuinfo.count("processor\t:")
    except OSError:
        pass
    info["nproc"] = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory"] = f"{int(mem) / 2**20:.1f} GB"
    except (OSError, IndexError, ValueError):
        pass
    return info


def versions(tf_python: str | None) -> dict:
    from kerascheck import __version__

    out = {"kerascheck": __version__}
    try:
        out["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                       text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no", "kerascheck"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        if dirty:
            out["commit"] += " (+ uncommitted changes under kerascheck/)"
    except OSError:
        pass
    from importlib.metadata import version
    out["libcst"] = version("libcst")
    if tf_python:
        code = ("from importlib.metadata import version; "
                "print(version('tensorflow-cpu') if __import__('importlib.util').util.find_spec('tensorflow') else '');"
                "print(version('keras'))")
        got = subprocess.run([tf_python, "-c", code], capture_output=True, text=True).stdout.split()
        if len(got) == 2:
            out["tensorflow"], out["keras"] = got
    return out


def loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def write_results(rep: Report, path: Path, header: list[str]) -> None:
    kept = ""
    if path.exists():
        text = path.read_text(encoding="utf-8")
        if GENERATED_END in text:
            kept = text.split(GENERATED_END, 1)[1]
    targets = ["", "## Targets", "", "| target | measured | met | gap |", "|---|---|---|---|"]
    for name, measured, gap, met in rep.targets:
        targets.append(f"| {name} | {measured} | {'yes' if met else 'not measured' if met is None else '**no**'} | {gap} |")
    body = "\n".join(header + targets + rep.md).rstrip() + "\n\n" + GENERATED_END + (kept or "\n")
    path.write_text(body, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smoke mode for CI: few files, one run each, writes nothing")
    parser.add_argument("--only", default="1,2,3,4", help="sections to run (5 comes with 3 and 4), e.g. 3,4")
    parser.add_argument("--tf-python", default=None, help="interpreter with tensorflow, or 'none'")
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (default 5; quick 1)")
    parser.add_argument("--tf-runs", type=int, default=None, help="timed TensorFlow runs per script (default 3; quick 1)")
    parser.add_argument("--engine-runs", type=int, default=None, help="timed in-process engine runs (default 7; quick 2)")
    parser.add_argument("--corpus", action="append", help="corpus folder (repeatable; default: installed keras + tensorflow)")
    parser.add_argument("--corpus-runs", type=int, default=None, help="timed runs of each corpus figure (default 3; quick 1)")
    parser.add_argument("--quick-files", type=int, default=20, help="corpus sample size in --quick")
    parser.add_argument("--budget", type=float, default=900, help="stop repeating a corpus figure after this many seconds")
    parser.add_argument("--corpus-timeout", type=float, default=7200, help="kill a corpus run after this many seconds")
    parser.add_argument("--tf-timeout", type=float, default=600, help="kill a TensorFlow script after this many seconds")
    parser.add_argument("--model-sets", default=None, help=f"comma-separated, from {', '.join(MODEL_SETS)}")
    parser.add_argument("--applications", default="default", help="'default' (one per family), 'all', or names")
    parser.add_argument("--write", default=None, help="markdown results file (default: benchmarks/RESULTS.md; "
                                                       "none in --quick); 'none' writes nothing")
    parser.add_argument("--json", default=None, help="also write the figures as JSON here")
    args = parser.parse_args(argv)
    quick = args.quick
    args.runs = args.runs or (1 if quick else 5)
    args.tf_runs = args.tf_runs or (1 if quick else 3)
    args.engine_runs = args.engine_runs or (2 if quick else 7)
    args.corpus_runs = args.corpus_runs or (1 if quick else 3)
    args.model_sets = args.model_sets or ("seeds" if quick else ",".join(MODEL_SETS))
    sections = {s.strip() for s in args.only.split(",")}
    write = args.write or ("none" if quick else str(RESULTS))

    started = datetime.datetime.now().astimezone()
    load_before = loadavg()
    tf_python = find_tf_python(args.tf_python) if sections & {"1", "2"} else None
    info, vers = machine(), versions(tf_python)
    command = "python benchmarks/run.py" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    print(f"kerascheck benchmarks: {started:%Y-%m-%d %H:%M %Z}; load average {load_before}; "
          f"TensorFlow interpreter: {tf_python or 'none'}", flush=True)
    rep = Report()
    t0 = time.perf_counter()
    if "1" in sections:
        section_scripts(rep, args, tf_python)
    if "2" in sections:
        section_models(rep, args, tf_python)
    if "3" in sections:
        section_corpus(rep, args, tf_python)
    if "4" in sections:
        section_latency(rep, args)
    elapsed = time.perf_counter() - t0
    load_after = loadavg()

    header = [
        "# kerascheck benchmark results",
        "",
        "Written by `benchmarks/run.py` (issue 7). Reproduce from the repository root with:",
        "",
        "```sh",
        f"{command}",
        "```",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M %Z}; the run took {elapsed / 60:.1f} min.",
        f"- Machine: {info.get('model name', platform.processor())}, {info.get('cpu MHz', '?')} MHz, "
        f"cache {info.get('cache size', '?')}; {info.get('logical cpus', '?')} logical CPUs, nproc {info['nproc']}; "
        f"{info.get('memory', '?')} RAM; {info['platform']}.",
        f"- Load average (1, 5, 15 min) at the start: {load_before}; at the end: {load_after}. "
        "Other processes share the machine when the load exceeds nproc: wall times stretch, CPU times much less.",
        f"- Python {info['python']} (`{info['executable']}`); " + ", ".join(f"{k} {v}" for k, v in vers.items()) + ".",
        f"- TensorFlow interpreter: `{tf_python or 'none'}`.",
        "- Child processes run with bytecode caching on (`PYTHONDONTWRITEBYTECODE` unset), as an installed package "
        "would; wall = elapsed time, CPU = user + sys of the process and its children.",
    ]
    rep.data.update(machine=info, versions=vers, load_before=load_before, load_after=load_after, command=command,
                    date=started.isoformat(), elapsed_s=elapsed)
    print("\n== Targets ==")
    for name, measured, gap, met in rep.targets:
        print(f"  [{'met' if met else '--' if met is None else 'GAP'}] {name}: {measured}" + (f" ({gap})" if gap else ""))
    print(f"\nload average at the end: {load_after}; {elapsed:.0f} s", flush=True)
    if write.lower() != "none":
        write_results(rep, Path(write), header)
        print(f"wrote {write}")
    if args.json:
        Path(args.json).write_text(json.dumps({**rep.data, "targets": rep.targets}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
