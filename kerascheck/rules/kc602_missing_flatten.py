from __future__ import annotations

from ._losses import compiled_outputs, where
from .base import Invalid, Rule, shape_text

_SPATIAL = ("Conv", "Pooling", "Cropping", "ZeroPadding", "UpSampling", "SeparableConv", "DepthwiseConv")


class MissingFlatten(Rule):
    """A classifier's output still has spatial axes: a ``Flatten`` is probably missing.

    ``Dense`` acts on the last axis only: applied to convolution features ``(None, 8, 8, 32)`` it
    returns ``(None, 8, 8, 10)``, one prediction per position, not per image. Compiled with a
    classification loss (categorical, sparse categorical or binary crossentropy) the model then
    fails on labels of shape ``(batch, 10)``, or, when the labels happen to broadcast, trains on
    the wrong problem. Reported when the output ``Dense`` gets a tensor of rank 4 or more, or the
    output of a convolution or pooling layer.

    Fix: add ``keras.layers.Flatten()`` (or ``GlobalAveragePooling2D()``) before the output
    ``Dense``.
    """

    code = "KC602"
    name = "missing-flatten"
    severity = "warning"

    def check(self, ctx):
        seen = set()
        for event, _, tensor, loss in compiled_outputs(ctx):
            layer, node = tensor.layer, tensor.node
            if layer is None or layer.class_name != "Dense" or len(tensor.shape) <= 2 or not node.inputs:
                continue
            source = node.inputs[0]
            spatial = len(source.shape) >= 4 or (
                source.layer is not None and any(p in source.layer.class_name for p in _SPATIAL))
            if not spatial or (event.loc, id(tensor)) in seen:
                continue
            seen.add((event.loc, id(tensor)))
            yield self.diagnostic(
                ctx, event.loc,
                f"compiled with {loss} but the output of {where(tensor)} is {shape_text(tensor.shape)}: Dense was "
                f"applied to {shape_text(source.shape)} features, one prediction per position. Add a Flatten() "
                f"(or GlobalAveragePooling) before it",
            )

    VALID = ["import keras\nx = keras.Input(shape=(8, 8, 3))\nh = keras.layers.Conv2D(4, 3)(x)\n"
             "h = keras.layers.Flatten()(h)\nm = keras.Model(x, keras.layers.Dense(10, activation='softmax')(h))\n"
             "m.compile(loss='categorical_crossentropy')\n"]
    INVALID = [
        Invalid("import keras\nx = keras.Input(shape=(8, 8, 3))\nh = keras.layers.Conv2D(4, 3)(x)\n"
                "m = keras.Model(x, keras.layers.Dense(10, activation='softmax')(h))\n"
                "m.compile(optimizer='adam', loss='categorical_crossentropy')\n", line=5, column=1,
                message="(None, 6, 6, 10)"),
    ]
