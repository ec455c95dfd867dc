"""Python values the interpreter evaluates as Python does (frontend/expressions.py, statements.py):
compatibility imports of the builtins, sets, ``hasattr`` on plain values. Each model is compared with
the same model written with literals, whose summary the goldens pin to Keras."""

from __future__ import annotations

import textwrap

import pytest

from kerascheck.analysis import analyze_source

HEADER = "import keras\nfrom keras import layers\n"


def _rendered(source: str) -> list:
    result = analyze_source(HEADER + textwrap.dedent(source), "t.py").result
    return [s.snapshot.render() if s.snapshot is not None else s.reason for s in result.summaries]


LITERAL = """
model = keras.Sequential([keras.Input(shape=(12,)), layers.Dense(3), layers.Dense(2)])
model.summary()
"""


@pytest.mark.parametrize("source", [
    # Keras 2-era examples: ``from six.moves import range`` is the builtin
    """
    from six.moves import range, xrange
    model = keras.Sequential([keras.Input(shape=(12,))])
    for _ in range(1):
        model.add(layers.Dense(3))
    for _ in xrange(1):
        model.add(layers.Dense(2))
    model.summary()
    """,
    # a character table: sorted(set(...)) and len(set(...)) do not depend on the set's order
    """
    chars = sorted(set("0123456789+ "))
    model = keras.Sequential([keras.Input(shape=(len(chars),)), layers.Dense(len(set("abc"))), layers.Dense(2)])
    model.summary()
    """,
    # TensorFlow 2.16+: tf.compat.v1.keras / tf.compat.v2.keras are Keras 3's objects
    """
    import tensorflow as tf
    model = tf.compat.v1.keras.models.Sequential([tf.compat.v1.keras.Input(shape=(12,)),
                                                   tf.compat.v1.keras.layers.Dense(3), tf.compat.v2.keras.layers.Dense(2)])
    model.summary()
    """,
    # ``d.value if hasattr(d, "value") else d``: TF1-compatible code over a plain shape
    """
    shape = (None, 12)
    dims = [d.value if hasattr(d, "value") else d for d in shape]
    model = keras.Sequential([keras.Input(shape=(dims[1],)), layers.Dense(3), layers.Dense(2)])
    model.summary()
    """,
])
def test_python_values_are_evaluated_as_python_does(source):
    assert _rendered(source) == _rendered(LITERAL)


def test_iterating_a_set_of_strings_is_unknown_because_its_order_changes_from_run_to_run():
    (reason,) = _rendered("""
    names = [c for c in set("ab")]
    model = keras.Sequential([keras.Input(shape=(4,))])
    for name in names:
        model.add(layers.Dense(2, name=name))
    model.summary()
    """)
    assert isinstance(reason, str) and "Model:" not in reason


def test_static_and_class_methods_bind_as_python_binds_them():
    """A staticmethod called through the class or an instance gets no ``self``; a classmethod gets
    the class (``VGG.make_layers(cfg, x)`` in model zoos)."""
    assert _rendered("""
    class Net:
        def __init__(self, widths):
            self.widths = widths

        @staticmethod
        def stack(widths, x):
            for w in widths:
                x = layers.Dense(w)(x)
            return x

        @classmethod
        def small(cls):
            return cls([3])

        def build(self):
            inputs = keras.Input(shape=(12,))
            return keras.Model(inputs, Net.stack([2], self.stack(self.widths, inputs)))

    model = Net.small().build()
    model.summary()
    """) == _rendered("""
    inputs = keras.Input(shape=(12,))
    hidden = layers.Dense(3)(inputs)
    model = keras.Model(inputs, layers.Dense(2)(hidden))
    model.summary()
    """)


def test_an_attribute_a_failed_statement_assigns_is_unknown_not_its_old_value():
    """``self._model = keras.Model(...)`` that the analysis cannot follow leaves ``self._model``
    unknown, so ``obj._model.summary()`` is explained by that reason (not "NoneType")."""
    (reason,) = _rendered("""
    import numpy as np
    class Builder:
        def __init__(self, shape):
            self._model = None
            inputs = keras.Input(shape=shape)
            self._model = keras.Model(inputs, layers.Dense(2)(inputs))
    Builder(np.load("x.npy").shape[1:])._model.summary()
    """)
    assert "Input shape" in reason and "NoneType" not in reason
