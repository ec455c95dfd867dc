"""The model graph IR: layers, the nodes their calls create, symbolic tensors and models.

It mirrors the objects Keras 3 builds (``Operation._inbound_nodes``, ``KerasTensor._keras_history``,
``Functional._operations``) so the summary and the rules can ask the same questions Keras asks.
The frontend creates these objects while interpreting the user's code; the shapes registry gives
each layer its semantics.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass, field
from typing import Any, Callable

from .shapes.base import KerasError, LayerSpec, Unresolvable, Weight, snake_case


class Loc:
    """A source range, 1-based lines and columns (the end is exclusive, as editors expect).

    ``file`` is None for the analysed file itself, else the path of the imported module the
    range is in. Positions are expensive to compute with libcst (a pass over the whole module),
    and most analysed files never report anything, so a ``Loc`` made by ``Loc.lazy`` resolves
    them only when a line or column is first read.
    """

    __slots__ = ("_values", "_file", "_node", "_resolver", "_anchor")

    def __init__(self, line: int = 1, column: int = 1, end_line: int = 0, end_column: int = 0, file: str | None = None):
        self._values = (line, column, end_line or line, end_column or column) if line else None
        self._file = file
        self._node = self._resolver = None
        # The syntax node a lazy Loc stands for: equality and hashing by it need no positions
        # (rules keep sets of Locs; that must not cost a position pass over the module).
        self._anchor = None

    @classmethod
    def lazy(cls, node: Any, resolver: Callable[[Any], tuple], file: str | None | bool = False) -> "Loc":
        """``file``: the module the node is in, when the caller knows it (False: ask the resolver)."""
        loc = cls(0)
        loc._node, loc._resolver, loc._file, loc._anchor = node, resolver, file, node
        return loc

    @property
    def values(self) -> tuple[int, int, int, int]:
        if self._values is None:
            *self._values, self._file = self._resolver(self._node)
            self._values = tuple(self._values)
            self._node = self._resolver = None
        return self._values

    @property
    def file(self) -> str | None:
        if self._file is False:  # not known without resolving the position
            self.values
        return self._file

    line = property(lambda self: self.values[0])
    column = property(lambda self: self.values[1])
    end_line = property(lambda self: self.values[2])
    end_column = property(lambda self: self.values[3])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Loc):
            return False
        if self._anchor is not None and other._anchor is not None:
            return self._anchor is other._anchor
        return (self.values, self.file) == (other.values, other.file)

    def __hash__(self) -> int:
        return id(self._anchor) if self._anchor is not None else hash(self.values)

    def __repr__(self) -> str:
        return "Loc(%d, %d, %d, %d)" % self.values + (f" in {self._file}" if self._file else "")


class Naming:
    """Keras's automatic names: one counter per prefix for the whole script (keras/src/utils/naming.py)."""

    def __init__(self):
        self.uids: collections.Counter[str] = collections.Counter()
        # Prefixes whose counter differs between paths the analysis could not choose between:
        # prefix -> why. A name made from one of them is a guess (the layer is marked uncertain).
        self.uncertain: dict[str, str] = {}
        self.guessed: dict[str, str] = {}  # names made from an uncertain prefix -> why

    def auto(self, class_name: str) -> str:
        return self.uniquify(snake_case(class_name))

    def uniquify(self, prefix: str) -> str:
        n = self.uids[prefix]
        self.uids[prefix] += 1
        name = prefix if n == 0 else f"{prefix}_{n}"
        if prefix in self.uncertain:
            self.guessed[name] = self.uncertain[prefix]
        return name

    def get_uid(self, prefix: str) -> int:
        """``keras.backend.get_uid``: the same counters, incremented first."""
        self.uids[prefix] += 1
        return self.uids[prefix]

    def reset(self) -> None:
        self.uids.clear()
        self.uncertain.clear()
        self.guessed.clear()


@dataclass(eq=False)
class Tensor:
    """A KerasTensor (``symbolic``) or a concrete eager tensor (``tf.ones``): a shape and where it came from."""

    shape: tuple
    dtype: str = "float32"
    node: "Node | None" = None
    index: int = 0
    symbolic: bool = True
    loc: Loc | None = None
    label: str | None = None  # the variable it was first bound to, for messages
    mask: "Tensor | None" = None  # the Keras mask attached to it (kerascheck/masking.py)
    classes: int | None = None  # a dataset's label array: how many distinct labels it holds (documented)

    @property
    def layer(self) -> "Layer | None":
        return self.node.layer if self.node else None

    @property
    def node_index(self) -> int:
        return self.node.layer.nodes.index(self.node) if self.node else 0


@dataclass(eq=False)
class Node:
    """One call of a layer on tensors (Keras ``Node``)."""

    layer: "Layer"
    inputs: list[Tensor]
    outputs: list[Tensor]
    loc: Loc | None = None
    multi_output: bool = False  # the call returned a list/tuple, even of one tensor

    @property
    def is_input(self) -> bool:
        return isinstance(self.layer, InputLayer)

    @property
    def parents(self) -> list["Node"]:
        return [t.node for t in self.inputs if t.node is not None]


class Layer:
    """A layer instance. ``weights`` is None until the layer is built."""

    def __init__(self, spec: LayerSpec | None, class_name: str, name: str, loc: Loc | None = None):
        self.spec = spec
        self.class_name = class_name
        self.name = name
        self.loc = loc
        self.nodes: list[Node] = []
        self.weights: list[Weight] | None = None
        self.build_shape: Any = None
        self.built_at_init = False  # a stateless layer Keras builds in __init__ (shapes/stubs.py)
        # Why the analysis cannot vouch for this layer's state (it changed on a path that may not
        # run, its automatic name is a guess): a summary showing it is explained, not predicted.
        self.uncertain: str | None = None
        # Why it lacks what a statement that could not be followed added (``model.add(...)`` that
        # raised): what it outputs is unknown, so nothing built on it is checked as if complete.
        self.incomplete: str | None = None
        self.trainable = True
        if spec is not None:
            spec.layer_name = name
            trainable = spec.args.get("trainable", True)
            self.trainable = trainable if isinstance(trainable, bool) else True

    # -- state -----------------------------------------------------------------------------------
    @property
    def built(self) -> bool:
        return self.weights is not None or self.built_at_init

    def all_weights(self) -> list[Weight]:
        """Weights with the layer's ``trainable`` flag applied (``layer.weights``)."""
        if not self.weights:
            return []
        if self.trainable:
            return list(self.weights)
        return [Weight(w.name, w.shape, False, w.dtype) for w in self.weights]

    def count_params(self) -> int:
        return sum(w.size for w in self.all_weights())

    @property
    def sublayers(self) -> list["Layer"]:
        return []

    # -- semantics ---------------------------------------------------------------------------------
    def compute_output_shape(self, input_shape: Any) -> Any:
        if self.spec is None:
            raise Unresolvable(f"{self.class_name} has no known semantics")
        return self.spec.compute_output_shape(input_shape)

    def weights_for(self, input_shape: Any) -> list[Weight]:
        if self.spec is None:
            raise Unresolvable(f"{self.class_name} has no known semantics")
        return self.spec.build(input_shape)

    def build(self, input_shape: Any, on_call: bool = False) -> None:
        """``layer.build(shape)``, or ``on_call`` the build a first call triggers (``_maybe_build``),
        which a layer built at init skips: it then has no build shape (the summary shows ``?``)."""
        if self.weights is None:
            self.weights = self.weights_for(input_shape)
            if not (on_call and self.built_at_init):
                self.build_shape = input_shape

    def output_shapes(self) -> list[tuple] | None:
        """Shapes of the last call's outputs (what the summary shows), or of ``compute_output_shape``."""
        if self.nodes:
            node = self.nodes[-1]
            return [t.shape for t in node.outputs]
        if self.build_shape is not None:
            out = self.compute_output_shape(self.build_shape)
            return list(out) if isinstance(out, list) else [out]
        return None

    def __repr__(self) -> str:
        return f"<{self.class_name} {self.name}>"


class InputLayer(Layer):
    def __init__(self, batch_shape: tuple, dtype: str, name: str, loc: Loc | None = None):
        super().__init__(None, "InputLayer", name, loc)
        self.batch_shape = tuple(batch_shape)
        self.dtype = dtype
        self.weights = []
        tensor = Tensor(self.batch_shape, dtype, loc=loc)
        node = Node(self, [], [tensor], loc)
        tensor.node = node
        self.nodes.append(node)

    @property
    def output(self) -> Tensor:
        return self.nodes[0].outputs[0]

    def compute_output_shape(self, input_shape):
        return input_shape


@dataclass
class GraphMap:
    """What ``keras.src.ops.function.map_graph`` computes for a functional model."""

    operations: list[Layer]
    nodes_by_depth: dict[int, list[Node]]
    nodes: set = field(default_factory=set)


class Model(Layer):
    """Common ground of Sequential, Functional and subclassed models."""

    kind = "model"
    compiled = False
    optimizer: Any = None  # what compile() was given (kerascheck.optimizers.Optimizer), None if not known
    # Once fit() built the optimizer: (its variables besides the slots, their bytes, slots per trainable weight)
    optimizer_state: tuple[int, float, int] | None = None

    @property
    def layers(self) -> list[Layer]:
        return []

    @property
    def built(self) -> bool:  # type: ignore[override]
        return self.weights is not None

    def all_weights(self) -> list[Weight]:
        weights: list[Weight] = []
        seen: set[int] = set()
        for layer in self.sublayers:
            if id(layer) in seen:
                continue
            seen.add(id(layer))
            for w in layer.all_weights():
                weights.append(w if self.trainable else Weight(w.name, w.shape, False, w.dtype))
        return weights

    def weights_for(self, input_shape):
        return []


def map_graph(inputs: list[Tensor], outputs: list[Tensor]) -> GraphMap:
    """Port of Keras's ``map_graph``: operations sorted by depth, ties by DFS first-visit order."""
    finished: set[int] = set()
    in_progress: set[int] = set()
    ordered: list[Node] = []
    op_index: dict[int, int] = {}
    ops_by_id: dict[int, Layer] = {}
    input_ids = {id(t) for t in inputs}

    def visit(root: Tensor) -> None:
        # Depth first, iteratively (a 20,000-layer chain is 20,000 deep): a node is first seen when
        # popped (its operation numbered then), finished once every input has been.
        stack: list[tuple[Tensor, bool]] = [(root, False)]
        while stack:
            tensor, expanded = stack.pop()
            node = tensor.node
            if expanded:
                finished.add(id(node))
                in_progress.discard(id(node))
                ordered.append(node)
                continue
            if node is None or id(node) in finished:
                continue
            if not node.is_input and id(tensor) in input_ids:
                finished.add(id(node))
                continue
            if id(node) in in_progress:
                raise KerasError(f"Tensor from operation '{node.layer.name}' is part of a cycle.")
            op = node.layer
            if id(op) not in op_index:
                op_index[id(op)] = len(op_index)
                ops_by_id[id(op)] = op
            in_progress.add(id(node))
            stack.append((tensor, True))
            if not node.is_input:
                stack.extend((t, False) for t in reversed(node.inputs))

    for out in outputs:
        visit(out)

    in_graph = {id(n) for n in ordered}
    node_depth: dict[int, int] = {}
    nodes_by_id = {id(n): n for n in ordered}
    op_depth: dict[int, int] = {}
    for node in reversed(ordered):
        depth = node_depth.setdefault(id(node), 0)
        depth = max(depth, op_depth.get(id(node.layer), 0))
        op_depth[id(node.layer)] = depth
        node_depth[id(node)] = depth
        for parent in node.parents:
            if id(parent) in in_graph:
                node_depth[id(parent)] = max(depth + 1, node_depth.get(id(parent), 0))

    for t in inputs:
        op = t.layer
        if op is not None and id(op) not in op_depth and t.node.is_input:
            op_depth[id(op)] = 0
            op_index[id(op)] = -1
            ops_by_id[id(op)] = op
            node_depth[id(t.node)] = 0
            nodes_by_id[id(t.node)] = t.node

    nodes_by_depth: dict[int, list[Node]] = collections.defaultdict(list)
    for nid, depth in node_depth.items():
        nodes_by_depth[depth].append(nodes_by_id[nid])
    ops_by_depth: dict[int, list[Layer]] = collections.defaultdict(list)
    for oid, depth in op_depth.items():
        ops_by_depth[depth].append(ops_by_id[oid])
    operations: list[Layer] = []
    for depth in sorted(ops_by_depth, reverse=True):
        operations.extend(sorted(ops_by_depth[depth], key=lambda op: op_index[id(op)]))

    # Every tensor a node consumes must be computable from the inputs.
    computable = set(input_ids)
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            for t in node.inputs:
                if id(t) not in computable:
                    raise KerasError(
                        f"Graph disconnected: cannot find parent for tensor {t.label or 'keras_tensor'} "
                        f"at operation '{node.layer.name}'."
                    )
            computable.update(id(t) for t in node.outputs)

    counts = collections.Counter(op.name for op in operations)
    for name, count in counts.items():
        if count != 1:
            raise KerasError(
                f'The name "{name}" is used {count} times in the model. '
                "All operation names should be unique."
            )
    return GraphMap(operations, dict(nodes_by_depth), set(nodes_by_id))
