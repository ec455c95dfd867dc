#!/usr/bin/env python3
"""Profile kerascheck's engine (issue 7): where the time of ``check`` and ``summary`` goes.

    python benchmarks/profile_engine.py corpus [--sample 10] [--corpus DIR ...]   # the lint path, file by file
    python benchmarks/profile_engine.py seeds [--repeat 20]                      # the fixture scripts, in-process
    python benchmarks/profile_engine.py file PATH [--repeat 3]                    # one file

Each prints the slowest files (CPU seconds, lines, peak RSS growth), then cProfile's top functions
by own time and by cumulative time. ``--per-file-timeout`` flags files whose analysis runs longer
(a CPU-time timer interrupts them; nothing is fixed here). Standard library only (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import signal
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout()


def corpus_files(dirs: list[str]) -> tuple[list[Path], int]:
    from kerascheck.check import mentions_keras
    from kerascheck.files import iter_python_files

    walked = list(iter_python_files(dirs))
    parsed = [p for p in walked if mentions_keras(p.read_bytes())]
    return parsed, len(walked) - len(parsed)


def default_corpus() -> list[str]:
    import subprocess

    for python in (sys.executable, "/work/tfenv/bin/python"):
        code = ("import importlib.util\nfor n in ('keras', 'tensorflow'):\n    s = importlib.util.find_spec(n)\n"
                "    print(list(s.submodule_search_locations)[0] if s else '')")
        try:
            out = subprocess.run([python, "-c", code], capture_output=True, text=True, timeout=60).stdout.split()
        except OSError:
            continue
        if out:
            return out
    return [str(ROOT / "fixtures")]


def profile_files(files: list[Path], repeat: int, timeout: float, top: int, show_slowest: int) -> str:
    from kerascheck.check import lint_bytes
    from kerascheck.config import Config

    codes = Config().enabled_codes()
    out = io.StringIO()
    rows = []
    prof = cProfile.Profile(time.process_time)  # CPU time: the machine may be shared
    signal.signal(signal.SIGPROF, _alarm)  # CPU time, not wall: the machine may be shared
    total_cpu = 0.0
    started = time.perf_counter()
    for i, path in enumerate(files):
        data = path.read_bytes()
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        status = "ok"
        cpu = time.process_time()
        prof.enable()
        try:
            signal.setitimer(signal.ITIMER_PROF, timeout)
            for _ in range(repeat):
                lint_bytes(data, str(path), codes)
        except _Timeout:
            status = f"TIMEOUT (> {timeout:.0f} s CPU)"
        except Exception as exc:  # an internal error: report it, keep going
            status = f"internal error: {type(exc).__name__}: {exc}"[:160]
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            prof.disable()
        cpu = (time.process_time() - cpu) / repeat
        total_cpu += cpu
        grew = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
        rows.append((cpu, path, data.count(b"\n"), grew, status))
        if (i + 1) % 50 == 0:
            print(f"  {i + 1}/{len(files)} files, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    rows.sort(key=lambda r: r[0], reverse=True)
    print(f"{len(files)} files, {total_cpu:.1f} s CPU under cProfile (x{repeat}); peak RSS "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB", file=out)
    share = sum(r[0] for r in rows[:show_slowest]) / max(total_cpu, 1e-9)
    print(f"\nslowest {show_slowest} files ({share:.0%} of the CPU time):", file=out)
    for cpu, path, lines, grew, status in rows[:show_slowest]:
        print(f"  {cpu:8.2f} s  {lines:6d} lines  +{grew:5.0f} MB peak  {path}  {status if status != 'ok' else ''}", file=out)
    problems = [r for r in rows if r[4] != "ok"]
    print(f"\ntimeouts / internal errors: {len(problems)}", file=out)
    for cpu, path, lines, grew, status in problems:
        print(f"  {path}: {status}", file=out)
    for key in ("tottime", "cumulative"):
        s = io.StringIO()
        pstats.Stats(prof, stream=s).strip_dirs().sort_stats(key).print_stats(top)
        print(f"\n-- top {top} by {key} --", file=out)
        print("\n".join(line for line in s.getvalue().splitlines() if line.strip()), file=out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["corpus", "seeds", "file"])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--corpus", action="append", help="corpus folder (default: installed keras + tensorflow)")
    parser.add_argument("--sample", type=int, default=1, help="every Nth file of the corpus")
    parser.add_argument("--repeat", type=int, default=None, help="analyses per file (default: corpus 1, else 10)")
    parser.add_argument("--per-file-timeout", type=float, default=120.0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--slowest", type=int, default=25)
    args = parser.parse_args()
    if args.what == "corpus":
        files, skipped = corpus_files(args.corpus or default_corpus())
        files = files[:: args.sample]
        print(f"corpus: {len(files)} files analysed (byte scan skipped {skipped}), every {args.sample}th", flush=True)
        repeat = args.repeat or 1
    elif args.what == "seeds":
        files = sorted((ROOT / "fixtures" / "seeds").glob("*.py"))
        repeat = args.repeat or 10
    else:
        files = [Path(p) for p in args.paths]
        repeat = args.repeat or 10
    # Warm-up: imports and registries, outside the profile.
    from kerascheck.check import lint_bytes
    from kerascheck.config import Config
    lint_bytes(files[0].read_bytes(), str(files[0]), Config().enabled_codes()) if files else None
    print(profile_files(files, repeat, args.per_file_timeout, args.top, args.slowest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
