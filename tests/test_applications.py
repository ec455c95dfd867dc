"""Every keras.applications builder, predicted from the installed Keras source, equals Keras's own summary.

The goldens (fixtures/applications/*.summary.txt) were recorded by scripts/record.py under
TensorFlow 2.21 / Keras 3.15. The engine reads the builders' source from the installed keras
package without importing it, so these tests need keras installed (the test extra has it), not
TensorFlow.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from kerascheck.analysis import analyze_file

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "applications"
# Builders the engine does not reproduce yet (strict: a fix must remove the name here).
NOT_YET: set[str] = set()

pytestmark = pytest.mark.skipif(importlib.util.find_spec("keras") is None, reason="needs the keras package's source")


def _cases():
    for path in sorted(FIXTURES.glob("*.py")):
        rec = path.with_suffix(".recording.json")
        if rec.exists() and json.loads(rec.read_text())["error"] is None:
            marks = [pytest.mark.xfail(strict=True, reason="not reproduced yet")] if path.stem in NOT_YET else []
            yield pytest.param(path, id=path.stem, marks=marks)


@pytest.mark.parametrize("path", list(_cases()))
def test_application_summary_matches_keras(path: Path):
    analysis = analyze_file(path)
    events = analysis.result.summaries
    assert events and events[0].snapshot is not None, [e.reason for e in events]
    predicted = "".join(e.snapshot.render(None, 80) for e in events)
    assert predicted == path.with_suffix(".summary.txt").read_text(encoding="utf-8")
