"""Inlay hints: the output shape after each line that calls a layer.

``x = layers.Conv2D(32, 3)(x)`` gets ``→ (None, 30, 30, 32)`` at the end of its (last) line.
A layer constructed inside ``Sequential([...])`` or passed to ``model.add`` is called by the
model, not by a line of its own: its construction line shows the shape the model gives it.
Nested calls on one line (``Dense(2)(Dense(4)(x))``) show the outer one; a line run several
times (a block builder called for each stage) shows each distinct shape, ``a | b``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..frontend.result import LayerCalled, LayerCreated
from ..ir import Layer, Tensor
from .hover import value_shape

MAX_SHAPES = 4


@dataclass(frozen=True)
class Hint:
    line: int  # 1-based; the hint goes at the end of this line
    label: str  # "→ (None, 30, 30, 32)"
    tooltip: str


def loc_span(loc: Any) -> tuple[int, int, int, int] | None:
    """A ``Loc`` in the analysed file as (line, column, end_line, end_column); None elsewhere."""
    if loc is None:
        return None
    try:
        values = tuple(loc.values)
        if getattr(loc, "file", None) is not None:  # in a sibling module the file imports
            return None
    except Exception:
        return None
    if len(values) != 4 or values[0] < 1:
        return None
    return values  # type: ignore[return-value]


def shape_text(value: Any) -> str:
    return value_shape(value)


def _contains(outer: tuple, inner: tuple) -> bool:
    return outer != inner and outer[:2] <= inner[:2] and inner[2:] <= outer[2:]


def layer_hints(result: Any) -> list[Hint]:
    # line -> span -> (shapes in order, layer names)
    found: dict[int, dict[tuple, tuple[list[str], list[str]]]] = {}
    called: set[int] = set()

    def add(span: tuple, shape: str, layer: Layer) -> None:
        shapes, names = found.setdefault(span[2], {}).setdefault(span, ([], []))
        if shape not in shapes:
            shapes.append(shape)
        name = f"{layer.name} ({layer.class_name})"
        if name not in names:
            names.append(name)

    for event in result.events:
        if not isinstance(event, LayerCalled):
            continue
        layer = event.layer
        if not isinstance(layer, Layer):
            continue
        called.add(id(layer))
        span = loc_span(event.loc)
        if span is not None:
            add(span, shape_text(event.outputs), layer)
    for event in result.events:
        if not isinstance(event, LayerCreated):
            continue
        layer = event.layer
        if not isinstance(layer, Layer) or id(layer) in called or not layer.nodes:
            continue
        span = loc_span(event.loc)
        if span is None:
            continue
        for node in layer.nodes:  # calls made by a Sequential model
            outputs = [t for t in node.outputs if isinstance(t, Tensor)]
            if outputs:
                add(span, shape_text(outputs[0] if len(outputs) == 1 else outputs), layer)
    hints = []
    for line in sorted(found):
        spans = found[line]
        outer = [s for s in spans if not any(_contains(o, s) for o in spans)]
        outer.sort()
        labels, names = [], []
        for span in outer:
            shapes, layer_names = spans[span]
            shown = shapes[:MAX_SHAPES] + (["…"] if len(shapes) > MAX_SHAPES else [])
            labels.append(" | ".join(shown))
            names += layer_names
        tooltip = "Output shape of " + ", ".join(names[:MAX_SHAPES]) + (" …" if len(names) > MAX_SHAPES else "")
        hints.append(Hint(line, "→ " + ", ".join(labels), tooltip))
    return hints
