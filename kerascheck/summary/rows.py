"""Turn a model, as it stands at a ``summary()`` call, into the rows Keras prints.

Follows ``keras/src/utils/summary_utils.py``: which layers are rows (``model.layers`` for
Sequential and subclassed models, ``_operations`` for Functional ones), the sequential-like test
that picks the 3- or 4-column layout, each cell's text, and the totals with their byte sizes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..ir import InputLayer, Layer, Model, Node
from ..models import Functional
from ..shapes.base import Unresolvable, Weight
from .table import Row, Totals, render

_DTYPE_BITS = {"float16": 16, "bfloat16": 16, "float32": 32, "float64": 64, "bool": 1, "int8": 8, "uint8": 8,
               "int16": 16, "uint16": 16, "int32": 32, "uint32": 32, "int64": 64, "uint64": 64}


@dataclass
class Snapshot:
    """Everything needed to print one summary, frozen at the moment of the call."""

    model_name: str
    rows: list[Row]
    totals: Totals
    functional: bool  # the 4-column layout with "Connected to"
    line_length: int | None = None
    show_trainable: bool = False
    positions: list[float] | None = None

    def render(self, line_length: int | None = None, columns: int | None = None) -> str:
        return render(self.model_name, self.rows, self.totals, functional=self.functional,
                      line_length=self.line_length or line_length, show_trainable=self.show_trainable,
                      columns=columns, positions=self.positions)


def snapshot(model: Model, line_length=None, expand_nested=False, show_trainable=False, positions=None,
             guessed: dict[str, str] | None = None) -> Snapshot:
    """``guessed``: automatic names the analysis could only guess (``Naming.guessed``)."""
    if not isinstance(model, Model):
        raise Unresolvable("summary() of something that is not a known model")
    reason = _uncertainty(model, guessed or {}, set())
    if reason is not None:
        raise Unresolvable(reason)
    if isinstance(model, Functional):
        layers = model.operations
        sequential_like = _sequential_like(model)
        relevant = {id(n) for nodes in model.map.nodes_by_depth.values() for n in nodes}
    else:
        layers = model.layers
        sequential_like = True
        relevant = set()
    rows: list[Row] = []
    for layer in layers:
        _add_rows(rows, layer, 0, sequential_like, relevant, bool(expand_nested), bool(show_trainable))
    weights = model.all_weights()
    trainable = [w for w in weights if w.trainable]
    non_trainable = [w for w in weights if not w.trainable]
    totals = Totals(
        total=_count(weights), total_bytes=_bytes(weights),
        trainable=_count(trainable), trainable_bytes=_bytes(trainable),
        non_trainable=_count(non_trainable), non_trainable_bytes=_bytes(non_trainable),
    )
    if model.optimizer_state is not None:  # Keras counts the built optimizer's variables in the total
        base, base_bytes, slots = model.optimizer_state
        count, size = base + slots * totals.trainable, base_bytes + slots * totals.trainable_bytes
        totals.optimizer = (count, size)
        totals.total += count
        totals.total_bytes += size
    if isinstance(line_length, bool) or not isinstance(line_length, (int, type(None))):
        raise Unresolvable("summary(line_length=...) is not known statically")
    if positions is not None and (not isinstance(positions, (list, tuple)) or
                                  not all(isinstance(p, (int, float)) for p in positions)):
        raise Unresolvable("summary(positions=...) is not known statically")
    return Snapshot(model.name, rows, totals, not sequential_like, line_length, bool(show_trainable),
                    list(positions) if positions else None)


def _sequential_like(model: Functional) -> bool:
    nodes: list[Node] = []
    for depth_nodes in model.map.nodes_by_depth.values():
        if len(depth_nodes) > 1 or (len(depth_nodes) == 1 and len(depth_nodes[0].inputs) > 1):
            return False
        nodes += depth_nodes
    node_ids = {id(n) for n in nodes}
    for layer in model.layers:
        if sum(1 for n in layer.nodes if id(n) in node_ids) > 1:
            return False
    return True


def _uncertainty(layer: Layer, guessed: dict[str, str], seen: set[int]) -> str | None:
    """Why a layer shown in the summary (or the model) cannot be vouched for, if it cannot."""
    seen.add(id(layer))
    if layer.uncertain is not None:
        return layer.uncertain
    if layer.name in guessed:
        return guessed[layer.name]
    inner = layer.operations if isinstance(layer, Functional) else layer.sublayers
    for sub in inner:
        if id(sub) not in seen:
            reason = _uncertainty(sub, guessed, seen)
            if reason is not None:
                return reason
    return None


def _add_rows(rows, layer: Layer, nesting: int, sequential_like: bool, relevant: set, expand: bool, trainable_col: bool):
    rows.append(Row(
        name=layer.name,
        class_name=layer.class_name,
        shape=format_layer_shape(layer),
        params=_params(layer),
        connected="-" if sequential_like or nesting else _connections(layer, relevant),
        trainable=_trainable_flag(layer) if trainable_col else "-",
        nesting=nesting,
    ))
    if expand and isinstance(layer, Model):
        for inner in layer.layers:
            _add_rows(rows, inner, nesting + 1, sequential_like, relevant, expand, trainable_col)


def format_shape(shape: tuple) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")"


def format_layer_shape(layer: Layer) -> str:
    """Keras's ``format_layer_shape``: the last call's output shapes, else from the build shape, else ``?``."""
    if layer.nodes:
        node = layer.nodes[-1]
        shapes = [format_shape(t.shape) for t in node.outputs]
        if len(shapes) == 1:
            return shapes[0]
        return "[" + ", ".join(shapes) + "]"
    model_outputs = _model_output_shapes(layer)
    if model_outputs is not None:  # an uncalled model: its ``output_shape`` property
        if len(model_outputs) == 1:
            return format_shape(model_outputs[0])
        return "(" + ", ".join(str(tuple(s)) for s in model_outputs) + ")"
    if not layer.built or layer.build_shape is None:
        return "?"
    user_class = getattr(layer, "user_class", None)
    if user_class is not None and user_class.find("compute_output_shape") is None:
        return "?"  # Layer.compute_output_shape raises NotImplementedError: Keras shows "?"
    shapes = layer.output_shapes() or []
    if len(shapes) == 1:
        return format_shape(shapes[0])
    return "[" + ", ".join(format_shape(s) for s in shapes) + "]"


def _model_output_shapes(layer: Layer) -> list | None:
    """The output shapes of a Functional model, or of a Sequential one once its graph is built."""
    if isinstance(layer, Functional):
        return [t.shape for t in layer.flat_outputs]
    graph = getattr(layer, "graph", None)
    if isinstance(layer, Model) and isinstance(graph, tuple):
        return [graph[1].shape]
    return None


def _params(layer: Layer) -> str:
    if not layer.built:
        return "0 (unbuilt)"
    return f"{layer.count_params():,}"


def _connections(layer: Layer, relevant: set) -> str:
    parts = []
    for node in layer.nodes:
        if relevant and id(node) not in relevant:
            continue
        for t in node.inputs:
            producer = t.node.layer if t.node else None
            if producer is None:
                continue
            parts.append(f"{producer.name}[{producer.nodes.index(t.node)}][{t.index}]")
    return ", ".join(parts) or "-"


def _trainable_flag(layer: Layer) -> str:
    if not layer.all_weights():
        return "-"
    return "Y" if layer.trainable else "N"


def _count(weights: list[Weight]) -> int:
    return sum(w.size for w in weights)


def _bytes(weights: list[Weight]) -> float:
    return sum(w.size * _DTYPE_BITS.get(w.dtype, 32) for w in weights) / 8


__all__ = ["Snapshot", "snapshot", "format_layer_shape", "InputLayer"]
