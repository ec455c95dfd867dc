from __future__ import annotations

from ..frontend.values import Ref
from ._syntax import in_file
from .base import Invalid, Rule


def _is_softmax(value) -> bool:
    if isinstance(value, Ref):
        value = value.path.rsplit(".", 1)[-1]
    return isinstance(value, str) and value.lower() == "softmax"


class SoftmaxSingleUnit(Rule):
    """Softmax over a single unit: the output is always 1.0.

    Softmax normalises over the last axis so that the values sum to 1; over one unit
    (``Dense(1, activation="softmax")``) every output is exactly 1.0 whatever the input, the
    gradient is zero and the model learns nothing. It usually comes from a binary classifier
    written like a multi-class one.

    Fix: for a binary output use ``Dense(1, activation="sigmoid")`` with ``binary_crossentropy``;
    for classes use ``Dense(n_classes, activation="softmax")``.
    """

    code = "KC601"
    name = "softmax-single-unit"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for layer in ctx.result.keras.layers:
            spec = layer.spec
            if spec is None:
                continue
            if layer.class_name == "Dense" and _is_one(spec.args.get("units")) and _is_softmax(spec.args.get("activation")):
                locs = [layer.loc]
            elif layer.class_name in ("Activation", "Softmax") and (
                    layer.class_name == "Softmax" or _is_softmax(spec.args.get("activation"))):
                axis = spec.args.get("axis", -1) if layer.class_name == "Softmax" else -1
                locs = [n.loc for n in layer.nodes if isinstance(axis, int) and n.inputs and n.inputs[0].shape
                        and -len(n.inputs[0].shape) <= axis < len(n.inputs[0].shape)
                        and _is_one(n.inputs[0].shape[axis])]
            else:
                continue
            for loc in locs:
                if in_file(loc) and loc not in seen:
                    seen.add(loc)
                    yield self.diagnostic(ctx, loc, "softmax over a single unit always outputs 1.0 (the model cannot "
                                                    "learn). Use activation='sigmoid' for a binary output, or one "
                                                    "unit per class")

    VALID = ["import keras\nx = keras.Input(shape=(4,))\ny = keras.layers.Dense(1, activation='sigmoid')(x)\n",
             "import keras\nx = keras.Input(shape=(4,))\ny = keras.layers.Dense(3, activation='softmax')(x)\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(4,))\ny = keras.layers.Dense(1, activation='softmax')(x)\n",
                line=3, column=5, message="always outputs 1.0"),
        Invalid("import keras\nx = keras.Input(shape=(4,))\nh = keras.layers.Dense(1)(x)\n"
                "y = keras.layers.Activation('softmax')(h)\n", line=4, column=5),
    ]


def _is_one(value) -> bool:
    """Exactly 1 (a symbolic size may be 1 for some data, but is not flagged on a guess)."""
    return isinstance(value, int) and value == 1
