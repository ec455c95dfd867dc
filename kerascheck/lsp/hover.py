"""Hover text: a layer (class, Keras name, input and output shapes, parameters), one call of a
layer, a model (its ``summary()`` table as Keras 3 prints it) and a ``summary()`` call.

Everything here reads the interpreter's objects and returns Markdown strings; the worker builds
them once per analysis (``facts``) and the server only picks one (``pick``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable

from ..frontend.result import LayerCalled
from ..ir import Layer, Model, Tensor
from ..models import flatten
from ..summary.rows import snapshot

NONE_NOTE = "`None`: a size only known when data arrives (the batch, a variable length), as Keras shows it."
MAX_CALLS_SHOWN = 6


def shape_str(shape: Any) -> str:
    """A shape as the summary prints it: ``(None, 30, 30, 32)``."""
    if isinstance(shape, tuple):
        return "(" + ", ".join(str(d) for d in shape) + ")"
    return "?"


def value_shape(value: Any) -> str:
    """A call's output structure: a tensor's shape, ``[a, b]`` for several, ``?`` for the unknown."""
    if isinstance(value, Tensor):
        return shape_str(value.shape)
    if isinstance(value, (list, tuple)):
        items = flatten(list(value))
        if items and all(isinstance(t, Tensor) for t in items):
            return "[" + ", ".join(shape_str(t.shape) for t in items) + "]" if len(items) > 1 else shape_str(items[0].shape)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k!r}: {value_shape(v)}" for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))) + "}"
    return "?"


def unknown_reason(value: Any) -> str | None:
    reason = getattr(value, "reason", None)
    if isinstance(reason, str):
        return reason
    if isinstance(value, (list, tuple)):
        for item in value:
            found = unknown_reason(item)
            if found:
                return found
    return None


def _has_none(texts: Iterable[str]) -> bool:
    return any("None" in t for t in texts)


def params_line(layer: Layer) -> str:
    try:
        if not layer.built:
            return "**Params:** 0 (unbuilt: Keras creates the weights at the first call)"
        weights = layer.all_weights()
    except Exception as exc:  # a half-known custom layer: say so rather than fail the hover
        return f"**Params:** ? ({getattr(exc, 'reason', exc)})"
    trainable = sum(w.size for w in weights if w.trainable)
    frozen = sum(w.size for w in weights if not w.trainable)
    return f"**Params:** {trainable + frozen:,} (trainable {trainable:,} / non-trainable {frozen:,})"


def weights_line(layer: Layer) -> str | None:
    try:
        weights = layer.all_weights() if layer.built and not isinstance(layer, Model) else []
    except Exception:
        return None
    if not weights or len(weights) > 8:
        return None
    return "**Weights:** " + ", ".join(f"`{w.name}` {tuple_str(w.shape)}" for w in weights)


def _node_io(node: Any) -> tuple[str, str]:
    inputs = [shape_str(t.shape) for t in node.inputs if isinstance(t, Tensor)]
    outputs = [shape_str(t.shape) for t in node.outputs if isinstance(t, Tensor)]
    one = lambda items: (items[0] if len(items) == 1 else "[" + ", ".join(items) + "]") if items else "?"  # noqa: E731
    return one(inputs), one(outputs)


def title(layer: Layer) -> str:
    kind = "model" if isinstance(layer, Model) else "layer"
    return f"**{layer.class_name}** {kind} `{layer.name}`"


def tuple_str(shape: Any) -> str:
    """A weight's shape as Python writes the tuple: ``(64,)``."""
    return str(tuple(shape)) if isinstance(shape, (tuple, list)) else "?"


def layer_markdown(layer: Layer, *, call: LayerCalled | None = None, unresolved: str | None = None,
                   raises: str | None = None) -> str:
    """A layer; ``call`` (a ``LayerCalled`` event) makes it about that one call; ``unresolved``
    is why the statement that made it could not be followed, if it could not; ``raises``: the error
    Keras raises in that statement (the layer's call fails, so it has no output)."""
    lines = [title(layer)]
    shown: list[str] = []
    if call is not None:
        inputs = [t for t in call.inputs or [] if isinstance(t, Tensor)]
        ins = [shape_str(t.shape) for t in inputs]
        out = value_shape(call.outputs)
        lines.append(f"**Input:** `{ins[0] if len(ins) == 1 else '[' + ', '.join(ins) + ']'}`" if ins else "**Input:** ?")
        if out == "?":
            reason = unknown_reason(call.outputs)
            lines.append("**Output:** unknown" + (f" ({reason})" if reason else ""))
        else:
            lines.append(f"**Output:** `{out}`")
        shown += ins + [out]
        if len(layer.nodes) > 1:
            lines.append(f"Shared: this layer is called {len(layer.nodes)} times (one set of weights).")
    else:
        nodes = list(layer.nodes)
        if layer.class_name == "InputLayer":
            shape = shape_str(layer.nodes[0].outputs[0].shape) if layer.nodes else "?"
            lines.append(f"**Output:** `{shape}`")
            shown.append(shape)
        elif len(nodes) == 1:
            ins, out = _node_io(nodes[0])
            lines += [f"**Input:** `{ins}`", f"**Output:** `{out}`"]
            shown += [ins, out]
        elif nodes:
            lines.append(f"**Calls:** {len(nodes)} (shared weights)")
            for node in nodes[:MAX_CALLS_SHOWN]:
                ins, out = _node_io(node)
                where = f" (line {node.loc.line})" if node.loc is not None and getattr(node.loc, "file", None) is None else ""
                lines.append(f"- `{ins}` → `{out}`{where}")
                shown += [ins, out]
            if len(nodes) > MAX_CALLS_SHOWN:
                lines.append(f"- … {len(nodes) - MAX_CALLS_SHOWN} more")
        elif not isinstance(layer, Model):
            if layer.spec is None and type(layer).__name__ == "Layer":
                lines.append(f"**Output:** unknown (kerascheck has no semantics for `{layer.class_name}`)")
            else:
                out = "?"
                try:
                    outs = layer.output_shapes()
                    if outs:
                        out = shape_str(outs[0]) if len(outs) == 1 else "[" + ", ".join(shape_str(s) for s in outs) + "]"
                except Exception:
                    pass
                if out == "?" and raises:
                    lines.append(f"**Output:** none: {raises}")
                elif out == "?" and unresolved:
                    lines.append(f"**Output:** unknown ({unresolved})")
                elif out == "?":
                    lines.append("**Output:** unknown (the layer is never called, or its call could not be followed)")
                else:
                    lines.append(f"**Output:** `{out}`")
                    shown.append(out)
    lines.append(params_line(layer))
    weights = weights_line(layer)
    if weights:
        lines.append(weights)
    if _has_none(shown):
        lines.append(NONE_NOTE)
    return "  \n".join(lines)


def tensor_markdown(name: str, tensor: Tensor, layer: Layer | None) -> str:
    shape = shape_str(tensor.shape)
    text = f"**Tensor** `{name}`: `{shape}`"
    if layer is not None:
        text += f"  \nOutput of `{layer.name}` ({layer.class_name})"
    if not tensor.symbolic:
        text += "  \nA concrete (eager) tensor: the layer ran on data"
    if "None" in shape:
        text += "  \n" + NONE_NOTE
    return text


def table_block(text: str) -> str:
    return "```text\n" + text.rstrip("\n") + "\n```"


@dataclass(frozen=True)
class Table:
    """A summary table to render when hovered: the snapshot is plain data (rows and totals), so it
    travels from the worker; rendering (the costly part) waits until someone looks."""

    snapshot: Any = None  # summary.rows.Snapshot
    reason: str | None = None  # why there is no snapshot

    def render(self, columns: int) -> str:
        if self.snapshot is None:
            return f"`summary()` not predicted: {self.reason or 'the model is not known'}"
        try:
            return table_block(self.snapshot.render(None, columns))
        except Exception as exc:
            return f"`summary()` not predicted: {getattr(exc, 'reason', None) or exc}"


def model_table(model: Model) -> Table:
    """The model's ``summary()`` as it stands at the end of the script."""
    try:
        return Table(snapshot(model))
    except Exception as exc:
        return Table(None, str(getattr(exc, "reason", None) or exc))


def model_markdown(model: Model) -> str:
    head = title(model)
    try:
        if model.built:
            weights = model.all_weights()
            total = sum(w.size for w in weights)
            trainable = sum(w.size for w in weights if w.trainable)
            head += f" · {total:,} params (trainable {trainable:,} / non-trainable {total - trainable:,})"
        else:
            head += " · not built yet"
    except Exception:
        pass
    return head + "\n\nAs it stands at the end of the script:"


def summary_markdown(event: Any) -> tuple[str, Table | None]:
    """A ``model.summary()`` call: exactly what it prints there, or why it cannot be predicted."""
    if event.snapshot is None:
        return f"`summary()` not predicted: {event.reason or 'the model is not known'}", None
    name = getattr(event.model, "name", None)
    return (f"`summary()` of `{name}` prints:" if name else "`summary()` prints:"), Table(event.snapshot)


def with_table(markdown: str, table: Table | None, columns: int) -> str:
    return markdown if table is None else markdown + "\n\n" + table.render(columns)


def unresolved_markdown(reason: str) -> str:
    return f"kerascheck could not follow this statement: {reason}. Shapes after it that depend on it are unknown."
