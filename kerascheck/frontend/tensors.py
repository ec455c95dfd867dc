"""Tensor operations: keras.ops, the TensorFlow functions that have a keras.ops twin, NumPy on
arrays, and the concrete tensors the makers build (``tf.ones``, ``np.zeros``, ``np.arange``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..ir import Loc, Tensor
from ..models import flatten
from ..shapes.base import KerasError, Opaque, Unknown, Unresolvable
from ..shapes.ops import OPERATORS, OPS
from ..shapes.symbolic import Sym
from .arrays import numpy_reduction, take_rows

if TYPE_CHECKING:
    from .interpreter import Interpreter

CONCRETE_MAKERS = {"tf.ones", "tf.zeros", "np.ones", "np.zeros", "tf.random.normal", "tf.random.uniform",
                    "np.empty", "keras.ops.ones", "keras.ops.zeros", "keras.random.normal", "keras.random.uniform",
                    "tf.fill"}
CONCRETE_FROM_DATA = {"tf.constant", "np.array", "np.asarray", "tf.convert_to_tensor", "keras.ops.array",
                       "keras.ops.convert_to_tensor"}
RANDOM_DIMS = {"np.random.rand", "np.random.randn"}
RANDOM_SIZE = {"np.random.random": "size", "np.random.uniform": "size", "np.random.normal": "size",
                "np.random.randint": "size", "np.random.random_sample": "size"}


def concrete(shape: Any, what: str, unknown_dims: bool = False) -> Any:
    if isinstance(shape, int):
        shape = (shape,)
    allowed = (int, Sym, type(None)) if unknown_dims else (int, Sym)
    if not isinstance(shape, (tuple, list)) or not all(isinstance(d, allowed) for d in shape):
        return Unknown(f"shape of {what}(...) not known statically")
    return Tensor(tuple(shape), symbolic=False)


RANGES = {"keras.ops.arange", "np.arange", "tf.range"}


def arange(path: str, args: list, kwargs: dict) -> Any:
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


def data_shape(data: Any) -> Any:
    if isinstance(data, Tensor):
        return data.shape
    if isinstance(data, (list, tuple)):
        if not data:
            return (0,)
        inner = [data_shape(x) for x in data]
        if any(not isinstance(s, tuple) for s in inner) or len(set(inner)) != 1:
            return None
        return (len(data),) + inner[0]
    if isinstance(data, (int, float, bool)):
        return ()
    return None


# -- tensor arithmetic ------------------------------------------------------------------------------

def is_tensor_arg(value: Any) -> bool:
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
    for key, given in arguments.items():
        for value in flatten([given]):
            if isinstance(value, Unknown):
                raise Unresolvable(value.reason)
            if isinstance(value, Opaque) and key != "dtype":  # (tf.reshape(x, tf.shape(y)): no shape here)
                raise Unresolvable(f"argument `{key}` of {name}() is {value.description}, not known statically")
    return interp.keras.operation(op, arguments, loc)


def tensor_binop(interp: "Interpreter", op: str, left: Any, right: Any, loc: Loc) -> Any:
    if op not in OPERATORS:
        raise Unresolvable(f"operator {op} on tensors is not modelled")
    return apply_op(interp, OPERATORS[op], [left, right], {}, loc)


def tensor_function(interp: "Interpreter", op: str, args: list, kwargs: dict, loc: Loc, root: str = "") -> Any:
    """A library function called with tensors: ``keras.ops.*`` ops, ``tf.*``/``np.*`` inside layers."""
    name = op.split(".")[-1]
    library = op.split(".")[0] if "." in op else ""
    if root == "np" and not library:
        scalar = numpy_reduction(name, args, kwargs, f"np.{name} (line {loc.line})")
        if scalar is not None:  # np.max(y_train): a NumPy integer, not a Python int
            return scalar
    symbolic = any(isinstance(t, Tensor) and t.symbolic for t in flatten(list(args) + list(kwargs.values())))
    if library == "activations":  # keras.activations.X(x) is keras.ops.X(x) for these (keras/src/activations)
        if name == "linear":
            return args[0] if args else kwargs.get("x")
        if name not in _ACTIVATION_OPS:
            return Unknown(f"keras.activations.{name}() on tensors is not modelled")
        name = _ACTIVATION_OPS[name]
    elif library == "layers":  # a functional form the layer table does not know (keras.layers.merge.add)
        return Unknown(f"keras.{op}() is not modelled")
    elif symbolic and not interp.keras.tracing and not op.startswith(("ops.", "layers.")) and library != "ops":
        raise KerasError(KERAS_TENSOR_IN_TF_FUNCTION)
    if root == "tf" and op in _TF_OWN:
        return _TF_OWN[op](args, {k: v for k, v in kwargs.items() if k != "name"})
    if library == "tf" or op in _TF_TWINS or op.split(".")[0] in ("math", "nn", "linalg"):
        return _tf_function(interp, op, args, kwargs, loc)
    name = _TF_NAMES.get(name, name)
    if name in OPS:
        return apply_op(interp, name, args, kwargs, loc)
    return Unknown(f"{op}() on tensors is not modelled")


# keras.activations functions that are one keras.ops call (relu builds a ReLU operation instead).
_ACTIVATION_OPS = {n: n for n in ("softmax", "sigmoid", "tanh", "relu6", "elu", "selu", "softplus", "softsign",
                                  "silu", "gelu", "hard_sigmoid", "log_softmax", "leaky_relu", "log_sigmoid",
                                  "hard_silu", "mish")} | {"exponential": "exp", "swish": "silu"}


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


def _tf_identity(args: list, kwargs: dict) -> Any:
    """``tf.identity(input)``: the same shape and dtype."""
    x = args[0] if args else kwargs.get("input")
    if len(args) > 1 or set(kwargs) - {"input"} or not isinstance(x, Tensor):
        return Unknown("tf.identity() with these arguments is not modelled")
    return Tensor(x.shape, x.dtype, symbolic=x.symbolic)


def _tf_extract_patches(args: list, kwargs: dict) -> Any:
    """``tf.image.extract_patches(images, sizes, strides, rates, padding)`` (tensorflow/python/ops/
    array_ops.py): each output position holds a ``size_rows * size_cols * depth`` patch."""
    names = ("images", "sizes", "strides", "rates", "padding")
    if len(args) > len(names) or set(kwargs) - set(names):
        return Unknown("tf.image.extract_patches() with these arguments is not modelled")
    bound = dict(zip(names, args), **kwargs)
    images, padding = bound.get("images"), bound.get("padding")
    sizes, strides, rates = (bound.get(n) for n in ("sizes", "strides", "rates"))
    lists = [v for v in (sizes, strides, rates)]
    if (not isinstance(images, Tensor) or len(images.shape) != 4 or not isinstance(padding, str)
            or padding.upper() not in ("SAME", "VALID")
            or not all(isinstance(v, (list, tuple)) and len(v) == 4 and all(isinstance(d, int) for d in v) for v in lists)):
        return Unknown("tf.image.extract_patches() with these arguments is not modelled")
    batch, rows, cols, depth = images.shape
    out = []
    for dim, k, stride, rate in ((rows, sizes[1], strides[1], rates[1]), (cols, sizes[2], strides[2], rates[2])):
        if not isinstance(dim, int):
            out.append(None)
        elif padding.upper() == "SAME":
            out.append(-(-dim // stride))
        else:
            out.append(max((dim - (k + (k - 1) * (rate - 1))) // stride + 1, 0))
    channels = sizes[1] * sizes[2] * depth if isinstance(depth, int) else None
    return Tensor((batch, out[0], out[1], channels), images.dtype, symbolic=images.symbolic)


# TensorFlow functions with no keras.ops twin, modelled with their own signatures.
_TF_OWN = {"identity": _tf_identity, "image.extract_patches": _tf_extract_patches}


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
    if isinstance(index, Tensor):
        rows = take_rows(tensor, index)
        if rows is not None:
            return rows
    return apply_op(interp, "get_item", [tensor, index], {}, loc)


def tensor_negative(interp: "Interpreter", tensor: Tensor, loc: Loc) -> Any:
    return apply_op(interp, "negative", [tensor], {}, loc)
