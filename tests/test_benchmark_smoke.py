"""Smoke run of the benchmark suite (benchmarks/run.py --quick): the TensorFlow-free parts only.

It checks that the suite runs end to end and that kerascheck behaves on the way (no internal
error, no timeout); it asserts no timing, which CI machines cannot promise.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_quick_tf_free(tmp_path):
    figures = tmp_path / "figures.json"
    cmd = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--tf-python", "none",
           "--corpus", str(ROOT / "fixtures" / "features"), "--json", str(figures)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads(figures.read_text())

    scripts = data["scripts"]["rows"]
    assert scripts and all(row["kerascheck_ok"] for row in scripts)
    models = data["models"]["rows"]
    assert models and all(row["engine_error"] is None for row in models)
    assert all(row["summaries_predicted"].split("/")[0] == row["summaries_predicted"].split("/")[1] for row in models)

    corpus = data["corpus"]
    assert corpus["parsed"] > 0
    for key in ("j1", "jN", "warm"):
        assert corpus[key]["internal_errors"] == 0 and corpus[key]["timeouts"] == 0, corpus[key]
        assert corpus[key]["exit"] in (0, 1), corpus[key]  # 2: usage or internal error

    latency = data["latency"]
    assert all(figure["exit"] == 0 and figure["internal_errors"] == 0 for figure in latency.values()), latency
    assert "Targets" in proc.stdout
