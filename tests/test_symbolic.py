"""Symbolic dimensions: data-dependent sizes carried through shapes and parameter counts.

The fixture ``fixtures/features/data_dependent.py`` is checked against Keras by tests/test_goldens.py
(bound to the data's sizes) and tests/test_verify.py; here: the algebra, what the interpreter turns
into a symbol (and what it refuses to guess), and that the symbolic run and the bound run agree on
every layer of the fixture.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerascheck.analysis import analyze_file, analyze_source
from kerascheck.cli import main
from kerascheck.shapes.base import Unresolvable
from kerascheck.shapes.symbolic import Sym, symbol
from test_goldens import dims_of

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "features" / "data_dependent.py"
n, m = symbol("n"), symbol("m")


# -- algebra ---------------------------------------------------------------------------------------
def test_polynomials_print_like_the_arithmetic_that_made_them():
    assert repr(64 * n + 64) == "64*n + 64"
    assert repr(2 * n * n + 19 * n + 320) == "2*n**2 + 19*n + 320"
    assert repr(1000 * n - 4224) == "1,000*n - 4,224"
    assert repr(n * m - n) == "m*n - n"
    assert n - n == 0 and isinstance(n - n, int)  # no symbol left: a plain int
    assert (2 * n) / 2 == n and (4 * n + 8) // 4 == n + 2


@pytest.mark.parametrize("value", [1, 2, 3, 7, 30, 31])
def test_floor_division_is_exact_for_every_value(value):
    for expression, expected in [
        ((n - 3) // 2 + 1, (value - 3) // 2 + 1),  # a valid convolution with stride 2
        ((n - 1) // 3 + 1, (value - 1) // 3 + 1),  # "same" padding, stride 3
        (8 * ((n - 4) // 2 + 1), 8 * ((value - 4) // 2 + 1)),  # Flatten after a pooling
    ]:
        assert expression.evaluate({"n": value}) == expected


def test_equal_sizes_print_alike():
    assert repr((n - 4) // 2 + 1) == "n // 2 - 1" == repr((n - 2) // 2)


def test_layer_checks_assume_a_size_large_enough_to_build_but_equality_never_guesses():
    assert not (n - 2 <= 0)  # Conv1D(kernel_size=3) on n steps: Keras builds when n >= 3
    assert n > 0 and n >= 1 and n + 1 != n and not (n + 1 == n)
    with pytest.raises(Unresolvable):
        n == 64  # noqa: B015  (Add()([n-wide, 64-wide]) is unknown, not an error)
    with pytest.raises(Unresolvable):
        n < m  # noqa: B015
    for op in ("<", "<=", ">", ">="):
        with pytest.raises(Unresolvable):
            n.compare(op, 10, strict=True)  # user code: `if n > 10` is never guessed
    assert n.compare(">", 0, strict=True) is True  # ...unless it holds for every size


def test_what_cannot_be_exact_is_unresolvable_not_a_number():
    for operation in (lambda: n * 0.5, lambda: n / 3, lambda: int(n), lambda: range(n), lambda: 10 // n):
        with pytest.raises(Unresolvable):
            operation()


# -- the interpreter ------------------------------------------------------------------------------
def summaries(source: str, **dims) -> list[str]:
    analysis = analyze_source(textwrap.dedent(source), "model.py", dims=dims)
    assert analysis.result is not None
    return [e.snapshot.render(None, 80) if e.snapshot else f"unknown: {e.reason}" for e in analysis.result.summaries]


LOADED = """\
    import numpy as np
    import keras
    X_train = np.load("x.npy")
"""


def test_a_size_assigned_to_a_variable_takes_its_name():
    [text] = summaries(LOADED + """\
    n_features = X_train.shape[1]
    vocab_size = len(set(X_train.ravel())) + 1
    model = keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(vocab_size)])
    model.summary()
    """)
    assert "(None, vocab_size)" in text
    assert "Total params: n_features*vocab_size + vocab_size" in text


def test_inline_and_unpacked_shapes_are_named_after_their_source():
    [inline, unpacked] = summaries(LOADED + """\
    keras.Sequential([keras.Input(X_train.shape[1:2]), keras.layers.Dense(4)]).summary()
    rows, cols = X_train.shape
    keras.Sequential([keras.Input((X_train.shape[-1],)), keras.layers.Dense(cols)]).summary()
    """)
    assert inline.startswith("unknown: ")  # a slice of an unknown shape has an unknown rank
    assert "(None, cols)" in unpacked and "X_train.shape[-1]*cols + cols" in unpacked


def test_user_decisions_on_a_symbol_are_unknown_not_guessed():
    results = summaries(LOADED + """\
    n = X_train.shape[1]
    units = 8 if n > 100 else 4
    keras.Sequential([keras.Input((n,)), keras.layers.Dense(units)]).summary()
    keras.Sequential([keras.Input((n,)), keras.layers.Dense(max(n, 8))]).summary()
    keras.Sequential([keras.Input((n,)), keras.layers.Dense(4, name=f"dense_{n}")]).summary()
    keras.Sequential([keras.Input((n,)), keras.layers.Dense(n // 2)]).summary()
    """)
    assert [r.startswith("unknown") for r in results] == [True, True, True, False]
    assert "(None, n // 2)" in results[3]


def test_binding_a_symbol_gives_the_exact_summary():
    source = LOADED + """\
    n_features = X_train.shape[1]
    keras.Sequential([keras.Input((n_features,)), keras.layers.Dense(3)]).summary()
    """
    plain = summaries(source.replace("X_train.shape[1]", "12"))
    assert summaries(source, n_features=12) == plain
    assert summaries(source) != plain


def _layers(path: Path, dims: dict) -> list[tuple]:
    result = analyze_file(path, dims=dims).result
    return [(layer.name, [node.outputs[0].shape for node in layer.nodes], layer.count_params())
            for model in result.keras.models for layer in model.layers]


def test_the_symbolic_run_evaluates_to_the_bound_run_on_every_layer():
    """The fixture's symbolic shapes and counts, given the data's sizes, are the bound run's (checked by Keras)."""
    dims = dims_of(FIXTURE)
    symbolic, bound = _layers(FIXTURE, {}), _layers(FIXTURE, dims)
    assert len(symbolic) == len(bound) > 15
    assert any(isinstance(params, Sym) for _, _, params in symbolic)

    def value(x):
        return x.evaluate(dims) if isinstance(x, Sym) else x

    evaluated = [(name, [tuple(value(d) for d in s) for s in shapes], value(params)) for name, shapes, params in symbolic]
    assert evaluated == bound


def test_cli_names_the_symbols_and_takes_their_values():
    runner = CliRunner()
    result = runner.invoke(main, ["summary", str(FIXTURE)])
    assert result.exit_code == 0
    assert "Total params: 33*n_classes + 64*n_features + 2,144" in result.output
    assert "data-dependent sizes shown as symbols: X_train.shape[1], n_features, n_classes" in result.output
    args = [f"--dim={k}={v}" for k, v in dims_of(FIXTURE).items()]
    bound = runner.invoke(main, ["summary", *args, str(FIXTURE)])
    assert bound.output.startswith(FIXTURE.with_suffix(".summary.txt").read_text(encoding="utf-8"))
    bad = runner.invoke(main, ["summary", "--dim", "n_features=many", str(FIXTURE)])
    assert bad.exit_code == 2 and "expected NAME=VALUE" in bad.output


# -- every layer family: the symbolic run, evaluated, is the bound run (or says unknown) ----------------
LAYERS = [
    "Dense(n)", "Dense(8)", "Conv1D(n, 3)", "Conv1D(8, 3, strides=2)", "Conv2D(8, 3)", "MaxPooling1D(2)",
    "AveragePooling1D(3, strides=2, padding='same')", "GlobalAveragePooling1D()", "Flatten()", "Reshape((-1,))",
    "Reshape((n, -1))", "RepeatVector(n)", "LSTM(n)", "GRU(4, return_sequences=True)", "Embedding(n, 8)",
    "Embedding(100, n)", "Dropout(0.5)", "BatchNormalization()", "LayerNormalization()", "UpSampling1D(2)",
    "ZeroPadding1D(2)", "Cropping1D(1)", "Permute((2, 1))", "SimpleRNN(n, return_sequences=True)",
    "Bidirectional(layers.LSTM(n))", "TimeDistributed(layers.Dense(n))", "MultiHeadAttention(2, n)",
    "Conv1DTranspose(4, 3, strides=2)", "SeparableConv1D(4, 3)", "DepthwiseConv1D(3)", "Concatenate()", "Add()",
    "Normalization()", "Rescaling(1/255)", "Softmax()", "EinsumDense('ab,bc->ac', output_shape=n)",
    "CategoryEncoding(num_tokens=n)", "Resizing(n, n)", "CenterCrop(n, n)", "GroupNormalization(groups=n)",
    "Hashing(num_bins=n)", "Masking()", "SpatialDropout1D(0.2)", "AdaptiveAveragePooling1D(n)",
]
SHAPES = ["(n,)", "(n, 3)", "(10, n)", "(n, n)", "(n, 4, 3)", "(8, 8, n)"]


def _outcome(source: str, dims: dict):
    result = analyze_source(source, "model.py", dims=dims).result
    if result.error is not None:
        return "error"
    if not result.summaries or result.summaries[0].snapshot is None:
        return None
    return [(layer.name, [tuple(t.shape) for node in layer.nodes for t in node.outputs], layer.count_params())
            for layer in result.keras.models[-1].layers]


@pytest.mark.parametrize("layer", LAYERS)
def test_symbolic_and_bound_runs_agree_for_every_layer(layer):
    values = {"n": 13}

    def value(x):
        return x.evaluate(values) if isinstance(x, Sym) else x

    for shape in SHAPES:
        call = f"layers.{layer}([x, x])" if layer in ("Concatenate()", "Add()") else \
            f"layers.{layer}(x, x)" if "MultiHead" in layer else f"layers.{layer}(x)"
        source = (f"import numpy as np\nimport keras\nfrom keras import layers\nn = np.load('x.npy').shape[1]\n"
                  f"x = keras.Input({shape})\nkeras.Model(x, {call}).summary()\n")
        symbolic, bound = _outcome(source, {}), _outcome(source, values)
        if symbolic is None:  # unknown is allowed; an error only where the bound run errs too
            continue
        if symbolic == "error":
            assert bound == "error", (layer, shape)
            continue
        evaluated = [(name, [tuple(value(d) for d in s) for s in shapes], value(params))
                     for name, shapes, params in symbolic]
        assert evaluated == bound, (layer, shape)
