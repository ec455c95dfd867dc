"""Keras 1/2 spellings Keras 3 rejects or ignores (issue 14): Model(input=, output=), to_categorical(
nb_classes=), load_data(nb_words=), model.reset_states(), callbacks and History keys under Keras 2.2's
metric names, NumPy integers as Dense units. Each is reported where Keras raises, the analysis goes
on with the Keras 3 spelling (later problems found, no cascade), and the fix makes the code run."""

from __future__ import annotations

from kerascheck.analysis import analyze_source
from kerascheck.fix import fix_source
from kerascheck.lint import lint_source

HEAD = "import keras\nimport numpy as np\n"
SEQ = "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2, activation='softmax')])\n"


def _found(source: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.code, d.severity) for d in lint_source(source, "t.py") if d.severity in ("error", "warning")]


def test_model_keras1_keywords_recovered_so_later_problems_are_found():
    source = (HEAD + "x = keras.Input(shape=(3,))\ny = keras.layers.Dense(2)(x)\n"
              "m = keras.Model(input=x, output=y)\nm.compile(optimizer='adam', loss='mse')\n"
              "m.fit(np.zeros((4, 3)), np.zeros((4, 2)), nb_epoch=1)\nm.summary()\n")
    assert _found(source) == [(5, "KC303", "error"), (7, "KC303", "error")]
    stop = [d for d in lint_source(source, "t.py") if d.stops_script]
    assert [d.line for d in stop] == [5]
    fixed = fix_source(source, "t.py").fixed
    assert "keras.Model(inputs=x, outputs=y)" in fixed and "epochs=1" in fixed


def test_to_categorical_nb_classes_is_an_error_and_the_array_is_known():
    source = ("import numpy as np\nfrom keras.utils import to_categorical\n"
              "y = to_categorical(np.zeros((8,)), nb_classes=4)\nprint(y.shape[1] + 'a')\n")
    assert (3, "KC303", "error") in _found(source)
    assert "num_classes=4" in fix_source(source, "t.py").fixed


def test_reuters_nb_words_raises_but_imdb_only_ignores_it():
    reuters = "from keras.datasets import reuters\n(x, y), _ = reuters.load_data(nb_words=100)\n"
    imdb = "from keras.datasets import imdb\n(x, y), _ = imdb.load_data(nb_words=100)\n"
    assert _found(reuters) == [(2, "KC303", "error")]
    assert _found(imdb) == [(2, "KC304", "warning")]
    assert "num_words=100" in fix_source(imdb, "t.py").fixed


def test_reset_states_on_a_model_but_not_on_a_layer():
    model = (HEAD + "m = keras.Sequential([keras.Input(batch_shape=(2, 4, 1)), keras.layers.LSTM(3, stateful=True),"
             " keras.layers.Dense(1)])\n")
    assert _found(model + "m.reset_states()\n") == [(4, "KC306", "error")]
    assert _found(model + "m.layers[0].reset_states()\n") == []
    fixed = fix_source(model + "m.reset_states()\n", "t.py", unsafe=True).fixed
    assert fixed.endswith("m.layers[0].reset_states()\n")
    assert fix_source(model + "m.reset_states()\n", "t.py").fixed.endswith("m.reset_states()\n")  # unsafe only


def test_keras_history_of_a_keras_tensor_exists_in_keras3():
    source = HEAD + "x = keras.Input(shape=(3,))\nlayer, node_index, tensor_index = x._keras_history\n"
    assert _found(source) == []


def test_history_keys_follow_the_compiled_metric_names():
    fit = "h = m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, verbose=0)\n"
    accuracy = HEAD + SEQ + "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n" + fit
    acc = HEAD + SEQ + "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['acc'])\n" + fit
    assert _found(accuracy + "print(h.history['val_acc'])\n") == [(6, "KC311", "error")]
    assert _found(accuracy + "print(h.history['val_accuracy'], h.history['loss'])\n") == []
    assert _found(acc + "print(h.history['val_acc'])\n") == []  # Keras 3 logs a string metric as written
    assert "h.history['val_accuracy']" in fix_source(accuracy + "print(h.history['val_acc'])\n", "t.py").fixed
    # A metric object or a callback of the script's own: the keys are not known, nothing is said.
    metric_object = HEAD + SEQ + "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=[keras.metrics.AUC()])\n" + fit
    assert _found(metric_object + "print(h.history['val_acc'])\n") == []
    own_callback = (HEAD + SEQ + "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])\n"
                    "class Log(keras.callbacks.Callback):\n    pass\n\n\n"
                    "h = m.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0, callbacks=[Log()])\n"
                    "print(h.history['val_acc'])\n")
    assert _found(own_callback) == []


def test_monitor_of_an_unknown_metric_raises_and_its_fix_keeps_keras2s_mode():
    source = (HEAD + "m = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])\n"
              "m.compile(optimizer='adam', loss='mse', metrics=['mae'])\n"
              "stop = keras.callbacks.EarlyStopping(monitor='val_acc', patience=2)\n"
              "m.fit(np.zeros((4, 3)), np.zeros((4, 1)), validation_split=0.5, callbacks=[stop], verbose=0)\n")
    assert _found(source) == [(6, "KC309", "error")]
    fixed = fix_source(source, "t.py", unsafe=True).fixed
    assert "EarlyStopping(monitor='val_acc', patience=2, mode='max')" in fixed
    assert _found(fixed) == [(5, "KC310", "warning")]  # what is left: val_acc is never logged
    assert fix_source(source, "t.py").fixed == source  # the mode fix is unsafe


def test_monitor_with_an_explicit_mode_is_a_warning_on_the_callback():
    source = (HEAD + "def f1_m(y_true, y_pred):\n    return keras.ops.mean(y_true)\n\n\n" + SEQ +
              "m.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['acc', f1_m])\n"
              "stop = keras.callbacks.EarlyStopping(monitor='val_f1', mode='max')\n"
              "ok = keras.callbacks.EarlyStopping(monitor='val_f1_m', mode='max')\n"
              "m.fit(np.zeros((4, 3)), np.zeros((4, 2)), validation_split=0.5, callbacks=[stop, ok], verbose=0)\n")
    diagnostics = [d for d in lint_source(source, "t.py") if d.code == "KC310"]
    assert [(d.line, d.severity) for d in diagnostics] == [(9, "warning")]
    assert "Did you mean 'val_f1_m'?" in diagnostics[0].message
    # A metric function has no direction Keras knows: with mode='auto' Keras raises.
    auto = source.replace("monitor='val_f1_m', mode='max'", "monitor='val_f1_m'")
    assert (11, "KC309", "error") in _found(auto)


def test_numpy_integer_units_of_dataset_labels():
    source = (HEAD + "(x, y), _ = keras.datasets.reuters.load_data(num_words=100, test_split=0.2)\n"
              "n = np.max(y) + 1\nm = keras.Sequential([keras.Input(shape=(100,)), keras.layers.Dense(n)])\n"
              "m.summary()\n")
    assert _found(source) == [(5, "KC313", "error")]
    # The analysis went on with Keras 3's spelling, int(n): the model is known.
    result = analyze_source(source, "t.py").result
    assert result.later_errors == [] and result.error.loc.line == 5
    fixed = fix_source(source, "t.py").fixed
    assert "keras.layers.Dense(int(n))" in fixed and _found(fixed) == []


def test_python_ints_from_numpy_arrays_are_fine():
    source = (HEAD + "(x, y), _ = keras.datasets.reuters.load_data(num_words=100, test_split=0.2)\n"
              "a = keras.layers.Dense(int(np.max(y)) + 1)\nb = keras.layers.Dense(len(x))\n"
              "c = keras.layers.Dense(np.zeros((3, 7)).shape[1])\nd = keras.layers.Dense(y.shape[0] // 100)\n")
    assert _found(source) == []
