"""fit/evaluate/predict on NumPy arrays of known shape (kerascheck/frontend/fit_data.py, rule KC110):
an error where Keras 3.15 raises whatever the values are (messages as Keras prints them, batch axis
included), silence where Keras accepts the data (its squeezes and expansions of a last axis of 1)
or where the analysis cannot see the data."""

from __future__ import annotations

import pytest

from kerascheck.lint import lint_source

HEAD = "import numpy as np\nimport keras\nfrom keras import layers\n"
DENSE = HEAD + "model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense({units}, activation='{act}')])\n"


def _errors(source: str) -> list:
    return [d for d in lint_source(source, "t.py") if d.severity == "error"]


def _one(source: str, line: int, code: str = "KC110"):
    errors = _errors(source)
    assert [(d.line, d.code) for d in errors] == [(line, code)], [d.format() for d in errors]
    return errors[0].message


# -- Keras raises ---------------------------------------------------------------------------------------

def test_class_indices_with_categorical_crossentropy():
    source = (DENSE.format(units=10, act="softmax") + "model.compile(optimizer='adam', loss='categorical_crossentropy')\n"
              "x = np.random.random((64, 20))\ny = np.random.randint(10, size=(64, 1))\nmodel.fit(x, y, batch_size=32)\n")
    message = _one(source, 8)
    assert ("Arguments `target` and `output` must have the same shape. Received: target.shape=(32, 1), "
            "output.shape=(32, 10)") in message
    assert "sparse_categorical_crossentropy" in message  # the hint


def test_partial_batches_leave_the_batch_axis_unknown():
    source = (DENSE.format(units=10, act="softmax") + "model.compile(loss='categorical_crossentropy')\n"
              "model.fit(np.zeros((50, 20)), np.zeros((50, 3)), batch_size=32)\n")
    assert "target.shape=(None, 3), output.shape=(None, 10)" in _one(source, 6)


def test_dense_on_a_feature_map_without_flatten():
    source = (HEAD + "model = keras.Sequential([keras.Input(shape=(8, 8, 3)), layers.Conv2D(4, 3), "
              "layers.Dense(10, activation='softmax')])\nmodel.compile(loss='categorical_crossentropy')\n"
              "model.fit(np.zeros((64, 8, 8, 3)), np.eye(10)[np.random.randint(0, 10, 64)])\n")
    message = _one(source, 6)
    assert "must have the same rank (ndim). Received: target.shape=(32, 10), output.shape=(32, 6, 6, 10)" in message
    assert "Flatten" in message


def test_one_hot_labels_with_sparse_categorical_crossentropy():
    source = (DENSE.format(units=4, act="softmax") + "model.compile(loss='sparse_categorical_crossentropy')\n"
              "model.fit(np.zeros((32, 20)), np.eye(4)[np.random.randint(0, 4, 32)])\n")
    assert ("Argument `output` must have rank (ndim) `target.ndim - 1`. Received: target.shape=(32, 4), "
            "output.shape=(32, 4)") in _one(source, 6)


def test_binary_crossentropy_on_two_columns_for_one_unit():
    source = (DENSE.format(units=1, act="sigmoid") + "model.compile(loss=keras.losses.BinaryCrossentropy())\n"
              "model.fit(np.zeros((32, 20)), np.zeros((32, 2)))\n")
    assert "target.shape=(32, 2), output.shape=(32, 1)" in _one(source, 6)


def test_mean_squared_error_that_does_not_broadcast():
    source = (DENSE.format(units=4, act="linear") + "model.compile(loss='mse')\n"
              "model.fit(np.zeros((32, 20)), np.zeros((32, 3)))\n")
    assert "Dimensions must be equal, but are 3 and 4" in _one(source, 6)


def test_validation_data_of_another_shape():
    source = (HEAD + "x = keras.Input(shape=(784,))\nm = keras.Model(x, layers.Dense(784, activation='sigmoid')(x))\n"
              "m.compile(loss='binary_crossentropy')\nx_train = np.zeros((256, 784))\nx_test = np.zeros((64, 28, 28))\n"
              "m.fit(x_train, x_train, batch_size=64, validation_data=(x_test, x_test))\n"
              "m.predict(x_test)\n")  # the same array again: a consequence, not a new error
    message = _one(source, 9)
    assert ("Input 0 with name 'input_layer' of layer 'functional' is incompatible with the layer: "
            "expected shape=(None, 784), found shape=(64, 28, 28)") in message
    assert "validation_data" in message


def test_predict_on_a_sequential_with_another_rank():
    source = (HEAD + "model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10)])\n"
              "model.predict(np.zeros((3, 784)))\n")
    assert "Expected shape (None, 28, 28), but input has incompatible shape (3, 784)" in _one(source, 5)


def test_a_sequential_built_by_fit_from_the_data():
    # Embedding's input_length is ignored in Keras 3: fit builds the model on (None, 40).
    source = (HEAD + "model = keras.Sequential()\nmodel.add(layers.Embedding(1000, 8))\n"
              "model.add(layers.Conv1D(16, 3))\nmodel.add(layers.MaxPooling1D(pool_size=64))\n"
              "model.add(layers.GlobalMaxPooling1D())\nmodel.add(layers.Dense(1, activation='sigmoid'))\n"
              "model.compile(loss='binary_crossentropy')\n"
              "model.fit(np.random.randint(0, 1000, (200, 40)), np.random.randint(0, 2, 200), batch_size=32)\n")
    assert "Computed output size would be zero or negative. Received: `inputs.shape=[None 38 16]`" in \
        _one(source, 11, "KC106")


def test_a_custom_loss_that_does_not_broadcast():
    source = (HEAD + "def loss(y_true, y_pred):\n    return keras.ops.sum(y_true * keras.ops.log(y_pred), axis=-1)\n"
              "model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(4, activation='softmax')])\n"
              "model.compile(loss=loss)\nmodel.fit(np.zeros((128, 10)), np.zeros((128, 3)))\n")
    message = _one(source, 8)
    assert "Cannot broadcast shape" in message and "in `loss`, line 5" in message


def test_predict_of_a_model_rebuilt_from_json():
    source = (HEAD + "model = keras.Sequential([layers.Flatten(input_shape=(28, 28)), layers.Dense(10)])\n"
              "loaded = keras.models.model_from_json(model.to_json())\nloaded.predict(np.zeros((3, 784)))\n")
    assert "Expected shape (None, 28, 28)" in _one(source, 6)


def test_the_same_model_is_not_reported_twice():
    source = (DENSE.format(units=10, act="softmax") + "model.compile(loss='categorical_crossentropy')\n"
              "model.fit(np.zeros((64, 20)), np.zeros((64, 3)))\nmodel.evaluate(np.zeros((32, 20)), np.zeros((32, 3)))\n")
    _one(source, 6)


# -- Keras accepts ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("units,act,loss,labels", [
    (10, "softmax", "sparse_categorical_crossentropy", "np.random.randint(10, size=(64, 1))"),
    (10, "softmax", "sparse_categorical_crossentropy", "np.random.randint(10, size=64)"),
    (10, "softmax", "categorical_crossentropy", "np.eye(10)[np.random.randint(0, 10, 64)]"),
    (1, "sigmoid", "binary_crossentropy", "np.random.randint(2, size=64)"),
    (1, "sigmoid", "binary_crossentropy", "np.random.randint(2, size=(64, 1))"),
    (10, "softmax", "crossentropy", "np.random.randint(10, size=(64, 1))"),  # compile picks the sparse loss
    (10, "linear", "mse", "np.zeros((64, 1))"),  # broadcasts
    (10, "linear", "mae", "np.zeros((64, 10))"),
])
def test_labels_keras_accepts(units, act, loss, labels):
    source = (DENSE.format(units=units, act=act) + f"model.compile(loss='{loss}')\n"
              f"model.fit(np.zeros((64, 20)), {labels}, epochs=1)\nmodel.evaluate(np.zeros((64, 20)), {labels})\n")
    assert not _errors(source)


@pytest.mark.parametrize("input_shape,data", [
    ("(10, 1)", "(64, 10)"),  # a last axis of 1 added
    ("(10,)", "(64, 10, 1)"),  # ... or squeezed
    ("(None, 3)", "(64, 7, 3)"),  # an axis the Input leaves free
])
def test_inputs_keras_accepts(input_shape, data):
    source = (HEAD + f"x = keras.Input(shape={input_shape})\nm = keras.Model(x, layers.Dense(2)(x))\n"
              f"m.compile(loss='mse')\nm.predict(np.zeros({data}))\n")
    assert not _errors(source)


def test_data_the_analysis_cannot_see_is_not_checked():
    source = (DENSE.format(units=10, act="softmax") + "model.compile(loss='categorical_crossentropy')\n"
              "def load():\n    return np.load('x.npy'), np.load('y.npy')\n"
              "x, y = load()\nmodel.fit(x, y)\nmodel.fit(np.zeros((64, 20)), y)\n"
              "model.fit(np.zeros((64, 20)), np.zeros((64, 3)), epochs=0)\n")  # no epoch runs
    assert not _errors(source)


def test_labels_for_another_number_of_samples():
    source = (DENSE.format(units=10, act="softmax") + "model.compile(loss='categorical_crossentropy')\n"
              "model.fit(np.zeros((64, 20)), np.zeros((60, 10)))\n")
    assert ("Data cardinality is ambiguous. Make sure all arrays contain the same number of samples.'x' sizes: 64\n"
            "'y' sizes: 60") in _one(source, 6)


def test_fit_before_compile_is_not_a_data_error():
    source = DENSE.format(units=10, act="softmax") + "model.fit(np.zeros((64, 20)), np.zeros((64, 3)))\n"
    assert not [d for d in _errors(source) if d.code == "KC110"]


def test_ragged_sequences_are_not_checked():
    # imdb.load_data() without padding: an object array of lists (Keras fails to convert it, differently).
    source = (HEAD + "(x, y), _ = keras.datasets.imdb.load_data(num_words=1000)\n"
              "model = keras.Sequential([keras.Input(shape=(100,)), layers.Embedding(1000, 8), layers.Flatten(), "
              "layers.Dense(1, activation='sigmoid')])\nmodel.compile(loss='binary_crossentropy')\nmodel.fit(x, y)\n")
    assert not _errors(source)


def test_data_that_a_built_layer_of_a_sequential_rejects():
    source = (HEAD + "model = keras.Sequential([keras.Input(shape=(28, 28)), layers.Flatten(), layers.Dense(10)])\n"
              "model.predict(np.zeros((5, 28, 27)))\n")
    assert "expected axis -1 of input shape to have value 784" in _one(source, 5)


def test_a_functional_model_with_operations_on_tensors():
    # x + y and keras.ops on symbolic tensors are nodes of the graph the data are run through.
    source = (HEAD + "inputs = layers.Input((100,))\nx = layers.Dense(8)(inputs)\nx += layers.Dense(8)(x)\n"
              "m = keras.Model(inputs, layers.Dense(4)(keras.ops.multiply(x, 2.0)))\nm.compile(loss='mse')\n"
              "m.fit(np.zeros((64, 100)), np.zeros((64, 4)), validation_split=0.2)\n"
              "m.fit(np.zeros((64, 100)), np.zeros((64, 3)))\n")
    assert "Dimensions must be equal, but are 3 and 4" in _one(source, 10)
