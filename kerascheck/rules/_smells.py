"""What the opt-in design-smell rules (KC65x) share (not a rule module): chains of layers through
the data flow of every model style, and through the layer lists of Sequential models never built."""

from __future__ import annotations

from typing import Iterator

from ..ir import Layer
from ._facts import ACTIVATION_LAYERS, NORMALIZATIONS, POOLING, TRANSPARENT
from ._flow import Flow, sequences

CONVOLUTIONS = {"Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D"}
# Layers a chain of convolutions is followed through (they neither mix positions nor downsample).
PASS_THROUGH = TRANSPARENT | NORMALIZATIONS | set(ACTIVATION_LAYERS) | {"Activation", "ZeroPadding1D",
                                                                        "ZeroPadding2D", "ZeroPadding3D"}
# ... and, for rules about filter counts, through pooling too.
THROUGH_POOLING = PASS_THROUGH | POOLING


def chains(flow: Flow, through: set[str] = PASS_THROUGH) -> Iterator[list[Layer]]:
    """For each convolution applied, the convolutions before it back to the first one that is
    reached only through ``through`` layers (most recent first, itself included)."""
    for call in flow.calls:
        if call.layer.class_name not in CONVOLUTIONS:
            continue
        chain = [call.layer]
        before = flow.previous(call)
        while before is not None and len(chain) < 64:
            name = before.layer.class_name
            if name in CONVOLUTIONS:
                chain.append(before.layer)
            elif name not in through:
                break
            before = flow.previous(before)
        yield chain
    for layers in sequences(flow.models):
        for i, layer in enumerate(layers):
            if layer.class_name not in CONVOLUTIONS:
                continue
            chain = [layer]
            for before in reversed(layers[:i]):
                if before.class_name in CONVOLUTIONS:
                    chain.append(before)
                elif before.class_name not in through:
                    break
            yield chain


def stride_one(layer: Layer) -> bool:
    strides = layer.spec.args.get("strides", 1) if layer.spec is not None else None
    values = strides if isinstance(strides, (tuple, list)) else [strides]
    return all(v == 1 for v in values)
