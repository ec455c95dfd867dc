"""Argument handling shared by every layer family: binding constructor arguments as Python and
``Layer.__init__`` do, and Keras's argument standardisation (``standardize_tuple``,
``standardize_data_format``, ``standardize_padding``, ``activations.get``) with its exact messages.

Imports only the leaf modules ``types`` and ``symbolic``; ``base`` and the families import it.
"""

from __future__ import annotations

import ast
from typing import Any, Sequence

from .symbolic import Sym
from .types import KerasError, Opaque, Shape, Unknown, Unresolvable

# The keyword arguments ``Layer.__init__`` takes besides a layer's own (``**kwargs`` forwarded by Keras).
BASE_KWARGS = ("activity_regularizer", "trainable", "dtype", "autocast", "name", "input_dim", "input_shape")

NO_DEFAULT = object()


def parse_signature(signature: str) -> list[tuple[str, Any]]:
    """``"units, activation=None"`` -> ``[("units", NO_DEFAULT), ("activation", None)]``."""
    if not signature.strip():
        return []
    fn = ast.parse(f"def f({signature}): pass").body[0].args
    positional = fn.posonlyargs + fn.args
    defaults = [NO_DEFAULT] * (len(positional) - len(fn.defaults)) + [ast.literal_eval(d) for d in fn.defaults]
    params = [(a.arg, d) for a, d in zip(positional, defaults)]
    for a, d in zip(fn.kwonlyargs, fn.kw_defaults):
        params.append((a.arg, NO_DEFAULT if d is None else ast.literal_eval(d)))
    return params


_BINDERS: dict[tuple[type, bool], Any] = {}


def python_binding(cls: type, positional: Sequence[Any], keywords: dict[str, Any], varkw: bool = True) -> None:
    """Raise the ``TypeError`` CPython raises binding these arguments to ``cls.__init__``, if any.

    Python binds the call before ``__init__`` runs (so before ``Layer.__init__`` rejects an unknown
    keyword): too many positional arguments, multiple values, missing required ones, with CPython's
    exact wording ("takes from 1 to 3 positional arguments but 5 were given", "missing 2 required
    positional arguments: 'a' and 'b'"). A stand-in function with the same signature (plus ``self``
    and ``**kwargs`` unless ``varkw`` is false) and qualified name does the binding.
    """
    binder = _BINDERS.get((cls, varkw))
    if binder is None:
        params = [p for p in ("self", cls.signature.strip(), "**kwargs" if varkw else "") if p]
        namespace: dict[str, Any] = {}
        exec(f"def __init__({', '.join(params)}): pass", namespace)  # noqa: S102 - our own signature string
        binder = namespace["__init__"]
        binder.__qualname__ = f"{cls.__name__}.__init__"
        _BINDERS[(cls, varkw)] = binder
    try:
        binder(None, *positional, **keywords)
    except TypeError as exc:
        raise KerasError(str(exc), "TypeError") from None


def dict_repr(d: dict) -> str:
    """A dict as Keras prints unrecognized keyword arguments: ``{'a': 1}``."""
    return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in d.items()) + "}"


def plain_value(spec: Any, name: str, items: bool = False) -> Any:
    """``spec.arg(name)`` that is a plain value: an opaque library object (and, with ``items``, a list
    or tuple holding one) makes the answer unknown instead of reaching Keras's checks."""
    value = spec.arg(name)
    if isinstance(value, Opaque) or (
            items and isinstance(value, (list, tuple)) and any(isinstance(v, Opaque) for v in value)):
        raise Unresolvable(f"`{name}` of {spec.class_name} is not a plain value")
    return value


def compare(fn, *values):
    """Evaluate ``fn(*values)`` as Keras would on plain values; ``None`` if a value is not known."""
    if any(isinstance(v, (Unknown, Opaque)) for v in values):
        return None
    try:
        return fn(*values)
    except Exception as exc:  # noqa: BLE001 - Python's own error, as Keras hits it
        raise KerasError(str(exc), type(exc).__name__) from None


# keras/src/activations/__init__.py ``ALL_OBJECTS_DICT`` (Keras 3.15): the string identifiers ``get`` takes.
ACTIVATION_NAMES = frozenset({
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish",
    "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu",
    "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink", "threshold",
})


def check_activation(identifier: Any) -> None:
    """``keras.activations.get(identifier)`` in a constructor: an unknown name or a plain non-callable
    value raises "Could not interpret activation function identifier: ..."; ``None``, a dict (a
    serialized function), a function or a value the analysis does not know pass."""
    if identifier is None or isinstance(identifier, dict) or not is_literal(identifier):
        return
    if isinstance(identifier, str) and identifier in ACTIVATION_NAMES:
        return
    raise KerasError(f"Could not interpret activation function identifier: {identifier}")


def require_dims(shape: tuple, what: str) -> None:
    """Every dimension an int, ``None`` or a symbolic size: anything else (a value from a library the
    analysis does not model) makes the shape unknown rather than an arithmetic error."""
    for d in shape:
        if d is not None and not isinstance(d, (int, Sym)):
            raise Unresolvable(f"{what} is not known statically ({d!r})")


def known(value: Any, what: str) -> Any:
    """Return ``value`` if fully known, else raise ``Unresolvable``."""
    if isinstance(value, Unknown):
        raise Unresolvable(f"{what} is not known statically ({value.reason})")
    if isinstance(value, Opaque):  # a library object (``np.int64(5)``): not a value the engine computes with
        raise Unresolvable(f"{what} is not known statically ({value.description})")
    if isinstance(value, (list, tuple)):
        for v in value:
            known(v, what)
    return value


def format_shape(shape: Shape) -> str:
    """Python's tuple repr, as Keras puts shapes in messages: ``(None, 32)``, ``(None,)``."""
    return repr(tuple(shape))


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """Keras's ``argument_validation.standardize_tuple``, with its exact messages (bools count as ints)."""
    if isinstance(value, int) and value > 0 and not isinstance(value, bool):
        return (value,) * n  # the common case, without formatting the message
    error_msg = f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
    if isinstance(value, (int, Sym)):
        value_tuple = (value,) * n
    else:
        try:
            value_tuple = tuple(value)
        except TypeError:
            raise KerasError(error_msg) from None
        if len(value_tuple) != n:
            raise KerasError(error_msg)
        for single_value in value_tuple:
            try:
                int(single_value)
            except (ValueError, TypeError):
                raise KerasError(f"{error_msg}including element {single_value} of type {type(single_value)}") from None
    try:
        bad = {v for v in value_tuple if (v < 0 if allow_zero else v <= 0)}
    except TypeError as exc:
        raise KerasError(str(exc), "TypeError") from None
    if bad:
        raise KerasError(f"{error_msg}, including values {bad} that do not satisfy `value {'>= 0' if allow_zero else '> 0'}`")
    return value_tuple


def standardize_data_format(value: Any) -> str:
    """Keras's ``backend.standardize_data_format`` (the default config is ``channels_last``)."""
    if value is None:
        return "channels_last"
    value = str(value).lower()
    if value not in {"channels_first", "channels_last"}:
        raise KerasError(
            "The `data_format` argument must be one of {'channels_first', 'channels_last'}. "
            f"Received: data_format={value}"
        )
    return value


def standardize_padding(value: Any, allow_causal: bool = False) -> Any:
    """Keras's ``argument_validation.standardize_padding`` (lists and tuples pass through unchanged)."""
    if isinstance(value, (list, tuple)):
        return value
    padding = lower(value)
    allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
    if padding not in allowed:
        # The message prints a set of strings, whose order varies between Python processes.
        raise KerasError(f"The `padding` argument must be a list/tuple or one of {allowed}. Received: {padding}")
    return padding


def lower(value: Any) -> str:
    """``value.lower()``, raising the ``AttributeError`` Python raises for a non-string."""
    if not isinstance(value, str):
        raise KerasError(f"'{type(value).__name__}' object has no attribute 'lower'", "AttributeError")
    return value.lower()


def numpy_str(values: Sequence[Any], object_dtype: bool | None = None) -> str:
    """``str(np.array(values))`` for a 1-D list of ints and ``None``, as Keras prints in some messages.

    numpy pads the items of an int array to the widest one; an array holding a ``None`` (or built
    from one, ``object_dtype=True``) is an object array, printed unpadded.
    """
    items = [str(v) for v in values]
    if object_dtype is None:
        object_dtype = any(v is None for v in values)
    if not object_dtype:
        width = max((len(s) for s in items), default=0)
        items = [s.rjust(width) for s in items]
    return "[" + " ".join(items) + "]"


def describe(value: Any, limit: int = 80) -> str:
    """A value as a message names it: its own short repr, never an internal one, at most ``limit`` long."""
    if isinstance(value, Opaque):
        text = value.description
    elif isinstance(value, Unknown):
        text = "a value not known statically"
    elif is_literal(value):
        text = repr(value)
    else:
        text = getattr(value, "display", None) or type(value).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_literal(value: Any) -> bool:
    """A plain Python value (not a layer, not an unknown / opaque value): Keras would reject it as a layer."""
    return value is None or isinstance(value, (bool, int, float, str, list, tuple, dict))


def plain(value: Any) -> bool:
    """A value fully known to the analysis (no unknown or opaque part)."""
    if isinstance(value, (Unknown, Opaque)):
        return False
    if isinstance(value, (list, tuple)):
        return all(plain(v) for v in value)
    if isinstance(value, dict):
        return all(plain(v) for v in value.values())
    return True


def py(fn):
    """Run a Python expression on literal values, turning Python's own exception into Keras's error."""
    try:
        return fn()
    except (TypeError, ValueError, AttributeError, IndexError, ZeroDivisionError) as exc:
        raise KerasError(str(exc), type(exc).__name__) from None


def validate_string_arg(value, allowable, caller, arg_name, allow_none=False, allow_callables=False):
    """Keras's ``argument_validation.validate_string_arg``."""
    if allow_none and value is None:
        return
    if allow_callables and not is_literal(value):  # a function, a callable object, a value not known
        return
    if isinstance(value, str) and value in allowable:
        return
    raise KerasError(
        f"Unknown value for `{arg_name}` argument of {caller}. Allowed values are: {allowable}. "
        f"Received: {arg_name}={value}"
    )
