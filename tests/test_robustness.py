"""Values the analysis cannot know, in every argument position, never crash the engine.

A layer argument that comes from a module kerascheck does not model (``from config import UNITS``),
from a library call (``np.int64(5)``), or from data is unknown: the summary is "not predicted" with a
reason, never an internal error and never a guessed number.
"""

from __future__ import annotations

import itertools

import pytest

from kerascheck.analysis import analyze_source

VALUES = ["cfg.units", "cfg['units']", "np.int64(5)", "some.call()", "keras.utils.get_file(UNITS)", "UNITS",
          "data.shape[1]", "len(data)", "cfg.units * 2", "int(cfg.units)", "-UNITS", "(UNITS, 3)", "[UNITS]"]
LAYERS = ["Dense({v})", "Conv1D({v}, 3)", "Conv1D(4, {v})", "Reshape(({v}, -1))", "Embedding({v}, 4)",
          "LSTM({v})", "Dropout({v})", "MaxPooling1D({v})", "RepeatVector({v})", "Dense(4, activation={v})",
          "Dense(4, kernel_initializer={v})", "ZeroPadding1D({v})", "Cropping1D({v})", "UpSampling1D({v})"]
HEADER = ("import keras\nimport numpy as np\nimport some\nfrom config import UNITS, cfg\n"
          "data = np.load('x.npy')\n")


@pytest.mark.parametrize("layer", LAYERS)
def test_foreign_values_in_layer_arguments_are_unknown_not_a_crash(layer):
    for value in VALUES:
        made = layer.format(v=value)
        source = HEADER + (f"x = keras.Input(({value}, 8))\n" if "Input" in layer else "x = keras.Input((6, 8))\n") + \
            f"y = keras.layers.{made}(x)\nkeras.Model(x, y).summary()\n"
        analysis = analyze_source(source, "model.py")  # raises on an internal error
        assert analysis.result is not None


@pytest.mark.parametrize("value", VALUES)
def test_foreign_values_as_input_shapes(value):
    for shape in (f"({value},)", f"({value}, 3)", value):
        source = HEADER + f"x = keras.Input(shape={shape})\nkeras.Model(x, keras.layers.Dense(2)(x)).summary()\n"
        result = analyze_source(source, "model.py").result
        # An int where Keras wants a tuple of dims raises ("Cannot convert 12 to a shape"), a NumPy
        # integer too (it has no __iter__); a value of unknown type is not judged.
        expect_error = shape == value and value in ("data.shape[1]", "len(data)", "np.int64(5)")
        assert (result.error is not None) == expect_error, (source, result.error)
        assert expect_error or result.summaries, source


@pytest.mark.parametrize("expression", ["np.arange(4) + stamp", "np.reshape(np.arange(4), stamp)",
                                        "tf.reshape(tf.zeros((2, 2)), stamp)", "np.zeros(3) * stamp"])
def test_opaque_values_in_tensor_operations(expression):
    # A value the analysis knows exists but not what it is (a datetime method's result) given to an
    # array or tensor operation: unknown, never a crash of the shape function.
    source = ("import numpy as np\nimport tensorflow as tf\nfrom datetime import date\n"
              f"stamp = date(1000, 1, 1).toordinal()\nvalue = {expression}\nprint(value.shape)\n")
    result = analyze_source(source, "t.py").result
    assert result.error is None
