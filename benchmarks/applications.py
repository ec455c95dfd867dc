"""Every keras.applications fixture: does the predicted summary equal Keras's, and how long does the analysis take.

Usage (needs the keras package's source, e.g. the ``verify`` extra; nothing is imported from it):

    python benchmarks/applications.py [--repeat 3] [--write]

For each ``fixtures/applications/NAME.py`` (the 40 builders, default and ``include_top=False`` at
160x160) it times ``analyze_file`` in this process (median of ``--repeat`` runs after one warm-up, so
the parsed Keras sources are shared as in one ``kerascheck summary`` run over several files) and
compares the rendered summary with the recorded golden. Prints a Markdown table and the totals
(``--write``: also into benchmarks/APPLICATIONS.md, with the date, commit and machine load).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kerascheck.analysis import analyze_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="also write benchmarks/APPLICATIONS.md")
    args = parser.parse_args()
    load = os.getloadavg()
    rows, matched = [], 0
    for path in sorted((ROOT / "fixtures" / "applications").glob("*.py")):
        analyze_file(path)  # warm-up
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            analysis = analyze_file(path)
            times.append(time.perf_counter() - start)
        events = analysis.result.summaries if analysis.result else []
        predicted = "".join(e.snapshot.render(None, 80) for e in events if e.snapshot is not None)
        same = bool(events) and all(e.snapshot for e in events) and \
            predicted == path.with_suffix(".summary.txt").read_text(encoding="utf-8")
        matched += same
        rows.append((path.stem, statistics.median(times), same))
    times = [t for _, t, _ in rows]
    lines = ["| application | analysis (median) | byte-identical |", "|---|---|---|"]
    lines += [f"| {name} | {seconds * 1000:.0f} ms | {'yes' if same else '**no**'} |" for name, seconds, same in rows]
    lines.append(f"\n{matched}/{len(rows)} byte-identical; analysis median {statistics.median(times) * 1000:.0f} ms, "
                 f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms, total {sum(times):.1f} s")
    print("\n".join(lines))
    if args.write:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip()
        header = [
            "# keras.applications: exact summaries and analysis time", "",
            "Written by `python benchmarks/applications.py --write` (issue 6). In-process `analyze_file`, median of "
            f"{args.repeat} runs after a warm-up; {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC, "
            f"commit {commit}, {os.cpu_count()} CPUs, load average at the start {load[0]:.2f} (wall times stretch "
            "when the load exceeds the CPUs).", "",
        ]
        (ROOT / "benchmarks" / "APPLICATIONS.md").write_text("\n".join(header + lines) + "\n")


if __name__ == "__main__":
    main()
