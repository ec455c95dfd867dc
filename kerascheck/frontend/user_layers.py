"""User subclasses of Keras classes: construction (``__init__``, ``super()``, a built-in base
layer's spec), ``build`` and ``call`` with the training argument Keras fills, and Lambda functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir import Layer, Loc, Model, Tensor
from ..models import flatten
from ..shapes import REGISTRY
from ..shapes.symbolic import Sym
from ..shapes.base import KerasError, Opaque, Unknown, Unresolvable
from .control import Break, Continue, KerasErrorAt, Return
from .result import LambdaNotInferred
from .values import (
    BoundMethod, CustomLayer, CustomModel, Function, Instance, KerasMethod, Ref, Super, UserClass,
)

if TYPE_CHECKING:
    from .interpreter import Interpreter

def require_known(args: list, kwargs: dict, what: str) -> None:
    for value in flatten(list(args) + list(kwargs.values())):
        if isinstance(value, Tensor):
            raise Unresolvable(f"{what} was given a tensor as a constructor argument")
        # A name from a module the analysis does not model (``from config import UNITS`` when
        # config.py is not found): its value is not known; Keras, TF and NumPy names are objects.
        if isinstance(value, Ref) and value.path.split(".")[0] not in ("keras", "tf", "np"):
            raise Unresolvable(f"`{value.path}` is not known statically")



def run_user_call(interp: "Interpreter", layer: CustomLayer | CustomModel, inputs: Any, extra: list, kwargs: dict) -> Any:
    """Build a user layer on the input shapes, then run its ``call`` with shapes only."""
    shapes = _shape_arg(inputs)
    user_build(interp, layer, shapes)
    # Keras's compute_output_spec: a layer with its own compute_output_shape (the user's override,
    # else a built-in base layer's) gets its output shape from it, and call() is not traced.
    own = layer.user_class.find("compute_output_shape")
    if own is None and isinstance(layer, CustomLayer) and layer.builtin_spec is not None:
        return layer.builtin_spec.compute_output_shape(shapes)
    if own is not None:
        shape = interp.call_function(own[0], [layer, shapes], {})
        if not isinstance(shape, (tuple, list)) or not _is_shape_structure(shape):
            raise Unresolvable(f"{layer.class_name}.compute_output_shape() did not return a known shape")
        if not shape or not all(isinstance(s, (tuple, list)) for s in shape):
            return tuple(shape)  # one shape, a list of dims included (Keras's ``is_shape_tuple``)
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


def run_on_data(interp: "Interpreter", model: Any) -> None:
    """``fit``/``evaluate``/``predict`` run every layer's ``call`` on the data: the user layers whose
    ``call`` building the model did not trace (Keras took their output shape from
    ``compute_output_shape``) run it here, once per class. Only what fails there whatever the data
    counts (a removed ``keras.backend`` function, which the analysis recovers from): errors that
    depend on the shapes of the data, which the analysis does not see, are not reported."""
    from .result import RefCalled

    for layer in _untraced_user_layers(model, set()):
        cls = layer.user_class
        if id(cls) in interp.ran_on_data:
            continue
        interp.ran_on_data.add(id(cls))
        call = cls.find("call")[0]
        inputs = _data_like(getattr(layer, "build_shape", None))
        if inputs is None or not isinstance(call, Function):
            continue
        keras, events = interp.keras, interp.result.events
        models, layers, names, first = len(keras.models), len(keras.layers), dict(keras.naming.uids), len(events)
        caught: list = []
        interp.keras_catches.append((len(interp.try_handlers), len(interp.speculative), caught))
        keras.tracing += 1
        try:
            interp.call_function(call, [layer, inputs], {})
        except (KerasError, KerasErrorAt, Unresolvable, Return, Break, Continue, RecursionError):
            pass
        finally:
            keras.tracing -= 1
            interp.keras_catches.pop()
            events[first:] = [e for e in events[first:] if isinstance(e, RefCalled)]
            del keras.models[models:], keras.layers[layers:]
            keras.naming.uids.clear()
            keras.naming.uids.update(names)
        for error, where, rule in caught:
            if rule is not None:  # a migration error: raised in call() on any data
                interp.recover(error, where, rule=rule)


def _untraced_user_layers(model: Any, seen: set) -> list:
    found = []
    for layer in getattr(model, "layers", ()):
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, CustomLayer) and layer.weights is not None and layer.user_class.find("call") and (
                layer.user_class.find("compute_output_shape") or layer.builtin_spec is not None):
            found.append(layer)
        elif isinstance(layer, (Model, CustomLayer)):
            found.extend(_untraced_user_layers(layer, seen) if isinstance(layer, Model) else [])
    return found


def _data_like(shape: Any) -> Any:
    """Eager tensors of the shapes a layer was built on (a list of them for several inputs)."""
    if isinstance(shape, tuple) and _is_shape_structure(shape) and not any(isinstance(d, (tuple, list)) for d in shape):
        return Tensor(shape, symbolic=False)
    if isinstance(shape, list) and shape and all(isinstance(s, tuple) for s in shape):
        return [Tensor(s, symbolic=False) for s in shape]
    return None


def _is_shape_structure(value: Any) -> bool:
    """A shape (dimensions: ints, None or symbols) or a list of shapes."""
    if isinstance(value, (tuple, list)) and value and all(isinstance(v, (tuple, list)) for v in value):
        return all(_is_shape_structure(v) for v in value)
    return isinstance(value, (tuple, list)) and all(
        d is None or (isinstance(d, (int, Sym)) and not isinstance(d, bool)) for d in value)


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


def layer_runner(interp: "Interpreter", layer: Layer, loc: Loc | None = None) -> Any:
    """How to run a layer whose output comes from Python code: a user layer (its ``call``, when a
    Sequential model builds it), a Lambda without ``output_shape`` (Keras traces its function, and so
    does the interpreter); None for every other layer. ``loc``: where the layer is called."""
    if isinstance(layer, (CustomLayer, CustomModel)):
        return lambda inputs: run_user_call(interp, layer, inputs, [], {})
    spec = layer.spec
    if (spec is not None and spec.class_name == "Lambda" and spec.args.get("output_shape") is None
            and isinstance(spec.args.get("function"), (Function, BoundMethod, Ref))):
        return lambda inputs: run_lambda(interp, layer, inputs, loc)
    return None


# Keras's message when tracing a Lambda's function raises (keras/src/layers/core/lambda_layer.py).
LAMBDA_NOT_INFERRED = ("We could not automatically infer the shape of the Lambda's output. Please specify the "
                       "`output_shape` argument for this Lambda layer.")


def run_lambda(interp: "Interpreter", layer: Layer, inputs: Any, loc: Loc | None = None) -> Any:
    """``Lambda.call``: the function on the inputs (shapes only), with the layer's ``arguments``.

    Keras infers the output shape by tracing the function inside a bare ``except:``: what raises
    there (a removed ``keras.backend`` function) becomes ``NotImplementedError`` at the Lambda call.
    The errors the analysis goes past inside are collected for that; the trace goes on with their
    Keras 3 spelling, so the output shape is the one the repaired function gives."""
    arguments = layer.spec.args.get("arguments") or {}
    if not isinstance(arguments, dict):
        raise Unresolvable("the `arguments` of a Lambda are not known statically")
    layer.build(_shape_arg(inputs))
    result = _trace_lambda(interp, layer, inputs, arguments, loc)
    return _traced_shapes(layer, result)


def _trace_lambda(interp: "Interpreter", layer: Layer, inputs: Any, arguments: dict, loc: Loc | None) -> Any:
    caught: list = []
    interp.keras_catches.append((len(interp.try_handlers), len(interp.speculative), caught))
    interp.keras.tracing += 1
    try:
        result = interp.call(layer.spec.args["function"], [inputs], dict(arguments), None)
    finally:
        interp.keras.tracing -= 1
        interp.keras_catches.pop()
    if caught and loc is not None:
        _lambda_not_inferred(interp, layer, caught, loc)
    return result


def probe_lambda(interp: "Interpreter", layer: Layer, inputs: Any, loc: Loc) -> None:
    """A Lambda without ``output_shape`` called on inputs not known (an earlier line raised): its
    function is traced anyway, for what fails in it whatever the data (a removed ``keras.backend``
    function on a path that surely runs), which Keras reports at this call once the inputs are
    repaired. Nothing else of the trace counts."""
    spec = getattr(layer, "spec", None)
    if isinstance(layer, (CustomLayer, CustomModel)) or spec is None or spec.class_name != "Lambda" \
            or layer_runner(interp, layer) is None or not isinstance(spec.args.get("arguments") or {}, dict):
        return
    if getattr(layer.spec.args["function"], "calls", 1):
        return  # traced already, where the script calls it
    try:
        _trace_lambda(interp, layer, inputs, dict(layer.spec.args.get("arguments") or {}), loc)
    except (KerasError, KerasErrorAt, Unresolvable, Return, Break, Continue, RecursionError):
        pass


def _lambda_not_inferred(interp: "Interpreter", layer: Layer, caught: list, loc: Loc) -> None:
    function = layer.spec.args["function"]
    name = getattr(getattr(function, "function", function), "name", None) or getattr(function, "path", "function")
    causes = tuple((error.message, where, rule) for error, where, rule in caught)
    interp.result.events.append(LambdaNotInferred(loc, name, causes))
    rules = {rule for _, _, rule in causes}
    if rules == {"KC302"}:  # the removed names inside: KC302 reports the call, with their Keras 3 twins
        interp.recover(KerasError(LAMBDA_NOT_INFERRED, "NotImplementedError"), loc, rule="KC302")
        return
    inside = "; ".join(f"{message} (line {where.line})" for message, where, _ in causes[:3])
    interp.recover(KerasError(f"{LAMBDA_NOT_INFERRED} (tracing `{name}` raised: {inside})",
                              "NotImplementedError"), loc)


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
    if isinstance(obj, CustomLayer):  # Layer.__init__ keeps it for Sequential (``_input_shape_arg``)
        obj.input_shape_arg = (kwargs["input_dim"],) if kwargs.get("input_dim") is not None else kwargs.get("input_shape")
    builtin = obj.user_class.builtin_layer if isinstance(obj, CustomLayer) else None
    if builtin is None:
        return
    if builtin not in REGISTRY:
        obj.uncertain = f"{obj.class_name} derives from keras.layers.{builtin}, which kerascheck does not model"
        return
    require_known(args or [], kwargs, builtin)
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
        return KerasInit(sup.self_value)
    if name == "get_config":
        return Opaque("get_config()")
    return KerasMethod(sup.self_value, name)


class KerasInit:
    def __init__(self, obj: Any):
        self.obj = obj


