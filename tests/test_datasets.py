"""keras.datasets loaders return arrays of their documented shapes (keras/src/datasets/*.py in
Keras 3.15.1: the sizes of the files they download and their test_split arithmetic), and the usual
preprocessing keeps the shapes exact, so `x_train.shape[1:]` and the class count feed the model."""

from __future__ import annotations

import pytest

from kerascheck.analysis import analyze_source

# loader -> (x_train, y_train, x_test, y_test) shapes, as the Keras docstrings state them
DOCUMENTED = {
    "mnist": ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,)),
    "fashion_mnist": ((60000, 28, 28), (60000,), (10000, 28, 28), (10000,)),
    "cifar10": ((50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3), (10000, 1)),
    "cifar100": ((50000, 32, 32, 3), (50000, 1), (10000, 32, 32, 3), (10000, 1)),
    "imdb": ((25000,), (25000,), (25000,), (25000,)),
    "reuters": ((8982,), (8982,), (2246,), (2246,)),
    "boston_housing": ((404, 13), (404,), (102, 13), (102,)),
    "california_housing": ((16512, 8), (16512,), (4128, 8), (4128,)),
}


def _values(source: str) -> dict:
    result = analyze_source(source, "t.py").result
    assert result is not None and result.error is None, result and result.error
    return result


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
@pytest.mark.parametrize("spelling", ["keras.datasets", "tf.keras.datasets", "tensorflow.keras.datasets"])
def test_loaders_return_their_documented_shapes(name: str, spelling: str):
    root = spelling.split(".")[0]
    imports = "import tensorflow as tf\n" if root == "tf" else f"import {root}\n"
    source = imports + f"(a, b), (c, d) = {spelling}.{name}.load_data()\n" + \
        "import keras\nm = keras.Sequential([keras.Input(shape=(a.shape[0], b.shape[0], c.shape[0], d.shape[0]))])\n" \
        "m.summary()\n"
    (event,) = _values(source).summaries
    assert event.snapshot is not None, event.reason
    expected = tuple(s[0] for s in DOCUMENTED[name])
    assert event.model.stack[0].batch_shape[1:] == expected


def test_preprocessing_keeps_shapes_and_the_class_count():
    source = """
import numpy as np
import keras
from keras import layers
(x_train, y_train), _ = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 28, 28, 1).astype("float32") / 255
num_classes = len(np.unique(y_train))
y_train = keras.utils.to_categorical(y_train)
model = keras.Sequential([keras.Input(shape=x_train.shape[1:]), layers.Flatten(),
                          layers.Dense(num_classes), layers.Dense(y_train.shape[1])])
model.summary()
"""
    (event,) = _values(source).summaries
    assert event.snapshot is not None, event.reason
    assert [r.shape for r in event.snapshot.rows] == ["(None, 784)", "(None, 10)", "(None, 10)"]
