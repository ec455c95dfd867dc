"""``isinstance`` in analysed code answers as Keras would, from the recorded class stub, or not at all."""

from __future__ import annotations

import json
import textwrap
from importlib import resources

import libcst as cst
import pytest

from kerascheck.frontend.interpreter import Interpreter


def run(body: str) -> dict:
    """The module's variables once the analysis has run ``body``."""
    source = "import keras\nimport numpy as np\nfrom keras import layers\n" + textwrap.dedent(body)
    interp = Interpreter(cst.parse_module(source), "model.py")
    assert interp.run().error is None
    return interp.globals.vars


@pytest.mark.parametrize("expression, expected", [
    ("isinstance(layers.LSTM(4), layers.RNN)", True),  # LSTM derives from RNN in Keras 3
    ("isinstance(layers.Dense(4), layers.RNN)", False),
    ("isinstance(layers.BatchNormalization(), (layers.Dense, layers.BatchNormalization))", True),
    ("isinstance(layers.Conv2DTranspose(2, 3), layers.Conv2D)", False),  # not a subclass in Keras 3
    ("isinstance(layers.Convolution2D(2, 3), layers.Conv2D)", True),  # an alias is the same class
    ("isinstance(keras.Sequential(), keras.Model)", True),
    ("isinstance(layers.Dense(2), keras.Model)", False),
    ("isinstance(layers.Dense(2), keras.layers.Layer)", True),
    ("isinstance(keras.Input((3,)), np.ndarray)", False),  # a KerasTensor is no array
    ("isinstance(3, layers.Dense)", False),
    ("isinstance([1], (list, tuple))", True),
])
def test_keras_classes(expression, expected):
    assert run(f"answer = {expression}\n")["answer"] is expected


def test_unknown_classes_are_not_guessed():
    values = run("""\
        import somewhere
        class Block(layers.Layer):
            pass
        a = isinstance(layers.Dense(2), somewhere.Thing)
        b = isinstance(Block(), layers.Dense)
        c = isinstance(Block(), layers.Layer)
        """)
    assert type(values["a"]).__name__ == "Unknown" and type(values["b"]).__name__ == "Unknown"
    assert values["c"] is True


def test_the_stub_is_recorded_from_the_pinned_keras():
    stub = json.loads(resources.files("kerascheck").joinpath("data/layer_classes.json").read_text("utf-8"))
    assert stub["keras"] == "3.15.1"
    assert "RNN" in stub["bases"]["GRU"] and stub["aliases"]["MaxPool2D"] == "MaxPooling2D"
