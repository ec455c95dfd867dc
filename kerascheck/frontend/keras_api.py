"""What the Keras, TensorFlow and NumPy objects a script uses do, for the abstract interpreter.

Calls of any value (``call``), methods of layers and models (``call_method``), attributes,
subscripts and iteration. Library names are dispatched in ``constructors``, layer calls in
``layer_calls``, user subclasses in ``user_layers``, tensor operations in ``tensors``; all of it on
top of ``models.Keras`` (the graph-building behaviour) and the shapes registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import optimizers
from ..ir import Layer, Loc, Model, Tensor
from ..models import Functional, Sequential, flatten
from ..shapes import FUNCTIONAL_FORMS, REGISTRY
from ..shapes.base import KerasError, Opaque, Unknown, UnknownKeras, UnknownMember, Unresolvable, Weight
from ..shapes.symbolic import Sym
from ..summary.rows import snapshot
from . import arrays, fit_data, library, logs, repairs
from .constructors import ModelConfig, bind_arguments, call_ref, dtype_name, standardize_shape
from .layer_calls import call_layer
from .result import AmbiguousIO, MethodCalled, MissingHistoryKey, SummaryEvent, UncalledSequentialIO
from .tensors import tensor_slice
from .user_layers import (
    KerasInit, builtin_build, keras_init, layer_runner, run_on_data, super_attribute, user_build,
)
from .values import (
    BoundMethod, CustomLayer, CustomModel, Function, Instance, KerasMethod, ModuleValue, Ref, Super, UserClass,
)

if TYPE_CHECKING:
    from .interpreter import Interpreter

_PY_METHODS = {
    list: {"append", "extend", "insert", "pop", "index", "count", "copy", "reverse", "remove"},
    dict: {"get", "items", "keys", "values", "copy", "update", "pop", "setdefault"},
    str: {"format", "join", "upper", "lower", "replace", "split", "strip", "startswith", "endswith", "title", "capitalize"},
    tuple: {"index", "count"},
}
_MODEL_NOOPS = {"compile", "fit", "evaluate", "predict", "save", "save_weights", "load_weights", "fit_generator",
                "evaluate_generator", "predict_generator", "train_on_batch", "test_on_batch", "predict_on_batch",
                "reset_states", "set_weights", "get_weights", "to_json", "export", "add_loss", "add_metric",
                "plot_model", "predict_classes", "predict_proba", "to_yaml"}

_DATA_BUILDS = {"fit", "evaluate", "predict", "fit_generator", "evaluate_generator", "predict_generator",
                "train_on_batch", "test_on_batch", "predict_on_batch"}
_TRAINS = {"fit", "fit_generator", "train_on_batch"}  # they build the optimizer
# Constructor arguments a layer keeps as attributes unchanged (others, like kernel_size, are normalised).
_ARGUMENT_ATTRIBUTES = {"units", "filters", "rate", "use_bias", "return_sequences", "return_state", "go_backwards",
                        "stateful", "epsilon", "momentum", "center", "scale", "input_dim", "output_dim", "n"}
# Methods of layers and models the analysis resolves (call_method), or accepts as no-ops.
_KNOWN_METHODS = {"summary", "add", "pop", "build", "get_layer", "get_config", "count_params", "add_weight", "call",
                  "__init__", "compute_output_shape", "get_build_config"} | _MODEL_NOOPS
_RETURN_NONE = {"compile", "save", "save_weights", "reset_states", "set_weights", "add_loss", "add_metric"}


# -- calls ------------------------------------------------------------------------------------------

def call(interp: "Interpreter", func: Any, args: list, kwargs: dict, loc: Loc) -> Any:
    if isinstance(func, Ref):
        return call_ref(interp, func.path, args, kwargs, loc)
    if isinstance(func, Layer):
        return call_layer(interp, func, args, kwargs, loc)
    if isinstance(func, KerasMethod):
        return call_method(interp, func.obj, func.name, args, kwargs, loc)
    if isinstance(func, library.BoundLibraryMethod):
        return func.fn(interp, args, kwargs)
    if isinstance(func, KerasInit):
        keras_init(interp, func.obj, kwargs, args)
        return None
    if isinstance(func, Opaque):
        if any(isinstance(v, (Tensor, Unknown)) for v in flatten(list(args) + list(kwargs.values()))):
            # A library layer or function kerascheck does not model, called on tensors.
            return Unknown(f"the output of `{func.description}` (not modelled)")
        return Opaque(f"{func.description}()")
    if callable(func) and getattr(func, "__self__", None) is not None and type(func.__self__) in _PY_METHODS:
        try:
            result = func(*args, **kwargs)
        except Exception as exc:
            return Unknown(f"{func.__name__}() raised {type(exc).__name__}")
        return list(result) if type(result).__name__ in ("dict_items", "dict_keys", "dict_values") else result
    return Unknown(f"call of {type(func).__name__} is not evaluated")


def call_method(interp: "Interpreter", obj: Any, name: str, args: list, kwargs: dict, loc: Loc) -> Any:
    if name == "summary":
        try:
            event = SummaryEvent(loc, obj, snapshot(obj, **_summary_options(args, kwargs),
                                                    guessed=interp.keras.naming.guessed))
        except Unresolvable as exc:
            event = SummaryEvent(loc, None, None, exc.reason)
        interp.add_summary(event)
        return None
    if name == "add" and isinstance(obj, Sequential):
        layer = args[0] if args else kwargs.get("layer")
        if isinstance(layer, Unknown):
            raise Unresolvable(layer.reason)
        obj.add(layer, loc)
        return None
    if name == "pop" and isinstance(obj, Sequential):
        return obj.pop(loc)
    if isinstance(obj, CustomLayer) and obj.builtin_spec is not None and name in ("build", "call"):
        # ``super().build(shape)`` / ``super().call(x)`` in a subclass of a built-in layer
        value = args[0] if args else kwargs.get("input_shape", kwargs.get("inputs"))
        if name == "build":
            if isinstance(value, (tuple, list)) and not any(isinstance(d, Unknown) for d in value):
                builtin_build(obj, tuple(value))
                return None
            raise Unresolvable("build() shape not known statically")
        if not isinstance(value, Tensor):
            raise Unresolvable(f"{obj.class_name}.call() on a value that is not a known tensor")
        return Tensor(tuple(obj.builtin_spec.compute_output_shape(value.shape)), symbolic=False)
    if name == "build":
        shape = args[0] if args else kwargs.get("input_shape")
        if not isinstance(shape, (list, tuple)) or any(isinstance(d, Unknown) for d in shape):
            raise Unresolvable("build() shape not known statically")
        if isinstance(obj, Sequential):
            obj.build(standardize_shape(tuple(shape)), loc)
        elif isinstance(obj, (CustomLayer, CustomModel)):
            user_build(interp, obj, tuple(shape))
        elif isinstance(obj, Layer):
            obj.build(tuple(shape))
        return None
    if name == "compute_output_shape" and isinstance(obj, Layer) and obj.spec is not None:
        # A built-in layer asked directly (a user layer building its sublayers by hand).
        shape = args[0] if args else kwargs.get("input_shape")
        if not isinstance(shape, (list, tuple)) or not all(isinstance(d, int) or d is None for d in shape):
            raise Unresolvable("compute_output_shape() on a shape not known statically")
        runner = layer_runner(interp, obj, loc)  # a Lambda without output_shape: its function traced, as Keras does
        if runner is not None:
            return _as_tuples(runner(Tensor(tuple(shape))))
        return _as_tuples(obj.spec.compute_output_shape(tuple(shape)))
    if name in _PER_CALL_ACCESSORS and isinstance(obj, Layer):
        return _per_call_value(obj, name, args, kwargs)
    if name == "get_layer":
        layer_name, index = bind_arguments(args, kwargs, ("name", "index"))
        for layer in getattr(obj, "layers", []):
            if layer.name == layer_name:
                return layer
        if isinstance(index, int):
            return obj.layers[index]
        raise KerasError(f"No such layer: {layer_name}. Existing layers are: {[l.name for l in obj.layers]}.")
    if name == "get_config" and isinstance(obj, Functional):
        return ModelConfig(obj)
    if name == "to_json" and isinstance(obj, (Functional, Sequential)) and obj.uncertain is None:
        interp.result.events.append(MethodCalled(loc, obj, name, args, kwargs))
        return ModelConfig(obj)  # what model_from_json rebuilds
    if name == "count_params":
        return obj.count_params()
    if name == "add_weight":
        return add_weight(obj, *args, **kwargs)
    if name == "compile" and isinstance(obj, Model):
        obj.compiled = True
        obj.optimizer = optimizers.from_identifier(args[0] if args else kwargs.get("optimizer", "rmsprop"))
        obj.optimizer_state = None  # a new optimizer, not built yet
    data_known = isinstance(obj, Model) and obj.uncertain is None  # before fit() makes it uncertain
    if name in _TRAINS and isinstance(obj, Model) and obj.compiled:
        built = optimizers.state(obj.optimizer) if obj.optimizer is not None else None
        if built is None and obj.uncertain is None:
            obj.uncertain = f"its optimizer, built by {name}() (line {loc.line}), is not one kerascheck models"
        obj.optimizer_state = obj.optimizer_state or built
    if name in _DATA_BUILDS and isinstance(obj, Model) and not obj.built and obj.uncertain is None:
        # Keras builds an unbuilt model on the first batch of the data, which the analysis cannot see.
        obj.uncertain = f"it is built by {name}() on the data (line {loc.line}), which the analysis cannot see"
        if isinstance(obj, Sequential) and obj.stack:
            # Sequential.build names an InputLayer and its Functional whatever the data's shape.
            interp.keras.naming.auto("InputLayer")
            interp.keras.naming.auto("Functional")
    if name in _DATA_BUILDS and isinstance(obj, Model):
        run_on_data(interp, obj)  # user layers whose call() only runs on the data
    if name in _MODEL_NOOPS:
        interp.result.events.append(MethodCalled(loc, obj, name, args, kwargs))
        if isinstance(obj, Model):
            name = repairs.model_method(interp, obj, name, args, kwargs, loc)  # fit_generator: Keras 3's fit
            if data_known:
                fit_data.check_data(interp, obj, name, args, kwargs, loc)  # the arrays against the model
            if name == "fit":  # the History, with the names Keras 3 logs (history.history['val_acc'] checked)
                return logs.History(logs.logged_keys(interp.result.events, obj, args, kwargs), loc.line)
        # Training, evaluation and prediction return what the data makes (a History, losses, arrays).
        return None if name in _RETURN_NONE else Unknown(f"what {name}() returns depends on the data")
    if name in ("__init__",):
        return None
    return Opaque(f"{name}()")


def _summary_options(args: list, kwargs: dict) -> dict:
    names = ("line_length", "positions", "print_fn", "expand_nested", "show_trainable", "layer_range")
    options = dict(zip(names, args))
    options.update(kwargs)
    return {k: options[k] for k in ("line_length", "expand_nested", "show_trainable", "positions") if k in options}


def add_weight(layer: Any, *args, shape=None, initializer=None, dtype=None, trainable=True, autocast=True,
               regularizer=None, constraint=None, aggregation="none", overwrite_with_gradient=False, name=None) -> Any:
    """Keras 3.15's ``Layer.add_weight``: up to three positional arguments (shape, initializer, dtype),
    with its errors for the Keras 2 call style (a positional name)."""
    if args:
        if len(args) > 3:
            raise KerasError(f"add_weight() takes at most 3 positional arguments but {len(args)} were given.",
                             "TypeError")
        if isinstance(args[0], str):
            raise KerasError(f"`name` must be passed as a keyword argument. Received: add_weight('{args[0]}', ...). "
                             f"Use: add_weight(shape=..., name='{args[0]}').")
        for i, (given, what) in enumerate(((shape, "shape"), (initializer, "initializer"), (dtype, "dtype"))[: len(args)]):
            if given is not None:
                positional = "`shape` was passed both positionally and as a keyword argument." if i == 0 else \
                    f"`{what}` was passed both positionally and as a keyword argument."
                raise KerasError(positional)
        shape = args[0]
        initializer = args[1] if len(args) > 1 else initializer
        dtype = args[2] if len(args) > 2 else dtype
    if shape is None:
        shape = ()
    if isinstance(shape, Unknown) or not isinstance(shape, (tuple, list)) or not all(isinstance(d, (int, Sym)) for d in shape):
        raise Unresolvable("the shape passed to add_weight() is not known statically")
    if not isinstance(layer, (CustomLayer, CustomModel)):
        raise Unresolvable("add_weight() on a built-in layer")
    layer.own_weights.append(Weight(name or "variable", tuple(shape), bool(trainable) if isinstance(trainable, bool) else True,
                                    dtype_name(dtype) if dtype else "float32"))
    return Tensor(tuple(shape), symbolic=False)


def call_unknown_member(interp: "Interpreter", member: UnknownMember, args: list, kwargs: dict, loc: Loc) -> Any:
    """A method of a Keras model whose contents are unknown: what Keras 3 checks of the call whatever
    the model (a removed method, a Keras 1 keyword, a weights file name) is checked; the result is
    unknown."""
    if member.name in _MODEL_NOOPS:
        interp.result.events.append(MethodCalled(loc, member.owner, member.name, args, kwargs))
        repairs.model_method(interp, member.owner, member.name, args, kwargs, loc)
    return Unknown(member.reason)


# -- attributes -------------------------------------------------------------------------------------

def get_attribute(interp: "Interpreter", obj: Any, name: str, loc: Loc) -> Any:
    if isinstance(obj, UnknownKeras):
        has_it = name in _KNOWN_METHODS or (id(obj), name) in interp.assigned_attributes
        missing = repairs.missing_attribute(interp, obj, name, loc, has_it)
        return missing if missing is not None else UnknownMember(obj, name)
    if isinstance(obj, Unknown):
        return obj
    if isinstance(obj, Ref):
        return obj.attr(name)
    if isinstance(obj, library.Namespace):
        return obj.values.get(name, Unknown(f"argument `{name}` is not declared"))
    if isinstance(obj, library.LibraryObject):
        method = obj.method(name)
        return library.BoundLibraryMethod(method) if method else Unknown(f"`{name}` of {type(obj).__name__}")
    if isinstance(obj, ModuleValue):
        if name in obj.scope.vars:
            return obj.scope.vars[name]
        return Unknown(f"`{name}` is not defined in module {obj.name}")
    if isinstance(obj, Super):
        return super_attribute(interp, obj, name)
    if isinstance(obj, (CustomLayer, CustomModel, Instance)):
        if name in obj.attrs:
            return obj.attrs[name]
        found = obj.user_class.find(name) if not isinstance(obj, Instance) else obj.cls.find(name)
        if found is not None:
            value = found[0]
            if isinstance(value, Function) and value.is_property:
                return interp.call_function(value, [obj], {})
            if isinstance(value, Function) and value.is_staticmethod:
                return value
            if isinstance(value, Function) and value.is_classmethod:
                return BoundMethod(value, obj.cls if isinstance(obj, Instance) else obj.user_class)
            return BoundMethod(value, obj) if isinstance(value, Function) else value
        if isinstance(obj, Instance):
            return Unknown(f"attribute `{name}` is not set")
    if isinstance(obj, UserClass):
        found = obj.find(name)
        if found is None:
            return Unknown(f"class attribute `{name}` not found")
        value = found[0]
        if isinstance(value, Function) and value.is_classmethod:
            return BoundMethod(value, obj)
        return value
    if isinstance(obj, Tensor):
        if not obj.symbolic:
            method = arrays.array_method(obj, name)
            if method is not None:
                return library.BoundLibraryMethod(method)
        if name == "shape":
            return obj.shape
        if name == "dtype":
            return obj.dtype
        if name == "ndim":
            return len(obj.shape)
        missing = repairs.missing_attribute(interp, obj, name, loc, False)
        return missing if missing is not None else Opaque(f"tensor.{name}")
    if isinstance(obj, Layer):
        return layer_attribute(interp, obj, name, loc)
    if isinstance(obj, logs.History):
        return logs.HistoryLogs(obj) if name == "history" else Unknown(f"History.{name} depends on the data")
    if type(obj) in _PY_METHODS and name in _PY_METHODS[type(obj)]:
        return getattr(obj, name)
    if isinstance(obj, Opaque):
        return Opaque(f"{obj.description}.{name}")
    return Unknown(f"attribute `{name}` of {type(obj).__name__}")


# Layer attributes and methods Keras 3 removed: reading them raises AttributeError.
REMOVED_LAYER_ATTRIBUTES = {"get_output_at", "get_input_at", "get_output_shape_at", "get_input_shape_at",
                            "get_output_mask_at", "get_input_mask_at", "output_shape", "input_shape",
                            "inbound_nodes", "outbound_nodes", "input_mask", "output_mask", "get_updates_for",
                            "get_losses_for"}
# ... except on models, which still have these properties.
MODEL_KEEPS = {"output_shape", "input_shape"}
# Keras 2's accessors of one call's tensors: after the error, the value of that call's tensors.
_PER_CALL_ACCESSORS = {"get_output_at", "get_input_at", "get_output_shape_at", "get_input_shape_at"}


def _distinct_calls(layer: Layer) -> int:
    """The calls of ``layer`` the script made: the nodes a Sequential's rebuilds made (one per ``add``, all
    on its one input) count as one call, as in Keras 2."""
    rebuilt = {id(getattr(n, "sequential", None)) for n in layer.nodes if getattr(n, "sequential", None) is not None}
    return len(rebuilt) + sum(1 for n in layer.nodes if getattr(n, "sequential", None) is None)


def _per_call_value(layer: Layer, name: str, args: list, kwargs: dict) -> Any:
    """``layer.get_output_at(i)`` (removed in Keras 3) as Keras 2 computed it, from the i-th call."""
    index = args[0] if args else kwargs.get("node_index")
    if not isinstance(index, int) or isinstance(index, bool) or not -len(layer.nodes) <= index < len(layer.nodes):
        return Unknown(f"`{name}({index!r})` of {layer.name}")
    node = layer.nodes[index]
    tensors = list(node.outputs if "output" in name else node.inputs)
    values = [tuple(t.shape) for t in tensors] if name.endswith("shape_at") else tensors
    return values[0] if len(values) == 1 else values


def layer_attribute(interp: "Interpreter", layer: Layer, name: str, loc: Loc | None = None) -> Any:
    if name in REMOVED_LAYER_ATTRIBUTES and not (isinstance(layer, Model) and name in MODEL_KEEPS):
        error = KerasError(f"'{layer.class_name}' object has no attribute '{name}'", "AttributeError").annotate(
            stage="attribute", layer=layer.class_name)
        if loc is not None and name in ("output_shape", "input_shape") and len(layer.nodes) == 1:
            tensors = layer.nodes[0].outputs if name == "output_shape" else layer.nodes[0].inputs
            if len(tensors) == 1:
                interp.recover(error, loc)  # the analysis goes on with Keras 3's ``.output.shape``
                return tuple(tensors[0].shape)
        if loc is not None and name in _PER_CALL_ACCESSORS and layer.nodes:
            interp.recover(error, loc)  # the analysis goes on with that call's tensors (``call_method``)
            return KerasMethod(layer, name)
        raise error
    if name == "name":
        return layer.name
    if name == "trainable":
        return layer.trainable
    if name == "built":
        return layer.built
    if name in ("output", "input"):
        if isinstance(layer, Sequential) and layer.graph is not None and not layer.nodes:
            if loc is not None:  # Keras 3: Operation.output of a model never called (KC312 reports it)
                interp.result.events.append(UncalledSequentialIO(loc, layer, name))
                interp.recover(KerasError(f"The layer {layer.name} has never been called and thus has no defined "
                                          f"{name}.", "AttributeError"), loc, rule="KC312")
            return layer.graph[1] if name == "output" else layer.graph[0]
        if isinstance(layer, Functional):
            return layer.outputs if name == "output" else layer.inputs
        if not layer.nodes:
            raise KerasError(f"The layer {layer.name} has never been called and thus has no defined {name}.", "AttributeError")
        if loc is not None and _distinct_calls(layer) > 1:
            interp.result.events.append(AmbiguousIO(loc, layer, name))
        node = layer.nodes[0]  # Keras 3 returns the first call's tensors
        tensors = node.outputs if name == "output" else node.inputs
        return tensors[0] if len(tensors) == 1 and not (name == "output" and node.multi_output) else list(tensors)
    if name in ("inputs", "outputs"):
        if isinstance(layer, Functional):
            return list(layer.flat_inputs if name == "inputs" else layer.flat_outputs)
        if isinstance(layer, Sequential):
            if layer.graph is None:
                raise KerasError(f"Sequential model '{layer.name}' has no defined {name} yet.", "AttributeError")
            return [layer.graph[0] if name == "inputs" else layer.graph[1]]
        return Unknown(f"{name} of a subclassed model")
    if name == "layers" and isinstance(layer, Model):
        return list(layer.layers)
    if name in ("weights", "trainable_weights", "non_trainable_weights", "variables", "trainable_variables"):
        return Opaque(f"{layer.name}.{name}")
    if name in ("losses", "metrics", "optimizer", "history", "dtype", "input_spec"):
        return Opaque(f"{layer.name}.{name}")
    spec = getattr(layer, "builtin_spec", None) or layer.spec
    if spec is not None and name in _ARGUMENT_ATTRIBUTES and name in spec.args:  # kept as given by Keras
        return spec.args[name]
    if name in ("name", "trainable", "built"):
        return {"name": layer.name, "trainable": layer.trainable, "built": layer.built}[name]
    if name in _KNOWN_METHODS:
        return KerasMethod(layer, name)
    if not isinstance(layer, (CustomLayer, CustomModel)):
        missing = repairs.missing_attribute(interp, layer, name, loc, (id(layer), name) in interp.assigned_attributes)
        if missing is not None:
            return missing
    return Unknown(f"attribute `{name}` of {layer.class_name} is not modelled")


def set_attribute(interp: "Interpreter", obj: Any, name: str, value: Any) -> None:
    if isinstance(obj, (CustomLayer, CustomModel, Instance)):
        if name == "trainable" and isinstance(value, bool) and not isinstance(obj, Instance):
            set_trainable(obj, value)
            return
        obj.attrs[name] = value
        return
    if isinstance(obj, (Layer, Tensor, UnknownKeras)):
        interp.assigned_attributes.add((id(obj), name))  # read back later: not a missing attribute
    if isinstance(obj, Layer) and name == "trainable" and isinstance(value, bool):
        set_trainable(obj, value)


def set_trainable(layer: Layer, value: bool) -> None:
    """Keras's ``trainable`` setter: the layer and every layer inside it."""
    layer.trainable = value
    for inner in layer.sublayers:
        set_trainable(inner, value)


def subscript(interp: "Interpreter", obj: Any, index: Any, loc: Loc) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if isinstance(index, Unknown):
        return index
    if isinstance(obj, (list, tuple, dict, str, range)):
        try:
            return obj[index]
        except (IndexError, KeyError, TypeError) as exc:
            return Unknown(f"subscript raised {type(exc).__name__}")
    if isinstance(obj, Tensor):
        return tensor_slice(interp, obj, index, loc)
    if isinstance(obj, logs.HistoryLogs):
        keys = obj.history.keys
        if isinstance(index, str) and keys is not None and index not in keys:
            # KC311 reports it (with the Keras 3 name); the analysis goes on without the values.
            interp.result.events.append(MissingHistoryKey(loc, index, keys, obj.history.fit_line))
            interp.recover(KerasError(repr(index), "KeyError"), loc, rule="KC311")
        return Unknown("the logged values depend on the data")
    return Unknown(f"subscript of {type(obj).__name__}")


def iterate(interp: "Interpreter", value: Any) -> list | None:
    if isinstance(value, Tensor) and value.shape:
        return None
    if type(value).__name__ in ("dict_items", "dict_keys", "dict_values"):
        return list(value)
    return None


def length(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict, str, range, set, frozenset)):
        return len(value)
    if isinstance(value, Tensor) and value.shape and isinstance(value.shape[0], int):
        return value.shape[0]
    return Unknown("len() of a value not known statically")


def star_import(module: str) -> dict[str, Any]:
    if module == "keras.layers":
        names = set(REGISTRY) | set(FUNCTIONAL_FORMS) | {"Input", "InputLayer", "Layer"}
        return {n: Ref(module).attr(n) for n in names}
    if module in ("keras.models", "keras"):
        return {n: Ref(module).attr(n) for n in ("Model", "Sequential", "Input")}
    return {}




def _as_tuples(shape: Any) -> Any:
    """A shape (or a structure of shapes) as the tuples Keras returns."""
    if isinstance(shape, list) and shape and all(isinstance(s, (tuple, list)) for s in shape):
        return [tuple(s) for s in shape]
    return tuple(shape) if isinstance(shape, list) else shape
