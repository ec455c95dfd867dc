"""``kerascheck summary`` must equal, byte for byte, what real Keras printed for each fixture.

The goldens (``NAME.summary.txt``, ``NAME.all-models.txt``) were recorded by scripts/record.py
under TensorFlow 2.21 / Keras 3.15; this test never imports TensorFlow.
"""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest

from kerascheck.analysis import analyze_file

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
GOLDEN_DIRS = ("seeds", "features")


# keras.applications builders are read from the installed Keras source (never imported).
NO_KERAS_SOURCE = pytest.mark.skipif(importlib.util.find_spec("keras") is None,
                                     reason="uses keras.applications: needs the keras package's source")


def _fixtures():
    for folder in GOLDEN_DIRS:
        for path in sorted((FIXTURES / folder).rglob("*.py")):
            if path.with_suffix(".recording.json").exists():
                marks = [NO_KERAS_SOURCE] if "keras.applications" in path.read_text(encoding="utf-8") else []
                yield pytest.param(path, id=str(path.relative_to(FIXTURES).with_suffix("")), marks=marks)


def dims_of(path: Path) -> dict[str, int]:
    """The values of a fixture's data-dependent sizes: its ``# kerascheck-dims: NAME=VALUE ...`` line."""
    match = re.search(r"^# kerascheck-dims: (.*)$", path.read_text(encoding="utf-8"), re.M)
    return {k: int(v) for k, v in (item.split("=") for item in match.group(1).split())} if match else {}


def _predicted(path: Path, all_models: bool) -> str:
    from kerascheck.summary.rows import snapshot

    analysis = analyze_file(path, dims=dims_of(path))
    assert analysis.result is not None, analysis.diagnostics
    if all_models:
        return "".join(snapshot(m).render(None, 80) for m in analysis.result.keras.models)
    missing = [(e.loc, e.reason) for e in analysis.result.summaries if e.snapshot is None]
    assert not missing, missing
    return "".join(e.snapshot.render(None, 80) for e in analysis.result.summaries)


@pytest.mark.parametrize("path", list(_fixtures()))
def test_summary_calls_match_keras(path: Path):
    recording = json.loads(path.with_suffix(".recording.json").read_text())
    assert recording["error"] is None, "golden fixtures must run cleanly under Keras"
    expected = path.with_suffix(".summary.txt").read_text(encoding="utf-8")
    assert _predicted(path, all_models=False) == expected


PARTIAL = sorted((FIXTURES / "partial").glob("*.py"))


@pytest.mark.parametrize("path", PARTIAL, ids=lambda p: p.stem)
def test_partial_fixtures_predict_every_summary_call(path: Path):
    """Fixtures that train, read files or leave some model rightly unknown at the end (built by fit()
    on data the analysis cannot see): verify skips part of them, so they are not in features/; every
    summary() call is still predicted exactly against the TF recording; --all-models is not compared."""
    recording = json.loads(path.with_suffix(".recording.json").read_text())
    assert recording["error"] is None
    assert _predicted(path, all_models=False) == path.with_suffix(".summary.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("path", list(_fixtures()))
def test_all_models_match_keras(path: Path):
    expected = path.with_suffix(".all-models.txt").read_text(encoding="utf-8")
    assert _predicted(path, all_models=True) == expected
