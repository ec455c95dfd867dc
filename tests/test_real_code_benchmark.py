"""The real-code benchmark's own logic (benchmarks/real_code.py), on hand-written examples.

No public code and no mirrors: a tiny git repository made here stands in for a mirror, and the
"truth" is the table of the README's example as Keras 3.15.1 prints it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks" / "real_code"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import compare  # noqa: E402
import corpus  # noqa: E402

SCRIPT = """import keras
from keras import layers
inputs = keras.Input(shape=(784,))
x = layers.Dense(64, activation="relu")(inputs)
model = keras.Model(inputs, layers.Dense(10)(x))
model.summary()
"""

TABLE = """Model: "functional"
┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓
┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃
┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩
│ input_layer (InputLayer)        │ (None, 784)            │             0 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense (Dense)                   │ (None, 64)             │        50,240 │
├─────────────────────────────────┼────────────────────────┼───────────────┤
│ dense_1 (Dense)                 │ (None, 10)             │           650 │
└─────────────────────────────────┴────────────────────────┴───────────────┘
 Total params: 50,890 (198.79 KB)
 Trainable params: 50,890 (198.79 KB)
 Non-trainable params: 0 (0.00 B)
"""

RENAMED = TABLE.replace('"functional"', '"functional_1"').replace("dense_1 (Dense)", "dense_7 (Dense)")
WRONG = TABLE.replace("(None, 10)             │           650", "(None, 12)             │           780")
SYMBOLIC = (TABLE.replace("(None, 10)             │           650", "(None, n_classes)      │  65*n_classes")
            .replace("50,890 (198.79 KB)", "65*n_classes + 50,240"))


def test_semantic_equality_ignores_names_not_shapes():
    assert compare.semantically_equal(RENAMED, TABLE)
    assert not compare.semantically_equal(WRONG, TABLE)
    assert compare.semantically_equal(SYMBOLIC, TABLE, symbolic=True)
    assert not compare.semantically_equal(SYMBOLIC, TABLE)
    rows = compare.parse_table(TABLE)["rows"]
    assert [r[0] for r in rows] == ["input_layer (InputLayer)", "dense (Dense)", "dense_1 (Dense)"]


def test_wrapped_cells_are_joined():
    wrapped = TABLE.replace("│ dense (Dense)                   │ (None, 64)             │        50,240 │",
                            "│ dense_with_a_long_name          │ (None, 64)             │        50,240 │\n"
                            "│ (Dense)                         │                        │               │")
    assert compare.semantically_equal(wrapped, TABLE)
    assert compare.parse_table(wrapped)["rows"][1][0] == "dense_with_a_long_name (Dense)"


def test_classify_matches_calls_by_line_and_occurrence():
    truth = [{"line": 6, "text": TABLE}, {"line": 9, "text": TABLE}, {"line": 12, "text": TABLE},
             {"line": 12, "text": TABLE}, {"line": 15, "text": TABLE}, {"line": 18, "text": TABLE},
             {"line": 30, "text": TABLE}]
    predicted = [{"line": 6, "text": TABLE}, {"line": 9, "text": RENAMED},
                 {"line": 12, "text": None, "reason": "the model depends on an unknown (line 10)"},
                 {"line": 15, "text": WRONG}, {"line": 18, "text": SYMBOLIC, "symbolic": True},
                 {"line": 40, "text": TABLE}]
    outcomes, extra = compare.classify(truth, predicted, error={"line": 25, "message": "Keras raises ValueError"})
    assert [o["outcome"] for o in outcomes] == ["exact", "semantic", "explained", "silent", "wrong", "symbolic",
                                                "silent"]
    assert outcomes[3]["cause"] == "no summary event at this line"
    assert outcomes[6]["cause"].startswith("after an error kerascheck predicts at line 25")
    assert [e["line"] for e in extra] == [40]
    counts = compare.tally(outcomes)
    assert counts["reached"] == 7 and counts["predicted"] == 4 and counts["silent"] == 2


def test_cut_short_names_the_cause_of_silence():
    outcomes, _ = compare.classify([{"line": 50, "text": TABLE}], [], cut_short={"line": 20, "reason": "budget"})
    assert outcomes[0]["outcome"] == "silent"
    assert outcomes[0]["cause"].startswith("after the analysis was cut short at line 20")


def test_messages_for_people():
    assert compare.message_problem("Received: Instance(cls=UserClass(name='X'))") is not None
    assert compare.message_problem("Cannot convert '<kerascheck.frontend.symbols.SymbolicShape object at 0x7f>'")
    assert compare.message_problem("x" * 301) is not None
    assert compare.message_problem("Keras raises ValueError: Cannot convert '16' to a shape.") is None


def test_notebook_becomes_a_script_of_its_code_cells():
    nb = {"cells": [{"cell_type": "markdown", "source": ["# title"]},
                    {"cell_type": "code", "source": ["%matplotlib inline\n", "import keras\n", "!pip install x"]},
                    {"cell_type": "code", "source": "%%bash\nls"},
                    {"cell_type": "code", "source": ["for i in range(2):\n", "    !echo hi\n", "model = 1"]}]}
    script = corpus.notebook_to_script(json.dumps(nb))
    compile(script, "nb.py", "exec")
    lines = script.splitlines()
    assert lines[0] == "# %% [cell 1]" and lines[2] == "import keras"
    assert "    pass" in lines and "ls" not in lines


def test_missing_mirror_is_skipped(tmp_path, monkeypatch):
    monkeypatch.setenv("KERASCHECK_CORPUS_MIRRORS", str(tmp_path / "none"))
    entry = corpus.Entry("x", "someone/nothing", "0" * 40, "a.py", "test", "py")
    assert corpus.materialise(entry, tmp_path / "out") is None
    assert "no mirror" in entry.skipped


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_end_to_end_on_a_mirror_of_our_own(tmp_path, monkeypatch):
    """A git repository made here is the mirror; the benchmark materialises, analyses and scores it."""
    repo = tmp_path / "mirrors" / "us+tiny" / "repo"
    repo.mkdir(parents=True)
    (repo / "mlp.py").write_text(SCRIPT, encoding="utf-8")
    (repo / "helper.py").write_text("WIDTH = 64\n", encoding="utf-8")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]
    subprocess.run(git[:3] + ["init", "-q"], check=True)
    subprocess.run(git + ["add", "."], check=True)
    subprocess.run(git + ["commit", "-qm", "tiny"], check=True)
    commit = subprocess.run(git[:3] + ["rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    monkeypatch.setenv("KERASCHECK_CORPUS_MIRRORS", str(tmp_path / "mirrors"))
    entry = corpus.Entry("us__tiny__mlp", "us/tiny", commit, "mlp.py", "test", "py")
    out = corpus.materialise(entry, tmp_path / "src")
    assert out is not None and out.read_text(encoding="utf-8") == SCRIPT
    assert (tmp_path / "src" / "helper.py").exists()

    import real_code

    truth = {"status": "ok", "category": "ok", "summaries": [{"line": 6, "text": TABLE}]}
    row = real_code.evaluate(entry, truth, timeout=120)
    assert row["internal"] == [] and not row.get("cut_short")
    assert (row["reached"], row["exact"], row["silent"]) == (1, 1, 0)
    assert row["false_errors"] == []
    t = real_code.totals([row])
    assert t["exact"] == 1 and t["scripts"] == 1
    note = real_code.render_note([row], t, str(ROOT / "kerascheck" / "__init__.py"))
    assert "| byte-exact | 1 | 100.0% |" in note
