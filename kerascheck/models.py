"""Keras's model-building behaviour over the IR: Input, layer calls, Sequential, Functional.

``Keras`` holds the state a Keras process has (automatic-name counters, the models created) and
performs what ``keras.Input``, ``layer(x)``, ``keras.Sequential`` and ``keras.Model`` do, following
keras/src/models/sequential.py, functional.py and layers/layer.py, including the hidden objects
Keras creates (a Sequential's InputLayer and internal Functional consume automatic names too).
"""

from __future__ import annotations

from typing import Any, Callable

from . import masking
from .ir import InputLayer, Layer, Loc, Model, Naming, Node, Tensor, map_graph
from .shapes.base import (
    KerasError, LayerSpec, Opaque, Unknown, Unresolvable, check_rank, describe, format_shape, is_literal, require_dims,
)
from .shapes.ops import OPS
from .shapes.stubs import class_fact


def flatten(structure: Any) -> list:
    """Keras's ``tree.flatten``: lists/tuples in order, dicts by sorted key."""
    if isinstance(structure, (list, tuple)):
        return [x for item in structure for x in flatten(item)]
    if isinstance(structure, dict):
        try:
            keys = sorted(structure)
        except TypeError:  # keys the analysis cannot order (library objects): insertion order
            keys = list(structure)
        return [x for key in keys for x in flatten(structure[key])]
    return [structure]


def shape_structure(structure: Any) -> Any:
    if isinstance(structure, Tensor):
        return structure.shape
    if isinstance(structure, (list, tuple)):
        return [shape_structure(x) for x in structure]
    raise Unresolvable("a layer was called on something that is not a tensor")


class Sequential(Model):
    kind = "sequential"

    def __init__(self, keras: "Keras", name: str, loc: Loc | None):
        super().__init__(None, "Sequential", name, loc)
        self.keras = keras
        self.stack: list[Layer] = []  # Keras's ``_layers``: may start with an InputLayer
        self.graph: tuple[Tensor, Tensor] | None = None  # (input, output) of the internal Functional
        self.functional_name = "functional"  # the internal Functional's automatic name, once built

    @property
    def layers(self) -> list[Layer]:
        return [l for l in self.stack if not isinstance(l, InputLayer)]

    @property
    def sublayers(self) -> list[Layer]:
        return self.layers

    @property
    def built(self) -> bool:  # type: ignore[override]
        return self.graph is not None or self.weights is not None

    def add(self, layer: Any, loc: Loc | None, rebuild: bool = True) -> None:
        if not self.stack and isinstance(layer, Layer):
            shape = _input_shape_arg(layer)
            batch_shape = getattr(layer, "keras1_batch_shape", None)  # Keras 1/2's batch_input_shape=
            if batch_shape is not None:
                made = self.keras.input_layer(batch_shape=batch_shape, loc=loc)
                made.keras1_batch_shape_of = layer  # KC108's fix writes this Input
                self.add(made, loc)
            elif shape is not None:
                self.add(self.keras.input_layer(batch_shape=(None, *shape), loc=loc), loc)
        if isinstance(layer, Tensor) and layer.node is not None and layer.node.is_input:
            layer = layer.layer
        if not isinstance(layer, Layer):
            if not (is_literal(layer) or isinstance(layer, Tensor) or getattr(layer, "certainly_not_layer", False)):
                # A third-party layer, a user object, a value not known: perhaps a layer when it runs.
                self.uncertain = self.uncertain or f"a layer kerascheck does not model was added ({describe(layer)})"
                raise Unresolvable(self.uncertain)
            raise KerasError(f"Only instances of `keras.Layer` can be added to a Sequential model. Received: {layer!r}",
                             exact=is_literal(layer))  # Keras prints an object with its address
        if any(l.name == layer.name for l in self.stack):
            raise KerasError(
                "All layers added to a Sequential model should have unique names. "
                f"Name '{layer.name}' is already the name of a layer in this model. "
                "Update the `name` argument to pass a unique name."
            )
        if isinstance(layer, InputLayer) and self.stack and isinstance(self.stack[0], InputLayer):
            raise KerasError(
                f"Sequential model '{self.name}' has already been configured to use input shape "
                f"{format_shape(self.stack[0].batch_shape)}. You cannot add a different Input layer to it."
            )
        self.stack.append(layer)
        self.graph = None
        if rebuild:
            self.maybe_rebuild(loc)

    def pop(self, loc: Loc | None) -> Layer:
        if not self.stack:
            raise KerasError("pop from empty list", "IndexError")
        layer = self.stack.pop()
        self.graph = None
        self.maybe_rebuild(loc)
        return layer

    def maybe_rebuild(self, loc: Loc | None) -> None:
        self.graph = None
        try:
            if self.stack and isinstance(self.stack[0], InputLayer) and len(self.stack) > 1:
                self.build(self.stack[0].batch_shape, loc)
            elif len(self.stack) > 1 and (shape := _input_shape_property(self.stack[0])) is not None:
                self.build(shape, loc)  # a first layer with an ``input_shape`` (a model) builds it too
        except KerasError:
            if self.uncertain is not None:  # already broken or path-dependent: not a certain, new error
                raise Unresolvable(self.uncertain) from None
            raise

    def build(self, input_shape: tuple, loc: Loc | None) -> None:
        input_shape = tuple(input_shape)
        if not self.stack:
            raise KerasError(f"Sequential model {self.name} cannot be built because it has no layers. Call `model.add(layer)`.")
        if isinstance(self.stack[0], InputLayer):
            if self.stack[0].batch_shape != input_shape:
                raise KerasError(
                    f"Sequential model '{self.name}' has already been configured to use input shape "
                    f"{format_shape(self.stack[0].batch_shape)}. You cannot build it with input_shape {format_shape(input_shape)}"
                )
        else:
            self.stack.insert(0, self.keras.input_layer(batch_shape=input_shape, loc=loc))
        x = inputs = self.stack[0].output
        for layer in self.stack[1:]:
            x = self.keras.call(layer, x, loc)
            if not isinstance(x, Tensor):
                raise Unresolvable("a layer in a Sequential model returned several tensors")
            if x.node is not None:
                x.node.sequential = self  # each rebuild calls the layer again: one call for Keras 2 (KC205)
        # Keras builds an unnamed Functional here; its name appears in input-spec errors.
        self.functional_name = self.keras.naming.auto("Functional")
        self.graph = (inputs, x)

    def output_structure(self, inputs: Any, loc: Loc | None) -> Any:
        shape = shape_structure(inputs)
        if self.graph is None:
            self.build(shape, loc)
        return replay_chain([l for l in self.stack[1:]], shape)

    # As a wrapped sublayer (``TimeDistributed(model)``): shapes through the stack, weights as built.
    def compute_output_shape(self, input_shape):
        return replay_chain(self.layers, tuple(input_shape))

    def weights_for(self, input_shape):
        if self.graph is None:
            self.build((None, *tuple(input_shape)[1:]), None)
        return self.all_weights()


def _paths(structure: Any, prefix: str = "") -> list[str]:
    """``tree.flatten_with_path`` paths joined with dots, in flatten order."""
    if isinstance(structure, (list, tuple)):
        return [p for i, x in enumerate(structure) for p in _paths(x, f"{prefix}.{i}" if prefix else str(i))]
    if isinstance(structure, dict):
        return [p for k in sorted(structure) for p in _paths(structure[k], f"{prefix}.{k}" if prefix else str(k))]
    return [prefix]


def replay_chain(layers: list[Layer], shape: Any) -> Any:
    for layer in layers:
        shape = layer.compute_output_shape(shape)
    return shape


class Functional(Model):
    kind = "functional"

    def __init__(self, inputs: Any, outputs: Any, name: str, loc: Loc | None):
        super().__init__(None, "Functional", name, loc)
        self.inputs = inputs
        self.outputs = outputs
        flat_in, flat_out = flatten(inputs), flatten(outputs)
        for t in flat_in + flat_out:
            if not isinstance(t, Tensor) or not t.symbolic:
                raise KerasError("All `inputs` and `outputs` values must be KerasTensors.")
        self.flat_inputs: list[Tensor] = flat_in
        self.flat_outputs: list[Tensor] = flat_out
        if not flat_in:
            raise KerasError(f"`inputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}")
        if not flat_out:
            raise KerasError(f"`outputs` argument cannot be empty. Received:\ninputs={inputs}\noutputs={outputs}")
        self.map = map_graph(flat_in, flat_out)
        self.weights = []
        self._check_connected(outputs)

    def _check_connected(self, outputs: Any) -> None:
        """Keras runs the graph from the inputs; an output it never reaches is an error."""
        reached = {id(t) for t in self.flat_inputs}
        for depth in sorted(self.map.nodes_by_depth, reverse=True):
            for node in self.map.nodes_by_depth[depth]:
                if not node.is_input and all(id(t) in reached for t in node.inputs):
                    reached.update(id(t) for t in node.outputs)
        for path, t in zip(_paths(outputs), self.flat_outputs):
            if id(t) not in reached:
                raise KerasError(f"Output with path `{path}` is not connected to `inputs`")

    @property
    def operations(self) -> list[Layer]:
        return self.map.operations

    @property
    def layers(self) -> list[Layer]:
        return list(self.map.operations)

    @property
    def sublayers(self) -> list[Layer]:
        return self.layers

    @property
    def built(self) -> bool:  # type: ignore[override]
        return True

    def compute_output_shape(self, input_shape):
        fake = [Tensor(tuple(s)) for s in input_shape] if isinstance(input_shape, list) else Tensor(tuple(input_shape))
        return self.output_structure(fake, None)

    def weights_for(self, input_shape):
        return self.all_weights()

    def output_structure(self, inputs: Any, loc: Loc | None) -> Any:
        """Output shapes when called on ``inputs``: replay the graph's nodes on the new shapes."""
        new_shapes = [shape_structure(t) for t in flatten(inputs)]
        if len(new_shapes) != len(self.flat_inputs):
            raise KerasError(
                f'Layer "{self.name}" expects {len(self.flat_inputs)} input(s), but it received {len(new_shapes)} input tensors.'
            )
        shapes: dict[int, Any] = {id(t): s for t, s in zip(self.flat_inputs, new_shapes)}
        for depth in sorted(self.map.nodes_by_depth, reverse=True):
            for node in self.map.nodes_by_depth[depth]:
                if node.is_input:
                    continue
                ins = [shapes.get(id(t), t.shape) for t in node.inputs]
                positions, options = getattr(node, "call_positions", None), getattr(node, "call_options", None)
                if positions is not None:  # several named tensors
                    arg = [None if i is None else ins[i] for i in positions]
                else:
                    several = isinstance(node.layer, OpLayer) or (node.layer.spec is not None and node.layer.spec.multi_input)
                    arg = ins if several else ins[0]  # an operation gets each of its tensors
                out = node.layer.spec.compute_output_spec(arg, options) if options else node.layer.compute_output_shape(arg)
                outs = out if isinstance(out, list) else [out]
                for t, s in zip(node.outputs, outs):
                    shapes[id(t)] = tuple(s)
        result = [shapes.get(id(t), t.shape) for t in self.flat_outputs]
        return result if len(result) > 1 or isinstance(self.outputs, (list, tuple)) else result[0]


class OpLayer(Layer):
    """A ``keras.ops`` operation applied to symbolic tensors: a row of the summary, no weights."""

    def __init__(self, op: Any, name: str, arguments: dict, loc: Loc | None):
        super().__init__(None, op.class_name, name, loc)
        self.op = op
        self.arguments = arguments  # bound arguments; tensors in it are replaced when replayed
        self.weights = []

    def compute_output_shape(self, input_shape: Any) -> Any:
        shapes = list(input_shape) if isinstance(input_shape, list) else [input_shape]
        replaced = iter(shapes)

        def substitute(value: Any) -> Any:
            if isinstance(value, Tensor) and value.symbolic:  # the node's inputs; a constant stays
                return Tensor(tuple(next(replaced)))
            if isinstance(value, (list, tuple)):
                return type(value)(substitute(v) for v in value)
            return value

        return self.op.shape(**{k: substitute(v) for k, v in self.arguments.items()})


class Keras:
    """The state of one Keras process while a script runs, and the operations that change it."""

    def __init__(self):
        self.naming = Naming()
        self.models: list[Model] = []
        self.layers: list[Layer] = []  # every built-in layer constructed, in order (for rules)
        # Depth of subclassed ``call()`` bodies being run: calls inside create no nodes (Keras traces them).
        self.tracing = 0
        # Set by the interpreter: the ``run`` of a layer whose output comes from running Python code
        # (a Lambda without output_shape), or None.
        self.runner: Callable[[Layer, Loc | None], Callable[[Any], Any] | None] = lambda layer, loc=None: None

    # -- objects -------------------------------------------------------------------------------------
    def layer(self, spec: LayerSpec, loc: Loc | None) -> Layer:
        name = spec.args.get("name")
        if isinstance(name, (Unknown, Opaque)):  # an auto name here would be a guess
            raise Unresolvable("the layer's name is not known statically")
        if not isinstance(name, str):
            name = self.naming.auto(spec.class_name)
        # Layers that build sublayers in __init__ (RandAugment, TextVectorization) use up their names too.
        for inner in getattr(spec, "internal_layers", ()):
            self.naming.auto(inner)
        layer = Layer(spec, spec.class_name, name, loc)
        layer.built_at_init = class_fact("built_at_init", spec.class_name, False)
        self.layers.append(layer)
        return layer

    def input_layer(self, batch_shape: tuple, loc: Loc | None, dtype: str = "float32", name: str | None = None) -> InputLayer:
        layer = InputLayer(batch_shape, dtype, name or self.naming.auto("InputLayer"), loc)
        self.naming.uniquify("keras_tensor")
        return layer

    def operation(self, op: Any, arguments: dict, loc: Loc | None) -> Any:
        """``keras.ops.<name>(...)``: the output shape, and on symbolic tensors a node of a new operation."""
        tensors = [t for t in flatten(list(arguments.values())) if isinstance(t, Tensor)]
        shape = op.shape(**arguments)
        if not any(t.symbolic for t in tensors) or self.tracing:
            return Tensor(tuple(shape), symbolic=False, loc=loc)
        layer = OpLayer(op, self.naming.auto(op.class_name), arguments, loc)
        symbolic = [t for t in tensors if t.symbolic]  # a constant (ops.convert_to_tensor) is no node input
        try:
            return self._call(layer, symbolic, symbolic, loc, lambda _: tuple(shape), None)
        except KerasError as exc:
            raise exc.annotate(stage="call", layer=op.class_name, inputs=tensors)

    def sequential(self, layers: list | None, name: str | None, loc: Loc | None) -> Sequential:
        model = Sequential(self, name or self.naming.auto("Sequential"), loc)
        self.models.append(model)
        if layers:
            for layer in layers:
                model.add(layer, loc, rebuild=False)
            model.maybe_rebuild(loc)
        return model

    def functional(self, inputs: Any, outputs: Any, name: str | None, loc: Loc | None) -> Functional:
        try:
            model = Functional(inputs, outputs, name or self.naming.auto("Functional"), loc)
        except KerasError as exc:
            raise exc.annotate(stage="model", layer="Functional")
        self.models.append(model)
        return model

    # -- calls -----------------------------------------------------------------------------------------
    def call(self, layer: Layer, inputs: Any, loc: Loc | None, run: Callable[[Any], Any] | None = None,
             extra: list[Tensor] | None = None, node_inputs: list[Tensor] | None = None,
             options: dict | None = None, plain: bool = True) -> Any:
        """``layer(inputs)``. ``run`` computes the outputs of user-defined ``call()`` methods;
        ``extra`` are tensors passed as other arguments (``initial_state=``), which Keras also
        records as the node's inputs. A layer called with several named tensors (``mha(query,
        value, key)``) gets them as the list ``inputs`` (``None`` for one not given), every tensor
        argument in Keras's order as ``node_inputs``, and its other call arguments as ``options``.
        ``plain``: the call had one positional argument and no keywords (masks, kerascheck/masking.py)."""
        flat = [t for t in flatten(inputs) if t is not None] if node_inputs is not None else flatten(inputs)
        if not flat or not all(isinstance(t, Tensor) for t in flat):
            raise Unresolvable(f"{layer.name} is called on a value that is not a known tensor")
        run = run or self.runner(layer, loc)
        try:
            return self._call(layer, inputs, flat, loc, run, extra, node_inputs, options, plain)
        except KerasError as exc:
            raise exc.annotate(stage="call", layer=layer.class_name, inputs=node_inputs or flat)

    def _call(self, layer, inputs, flat, loc, run, extra, node_inputs=None, options=None, plain=True):
        symbolic = any(t.symbolic for t in flat) and not self.tracing
        check_input_spec(layer, inputs, flat)  # before build, as ``Layer.__call__`` does (step 3)
        if isinstance(layer, Sequential) or isinstance(layer, Functional):
            out_shapes = layer.output_structure(inputs, loc)
        elif run is not None:
            out_shapes = run(inputs)
        else:
            arg = shape_structure(inputs)
            if layer.spec is not None and not layer.spec.multi_input and isinstance(arg, list):
                if len(arg) != 1:
                    _check_single_input(layer, len(arg))
                arg = arg[0]
            if node_inputs is not None:
                arg = [None if t is None else t.shape for t in inputs]
            first_build = not layer.built
            if first_build and not isinstance(arg, list):
                _check_init_rank(layer, arg)
            layer.build(arg, on_call=True)
            if first_build:
                for inner in getattr(layer.spec, "build_layers", ()):
                    self.naming.auto(inner)
            out_shapes = layer.spec.compute_output_spec(arg, options) if options else layer.compute_output_shape(arg)
        many = isinstance(out_shapes, list)
        shapes = out_shapes if many else [out_shapes]
        for s in shapes:
            require_dims(tuple(s), f"the output shape of {layer.name}")
            if any(isinstance(d, int) and not isinstance(d, bool) and d < 0 for d in s):
                # the KerasTensor of the output cannot be made (standardize_shape)
                raise KerasError(f"Cannot convert '{tuple(s)}' to a shape. Negative dimensions are not allowed.")
        outputs = [Tensor(tuple(s), "float32", None, i, symbolic, loc) for i, s in enumerate(shapes)]
        if symbolic:
            is_op = isinstance(layer, OpLayer)  # keras.ops are Operations: masks are a Layer's business
            if is_op:
                previous_mask, mask_args = None, []
            elif node_inputs is not None:  # several tensor arguments: the first one's mask, never a node input
                previous_mask, mask_args = flat[0].mask, []
            else:
                previous_mask, mask_args = masking.incoming(layer, inputs, flat, plain)
            received = node_inputs if node_inputs is not None else flat + list(extra or [])
            node = Node(layer, [t for t in received if t.symbolic] + mask_args, outputs, loc, many)
            # To replay the call on other shapes (a model called again): where each named tensor is
            # among the node's inputs, and the call options.
            if node_inputs is not None:
                node.call_positions = [None if t is None else next(i for i, n in enumerate(node.inputs) if n is t)
                                       for t in inputs]
            if options:
                node.call_options = options
            for t in outputs:
                t.node = node
            layer.nodes.append(node)
            if not is_op:
                masking.attach(layer, inputs, outputs, previous_mask,
                               lambda name, **arguments: self.operation(OPS[name], arguments, loc))
            for _ in outputs:
                self.naming.uniquify("keras_tensor")
        return outputs if many else outputs[0]


# -- input specs -------------------------------------------------------------------------------------
#
# ``Layer.__call__`` checks its first argument against ``layer.input_spec`` before building
# (keras/src/layers/input_spec.py ``assert_input_compatibility``). Rank requirements of unbuilt layers
# are checked by each spec's ``compute_output_shape``; what is added here is what only exists once
# something is built: a model's inputs (``Functional.input_spec``: one spec per ``Input``, shape with
# the batch dim as None, last axis of size 1 squeezable) and the ``axes`` that ``build`` pins on
# Dense (last axis), convolutions (channel axis) and BatchNormalization (``axis``, and the rank).


def _check_single_input(layer: Layer, received: int) -> None:
    """A list of tensors into a single-input layer: ``assert_input_compatibility`` raises when the
    layer has an ``input_spec``; without one, Keras maps some layers over the list (Dropout)."""
    if class_fact("input_spec", layer.class_name):  # Keras goes on with "Inputs received: [<KerasTensor ...>, ...]"
        raise KerasError(f'Layer "{layer.name}" expects 1 input(s), but it received {received} input tensors.')
    raise Unresolvable(f"{layer.class_name} called on a list of {received} tensors is not modelled")


def _check_init_rank(layer: Layer, shape: tuple) -> None:
    """The rank the ``input_spec`` set in ``__init__`` asks for (recorded stub), which
    ``Layer.__call__`` checks before ``build()`` runs (so before any weight-shape error)."""
    rank = class_fact("input_rank", layer.class_name)
    if rank is not None and layer.spec is not None:
        check_rank(layer.spec, shape, **rank)


def _input_shape_arg(layer: Layer) -> tuple | None:
    """The ``input_shape=`` a layer was constructed with (Keras's ``_input_shape_arg``)."""
    spec = layer.spec if layer.spec is not None else getattr(layer, "builtin_spec", None)
    if spec is not None:
        return spec.input_shape_arg
    shape = getattr(layer, "input_shape_arg", None)  # a user layer's, through Layer.__init__(**kwargs)
    if shape is None:
        return None
    if not isinstance(shape, (tuple, list)):
        if is_literal(shape):
            raise KerasError(f"Cannot convert '{shape}' to a shape.")
        raise Unresolvable("the input_shape is not known statically")
    return tuple(shape)


def _input_shape_property(layer: Layer) -> tuple | None:
    """``layer.input_shape`` where Keras 3 has it: a Functional model's (one input), a built Sequential's."""
    if isinstance(layer, Functional):
        if len(layer.flat_inputs) != 1:
            raise Unresolvable("a Sequential model whose first layer is a model with several inputs")
        return tuple(layer.flat_inputs[0].shape)
    if isinstance(layer, Sequential) and layer.graph is not None:
        return tuple(layer.graph[0].shape)
    return None


def check_call(layer: Layer, shape: tuple) -> None:
    """What ``Layer.__call__`` checks of one input of ``shape`` before running the layer: the rank its
    ``__init__`` asks for (unbuilt), the input spec (built)."""
    tensor = Tensor(tuple(shape))
    if not layer.built:
        _check_init_rank(layer, tuple(shape))
    check_input_spec(layer, tensor, [tensor])


def check_input_spec(layer: Layer, inputs: Any, flat: list[Tensor]) -> None:
    """Raise what Keras raises when a model or an already-built layer gets an incompatible input."""
    if isinstance(layer, Functional):
        if isinstance(layer.inputs, dict) or isinstance(inputs, dict):
            return  # named inputs: Keras matches them by key; not modelled
        specs = [(t.layer.name if t.layer is not None else None, t.shape) for t in layer.flat_inputs]
        _check_model_inputs(layer.name, specs, flat)
    elif isinstance(layer, Sequential):
        if layer.graph is not None and not isinstance(inputs, dict):
            first = layer.graph[0]
            _check_model_inputs(layer.functional_name, [(first.layer.name, first.shape)], flat)
    elif layer.built and layer.spec is not None and layer.build_shape is not None:
        ndim, axes = _built_axes(layer)
        if axes or ndim is not None:
            _check_axes(layer.name, ndim, axes, flat[0].shape)
    elif layer.spec is None and getattr(layer, "attrs", {}).get("input_spec") is not None:
        _check_user_input_spec(layer.name, layer.attrs["input_spec"], inputs)


class InputSpec:
    """A ``keras.layers.InputSpec`` (keras/src/layers/input_spec.py) a user layer sets as
    ``self.input_spec``: ``Layer.__call__`` checks the first call argument against it."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None,
                 allow_last_axis_squeeze=False, name=None, optional=False):
        self.dtype = dtype
        if shape is not None:
            self.shape = tuple(shape)
            self.ndim = len(shape)
        else:
            self.ndim, self.shape = ndim, None
        self.max_ndim, self.min_ndim, self.name, self.optional = max_ndim, min_ndim, name, optional
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (ValueError, TypeError):
            raise KerasError(f"Argument `axes` must be a dict with integer keys. Received: axes={axes}", "TypeError") from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim else self.max_ndim) - 1
            if max(self.axes) > max_dim:
                raise KerasError(f"Axis {max(self.axes)} is greater than the maximum allowed value: {max_dim}")


def _check_user_input_spec(name: str, input_spec: Any, inputs: Any) -> None:
    """``assert_input_compatibility`` for a user layer's ``input_spec`` (one spec or a list)."""
    specs = flatten(input_spec)
    if not all(isinstance(s, InputSpec) or s is None for s in specs):
        raise Unresolvable(f"the input_spec of {name} is not known statically")
    if not specs:
        return
    if isinstance(inputs, dict):
        raise Unresolvable(f"{name} is called on a dict: matching it to the input_spec is not modelled")
    tensors = flatten(inputs)
    if len(tensors) != len(specs):
        names = [s.name for s in specs if s is not None]
        if len(names) == len(specs) and all(names):
            raise KerasError(
                f'Layer "{name}" expects {len(specs)} named input(s) with keys {names}, but it received '
                f"{len(tensors)} input tensors. Pass inputs as a dict, e.g. `layer({{"
                + ", ".join(f"'{n}': ..." for n in names) + "})`."
            )
        raise KerasError(  # the tensors' reprs follow: not printed by the engine
            f'Layer "{name}" expects {len(specs)} input(s), but it received {len(tensors)} input tensors. '
            "Inputs received: …", exact=False,
        )
    for index, (tensor, spec) in enumerate(zip(tensors, specs)):
        if spec is None:
            continue
        shape, prefix = tuple(tensor.shape), f"Input {index} with name '{spec.name}' of layer '{name}' is incompatible with the layer: "
        ndim = len(shape)
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise KerasError(f"{prefix}expected ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape}")
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise KerasError(f"{prefix}expected max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise KerasError(f"{prefix}expected min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: {shape}")
        if spec.dtype is not None and getattr(tensor, "dtype", None) != spec.dtype:
            raise KerasError(f"{prefix}expected dtype={spec.dtype}, found dtype={tensor.dtype}")
        for axis, value in spec.axes.items():
            if value is not None and shape[axis] not in {value, None}:
                raise KerasError(
                    f"{prefix}expected axis {axis} of input shape to have value {value}, but received input with shape {shape}"
                )
        if spec.shape is not None:
            got, want = shape, spec.shape
            if spec.allow_last_axis_squeeze:
                got = got[:-1] if got and got[-1] == 1 else got
                want = want[:-1] if want and want[-1] == 1 else want
            for spec_dim, dim in zip(want, got):
                if spec_dim is not None and dim is not None and spec_dim != dim:
                    raise KerasError(f"{prefix}expected shape={spec.shape}, found shape={got}")


def _check_model_inputs(name: str, specs: list[tuple[str | None, tuple]], flat: list[Tensor]) -> None:
    if len(flat) != len(specs):
        keys = [n for n, _ in specs]
        example = ", ".join(f"'{n}': ..." for n in keys)
        raise KerasError(
            f'Layer "{name}" expects {len(specs)} named input(s) with keys {keys}, but it received '
            f"{len(flat)} input tensors. Pass inputs as a dict, e.g. `layer({{{example}}})`."
        )
    for index, ((input_name, spec_shape), tensor) in enumerate(zip(specs, flat)):
        expected = (None, *tuple(spec_shape)[1:]) if spec_shape else tuple(spec_shape)
        shape = tuple(tensor.shape)
        got, want = shape, expected
        if got and got[-1] == 1:  # allow_last_axis_squeeze
            got = got[:-1]
        if want and want[-1] == 1:
            want = want[:-1]
        for spec_dim, dim in zip(want, got):
            if spec_dim is not None and dim is not None and spec_dim != dim:
                raise KerasError(
                    f"Input {index} with name '{input_name}' of layer '{name}' is incompatible with the "
                    f"layer: expected shape={expected}, found shape={shape}"
                )


def _built_axes(layer: Layer) -> tuple[int | None, dict[int, Any]]:
    """(ndim, axes) of the ``InputSpec`` that ``build`` set (the spec says, next to its build)."""
    shape = tuple(layer.build_shape)
    return layer.spec.built_input_axes(shape) if shape else (None, {})


def _check_axes(name: str, ndim: int | None, axes: dict[int, Any], shape: tuple) -> None:
    prefix = f"Input 0 with name 'None' of layer '{name}' is incompatible with the layer: "
    if ndim is not None and len(shape) != ndim:
        raise KerasError(f"{prefix}expected ndim={ndim}, found ndim={len(shape)}. Full shape received: {format_shape(shape)}")
    for axis, value in axes.items():
        if value is None or not -len(shape) <= axis < len(shape):
            continue
        if shape[axis] not in (value, None):
            raise KerasError(
                f"{prefix}expected axis {axis} of input shape to have value {value}, "
                f"but received input with shape {format_shape(shape)}"
            )
