"""``keras.ops`` operations on symbolic tensors (keras/src/ops/numpy.py, nn.py, core.py).

Between layers of a functional model, ``x + y``, ``x[:, 0]`` or ``keras.ops.mean(x, axis=1)``
create an Operation node; each operation is a row of the summary (``add (Add)``, 0 params).
``OPS`` maps the ``keras.ops`` function name to its operation class name and output shape; the
tensors the call receives become the node's inputs, other arguments only shape the output.
Operations are not layers: they live in their own table, not in ``REGISTRY``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from .types import KerasError, Unresolvable


@dataclass(frozen=True)
class Op:
    class_name: str  # the Operation class, whose snake_case is the automatic name
    signature: tuple[str, ...]  # parameter names, in order (to bind positional arguments)
    shape: Callable[..., Any]  # keyword arguments by parameter name -> output shape


def broadcast_shapes(shape1: tuple, shape2: tuple) -> tuple:
    """``keras.src.ops.operation_utils.broadcast_shapes``, None handling and message included."""
    s1, s2 = list(shape1), list(shape2)
    if len(s1) > len(s2):
        s2 = [1] * (len(s1) - len(s2)) + s2
    if len(s1) < len(s2):
        s1 = [1] * (len(s2) - len(s1)) + s1
    out = list(s1)
    for i, (a, b) in enumerate(zip(s1, s2)):
        if a == 1:
            out[i] = b
        elif a is None:
            out[i] = None if b == 1 else b
        elif not (b == 1 or b is None or b == a):
            raise KerasError(
                f"Cannot broadcast shape, the failure dim has value {a}, which cannot be broadcasted to {b}. "
                f"Input shapes are: {list(shape1)} and {list(shape2)}."
            )
    return tuple(out)


def shape_of(x: Any) -> tuple:
    shape = getattr(x, "shape", None)
    if shape is not None:
        return tuple(shape)
    if isinstance(x, (int, float, bool)):
        return ()
    raise Unresolvable(f"keras.ops argument {x!r} is not a tensor or a number")


def _axes(axis: Any, rank: int) -> list[int]:
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    for a in axes:
        if not isinstance(a, int) or not -rank <= a < rank:
            raise Unresolvable(f"axis {axis!r} is not known or out of range")
    return sorted(a % rank for a in axes)


def _binary(x1, x2):
    return broadcast_shapes(shape_of(x1), shape_of(x2))


def _unary(x, **_):
    return shape_of(x)


def _reduce(x, axis=None, keepdims=False, **_):
    shape = shape_of(x)
    if axis is None:
        return (1,) * len(shape) if keepdims else ()
    axes = _axes(axis, len(shape))
    return tuple(1 if i in axes else d for i, d in enumerate(shape) if keepdims or i not in axes)


def _concatenate(xs, axis=0):
    shapes = [shape_of(x) for x in xs]
    rank = len(shapes[0])
    axis = _axes(axis, rank)[0]
    total = 0
    for s in shapes:
        if len(s) != rank:
            raise KerasError("All input arrays must have the same number of dimensions.")
        total = None if total is None or s[axis] is None else total + s[axis]
    out = list(shapes[0])
    out[axis] = total
    return tuple(out)


def _stack(x, axis=0):
    shape = shape_of(x[0])
    axis = axis % (len(shape) + 1)
    return shape[:axis] + (len(x),) + shape[axis:]


def _expand_dims(x, axis):
    shape = list(shape_of(x))
    for a in sorted(a % (len(shape) + len(axis if isinstance(axis, (list, tuple)) else [axis]))
                    for a in (axis if isinstance(axis, (list, tuple)) else [axis])):
        shape.insert(a, 1)
    return tuple(shape)


def _squeeze(x, axis=None):
    shape = shape_of(x)
    if axis is None:
        return tuple(d for d in shape if d != 1)
    axes = _axes(axis, len(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def _reshape(x, newshape):
    shape = shape_of(x)
    target = list(newshape)
    if target.count(-1) > 1:
        raise KerasError("Only one dimension may be -1 in `newshape`.")
    if -1 in target:
        known = 1
        for d in target:
            if d != -1:
                known *= d
        size = 1
        for d in shape:
            size = None if size is None or d is None else size * d
        # Keras keeps the unknown batch axis when -1 stands for it (operation_utils.compute_reshape_output_shape)
        target[target.index(-1)] = None if size is None else size // known
    return tuple(target)


def _transpose(x, axes=None):
    shape = shape_of(x)
    if axes is None:
        return tuple(reversed(shape))
    return tuple(shape[a] for a in axes)


def _matmul(x1, x2):
    a, b = shape_of(x1), shape_of(x2)
    if len(a) < 2 or len(b) < 2:
        raise Unresolvable("matmul with a vector operand")
    if a[-1] is not None and b[-2] is not None and a[-1] != b[-2]:
        raise KerasError(
            f"Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
            f"`x1.shape={a}` and `x2.shape={b}`."
        )
    return broadcast_shapes(a[:-2], b[:-2]) + (a[-2], b[-1])


def _get_item(x, key):
    """Basic numpy indexing: ints drop an axis, slices keep it, None adds one, ``...`` fills."""
    shape = list(shape_of(x))
    key = list(key) if isinstance(key, tuple) else [key]
    if sum(k is Ellipsis for k in key) > 1:
        raise KerasError("An index can only have a single ellipsis ('...')")
    consumed = sum(1 for k in key if k is not None and k is not Ellipsis)
    if Ellipsis in key:
        i = key.index(Ellipsis)
        key[i:i + 1] = [slice(None)] * (len(shape) - consumed)
    key += [slice(None)] * (len(shape) - sum(1 for k in key if k is not None))
    out, dim = [], 0
    for k in key:
        if k is None:
            out.append(1)
            continue
        if dim >= len(shape):
            raise KerasError("Too many indices for tensor")
        d = shape[dim]
        dim += 1
        if isinstance(k, int) and not isinstance(k, bool):
            if d is not None and not -d <= k < d:
                raise KerasError(f"Array has shape {tuple(shape)} but out-of-bound index {k} was requested.")
            continue
        if isinstance(k, slice):
            out.append(None if d is None else len(range(*k.indices(d))))
            continue
        raise Unresolvable("tensor indexing with tensors or lists is not modelled")
    return tuple(out)


def _unary_op(name: str) -> Op:
    return Op(name, ("x",), _unary)


OPS: dict[str, Op] = {
    "add": Op("Add", ("x1", "x2"), _binary),
    "subtract": Op("Subtract", ("x1", "x2"), _binary),
    "multiply": Op("Multiply", ("x1", "x2"), _binary),
    "divide": Op("Divide", ("x1", "x2"), _binary),
    "true_divide": Op("TrueDivide", ("x1", "x2"), _binary),
    "power": Op("Power", ("x1", "x2"), _binary),
    "maximum": Op("Maximum", ("x1", "x2"), _binary),
    "minimum": Op("Minimum", ("x1", "x2"), _binary),
    "matmul": Op("Matmul", ("x1", "x2"), _matmul),
    "mean": Op("Mean", ("x", "axis", "keepdims"), _reduce),
    "sum": Op("Sum", ("x", "axis", "keepdims"), _reduce),
    "max": Op("Max", ("x", "axis", "keepdims", "initial"), _reduce),
    "min": Op("Min", ("x", "axis", "keepdims", "initial"), _reduce),
    "concatenate": Op("Concatenate", ("xs", "axis"), _concatenate),
    "stack": Op("Stack", ("x", "axis"), _stack),
    "expand_dims": Op("ExpandDims", ("x", "axis"), _expand_dims),
    "squeeze": Op("Squeeze", ("x", "axis"), _squeeze),
    "reshape": Op("Reshape", ("x", "newshape"), _reshape),
    "transpose": Op("Transpose", ("x", "axes"), _transpose),
    "get_item": Op("GetItem", ("x", "key"), _get_item),
    "negative": _unary_op("Negative"),
    "absolute": _unary_op("Absolute"),
    "abs": _unary_op("Absolute"),
    "exp": _unary_op("Exp"),
    "log": _unary_op("Log"),
    "sqrt": _unary_op("Sqrt"),
    "square": _unary_op("Square"),
    "relu": _unary_op("Relu"),
    "sigmoid": _unary_op("Sigmoid"),
    "tanh": _unary_op("Tanh"),
    "softmax": Op("Softmax", ("x", "axis"), _unary),
    "cast": Op("Cast", ("x", "dtype"), _unary),
    "clip": Op("Clip", ("x", "x_min", "x_max"), _unary),
    # The operations Keras's compute_mask methods apply (kerascheck/masking.py).
    "equal": Op("Equal", ("x1", "x2"), _binary),
    "not_equal": Op("NotEqual", ("x1", "x2"), _binary),
    "logical_or": Op("LogicalOr", ("x1", "x2"), _binary),
    "logical_and": Op("LogicalAnd", ("x1", "x2"), _binary),
    "any": Op("Any", ("x", "axis", "keepdims"), _reduce),
    "all": Op("All", ("x", "axis", "keepdims"), _reduce),
    "ones_like": Op("OnesLike", ("x", "dtype"), _unary),
    "zeros_like": Op("ZerosLike", ("x", "dtype"), _unary),
    "convert_to_tensor": Op("ConvertToTensor", ("x", "dtype", "sparse", "ragged"), _unary),
}

# Python operators on KerasTensors (keras/src/backend/common/keras_tensor.py) -> keras.ops function.
OPERATORS = {"Add": "add", "Subtract": "subtract", "Multiply": "multiply", "Divide": "true_divide",
             "Power": "power", "MatrixMultiply": "matmul"}
