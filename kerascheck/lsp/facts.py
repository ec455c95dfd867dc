"""What hover and inlay hints need from one analysis, as plain (picklable) data.

The analysis runs in a worker process; the interpreter's objects (layers, tensors, lazy source
positions) stay there. ``compute_facts`` turns them into spans with Markdown and hints with
labels, which the server keeps per document: the last good facts also serve while the current
text does not parse. Positions are 1-based, columns in code points, ends exclusive (as in
``Diagnostic``); the server converts them to the client's units.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..frontend.result import LayerCalled, LayerCreated
from ..ir import Layer, Model, Tensor
from ..models import flatten
from . import hover
from .hints import Hint, layer_hints, loc_span


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int

    def contains(self, line: int, column: int) -> bool:
        return (self.line, self.column) <= (line, column) <= (self.end_line, self.end_column)


@dataclass(frozen=True)
class HoverEntry:
    span: Span
    markdown: str
    kind: str  # "layer" (construction), "call", "model", "summary", "unresolved"
    table: hover.Table | None = None  # a summary table, rendered when hovered


@dataclass(frozen=True)
class NameEntry:
    """A variable bound to a layer or model: hovering the name anywhere after ``line`` shows it."""

    line: int
    markdown: str
    table: hover.Table | None = None


@dataclass
class Facts:
    hovers: list[HoverEntry] = field(default_factory=list)
    names: dict[str, list[NameEntry]] = field(default_factory=dict)
    hints: list[Hint] = field(default_factory=list)


def _span(loc: Any) -> Span | None:
    values = loc_span(loc)
    return Span(*values) if values else None


def compute_facts(result: Any) -> Facts:
    """Hover entries, variable names and inlay hints for one interpreter ``Result``."""
    facts = Facts(hints=layer_hints(result))
    layers: dict[int, Layer] = {}
    layer_loc: dict[int, Any] = {}
    unresolved = [(span, reason) for span, reason in ((_span(loc), reason) for loc, reason in result.unresolved)
                  if span is not None and (span.line, span.column) != (span.end_line, span.end_column)]

    def why(span: Span) -> str | None:
        for outer, reason in unresolved:
            if outer.contains(span.line, span.column) and outer.contains(span.end_line, span.end_column):
                return reason
        return None

    # Every error Keras raises: where the script stops, the later ones ``check`` reports too, and those
    # on paths that may not run. A layer whose construction or call raises shows that error.
    errors = [(e, _span(e.loc)) for e in ([result.error] if result.error is not None else [])
              + list(result.later_errors) + list(result.conditional_errors)]
    errors = [(e, span) for e, span in errors if span is not None]
    raised_layers: dict[int, list[tuple[Layer, str]]] = {}  # index in ``errors`` -> layers that raise there
    created: dict[int, Layer] = {}  # index in facts.hovers -> the layer whose construction it describes

    def raised(span: Span) -> tuple[int, str] | None:
        """The error Keras raises in the statement around ``span`` (a layer built and called on one line)."""
        for index, (error, error_span) in enumerate(errors):
            if error_span.contains(span.line, span.column) and error_span.contains(span.end_line, span.end_column):
                return index, f"Keras raises {error.kind} here: {error.message}"
        return None

    for event in result.events:
        if not isinstance(event, (LayerCreated, LayerCalled)):
            continue
        layer = event.layer
        if not isinstance(layer, Layer):
            continue
        layers.setdefault(id(layer), layer)
        span = _span(event.loc)
        if span is None:
            continue
        if isinstance(event, LayerCreated):
            layer_loc.setdefault(id(layer), span)
            found = raised(span) if not layer.nodes else None
            raises = found[1] if found else None
            if found:
                raised_layers.setdefault(found[0], []).append((layer, raises))
            created[len(facts.hovers)] = layer
            facts.hovers.append(HoverEntry(span, hover.layer_markdown(layer, unresolved=why(span), raises=raises),
                                           "layer"))
        else:
            table = hover.model_table(layer) if isinstance(layer, Model) else None
            facts.hovers.append(HoverEntry(span, hover.layer_markdown(layer, call=event), "call", table))
    claimed: set[int] = set()
    for index, (error, error_span) in enumerate(errors):
        if index in raised_layers or error.error is None or error.error.stage != "call":
            continue
        # Built on one line, called (and failing) on another: the last uncalled layer of that class
        # built before the failing line (any, when none is).
        candidates = [i for i in range(len(facts.hovers) - 1, -1, -1)
                      if i in created and i not in claimed and not created[i].nodes
                      and created[i].class_name == error.error.layer]
        before = [i for i in candidates if facts.hovers[i].span.line <= error_span.line]
        for entry_index in (before or candidates)[:1]:
            entry, layer = facts.hovers[entry_index], created[entry_index]
            claimed.add(entry_index)
            raises = f"Keras raises {error.kind} when it is called (line {error_span.line}): {error.message}"
            facts.hovers[entry_index] = HoverEntry(entry.span, hover.layer_markdown(layer, raises=raises), "layer")
            raised_layers[index] = [(layer, f"Keras raises {error.kind} here: {error.message}")]
    for index, (error, error_span) in enumerate(errors):
        if index in raised_layers and not any(h.span == error_span for h in facts.hovers):
            layer, raises = raised_layers[index][-1]  # the call that raises: the whole statement says why
            facts.hovers.append(HoverEntry(error_span, hover.layer_markdown(layer, raises=raises), "call"))
    for model in result.keras.models + result.explored_models:
        layers.setdefault(id(model), model)
        span = _span(model.loc)
        if span is not None:
            layer_loc[id(model)] = span
            facts.hovers.append(HoverEntry(span, hover.model_markdown(model), "model", hover.model_table(model)))
        for layer in _model_layers(model):  # ``keras.Input(...)``: its InputLayer is only seen in models
            if layer.class_name == "InputLayer" and id(layer) not in layers:
                layers[id(layer)] = layer
                span = _span(layer.loc)
                if span is not None:
                    layer_loc[id(layer)] = span
                    facts.hovers.append(HoverEntry(span, hover.layer_markdown(layer), "layer"))
    for event in result.summaries:
        span = _span(event.loc)
        if span is not None:
            text, table = hover.summary_markdown(event)
            facts.hovers.append(HoverEntry(span, text, "summary", table))
    for span, reason in unresolved:
        facts.hovers.append(HoverEntry(span, hover.unresolved_markdown(reason), "unresolved"))
    entry_of: dict[Span, HoverEntry] = {}
    for entry in facts.hovers:
        if entry.kind in ("layer", "model"):
            entry_of.setdefault(entry.span, entry)
    for key, layer in layers.items():
        label = result.labels.get(key)
        span = layer_loc.get(key) or _span(layer.loc)
        if not label or span is None:
            continue
        entry = entry_of.get(span)
        name = NameEntry(span.line, entry.markdown, entry.table) if entry else NameEntry(span.line, hover.layer_markdown(layer))
        facts.names.setdefault(label, []).append(name)
    for event in result.events:  # tensor variables: ``x = layer(...)(x)`` binds a new tensor each time
        if not isinstance(event, LayerCalled):
            continue
        span = _span(event.loc)
        if span is None:
            continue
        for tensor in flatten([event.outputs]):
            if isinstance(tensor, Tensor) and tensor.label:
                facts.names.setdefault(tensor.label, []).append(
                    NameEntry(span.line, hover.tensor_markdown(tensor.label, tensor, event.layer)))
    for key, layer in layers.items():
        if layer.class_name == "InputLayer" and layer.nodes and key in layer_loc:
            tensor = layer.nodes[0].outputs[0]
            if tensor.label:
                facts.names.setdefault(tensor.label, []).append(
                    NameEntry(layer_loc[key].line, hover.tensor_markdown(tensor.label, tensor, layer)))
    for entries in facts.names.values():
        entries.sort(key=lambda e: e.line)
    return facts


def _model_layers(model: Model) -> list:
    try:
        return list(getattr(model, "operations", None) or model.layers)
    except Exception:
        return []


def pick(facts: Facts, line: int, column: int, word: str | None, columns: int = 80) -> str | None:
    """The hover text at a position (1-based line, code-point column): the innermost construction,
    call, model or ``summary()`` there; else the layer, model or tensor a variable name holds; else
    why the statement could not be followed. Summary tables are rendered ``columns`` wide."""
    best: HoverEntry | None = None
    fallback: HoverEntry | None = None
    for entry in facts.hovers:
        if not entry.span.contains(line, column):
            continue
        if entry.kind == "unresolved":
            if fallback is None or _inner(entry.span, fallback.span):
                fallback = entry
        elif best is None or _inner(entry.span, best.span):
            best = entry
    chosen: HoverEntry | NameEntry | None = best
    if chosen is None and word and word in facts.names:
        before = [e for e in facts.names[word] if e.line <= line]
        chosen = before[-1] if before else None
    if chosen is None:
        chosen = fallback
    return None if chosen is None else hover.with_table(chosen.markdown, chosen.table, columns)


def _inner(a: Span, b: Span) -> bool:
    """``a`` is nested in (or starts after) ``b``: the more specific of two spans at one place."""
    return (a.line, a.column) > (b.line, b.column) or (
        (a.line, a.column) == (b.line, b.column) and (a.end_line, a.end_column) < (b.end_line, b.end_column))
