"""Calls of Keras, TensorFlow and NumPy names (``Ref`` values): a dispatch table by path, then by
prefix (layers, optimizers, applications), then tensor functions; anything else is an opaque value."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import migration, optimizers
from ..ir import InputLayer, Layer, Loc, Model, Tensor
from ..models import Functional, InputSpec, Sequential, flatten
from ..shapes import FUNCTIONAL_FORMS, REGISTRY
from ..shapes.base import KerasError, Opaque, Unknown, UnknownKeras, Unresolvable, describe, is_literal
from ..shapes.symbolic import Sym
from . import library
from .arrays import NumpyInt
from .result import LayerCreated
from .layer_calls import call_layer
from .tensors import (
    CONCRETE_FROM_DATA, CONCRETE_MAKERS, RANDOM_DIMS, RANDOM_SIZE, RANGES, arange, concrete, data_shape, is_tensor_arg,
    tensor_function,
)
from .user_layers import instantiate, require_known
from .values import (
    CustomLayer, CustomModel, Ref,
)

if TYPE_CHECKING:
    from .interpreter import Interpreter

def call_ref(interp: "Interpreter", path: str, args: list, kwargs: dict, loc: Loc) -> Any:
    """``path(*args, **kwargs)`` for a library name: by exact path, then by prefix, then as a
    tensor function when given tensors; anything else is an opaque library value."""
    if path in library.PURE:
        return library.PURE[path](interp, args, kwargs)
    handler = _BY_PATH.get(path)
    if handler is not None:
        return handler(interp, path, args, kwargs, loc)
    for prefix, handler in _BY_PREFIX:
        if path.startswith(prefix):
            result = handler(interp, path, args, kwargs, loc)
            if result is not _NOT_MINE:
                return result
    op = path.split(".", 1)[1] if "." in path else path
    if path.split(".")[0] in ("tf", "keras", "np") and any(is_tensor_arg(a) for a in list(args) + list(kwargs.values())):
        return tensor_function(interp, op, args, kwargs, loc, root=path.split(".")[0])
    return Opaque(f"{path}()")


_NOT_MINE = object()  # a prefix handler that does not take this path


def _input(interp, path, args, kwargs, loc):
    try:
        return make_input(interp, *args, loc=loc, **kwargs)
    except KerasError as exc:
        exc.annotate(stage="input", layer="InputLayer")
        shape = args[0] if args else kwargs.get("shape")
        if not isinstance(shape, int) or isinstance(shape, bool):
            raise
        interp.recover(exc, loc)  # ``Input(shape=16)``: Keras 2 read it as (16,), and so does the rest here
        args, kwargs = ([(shape,), *args[1:]], kwargs) if args else (args, {**kwargs, "shape": (shape,)})
        return make_input(interp, *args, loc=loc, **kwargs)


def _input_layer(interp, path, args, kwargs, loc):
    return make_input(interp, *args, loc=loc, **kwargs).layer


def _sequential(interp, path, args, kwargs, loc):
    layers, name = bind_arguments(args, kwargs, ("layers", "trainable", "name"))[0::2]
    if isinstance(layers, Unknown):
        return UnknownKeras(f"the layers of a Sequential model are not known statically ({layers.reason})",
                            "Sequential")
    unknown = next((l for l in (layers if isinstance(layers, (list, tuple)) else []) if isinstance(l, Unknown)), None)
    if unknown is not None:  # a layer the analysis could not follow, not a non-layer
        return UnknownKeras(unknown.reason, "Sequential")
    return interp.keras.sequential(list(layers) if layers else None, str_or_none(name), loc)


def _functional(interp, path, args, kwargs, loc):
    keras1 = [k for k in kwargs if k in ("input", "output")]
    if keras1 and path == "keras.Model":
        # Keras 1's ``Model(input=a, output=b)``: Keras 3 raises; the analysis goes on with inputs=/outputs=.
        shown = ", ".join(f"'{k}': …" for k in keras1)  # Keras prints the tensors' reprs there
        interp.recover(KerasError(f"Unrecognized keyword arguments passed to Model: {{{shown}}}", exact=False)
                       .annotate(stage="constructor", layer="Model"), loc)
        kwargs = {f"{k}s" if k in keras1 else k: v for k, v in kwargs.items()}
    if not args and "inputs" not in kwargs:
        raise Unresolvable("keras.Model() without inputs and outputs")
    inputs, outputs, name = bind_arguments(args, kwargs, ("inputs", "outputs", "name"))
    for value in (inputs, outputs):
        if isinstance(value, Unknown):
            return UnknownKeras(value.reason, "Functional")  # a Model all the same: its methods are checked
        unknown = next((v for v in flatten(value) if isinstance(v, (Unknown, Opaque, Ref))), None)
        if isinstance(unknown, Unknown):
            return UnknownKeras(unknown.reason, "Functional")
        if unknown is not None:
            raise Unresolvable(f"a model input or output is {describe(unknown)}, not modelled")
    return interp.keras.functional(inputs, outputs, str_or_none(name), loc)


def _from_config(interp, path, args, kwargs, loc):
    config = args[0] if args else kwargs.get("config", kwargs.get("json_string"))
    if not isinstance(config, ModelConfig):
        raise Unresolvable(f"{path.rsplit('.', 1)[1]}() of a config not known statically")
    if isinstance(config.model, Sequential):
        return clone_sequential(interp, config.model, loc)
    return clone_model(interp, config.model, loc)


def _clear_session(interp, path, args, kwargs, loc):
    interp.keras.naming.reset()
    return None


def _source_inputs(interp, path, args, kwargs, loc):
    tensor = args[0] if args else kwargs.get("tensor")
    return source_inputs(tensor) if isinstance(tensor, Tensor) else Unknown(f"{path}() of a value not known statically")


def _shape(interp, path, args, kwargs, loc):  # a tuple in Keras 3 (None for an unknown dimension)
    x = args[0] if args else kwargs.get("x", kwargs.get("input"))
    return tuple(x.shape) if isinstance(x, Tensor) else Unknown(f"{path}() of a value that is not a tensor")


def _maker(interp, path, args, kwargs, loc):
    shape = args[0] if args else kwargs.get("shape")
    # Inside a traced call() a dimension may be unknown (``ops.shape(x)[0]``), as in Keras's trace.
    return concrete(shape, path, unknown_dims=interp.keras.tracing > 0)


# Where ``size`` comes among the positional arguments of each NumPy random function.
_SIZE_POSITION = {"np.random.random": 0, "np.random.random_sample": 0, "np.random.randint": 2,
                  "np.random.uniform": 2, "np.random.normal": 2}


def _random_size(interp, path, args, kwargs, loc):
    position = _SIZE_POSITION.get(path)
    size = kwargs.get(RANDOM_SIZE[path], args[position] if position is not None and len(args) > position else None)
    made = concrete(size if isinstance(size, (tuple, list)) else (size,), path)
    if isinstance(made, Tensor) and path == "np.random.randint":
        made.dtype = "int64"  # integer labels (an index: ``np.eye(n)[np.random.randint(n, size=k)]``)
    return made


def _applications(interp, path, args, kwargs, loc):
    return library.call_application(interp, path, args, kwargs)


def _optimizer(interp, path, args, kwargs, loc):
    name = path.rsplit(".", 1)[1]
    if path.count(".") != 2 or not name[:1].isupper():
        return _NOT_MINE
    return optimizers.Optimizer(name, {**dict(zip(("learning_rate",), args)), **kwargs})


def _layer(interp, path, args, kwargs, loc):
    name = path[len("keras.layers."):]
    if name == "Dense":
        args, kwargs = _python_units(interp, args, kwargs, loc)
    if name in REGISTRY:
        require_known(args, kwargs, name)
        try:
            spec = REGISTRY[name].bind(args, kwargs)
        except KerasError as exc:
            exc.annotate(stage="constructor", layer=REGISTRY[name].__name__)
            repaired = migration.repair_layer_kwargs(name, kwargs)  # Keras 1/2 keywords: their Keras 3 names
            if repaired is None and not args and exc.kind == "TypeError" and "missing" in exc.message:
                repaired = _keras2_defaults(name, kwargs, exc.message)  # ``AveragePooling2D()``
            if repaired is None:
                raise
            interp.recover(exc, loc)
            spec = REGISTRY[name].bind(args, repaired)
        layer = interp.keras.layer(spec, loc)
        if isinstance(kwargs.get(migration.BATCH_INPUT_SHAPE), (tuple, list)):
            # Keras 2 made the first layer of a Sequential an Input of this batch shape (as KC108's fix writes)
            layer.keras1_batch_shape = tuple(kwargs[migration.BATCH_INPUT_SHAPE])
        interp.result.events.append(LayerCreated(loc, layer))
        return layer
    if name in FUNCTIONAL_FORMS:
        inputs, rest = (args[0], args[1:]) if args else (kwargs.pop("inputs", Unknown("no inputs")), [])
        require_known(rest, kwargs, name)
        if name == "dot" and not rest and "axes" not in kwargs:
            kwargs["axes"] = -1  # keras.layers.dot(inputs, axes=-1, **kwargs)
        layer = interp.keras.layer(REGISTRY[FUNCTIONAL_FORMS[name]].bind(rest, kwargs), loc)
        return call_layer(interp, layer, [inputs], {}, loc)
    if name[:1].isupper():
        raise Unresolvable(f"layer keras.layers.{name} is not modelled yet")
    return _NOT_MINE


def _python_units(interp, args: list, kwargs: dict, loc) -> tuple[list, dict]:
    """``Dense(np.max(y) + 1)``: Keras 3 takes only a Python int (``isinstance(units, int)``,
    keras/src/layers/core/dense.py); KC313 reports it, and the analysis goes on with ``int(units)``."""
    units = args[0] if args else kwargs.get("units")
    if not isinstance(units, NumpyInt):
        return args, kwargs
    interp.recover(KerasError("Received an invalid value for `units`, expected a positive integer. Received: "
                              f"units={int(units)}"), loc, rule="KC313")
    return ([int(units), *args[1:]], kwargs) if args else (args, {**kwargs, "units": int(units)})


def bind_arguments(args: list, kwargs: dict, names: tuple) -> list:
    values = dict(zip(names, args))
    values.update({k: v for k, v in kwargs.items() if k in names})
    return [values.get(n) for n in names]


def str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    raise Unresolvable("a model name is not known statically")


def make_input(interp: "Interpreter", shape=None, batch_size=None, dtype=None, sparse=None, ragged=None,
               batch_shape=None, name=None, tensor=None, optional=False, loc: Loc | None = None, **kwargs) -> Tensor:
    if "input_shape" in kwargs:
        shape = kwargs.pop("input_shape")
    if "batch_input_shape" in kwargs:
        batch_shape = kwargs.pop("batch_input_shape")
    if kwargs:
        raise KerasError(f"Input() got an unexpected keyword argument '{next(iter(kwargs))}'", "TypeError")
    for value in (shape, batch_size, batch_shape, name):
        if isinstance(value, Unknown) or (isinstance(value, (tuple, list)) and any(isinstance(v, Unknown) for v in value)):
            raise Unresolvable("the Input shape is not known statically")
    if shape is not None and batch_shape is not None:
        raise KerasError("You cannot pass both `shape` and `batch_shape` at the same time.")
    if batch_size is not None and batch_shape is not None:
        raise KerasError("You cannot pass both `batch_size` and `batch_shape` at the same time.")
    if shape is None and batch_shape is None:
        raise KerasError("You must pass a `shape` argument.")
    if shape is not None:
        batch_shape = (batch_size,) + standardize_shape(shape)
    batch_shape = standardize_shape(batch_shape)
    layer = interp.keras.input_layer(batch_shape, loc, dtype_name(dtype), str_or_none(name))
    return layer.output


def standardize_shape(shape: Any) -> tuple:
    """``keras.src.backend.common.variables.standardize_shape``, with its messages."""
    if not isinstance(shape, tuple):
        if shape is None:
            raise KerasError("Undefined shapes are not supported.")
        # A value of unknown type may well be a tuple when the script runs (a data-dependent size is an int).
        if not is_literal(shape) and not isinstance(shape, (range, Sym)):
            raise Unresolvable(f"the shape {describe(shape)} is not known statically")
        if not isinstance(shape, (list, range)):
            raise KerasError(f"Cannot convert '{shape}' to a shape.")
    out = []
    for d in shape:
        if d is None:
            out.append(d)
            continue
        if isinstance(d, (str, float)):
            raise KerasError(f"Cannot convert '{shape}' to a shape. Found invalid dimension '{d}' of type '{type(d)}'. ")
        if isinstance(d, Sym):  # a data-dependent size (always positive)
            out.append(d)
            continue
        if not isinstance(d, int):
            raise Unresolvable("a dimension is not known statically")
        if d < 0:
            raise KerasError(f"Cannot convert '{shape}' to a shape. Negative dimensions are not allowed.")
        out.append(int(d))
    return tuple(out)


def dtype_name(dtype: Any) -> str:
    if isinstance(dtype, str):
        return dtype
    if isinstance(dtype, Ref):
        return dtype.path.rsplit(".", 1)[-1]
    return "float32"


def source_inputs(tensor: Tensor) -> list[Tensor]:
    """``operation_utils.get_source_inputs``: the input tensors ``tensor`` is computed from, in order."""
    node = tensor.node
    if node is None:
        return [tensor]
    if node.is_input:
        return list(node.outputs)
    sources: list[Tensor] = []
    for t in node.inputs:
        for x in source_inputs(t):
            if all(x is not s for s in sources):
                sources.append(x)
    return sources


# -- keras.layers.serialize / deserialize / InputSpec ------------------------------------------------

class LayerConfig:
    """``keras.layers.serialize(layer)`` of a built-in layer: enough for ``deserialize`` to rebuild it."""

    def __init__(self, layer: Layer):
        self.layer = layer


def _serialize(interp: "Interpreter", args: list, kwargs: dict, loc: Loc) -> Any:
    layer = args[0] if args else kwargs.get("layer")
    if isinstance(layer, Layer) and layer.spec is not None and not isinstance(layer, (CustomLayer, CustomModel)):
        return LayerConfig(layer)
    raise Unresolvable("keras.layers.serialize() of a value that is not a built-in layer")


def _deserialize(interp: "Interpreter", args: list, kwargs: dict, loc: Loc) -> Any:
    """``keras.layers.deserialize(config)``: a new layer of the class, from its config (same name)."""
    config = args[0] if args else kwargs.get("config")
    if isinstance(config, LayerConfig):
        old = config.layer
        spec = type(old.spec)(dict(old.spec.args, name=old.name))
    elif (isinstance(config, dict) and config.get("module") == "keras.layers"
          and isinstance(config.get("class_name"), str) and isinstance(config.get("config"), dict)):
        cls = REGISTRY.get(config["class_name"])
        if cls is None:
            raise Unresolvable(f"keras.layers.deserialize() of a {config['class_name']}: not a modelled layer")
        require_known([], config["config"], cls.__name__)
        try:
            spec = cls.bind([], dict(config["config"]))
        except KerasError as exc:
            raise exc.annotate(stage="constructor", layer=cls.__name__)
    else:
        raise Unresolvable("keras.layers.deserialize() of a config not known statically")
    layer = interp.keras.layer(spec, loc)
    interp.result.events.append(LayerCreated(loc, layer))
    return layer


def _input_spec(interp: "Interpreter", args: list, kwargs: dict, loc: Loc) -> Any:
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, (Unknown, Opaque)) or any(isinstance(v, (Unknown, Opaque)) for v in flatten(value)):
            return Unknown("an argument of keras.layers.InputSpec(...) is not known statically")
    try:
        return InputSpec(*args, **kwargs)
    except TypeError as exc:  # Python's own binding error ("InputSpec.__init__() got an unexpected ...")
        raise KerasError(str(exc), "TypeError") from None


LAYER_FUNCTIONS = {
    "keras.layers.serialize": _serialize,
    "keras.layers.deserialize": _deserialize,
    "keras.layers.InputSpec": _input_spec,
    "keras.InputSpec": _input_spec,
}


class ModelConfig:
    """``model.get_config()`` of a functional model, ``model.to_json()`` of a functional or Sequential
    one: enough to rebuild it with ``from_config`` / ``model_from_json``."""

    def __init__(self, model: "Functional | Sequential"):
        self.model = model


def _clone_layer(interp: "Interpreter", layer: Layer, loc: Loc) -> Layer:
    """A new layer from ``layer``'s config: a built-in keeps its name; a user layer is rebuilt from its
    own ``get_config()``."""
    if isinstance(layer, CustomLayer):
        found = layer.user_class.find("get_config")
        config = interp.call_function(found[0], [layer], {}) if found else {}
        if not isinstance(config, dict):
            raise Unresolvable(f"{layer.class_name}.get_config() is not known statically")
        return instantiate(interp, layer.user_class, [], config, loc)
    if layer.spec is not None and not isinstance(layer, Model):
        return interp.keras.layer(type(layer.spec)(dict(layer.spec.args, name=layer.name)), loc)
    raise Unresolvable(f"cannot rebuild {layer.class_name} from its config")


def clone_sequential(interp: "Interpreter", model: Sequential, loc: Loc) -> Sequential:
    """``Sequential.from_config(model.get_config())``: a Sequential of the same name, each layer of
    the stack (its InputLayer too) rebuilt from its config and added in order (keras/src/models/sequential.py)."""
    if model.graph is None and model.weights is not None:
        raise Unresolvable("a Sequential model built by build() without an Input")
    clone = interp.keras.sequential(None, model.name, loc)
    for layer in model.stack:
        if isinstance(layer, InputLayer):
            new = interp.keras.input_layer(layer.batch_shape, loc, layer.dtype, layer.name)
        else:
            new = _clone_layer(interp, layer, loc)
        clone.add(new, loc)
    return clone


def clone_model(interp: "Interpreter", model: Functional, loc: Loc) -> Functional:
    """``keras.Model.from_config(model.get_config())``: new layers from each layer's config, same graph.

    Built-in layers keep their names (their config has ``name``); user layers are rebuilt from
    their own ``get_config()``, so they get a new automatic name unless it returns ``name``.
    """
    keras = interp.keras
    new_tensor: dict[int, Tensor] = {}
    for depth in sorted(model.map.nodes_by_depth, reverse=True):
        for node in model.map.nodes_by_depth[depth]:
            layer = node.layer
            if isinstance(layer, InputLayer):
                clone = keras.input_layer(layer.batch_shape, loc, layer.dtype, layer.name)
                new_tensor[id(node.outputs[0])] = clone.output
                continue
            clone = _clone_layer(interp, layer, loc)
            inputs = [new_tensor[id(t)] for t in node.inputs]
            if getattr(node, "call", None) is not None:  # several tensor arguments: the same call
                swap = lambda v: new_tensor.get(id(v), v) if isinstance(v, Tensor) else v  # noqa: E731
                call_args, call_kwargs = node.call
                out = call_layer(interp, clone, [swap(a) for a in call_args],
                                 {k: swap(v) for k, v in call_kwargs.items()}, loc)
            else:
                out = call_layer(interp, clone, [inputs[0] if len(inputs) == 1 else inputs], {}, loc)
            for old, new in zip(node.outputs, flatten(out)):
                new_tensor[id(old)] = new
    rebuild = lambda s: [rebuild(x) for x in s] if isinstance(s, (list, tuple)) else new_tensor[id(s)]
    return keras.functional(rebuild(model.inputs), rebuild(model.outputs), model.name, loc)


def _tensor_shape(interp: "Interpreter", path: str, args: list, kwargs: dict, loc: Loc) -> Any:
    """``tf.TensorShape(dims)``: the dims as the tuple Keras 3 takes wherever it takes a shape."""
    dims = args[0] if args else kwargs.get("dims")
    if dims is None:
        return Unknown("tf.TensorShape(None) has an unknown rank")
    if isinstance(dims, int) and not isinstance(dims, bool):
        return (dims,)
    if isinstance(dims, (tuple, list)) and all(d is None or (isinstance(d, int) and not isinstance(d, bool))
                                               or isinstance(d, Sym) for d in dims):
        return tuple(dims)
    return Unknown("the dims of tf.TensorShape() are not known statically")


_BY_PATH = {
    "tf.TensorShape": _tensor_shape,
    "keras.Input": _input,
    "keras.layers.InputLayer": _input_layer,
    "keras.Sequential": _sequential,
    **dict.fromkeys(("keras.Model", "keras.models.Functional", "keras.Functional"), _functional),
    **dict.fromkeys(("keras.Model.from_config", "keras.Sequential.from_config", "keras.models.model_from_config",
                     "keras.models.model_from_json"), _from_config),
    **dict.fromkeys(("keras.backend.clear_session", "keras.utils.clear_session"), _clear_session),
    **dict.fromkeys(("keras.utils.get_source_inputs", "keras.ops.operation_utils.get_source_inputs"), _source_inputs),
    **dict.fromkeys(("keras.ops.shape", "tf.shape"), _shape),
    **dict.fromkeys(RANGES, lambda interp, path, args, kwargs, loc: arange(path, args, kwargs)),
    **dict.fromkeys(CONCRETE_MAKERS, _maker),
    **dict.fromkeys(RANDOM_DIMS, lambda interp, path, args, kwargs, loc: concrete(tuple(args), path)),
    **dict.fromkeys(RANDOM_SIZE, _random_size),
    **dict.fromkeys(CONCRETE_FROM_DATA, lambda interp, path, args, kwargs, loc: concrete(
        data_shape(args[0] if args else kwargs.get("value")), path)),
    **{path: (lambda fn: lambda interp, path, args, kwargs, loc: fn(interp, args, kwargs, loc))(fn)
       for path, fn in LAYER_FUNCTIONS.items()},
}
_BY_PREFIX = [("keras.applications.", _applications), ("keras.optimizers.", _optimizer), ("keras.layers.", _layer)]


def _keras2_defaults(name: str, kwargs: dict, message: str) -> dict | None:
    """``kwargs`` with the Keras 2 defaults of the arguments Keras 3 made required."""
    import ast
    import re

    missing = re.findall(r"'(\w+)'", message.split("missing", 1)[1])
    defaults = migration.keras2_defaults(name, missing)
    if defaults is None:
        return None
    try:
        return {**{k: ast.literal_eval(v) for k, v in defaults.items()}, **kwargs}
    except (ValueError, SyntaxError):
        return None
