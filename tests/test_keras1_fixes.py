"""Keras 1/2 layer keywords, removed Layer attributes and removed Model methods (issue 14): what the
analysis goes on with after them, and the fixes that take them to Keras 3 (KC108, KC301, KC306). The
rules' own examples (``Invalid(..., fixed=...)``) show each fix; here, what they do not."""

from __future__ import annotations

from kerascheck.analysis import analyze_source
from kerascheck.fix import fix_source, with_fix_applicability
from kerascheck.lint import lint_source


def _errors(source: str) -> list:
    """The error diagnostics, each marked with its fix's safety ("" when there is no fix)."""
    return [d for d in with_fix_applicability(lint_source(source, "t.py"), source) if d.severity == "error"]


def test_batch_input_shape_makes_the_sequential_input_and_the_analysis_goes_on():
    source = ("from keras.models import Sequential\nfrom keras.layers import LSTM, Dense, Reshape\n"
              "model = Sequential()\nmodel.add(LSTM(16, batch_input_shape=(4, 5, 1), stateful=True))\n"
              "model.add(Dense(3))\nmodel.add(Reshape((2,)))\n")
    errors = _errors(source)
    # No "stateful RNN needs a static batch size" cascade: the Input has the batch shape Keras 2 gave it.
    assert [(d.line, d.code) for d in errors] == [(4, "KC108"), (6, "KC102")]
    assert "first layer of a Sequential" in errors[0].message and errors[0].fix == "safe"
    assert "(4, 3)" in errors[1].message
    model = analyze_source(source, "t.py").result.keras.models[0]
    assert model.stack[0].batch_shape == (4, 5, 1)


def test_batch_input_shape_after_an_input_is_dropped_unsafely():
    source = ("from keras.models import Sequential\nfrom keras.layers import Dense, Input\n"
              "model = Sequential()\nmodel.add(Input(shape=(3,)))\nmodel.add(Dense(2, batch_input_shape=(None, 3)))\n")
    (error,) = _errors(source)
    assert error.line == 5 and "first layer" not in error.message and error.fix == "unsafe"
    assert fix_source(source, "t.py").fixed == source
    assert fix_source(source, "t.py", unsafe=True).fixed.endswith("model.add(Dense(2))\n")


def test_input_is_spelled_as_the_module_imports_keras():
    add = "m = keras.Sequential()\nm.add(keras.layers.Dense(2, batch_input_shape=(None, 3)))\n"
    fixed = fix_source("import keras\n" + add, "t.py").fixed
    assert fixed == "import keras\nm = keras.Sequential()\nm.add(keras.Input(batch_shape=(None, 3)))\n" \
                    "m.add(keras.layers.Dense(2))\n"
    # ``Input`` already means something else here: keras.Input, with ``import keras`` added.
    source = ("from keras.models import Sequential\nfrom keras.layers import Dense\nInput = None\n"
              "m = Sequential()\nm.add(Dense(2, batch_input_shape=(None, 3)))\n")
    fixed = fix_source(source, "t.py").fixed
    assert fixed.startswith("import keras\n") and "m.add(keras.Input(batch_shape=(None, 3)))\n" in fixed


def test_embedding_dropout_and_batchnorm_mode_leave_no_cascade():
    source = ("from keras.models import Sequential\nfrom keras.layers import Embedding, BatchNormalization, Reshape\n"
              "m = Sequential()\nm.add(Embedding(100, 8, dropout=0.2))\nm.add(BatchNormalization(mode=1))\n"
              "m.add(Reshape((3,)))\nm.build((None, 10))\n")
    errors = _errors(source)
    assert [(d.line, d.code, d.fix) for d in errors] == [(4, "KC108", "unsafe"), (5, "KC108", "unsafe"),
                                                          (7, "KC102", "")]


def test_samples_per_epoch_with_no_known_batch_size_has_no_fix():
    source = ("import keras\nm = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
              "gen = iter([])\nm.fit_generator(gen, samples_per_epoch=600, nb_epoch=2)\n")
    (error,) = _errors(source)
    assert "batch size is not known" in error.message and not error.fix
    assert fix_source(source, "t.py", unsafe=True).fixed == source


def test_samples_per_epoch_follows_the_generator_bound_to_a_name():
    source = ("import keras\nfrom keras.preprocessing.image import ImageDataGenerator\n"
              "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
              "def batches(x, batch_size):\n    while True:\n        yield x[:batch_size]\n"
              "bs = 16\ntrain = batches([0] * 64, bs)\nm.fit_generator(train, samples_per_epoch=64, nb_epoch=1)\n")
    fixed = fix_source(source, "t.py", unsafe=True).fixed
    assert "m.fit(train, steps_per_epoch=(64 + bs - 1) // bs, epochs=1)\n" in fixed


def test_get_output_at_zero_is_output_on_a_layer_called_twice():
    source = ("import keras\nd = keras.layers.Dense(2)\na = keras.Input(shape=(3,))\nb = keras.Input(shape=(3,))\n"
              "ya = d(a)\nyb = d(b)\nfirst = d.get_output_at(0)\n")
    (error,) = _errors(source)
    assert error.fix == "safe"
    assert fix_source(source, "t.py").fixed.endswith("first = d.output\n")


def test_keras1_recurrent_layer_with_output_dim_and_batch_input_shape_is_fixed_in_two_rounds():
    source = ("from keras.models import Sequential\nfrom keras.layers import LSTM, Dense\nmodel = Sequential()\n"
              "model.add(LSTM(output_dim=16, batch_input_shape=(4, 5, 1), stateful=True, consume_less='gpu'))\n"
              "model.add(Dense(1))\n")
    assert fix_source(source, "t.py").fixed == (
        "from keras.models import Sequential\nfrom keras.layers import LSTM, Dense, Input\nmodel = Sequential()\n"
        "model.add(Input(batch_shape=(4, 5, 1)))\nmodel.add(LSTM(units=16, stateful=True))\nmodel.add(Dense(1))\n")


def test_per_call_accessors_give_that_calls_tensors_and_the_analysis_goes_on():
    source = ("import keras\nd = keras.layers.Dense(2)\na = keras.Input(shape=(3,))\ny = d(a)\n"
              "t = d.get_output_at(0)\nz = keras.layers.Reshape((5,))(t)\n"
              "s = d.get_input_shape_at(0)\nw = keras.layers.Dense(s[-1] - 3)\n")
    errors = _errors(source)
    assert [(d.line, d.code) for d in errors] == [(5, "KC301"), (6, "KC102"), (7, "KC301"), (8, "KC108")]
    assert errors[0].stops_script and "input_shape=(2,)" in errors[1].message and "units=0" in errors[3].message


def test_a_sequential_layer_output_is_not_ambiguous_but_a_second_call_makes_it_so():
    # KC301's fix writes ``model.layers[0].output``: the nodes each ``add`` rebuild made are one call.
    source = ("import keras\nm = keras.Sequential()\nm.add(keras.layers.Dense(4, input_shape=(3,)))\n"
              "m.add(keras.layers.Dense(2))\nm.add(keras.layers.Dense(1))\nh = m.layers[0].output\n")
    assert not [d for d in lint_source(source, "t.py") if d.code == "KC205"]
    again = source + "other = m.layers[0](keras.Input(shape=(3,)))\nh2 = m.layers[0].output\n"
    assert [d.line for d in lint_source(again, "t.py") if d.code == "KC205"] == [8]
