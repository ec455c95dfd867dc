"""What the Keras, TensorFlow and NumPy names a script uses do, for the abstract interpreter.

Calls on ``Ref`` values (``keras.layers.Dense``, ``tf.ones``), attributes and methods of layers,
models and tensors, and user subclasses of ``keras.Layer`` / ``keras.Model`` are resolved here,
on top of ``models.Keras`` (the graph-building behaviour) and the shapes registry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir import InputLayer, Layer, Loc, Model, Tensor
from ..models import Functional, InputSpec, Sequential, flatten
from ..shapes import FUNCTIONAL_FORMS, REGISTRY
from ..shapes.ops import OPERATORS, OPS
from .. import optimizers
from . import arrays, library
from .result import Event, SummaryEvent
from ..shapes.base import KerasError, Opaque, Unknown, Unresolvable, Weight, describe
from ..shapes.symbolic import Sym
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
_CONCRETE_MAKERS = {"tf.ones", "tf.zeros", "np.ones", "np.zeros", "tf.random.normal", "tf.random.uniform",
                    "np.empty", "keras.ops.ones", "keras.ops.zeros", "keras.random.normal", "keras.random.uniform",
                    "tf.fill"}
_CONCRETE_FROM_DATA = {"tf.constant", "np.array", "np.asarray", "tf.convert_to_tensor", "keras.ops.array",
                       "keras.ops.convert_to_tensor"}
_RANDOM_DIMS = {"np.random.rand", "np.random.randn"}
_RANDOM_SIZE = {"np.random.random": "size", "np.random.uniform": "size", "np.random.normal": "size",
                "np.random.randint": "size", "np.random.random_sample": "size"}
_MODEL_NOOPS = {"compile", "fit", "evaluate", "predict", "save", "save_weights", "load_weights", "fit_generator",
                "evaluate_generator", "predict_generator", "train_on_batch", "test_on_batch", "predict_on_batch",
                "reset_states", "set_weights", "get_weights", "to_json", "export", "add_loss", "add_metric",
                "plot_model", "predict_classes", "predict_proba", "to_yaml"}

_DATA_BUILDS = {"fit", "evaluate", "predict", "fit_generator", "evaluate_generator", "predict_generator",
                "train_on_batch", "test_on_batch", "predict_on_batch"}
_TRAINS = {"fit", "fit_generator", "train_on_batch"}  # they build the optimizer
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
    if isinstance(func, _KerasInit):
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


def call_ref(interp: "Interpreter", path: str, args: list, kwargs: dict, loc: Loc) -> Any:
    keras = interp.keras
    if path in library.PURE:
        return library.PURE[path](interp, args, kwargs)
    if path.startswith("keras.applications."):
        return library.call_application(interp, path, args, kwargs)
    if path == "keras.Input":
        try:
            return make_input(interp, *args, loc=loc, **kwargs)
        except KerasError as exc:
            raise exc.annotate(stage="input", layer="InputLayer")
    if path in ("keras.layers.InputLayer",):
        tensor = make_input(interp, *args, loc=loc, **kwargs)
        return tensor.layer
    if path == "keras.Sequential":
        layers, name = _bind(args, kwargs, ("layers", "trainable", "name"))[0::2]
        if isinstance(layers, Unknown):
            raise Unresolvable(f"the layers of a Sequential model are not known statically ({layers.reason})")
        unknown = next((l for l in (layers if isinstance(layers, (list, tuple)) else []) if isinstance(l, Unknown)), None)
        if unknown is not None:  # a layer the analysis could not follow, not a non-layer
            raise Unresolvable(unknown.reason)
        model = keras.sequential(list(layers) if layers else None, _str_or_none(name), loc)
        return model
    if path in ("keras.Model", "keras.models.Functional", "keras.Functional"):
        if args or "inputs" in kwargs:
            inputs, outputs, name = _bind(args, kwargs, ("inputs", "outputs", "name"))
            for value in (inputs, outputs):
                if isinstance(value, Unknown):
                    raise Unresolvable(value.reason)
                unknown = next((v for v in flatten(value) if isinstance(v, (Unknown, Opaque, Ref))), None)
                if unknown is not None:
                    raise Unresolvable(unknown.reason if isinstance(unknown, Unknown)
                                       else f"a model input or output is {describe(unknown)}, not modelled")
            return keras.functional(inputs, outputs, _str_or_none(name), loc)
        raise Unresolvable("keras.Model() without inputs and outputs")
    if path.startswith("keras.optimizers.") and path.count(".") == 2 and path.rsplit(".", 1)[1][:1].isupper():
        names = ("learning_rate",)
        return optimizers.Optimizer(path.rsplit(".", 1)[1], {**dict(zip(names, args)), **kwargs})
    if path in _LAYER_FUNCTIONS:
        return _LAYER_FUNCTIONS[path](interp, args, kwargs, loc)
    if path.startswith("keras.layers."):
        name = path[len("keras.layers."):]
        if name in REGISTRY:
            _require_known(args, kwargs, name)
            try:
                spec = REGISTRY[name].bind(args, kwargs)
            except KerasError as exc:
                raise exc.annotate(stage="constructor", layer=REGISTRY[name].__name__)
            layer = keras.layer(spec, loc)
            interp.result.events.append(Event("layer_created", loc, {"layer": layer}))
            return layer
        if name in FUNCTIONAL_FORMS:
            inputs, rest = (args[0], args[1:]) if args else (kwargs.pop("inputs", Unknown("no inputs")), [])
            _require_known(rest, kwargs, name)
            if name == "dot" and not rest and "axes" not in kwargs:
                kwargs["axes"] = -1  # keras.layers.dot(inputs, axes=-1, **kwargs)
            layer = keras.layer(REGISTRY[FUNCTIONAL_FORMS[name]].bind(rest, kwargs), loc)
            return call_layer(interp, layer, [inputs], {}, loc)
        if name[:1].isupper():
            raise Unresolvable(f"layer keras.layers.{name} is not modelled yet")
    if path in ("keras.Model.from_config", "keras.Sequential.from_config", "keras.models.model_from_config"):
        config = args[0] if args else kwargs.get("config")
        if not isinstance(config, ModelConfig):
            raise Unresolvable("from_config() of a config not known statically")
        return clone_model(interp, config.model, loc)
    if path in ("keras.backend.clear_session", "keras.utils.clear_session"):
        keras.naming.reset()
        return None
    if path in ("keras.utils.get_source_inputs", "keras.ops.operation_utils.get_source_inputs"):
        tensor = args[0] if args else kwargs.get("tensor")
        return source_inputs(tensor) if isinstance(tensor, Tensor) else Unknown(f"{path}() of a value not known statically")
    if path in ("keras.ops.shape", "tf.shape"):  # a tuple in Keras 3 (None for an unknown dimension)
        x = args[0] if args else kwargs.get("x", kwargs.get("input"))
        return tuple(x.shape) if isinstance(x, Tensor) else Unknown(f"{path}() of a value that is not a tensor")
    if path in _RANGES:
        return _arange(path, args, kwargs)
    if path in _CONCRETE_MAKERS:
        shape = args[0] if args else kwargs.get("shape")
        # Inside a traced call() a dimension may be unknown (``ops.shape(x)[0]``), as in Keras's trace.
        return _concrete(shape, path, unknown_dims=interp.keras.tracing > 0)
    if path in _RANDOM_DIMS:
        return _concrete(tuple(args), path)
    if path in _RANDOM_SIZE:
        size = kwargs.get(_RANDOM_SIZE[path], args[-1] if path == "np.random.random" and args else None)
        return _concrete(size if isinstance(size, (tuple, list)) else (size,), path)
    if path in _CONCRETE_FROM_DATA:
        return _concrete(_data_shape(args[0] if args else kwargs.get("value")), path)
    op = path.split(".", 1)[1] if "." in path else path
    if path.split(".")[0] in ("tf", "keras", "np") and any(_is_tensor_arg(a) for a in list(args) + list(kwargs.values())):
        return tensor_function(interp, op, args, kwargs, loc)
    return Opaque(f"{path}()")


def _require_known(args: list, kwargs: dict, what: str) -> None:
    for value in flatten(list(args) + list(kwargs.values())):
        if isinstance(value, Tensor):
            raise Unresolvable(f"{what} was given a tensor as a constructor argument")
        # A name from a module the analysis does not model (``from config import UNITS`` when
        # config.py is not found): its value is not known; Keras, TF and NumPy names are objects.
        if isinstance(value, Ref) and value.path.split(".")[0] not in ("keras", "tf", "np"):
            raise Unresolvable(f"`{value.path}` is not known statically")


def _bind(args: list, kwargs: dict, names: tuple) -> list:
    values = dict(zip(names, args))
    values.update({k: v for k, v in kwargs.items() if k in names})
    return [values.get(n) for n in names]


def _str_or_none(value: Any) -> str | None:
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
    layer = interp.keras.input_layer(batch_shape, loc, _dtype_name(dtype), _str_or_none(name))
    return layer.output


def standardize_shape(shape: Any) -> tuple:
    """``keras.src.backend.common.variables.standardize_shape``, with its messages."""
    if not isinstance(shape, tuple):
        if shape is None:
            raise KerasError("Undefined shapes are not supported.")
        if isinstance(shape, (Ref, Opaque)):  # may well be a tuple when the script runs
            raise Unresolvable(f"the shape {shape!r} is not known statically")
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


def _dtype_name(dtype: Any) -> str:
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


def _concrete(shape: Any, what: str, unknown_dims: bool = False) -> Any:
    if isinstance(shape, int):
        shape = (shape,)
    allowed = (int, Sym, type(None)) if unknown_dims else (int, Sym)
    if not isinstance(shape, (tuple, list)) or not all(isinstance(d, allowed) for d in shape):
        return Unknown(f"shape of {what}(...) not known statically")
    return Tensor(tuple(shape), symbolic=False)


_RANGES = {"keras.ops.arange", "np.arange", "tf.range"}


def _arange(path: str, args: list, kwargs: dict) -> Any:
    """``arange(stop)`` / ``arange(start, stop, step)``: a 1-D tensor, its length unknown unless every bound is."""
    names = ("start", "stop", "step") if path != "tf.range" else ("start", "limit", "delta")
    bound = dict(zip(names, args), **{k: v for k, v in kwargs.items() if k in names})
    start, stop, step = (bound.get(n) for n in names)
    if stop is None:
        start, stop = 0, start
    start, step = start if start is not None else 0, step if step is not None else 1
    if stop is None:  # a dimension unknown in a traced call(): the length is too
        return Tensor((None,), symbolic=False)
    if not all(isinstance(v, (int, Sym)) and not isinstance(v, bool) for v in (start, stop, step)) or step == 0:
        return Unknown(f"{path}() bounds not known statically")
    return Tensor((max(0, -(-(stop - start) // step)),), symbolic=False)


def _data_shape(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data.shape
    if isinstance(data, (list, tuple)):
        if not data:
            return (0,)
        inner = [_data_shape(x) for x in data]
        if any(not isinstance(s, tuple) for s in inner) or len(set(inner)) != 1:
            return None
        return (len(data),) + inner[0]
    if isinstance(data, (int, float, bool)):
        return ()
    return None


def call_layer(interp: "Interpreter", layer: Layer, args: list, kwargs: dict, loc: Loc) -> Any:
    spec = getattr(layer, "spec", None)
    if getattr(spec, "call_tensors", None) and not isinstance(layer, (CustomLayer, CustomModel)):
        return _call_named(interp, layer, args, kwargs, loc)
    inputs = args[0] if args else kwargs.get("inputs", kwargs.get("x", Unknown("no inputs")))
    if isinstance(inputs, Unknown):
        raise Unresolvable(inputs.reason)  # the root cause, not a chain of consequences
    # Keras records every tensor among the call's arguments as a node input (args, then kwargs by key).
    others = list(args[1:]) + [kwargs[k] for k in sorted(kwargs) if k not in ("inputs", "x")]
    extra = [t for t in flatten(others) if isinstance(t, Tensor)]
    if isinstance(layer, InputLayer):
        raise KerasError("InputLayer is not callable")
    run = None
    if isinstance(layer, (CustomLayer, CustomModel)):
        run = lambda x: run_user_call(interp, layer, x, args[1:], kwargs)  # noqa: E731
    options = _call_options(layer, {k: v for k, v in kwargs.items() if k not in ("inputs", "x")})
    outputs = interp.keras.call(layer, inputs, loc, run=run, extra=extra, options=options,
                                plain=len(args) == 1 and not kwargs)
    interp.result.events.append(Event("layer_call", loc, {"layer": layer, "inputs": flatten(inputs), "outputs": outputs}))
    return outputs


def _call_named(interp: "Interpreter", layer: Layer, args: list, kwargs: dict, loc: Loc) -> Any:
    """A layer whose ``call`` takes several tensor parameters (``mha(query, value, key=None, ...)``):
    the spec gets the named tensors' shapes as a list in ``call_tensors`` order, up to the last one
    given (a ``None`` one in between is passed as ``None``); the other keyword arguments that are not
    tensors are call options (``return_attention_scores=True``). Keras records every tensor among the
    arguments as the node's inputs: the positional ones, then the keyword ones by sorted name."""
    names = layer.spec.call_tensors
    if len(args) > len(names) and any(isinstance(a, Unknown) for a in args[len(names):]):
        raise Unresolvable(next(a for a in args[len(names):] if isinstance(a, Unknown)).reason)
    bound = dict(zip(names, args))
    for name in names:
        if name in kwargs:
            if name in bound:
                raise KerasError(f"{layer.class_name}.call() got multiple values for argument '{name}'", "TypeError")
            bound[name] = kwargs[name]
    for name, value in bound.items():
        if isinstance(value, Unknown):
            raise Unresolvable(value.reason)
    given = [n for n in names if bound.get(n) is not None]
    if "query" not in given or "value" not in given:
        missing = [n for n in ("query", "value") if n not in bound]
        if missing:
            raise KerasError(f"missing a required argument: '{missing[0]}'", "TypeError")
        raise Unresolvable(f"{layer.class_name} called without a query or value tensor")
    inputs = [bound.get(n) for n in names[: names.index(given[-1]) + 1]]
    options = _call_options(layer, {k: v for k, v in kwargs.items() if k not in names})
    node_inputs = flatten_tensors(list(args)) + flatten_tensors([kwargs[k] for k in sorted(kwargs)])
    outputs = interp.keras.call(layer, inputs, loc, node_inputs=node_inputs, options=options)
    node = layer.nodes[-1] if layer.nodes and layer.nodes[-1].outputs == flatten(outputs) else None
    if node is not None:
        node.call = (list(args), dict(kwargs))  # how to call a clone of the layer (``from_config``)
    interp.result.events.append(Event("layer_call", loc, {"layer": layer, "inputs": node_inputs, "outputs": outputs}))
    return outputs


def _call_options(layer: Layer, kwargs: dict) -> dict:
    """The call arguments a built-in layer's spec models (its ``call_options``), known statically."""
    names = getattr(getattr(layer, "spec", None), "call_options", ())
    options = {k: v for k, v in kwargs.items() if k in names}
    for key, value in options.items():
        if isinstance(value, Unknown):
            raise Unresolvable(f"`{key}` of the {layer.class_name} call is not known statically ({value.reason})")
    return options


def flatten_tensors(structure: Any) -> list[Tensor]:
    return [t for t in flatten(structure) if isinstance(t, Tensor)]


def run_user_call(interp: "Interpreter", layer: CustomLayer | CustomModel, inputs: Any, extra: list, kwargs: dict) -> Any:
    """Build a user layer on the input shapes, then run its ``call`` with shapes only."""
    shapes = _shape_arg(inputs)
    user_build(interp, layer, shapes)
    if isinstance(layer, CustomLayer) and layer.builtin_spec is not None:
        # Keras's compute_output_spec: a built-in layer has its own compute_output_shape, so the
        # subclass's output shape comes from it (or from the subclass's override); call() is not traced.
        own = layer.user_class.find("compute_output_shape")
        if own is None:
            return layer.builtin_spec.compute_output_shape(shapes)
        shape = interp.call_function(own[0], [layer, shapes], {})
        if not isinstance(shape, (tuple, list)) or any(isinstance(d, Unknown) for d in flatten(shape)):
            raise Unresolvable(f"{layer.class_name}.compute_output_shape() did not return a known shape")
        return tuple(shape) if isinstance(shape, tuple) else list(shape)
    found = layer.user_class.find("call")
    if found is None:
        raise Unresolvable(f"{layer.class_name} has no call() method")
    kwargs = {k: v for k, v in kwargs.items() if k not in ("inputs", "x")}
    training = _populate_training(interp, found[0], len(extra), kwargs)
    interp.keras.tracing += 1
    interp.training_context.append(training)
    try:
        result = interp.call_function(found[0], [layer, inputs, *extra], kwargs)
    finally:
        interp.keras.tracing -= 1
        interp.training_context.pop()
    return _traced_shapes(layer, result)


def _populate_training(interp: "Interpreter", call: Function, extra: int, kwargs: dict) -> Any:
    """``Layer._resolve_and_populate_arg("training")``: the value passed, else the enclosing call's,
    else the ``call`` signature's default; passed on to ``call`` only when it is not None."""
    params = call.node.params
    positional = [p.name.value for p in list(params.posonly_params) + list(params.params)]
    names = positional + [p.name.value for p in params.kwonly_params]
    if "training" not in names:
        return None
    if "training" in positional and positional.index("training") < 2 + extra:  # self, inputs, *extra
        return None  # passed positionally
    if "training" in kwargs:
        return kwargs["training"]
    value = next((v for v in reversed(interp.training_context) if v is not None), None)
    if value is None:
        param = next(p for p in list(params.params) + list(params.kwonly_params) + list(params.posonly_params)
                     if p.name.value == "training")
        value = interp.eval(param.default, call.scope) if param.default is not None else None
    if value is not None:
        kwargs["training"] = value
    else:
        if _required(call, "training"):
            raise KerasError("missing a required argument: 'training'", "TypeError")
    return value


def _required(call: Function, name: str) -> bool:
    params = call.node.params
    return any(p.name.value == name and p.default is None
               for p in list(params.posonly_params) + list(params.params) + list(params.kwonly_params))


def layer_runner(interp: "Interpreter", layer: Layer) -> Any:
    """How to run a layer whose output comes from Python code: a user layer (its ``call``, when a
    Sequential model builds it), a Lambda without ``output_shape`` (Keras traces its function, and so
    does the interpreter); None for every other layer."""
    if isinstance(layer, (CustomLayer, CustomModel)):
        return lambda inputs: run_user_call(interp, layer, inputs, [], {})
    spec = layer.spec
    if (spec is not None and spec.class_name == "Lambda" and spec.args.get("output_shape") is None
            and isinstance(spec.args.get("function"), (Function, BoundMethod, Ref))):
        return lambda inputs: run_lambda(interp, layer, inputs)
    return None


def run_lambda(interp: "Interpreter", layer: Layer, inputs: Any) -> Any:
    """``Lambda.call``: the function on the inputs (shapes only), with the layer's ``arguments``."""
    arguments = layer.spec.args.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise Unresolvable("the `arguments` of a Lambda are not known statically")
    layer.build(_shape_arg(inputs))
    interp.keras.tracing += 1
    try:
        result = interp.call(layer.spec.args["function"], [inputs], dict(arguments), None)
    finally:
        interp.keras.tracing -= 1
    return _traced_shapes(layer, result)


def _traced_shapes(layer: Layer, result: Any) -> Any:
    flat = flatten(result)
    if not flat or not all(isinstance(t, Tensor) for t in flat):
        reason = result.reason if isinstance(result, Unknown) else "call() did not return known tensors"
        raise Unresolvable(f"output of {layer.class_name}.call(): {reason}")
    if isinstance(result, Tensor):
        return result.shape
    return [t.shape for t in flat]


def _shape_arg(inputs: Any) -> Any:
    if isinstance(inputs, Tensor):
        return inputs.shape
    if isinstance(inputs, (list, tuple)):
        return [_shape_arg(x) for x in inputs]
    raise Unresolvable("a user layer was called on something that is not a tensor")


def user_build(interp: "Interpreter", layer: CustomLayer | CustomModel, shape: Any) -> None:
    if layer.weights is not None:
        return
    layer.weights = []  # built from here on (Keras sets built even if build() adds nothing)
    layer.build_shape = shape
    found = layer.user_class.find("build")
    if found is not None:
        interp.call_function(found[0], [layer, shape], {})
    elif getattr(layer, "builtin_spec", None) is not None:
        builtin_build(layer, shape)


def builtin_build(layer: CustomLayer, shape: Any) -> None:
    """The built-in layer's ``build`` for a subclass of it (its weights come first, as Keras creates them)."""
    layer.own_weights[:0] = layer.builtin_spec.build(shape)


def call_method(interp: "Interpreter", obj: Any, name: str, args: list, kwargs: dict, loc: Loc) -> Any:
    if name == "summary":
        from ..summary.rows import snapshot
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
        if isinstance(shape, Unknown) or (isinstance(shape, (list, tuple)) and any(isinstance(d, Unknown) for d in shape)):
            raise Unresolvable("build() shape not known statically")
        if isinstance(obj, Sequential):
            obj.build(standardize_shape(tuple(shape)), loc)
        elif isinstance(obj, (CustomLayer, CustomModel)):
            user_build(interp, obj, tuple(shape))
        elif isinstance(obj, Layer):
            obj.build(tuple(shape))
        return None
    if name == "get_layer":
        layer_name, index = _bind(args, kwargs, ("name", "index"))
        for layer in getattr(obj, "layers", []):
            if layer.name == layer_name:
                return layer
        if isinstance(index, int):
            return obj.layers[index]
        raise KerasError(f"No such layer: {layer_name}. Existing layers are: {[l.name for l in obj.layers]}.")
    if name == "get_config" and isinstance(obj, Functional):
        return ModelConfig(obj)
    if name == "count_params":
        return obj.count_params()
    if name == "add_weight":
        return add_weight(obj, *args, **kwargs)
    if name == "compile" and isinstance(obj, Model):
        obj.compiled = True
        obj.optimizer = optimizers.from_identifier(args[0] if args else kwargs.get("optimizer", "rmsprop"))
        obj.optimizer_state = None  # a new optimizer, not built yet
    if name in _TRAINS and isinstance(obj, Model) and obj.compiled:
        built = optimizers.state(obj.optimizer) if obj.optimizer is not None else None
        if built is None and obj.uncertain is None:
            obj.uncertain = f"its optimizer, built by {name}() (line {loc.line}), is not one kerascheck models"
        obj.optimizer_state = obj.optimizer_state or built
    if name in _DATA_BUILDS and isinstance(obj, Model) and not obj.built and obj.uncertain is None:
        # Keras builds an unbuilt model on the first batch of the data, which the analysis cannot see.
        obj.uncertain = f"it is built by {name}() on the data (line {loc.line}), which the analysis cannot see"
    if name in _MODEL_NOOPS:
        interp.result.events.append(Event("method_call", loc, {"obj": obj, "name": name, "args": args, "kwargs": kwargs}))
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


def add_weight(layer: Any, shape=None, initializer=None, dtype=None, trainable=True, name=None, **kwargs) -> Any:
    if shape is None:
        shape = ()
    if isinstance(shape, Unknown) or not isinstance(shape, (tuple, list)) or not all(isinstance(d, (int, Sym)) for d in shape):
        raise Unresolvable("the shape passed to add_weight() is not known statically")
    if not isinstance(layer, (CustomLayer, CustomModel)):
        raise Unresolvable("add_weight() on a built-in layer")
    layer.own_weights.append(Weight(name or "variable", tuple(shape), bool(trainable) if isinstance(trainable, bool) else True,
                                    _dtype_name(dtype) if dtype else "float32"))
    return Tensor(tuple(shape), symbolic=False)


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
        _require_known([], config["config"], cls.__name__)
        try:
            spec = cls.bind([], dict(config["config"]))
        except KerasError as exc:
            raise exc.annotate(stage="constructor", layer=cls.__name__)
    else:
        raise Unresolvable("keras.layers.deserialize() of a config not known statically")
    layer = interp.keras.layer(spec, loc)
    interp.result.events.append(Event("layer_created", loc, {"layer": layer}))
    return layer


def _input_spec(interp: "Interpreter", args: list, kwargs: dict, loc: Loc) -> Any:
    for value in list(args) + list(kwargs.values()):
        if isinstance(value, (Unknown, Opaque)) or any(isinstance(v, (Unknown, Opaque)) for v in flatten(value)):
            return Unknown("an argument of keras.layers.InputSpec(...) is not known statically")
    try:
        return InputSpec(*args, **kwargs)
    except TypeError as exc:  # Python's own binding error ("InputSpec.__init__() got an unexpected ...")
        raise KerasError(str(exc), "TypeError") from None


_LAYER_FUNCTIONS = {
    "keras.layers.serialize": _serialize,
    "keras.layers.deserialize": _deserialize,
    "keras.layers.InputSpec": _input_spec,
    "keras.InputSpec": _input_spec,
}


class ModelConfig:
    """``model.get_config()`` of a functional model: enough to rebuild it with ``from_config``."""

    def __init__(self, model: Functional):
        self.model = model


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
            if isinstance(layer, CustomLayer):
                found = layer.user_class.find("get_config")
                config = interp.call_function(found[0], [layer], {}) if found else {}
                if not isinstance(config, dict):
                    raise Unresolvable(f"{layer.class_name}.get_config() is not known statically")
                clone = instantiate(interp, layer.user_class, [], config, loc)
            elif layer.spec is not None:
                spec = type(layer.spec)(dict(layer.spec.args, name=layer.name))
                clone = keras.layer(spec, loc)
            else:
                raise Unresolvable(f"cannot rebuild {layer.class_name} from its config")
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


# -- user subclasses --------------------------------------------------------------------------------

def instantiate(interp: "Interpreter", cls: UserClass, args: list, kwargs: dict, loc: Loc) -> Any:
    kind = cls.keras_kind
    if kind is None:
        obj: Any = Instance(cls)
    else:
        obj = (CustomModel if kind == "model" else CustomLayer)(cls, "", loc)
        obj.name = None
        if kind == "model":  # a model counts as created when constructed, before its __init__ body runs
            interp.keras.models.append(obj)
    init = cls.find("__init__")
    if init is None and cls.dataclass_fields is not None:
        init_dataclass(cls, obj, args, kwargs)
    elif init is not None:
        interp.call_function(init[0], [obj, *args], kwargs)
    elif kind is not None:
        keras_init(interp, obj, kwargs, args)
    if kind is not None:
        if obj.name is None:  # __init__ never reached Layer.__init__; Keras would fail on first use
            keras_init(interp, obj, {})
    return obj


def init_dataclass(cls: UserClass, obj: Any, args: list, kwargs: dict) -> None:
    """The ``__init__`` ``@dataclass`` generates: fields in order, defaults from the class body."""
    fields = cls.dataclass_fields or []
    if len(args) > len(fields):
        raise KerasError(f"{cls.name}.__init__() takes {len(fields) + 1} positional arguments but "
                         f"{len(args) + 1} were given", "TypeError")
    values = dict(zip(fields, args))
    for key, value in kwargs.items():
        if key not in fields:
            raise KerasError(f"{cls.name}.__init__() got an unexpected keyword argument '{key}'", "TypeError")
        values[key] = value
    for name in fields:
        if name in values:
            obj.attrs[name] = values[name]
        elif name in cls.attrs:
            default = cls.attrs[name]
            obj.attrs[name] = Unknown(f"default of field `{name}` not known") if isinstance(default, Opaque) else default
        else:
            raise KerasError(f"{cls.name}.__init__() missing 1 required positional argument: '{name}'", "TypeError")


def keras_init(interp: "Interpreter", obj: Any, kwargs: dict, args: list | None = None) -> None:
    """``Layer.__init__`` / ``Model.__init__`` reached through ``super().__init__(**kwargs)``; for a
    subclass of a built-in layer, that layer's ``__init__`` with its arguments."""
    if not isinstance(obj, (CustomLayer, CustomModel)) or obj.name is not None:
        return
    name = kwargs.get("name")
    obj.name = name if isinstance(name, str) else interp.keras.naming.auto(obj.class_name)
    trainable = kwargs.get("trainable", True)
    obj.trainable = trainable if isinstance(trainable, bool) else True
    builtin = obj.user_class.builtin_layer if isinstance(obj, CustomLayer) else None
    if builtin is None:
        return
    if builtin not in REGISTRY:
        obj.uncertain = f"{obj.class_name} derives from keras.layers.{builtin}, which kerascheck does not model"
        return
    _require_known(args or [], kwargs, builtin)
    try:
        obj.builtin_spec = REGISTRY[builtin].bind(list(args or []), dict(kwargs))
    except KerasError as exc:
        raise exc.annotate(stage="constructor", layer=builtin)
    obj.builtin_spec.layer_name = obj.name


def make_super(interp: "Interpreter", args: list) -> Any:
    frame = interp.frames[-1] if interp.frames else None
    if len(args) == 2 and isinstance(args[0], UserClass):
        return Super(args[0], args[1])
    if frame is None or frame[0].owner is None:
        return Unknown("super() outside a method")
    func, scope = frame
    params = func.node.params.params
    self_value = scope.vars.get(params[0].name.value) if params else None
    return Super(func.owner, self_value)


def super_attribute(interp: "Interpreter", sup: Super, name: str) -> Any:
    for base in sup.cls.bases:
        if isinstance(base, UserClass):
            found = base.find(name)
            if found is not None and isinstance(found[0], Function):
                return BoundMethod(found[0], sup.self_value)
    if name == "__init__":
        return _KerasInit(sup.self_value)
    if name == "get_config":
        return Opaque("get_config()")
    return KerasMethod(sup.self_value, name)


class _KerasInit:
    def __init__(self, obj: Any):
        self.obj = obj


# -- attributes -------------------------------------------------------------------------------------

def get_attribute(interp: "Interpreter", obj: Any, name: str, loc: Loc) -> Any:
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
        return Opaque(f"tensor.{name}")
    if isinstance(obj, Layer):
        return layer_attribute(interp, obj, name, loc)
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


def layer_attribute(interp: "Interpreter", layer: Layer, name: str, loc: Loc | None = None) -> Any:
    if name in REMOVED_LAYER_ATTRIBUTES and not (isinstance(layer, Model) and name in MODEL_KEEPS):
        raise KerasError(f"'{layer.class_name}' object has no attribute '{name}'", "AttributeError").annotate(
            stage="attribute", layer=layer.class_name)
    if name == "name":
        return layer.name
    if name == "trainable":
        return layer.trainable
    if name == "built":
        return layer.built
    if name in ("output", "input"):
        if isinstance(layer, Sequential) and layer.graph is not None:
            return layer.graph[1] if name == "output" else layer.graph[0]
        if isinstance(layer, Functional):
            return layer.outputs if name == "output" else layer.inputs
        if not layer.nodes:
            raise KerasError(f"The layer {layer.name} has never been called and thus has no defined {name}.", "AttributeError")
        if len(layer.nodes) > 1 and loc is not None:
            interp.result.events.append(Event("ambiguous_io", loc, {"layer": layer, "attr": name}))
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
    return KerasMethod(layer, name)


def set_attribute(interp: "Interpreter", obj: Any, name: str, value: Any) -> None:
    if isinstance(obj, (CustomLayer, CustomModel, Instance)):
        if name == "trainable" and isinstance(value, bool) and not isinstance(obj, Instance):
            set_trainable(obj, value)
            return
        obj.attrs[name] = value
        return
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
    return Unknown(f"subscript of {type(obj).__name__}")


def iterate(interp: "Interpreter", value: Any) -> list | None:
    if isinstance(value, Tensor) and value.shape:
        return None
    if type(value).__name__ in ("dict_items", "dict_keys", "dict_values"):
        return list(value)
    return None


def length(value: Any) -> Any:
    if isinstance(value, (list, tuple, dict, str, range)):
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


# -- tensor arithmetic ------------------------------------------------------------------------------

def _is_tensor_arg(value: Any) -> bool:
    return isinstance(value, Tensor) or (isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value))


def apply_op(interp: "Interpreter", name: str, args: list, kwargs: dict, loc: Loc) -> Any:
    """``keras.ops.<name>`` (or the operator that means it) on tensors."""
    op = OPS[name]
    if len(args) > len(op.signature):
        raise KerasError(f"{name}() takes {len(op.signature)} positional arguments but {len(args)} were given", "TypeError")
    arguments = dict(zip(op.signature, args))
    for key, value in kwargs.items():
        if key not in op.signature:
            raise KerasError(f"{name}() got an unexpected keyword argument '{key}'", "TypeError")
        arguments[key] = value
    for value in flatten(list(arguments.values())):
        if isinstance(value, Unknown):
            raise Unresolvable(value.reason)
    return interp.keras.operation(op, arguments, loc)


def tensor_binop(interp: "Interpreter", op: str, left: Any, right: Any, loc: Loc) -> Any:
    if op not in OPERATORS:
        raise Unresolvable(f"operator {op} on tensors is not modelled")
    return apply_op(interp, OPERATORS[op], [left, right], {}, loc)


def tensor_function(interp: "Interpreter", op: str, args: list, kwargs: dict, loc: Loc) -> Any:
    """A library function called with tensors: ``keras.ops.*`` ops, ``tf.*``/``np.*`` inside layers."""
    name = op.split(".")[-1]
    library = op.split(".")[0] if "." in op else ""
    symbolic = any(isinstance(t, Tensor) and t.symbolic for t in flatten(list(args) + list(kwargs.values())))
    if symbolic and not interp.keras.tracing and not op.startswith(("ops.", "layers.")) and library != "ops":
        raise KerasError(KERAS_TENSOR_IN_TF_FUNCTION)
    if library == "tf" or op in _TF_TWINS or op.split(".")[0] in ("math", "nn", "linalg"):
        return _tf_function(interp, op, args, kwargs, loc)
    name = _TF_NAMES.get(name, name)
    if name in OPS:
        return apply_op(interp, name, args, kwargs, loc)
    return Unknown(f"{op}() on tensors is not modelled")


def _tf_function(interp: "Interpreter", op: str, args: list, kwargs: dict, loc: Loc) -> Any:
    """``tf.<op>`` inside a layer: evaluated as its ``keras.ops`` twin only where the twin takes the
    same arguments (after renaming TensorFlow's keywords); any other TensorFlow function, or an
    argument the twin does not have, leaves the result unknown rather than read with another signature."""
    twin = _TF_TWINS.get(op)
    if twin is None:
        return Unknown(f"tf.{op}() is not modelled")
    name, params = twin
    kwargs = {k: v for k, v in kwargs.items() if k != "name"}
    if len(args) > len(params) or any(k not in params for k in kwargs):
        return Unknown(f"tf.{op}() with these arguments is not modelled")
    bound = dict(zip(params, args))
    bound.update(kwargs)
    # The twin takes the same parameters in the same order, under its own names.
    last = max(params.index(k) for k in bound) if bound else -1
    signature = OPS[name].signature
    return apply_op(interp, name, [], {signature[i]: bound.get(p) for i, p in enumerate(params[: last + 1])}, loc)


# tf.<op> -> (keras.ops twin, TensorFlow's parameter names in order: the twin's are the same
# parameters in the same order under its own names). TensorFlow's ``name=`` is dropped.
_TF_TWINS = {
    "reshape": ("reshape", ("tensor", "shape")),
    "transpose": ("transpose", ("a", "perm")),
    "expand_dims": ("expand_dims", ("input", "axis")),
    "squeeze": ("squeeze", ("input", "axis")),
    "concat": ("concatenate", ("values", "axis")),
    "stack": ("stack", ("values", "axis")),
    "matmul": ("matmul", ("a", "b")),
    **{f"{prefix}reduce_{r}": (r, ("input_tensor", "axis", "keepdims"))
       for prefix in ("", "math.") for r in ("sum", "mean", "max", "min")},
    **{f"{prefix}{fn}": (fn, ("x",)) for prefix in ("", "math.", "nn.")
       for fn in ("relu", "sigmoid", "tanh", "exp", "log", "sqrt", "square", "abs")},
    "nn.softmax": ("softmax", ("logits", "axis")),
    **{f"{prefix}{fn}": (twin, ("x", "y")) for prefix in ("", "math.") for fn, twin in
       (("add", "add"), ("multiply", "multiply"), ("subtract", "subtract"), ("divide", "divide"),
        ("maximum", "maximum"), ("minimum", "minimum"), ("pow", "power"))},
    "cast": ("cast", ("x", "dtype")),
    "ones_like": ("ones_like", ("input",)),
    "zeros_like": ("zeros_like", ("input",)),
}


# tf / numpy spellings of the same operations, used inside layers' call().
_TF_NAMES = {"reduce_sum": "sum", "reduce_mean": "mean", "reduce_max": "max", "reduce_min": "min", "concat": "concatenate",
             "math.reduce_sum": "sum"}

KERAS_TENSOR_IN_TF_FUNCTION = (
    "A KerasTensor cannot be used as input to a TensorFlow function. A KerasTensor is a symbolic placeholder "
    "for a shape and dtype, used when constructing Keras Functional models or Keras Functions. You can only "
    "use it as input to a Keras layer or a Keras operation (from the namespaces `keras.layers` and `keras.ops`). "
    "You are likely doing something like:\n\n```\nx = Input(...)\n...\ntf_fn(x)  # Invalid.\n```\n\n"
    "What you should do instead is wrap `tf_fn` in a layer:\n\n```\nclass MyLayer(Layer):\n    def call(self, x):\n"
    "        return tf_fn(x)\n\nx = MyLayer()(x)\n```\n"
)


def tensor_slice(interp: "Interpreter", tensor: Tensor, index: Any, loc: Loc) -> Any:
    return apply_op(interp, "get_item", [tensor, index], {}, loc)


def tensor_negative(interp: "Interpreter", tensor: Tensor, loc: Loc) -> Any:
    return apply_op(interp, "negative", [tensor], {}, loc)
