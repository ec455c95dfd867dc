"""The slice ``kerascheck verify`` runs: what it skips, why, and that kept lines keep their numbers (no TensorFlow)."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path

import pytest

from kerascheck.verify.slicing import slice_source

ROOT = Path(__file__).resolve().parent.parent
# The fixtures that only build models (data_dependent.py loads its data: see tests/test_verify.py).
FIXTURES = sorted(p for p in (ROOT / "fixtures").glob("[sfb]*/*.py") if p.name != "data_dependent.py")

MNIST = textwrap.dedent("""\
    import numpy as np
    import matplotlib.pyplot as plt
    from tensorflow import keras
    from tensorflow.keras import layers

    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    x_train = x_train.reshape(-1, 784).astype("float32") / 255
    print(x_train.shape)
    model = keras.Sequential([layers.Dense(64, input_shape=(784,)), layers.Dense(10)])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.summary()
    history = model.fit(x_train, y_train,
                        epochs=5)
    plt.plot(history.history["loss"])
    model2 = keras.Sequential([layers.Dense(64, input_shape=x_train.shape[1:])])
    model2.summary()
    model.save("model.keras")
""")

TRICKY = textwrap.dedent('''\
    import os
    import tensorflow as tf
    from tensorflow import keras

    def load():
        """Read the data."""
        with open("data.txt") as f:
            text = f.read()
        return text

    def plot_history(h):
        import matplotlib.pyplot as plt
        plt.plot(h.history["loss"]); plt.show()

    def build(n):
        data = load()
        return keras.Sequential([keras.layers.Dense(n, input_shape=(4,))])

    model = build(3); model.fit(x,
        y); other = build(4)
    for epoch in range(10):
        # one epoch
        model.fit(x, y)
        model.evaluate(x, y)
    if True: model.fit(x,
       y); a = 1
    if os.path.exists("w.h5"):
        model.load_weights("w.h5")
    elif False:
        print(1)
    else:
        model.build((None, 4))
    os.makedirs("out", exist_ok=True)
    plot_history(model.fit(x, y))
    plot_history(None)
    X = tf.constant([[1.0, 2.0]])
    for i in range(3):
        with tf.GradientTape() as tape:
            y_pred = model(X)
        grads = tape.gradient(y_pred, model.variables)
    model.summary()
''')


def skipped_lines(source: str) -> dict[int, str]:
    return {s.line: s.reason for s in slice_source(source).skipped}


def kept_statements(code: str) -> set[tuple[int, int, str]]:
    """(line, end line, type) of every statement that is not a placeholder."""
    out = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.stmt) and not isinstance(node, ast.Pass):
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                continue
            out.add((node.lineno, node.end_lineno, type(node).__name__))
    return out


def test_data_training_plotting_and_io_are_skipped_with_their_reason():
    assert skipped_lines(MNIST) == {
        6: "data loading", 7: "uses skipped data", 8: "uses skipped data",
        12: "training/evaluation", 14: "plotting", 17: "file I/O",
    }


def test_model_building_that_reads_skipped_data_stays_and_names_map_to_their_statement():
    sliced = slice_source(MNIST)
    assert "model2 = keras.Sequential([layers.Dense(64, input_shape=x_train.shape[1:])])" in sliced.code
    assert sliced.names["x_test"].line == 6
    assert sliced.names["history"].line == 12
    assert sliced.names["history"].describe() == "lines 12-13 (training/evaluation: model.fit())"


def test_kept_statements_keep_their_line_numbers():
    for source in (MNIST, TRICKY):
        sliced = slice_source(source)
        assert sliced.code.count("\n") == source.count("\n")
        assert kept_statements(sliced.code) <= kept_statements(source)


def test_loops_functions_and_blocks():
    sliced = slice_source(TRICKY)
    skipped = {s.line: (s.end_line, s.reason, s.detail) for s in sliced.skipped}
    assert skipped[7] == (8, "file I/O", "open()")  # the with block that opens a file
    assert skipped[9][1] == "uses skipped data"  # return text
    assert skipped[16] == (16, "calls a function whose body was skipped", "load()")
    assert skipped[19][1:] == ("training/evaluation", "model.fit()")  # on a line shared with kept statements
    assert skipped[21] == (24, "training/evaluation", "whole body: model.fit(), model.evaluate()")
    assert skipped[28][1] == "file I/O"  # load_weights inside the if; the if itself stays
    assert skipped[34][1] == "training/evaluation"
    assert skipped[35] == (35, "calls a function whose body was skipped", "plot_history()")
    code = sliced.code.splitlines()
    assert code[18] == 'model = build(3); """'  # line 19: the fit is blanked, other = build(4) stays on line 20
    assert code[19] == '"""; other = build(4)'
    assert code[30:32] == ["else:", "    model.build((None, 4))"]
    assert "    with tf.GradientTape() as tape:" in code  # a loop that builds the model stays


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixtures_slice_to_themselves(path: Path):
    """The fixtures only build models: nothing is skipped, the code runs as written."""
    source = path.read_text(encoding="utf-8")
    sliced = slice_source(source)
    assert sliced.skipped == []
    assert sliced.code == source
