"""Unknown is a value, not a stop: branches, loops and calls the analysis cannot decide are followed
on every path and joined (kerascheck/frontend/paths.py), so what is the same on every path is still
predicted exactly, and what differs is explained.

Each prediction is compared with the same model written as tidy straight-line code, whose summary
the goldens already pin to Keras; an explained summary must name the line it depends on.
"""

from __future__ import annotations

import textwrap

import pytest

from kerascheck.analysis import analyze_source
from kerascheck.lint import lint_source

MLP = """
model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(64, activation="relu"), layers.Dense(3)])
"""
HEADER = "import sys\nimport keras\nfrom keras import layers\n"


def _summaries(source: str) -> list:
    result = analyze_source(textwrap.dedent(source), "t.py").result
    assert result is not None
    return result.summaries


def _tidy() -> str:
    (event,) = _summaries(HEADER + MLP + "model.summary()\n")
    return event.snapshot.render()


def _predicted(source: str) -> list[str]:
    return [e.snapshot.render() if e.snapshot is not None else f"UNPREDICTED: {e.reason}"
            for e in _summaries(HEADER + textwrap.dedent(source))]


@pytest.mark.parametrize("source", [
    # the usual main guard: the analysed file is the script being run
    'if __name__ == "__main__":\n' + textwrap.indent(MLP, "    ") + "    model.summary()\n",
    # the same model on both sides of a condition the analysis cannot know
    "if len(sys.argv) > 1:\n    n = 64\nelse:\n    n = 64\n" + MLP + "model.summary()\n",
    # a data loop before the model: what it fills is unknown, the model is not
    "rows = []\nfor line in open(sys.argv[1]):\n    rows.append(line.split(','))\n" + MLP + "model.summary()\n",
    # a while loop on an unknown condition, and a generator that must not run
    "def batches():\n    while True:\n        yield 1\ng = batches()\nwhile sys.argv:\n    sys.argv.pop()\n"
    + MLP + "model.summary()\n",
    # a loop that exceeds its own budget is summarised, the analysis goes on after it
    "total = 0\nfor i in range(10**9):\n    total += i\n" + MLP + "model.summary()\n",
    # unpacking a loader the analysis does not model
    "import mylib\n(x_train, y_train), (x_test, y_test) = mylib.load_data()\n" + MLP + "model.summary()\n",
    # an error Python raises inside try is caught by its handler
    "try:\n    import tensorflow_addons as tfa\n    w = undefined_name\nexcept NameError:\n    tfa = None\n"
    + MLP + "model.summary()\n",
])
def test_model_the_same_on_every_path_is_predicted_exactly(source: str):
    assert _predicted(source) == [_tidy()]


def test_a_model_that_differs_between_paths_is_explained_with_the_line():
    body = """
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(64)])
        if len(sys.argv) > 2:
            model.add(layers.Dense(32))
        model.add(layers.Dense(1))
        model.summary()
    """
    (text,) = _predicted(body)
    line = (HEADER + textwrap.dedent(body)).splitlines().index("if len(sys.argv) > 2:") + 1
    assert text.startswith("UNPREDICTED") and f"line {line} " in text


def test_automatic_names_that_depend_on_a_path_are_not_guessed():
    (first, second) = _predicted("""
        if len(sys.argv) > 2:
            extra = layers.Dense(5)
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(64)])
        model.summary()
        named = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(64, name="head")])
        named.summary()
    """)
    assert first.startswith("UNPREDICTED") and "dense" in first
    assert not second.startswith("UNPREDICTED")


def test_summary_inside_an_unknown_branch_is_predicted():
    assert _predicted("if len(sys.argv) > 1:\n" + textwrap.indent(MLP, "    ") + "    model.summary()\n") == [_tidy()]


def test_a_value_assigned_differently_on_two_paths_is_unknown_after_the_join():
    (text,) = _predicted("""
        units = 64 if False else 64
        if len(sys.argv) > 1:
            units = 32
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(units)])
        model.summary()
    """)
    assert text.startswith("UNPREDICTED")


def test_an_error_on_a_path_that_may_not_run_is_reported_and_the_analysis_goes_on():
    source = HEADER + textwrap.dedent("""
        if len(sys.argv) > 1:
            bad = keras.Sequential([keras.Input(shape=(4,)), layers.Reshape((3,))])
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(64, activation="relu"), layers.Dense(3)])
        model.summary()
    """)
    codes = [(d.code, d.line) for d in lint_source(source, "t.py") if d.severity == "error"]
    assert codes == [("KC102", 6)]
    assert _predicted(source[len(HEADER):]) == [_tidy()]


def test_a_return_on_one_path_makes_the_result_unknown_unless_equal():
    (text,) = _predicted("""
        def width():
            if len(sys.argv) > 1:
                return 64
            return 64

        def other():
            if len(sys.argv) > 1:
                return 8
            return 64

        a = width()
        b = other()
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(a, activation="relu"), layers.Dense(3)])
        model.summary()
        c = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(b)])
        c.summary()
    """)[:1]
    assert text == _tidy()
    assert _predicted("""
        def other():
            if len(sys.argv) > 1:
                return 8
            return 64
        c = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(other(), name="d")])
        c.summary()
    """)[0].startswith("UNPREDICTED")


def test_a_break_on_an_unknown_path_ends_concrete_iteration():
    (text,) = _predicted("""
        xs = []
        for i in range(1000):
            xs.append(i)
            if len(sys.argv) > i:
                break
        model = keras.Sequential([keras.Input(shape=(20,)), layers.Dense(len(xs))])
        model.summary()
    """)
    # the list's length is data-dependent after the loop: a symbol, never a number guessed from one path
    assert "Total params: 21*len(xs)" in text


def test_a_cut_short_analysis_names_the_summaries_it_did_not_reach(monkeypatch):
    from kerascheck.frontend import budgets

    monkeypatch.setattr(budgets, "MAX_STEPS", 50)
    source = HEADER + "x = 0\n" + "x = x + 1\n" * 60 + MLP + "model.summary()\n"
    notes = [d for d in lint_source(source, "t.py") if d.severity == "info"]
    assert any(d.message.startswith("analysis cut short") for d in notes)
    assert any(d.message.startswith("summary() not predicted") and d.line == source.count("\n") for d in notes)


def test_a_builder_the_script_never_calls_is_still_checked():
    source = HEADER + textwrap.dedent("""
        def build(num_classes=10):
            model = keras.Sequential()
            model.add(layers.Dense(64, input_shape=16))
            model.add(layers.Dense(num_classes))
            return model

        def build_for(n):  # no default: run with an unknown argument, which proves nothing
            inputs = keras.Input(shape=(n,))
            return keras.Model(inputs, layers.Dense(3)(inputs))
    """)
    errors = [(d.line, d.message) for d in lint_source(source, "t.py") if d.severity == "error"]
    assert errors == [(7, "Keras raises ValueError: Cannot convert '16' to a shape. (in `build()`, which this file "
                          "never calls)")]
    result = analyze_source(source, "t.py").result
    assert result.summaries == [] and result.keras.models == []  # nothing the script itself runs


def test_the_editor_shows_what_an_uncalled_builder_builds():
    from kerascheck.lsp.facts import compute_facts

    source = HEADER + textwrap.dedent("""
        def build(units=8):
            inputs = keras.Input(shape=(4,))
            return keras.Model(inputs, layers.Dense(units)(inputs), name="builder")
    """)
    result = analyze_source(source, "t.py").result
    assert [m.name for m in result.explored_models] == ["builder"]
    hovers = compute_facts(result).hovers
    assert any(h.kind == "model" and "builder" in h.markdown for h in hovers)
    assert any(h.kind == "call" and "(None, 8)" in h.markdown for h in hovers)


def test_reasons_name_lines_without_a_position_pass():
    """Messages name the line of the construct from CPython's tree: a clean file never pays for
    libcst's position pass (a codegen of the whole module)."""
    source = HEADER + "if len(sys.argv) > 1:\n    pass\n" + MLP + "model.summary()\n"
    analysis = analyze_source(source, "t.py")
    assert analysis.result.summaries[0].snapshot is not None
    assert analysis.result.main_source[2] is None  # positions never resolved
    assert any("the condition at line 4 " in reason for _, reason in analysis.result.unresolved)


def test_a_return_statement_the_analysis_cannot_follow_returns_unknown_not_none():
    """``return keras.Model(...)`` over inputs of a shape not known: the function's value is unknown
    with that reason (never None, which made ``model.summary()`` "an attribute of NoneType")."""
    source = HEADER + textwrap.dedent('''
        import numpy as np
        shape = np.load("x.npy")[0].shape
        def build(instance_shape):
            inp = layers.Input(instance_shape)
            return keras.Model(inp, layers.Dense(2)(inp))
        models = [build(shape) for _ in range(2)]
        models[0].summary()
    ''')
    (summary,) = _summaries(source)
    assert summary.snapshot is None
    assert "shape" in summary.reason and "NoneType" not in summary.reason
