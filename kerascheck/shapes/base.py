"""The layer registry: what each Keras layer class does to shapes and weights.

Each layer family lives in its own module (``core``, ``conv``, ``pooling`` ...) and declares
its classes as ``LayerSpec`` subclasses registered with ``@register``. A spec mirrors the Keras
class: ``signature`` copies the constructor's parameters (order and defaults) from
``keras/src/layers/...``, ``compute_output_shape`` and ``build`` follow the Keras methods of the
same name, and argument or shape checks raise ``KerasError`` with the message Keras would raise.

Shapes are tuples of dims; a dim is an ``int`` or ``None`` (unknown, as in Keras). A spec that
needs a value the interpreter could not evaluate raises ``Unresolvable``; it never guesses.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar, Iterable, Protocol, Sequence, Union

Dim = Union[int, None]
Shape = tuple  # tuple[Dim, ...]


class KerasError(Exception):
    """An error Keras itself raises for this input (``kind`` is the exception class)."""

    def __init__(self, message: str, kind: str = "ValueError", exact: bool = True):
        super().__init__(message)
        self.message = message
        self.kind = kind
        # ``False``: Keras raises this error but its message is only known up to here (a prefix): the
        # rest embeds something the analysis cannot print exactly (a serialized config).
        self.exact = exact
        # Filled in on the way up by the engine (innermost first) for diagnostics: where Keras
        # raises (``loc``), at which stage (constructor, call, input, model, attribute), for which
        # layer class, and the tensors the failing call received.
        self.loc: Any = None
        # The innermost place in the analysed file itself that led here (when ``loc`` is in an
        # imported module): where the diagnostic goes.
        self.main_loc: Any = None
        self.stage: str | None = None
        self.layer: str | None = None
        self.inputs: list = []

    def matches(self, kind: str, message: str) -> bool:
        """Whether Keras's error (``kind``, ``message``) is this one (see ``message_matches``)."""
        return kind == self.kind and message_matches(self.message, self.exact, message)

    def annotate(self, **context: Any) -> "KerasError":
        for key, value in context.items():
            if getattr(self, key) in (None, []):
                setattr(self, key, value)
        return self


def message_matches(engine: str, exact: bool, keras: str) -> bool:
    """Keras's message equals the engine's; for an inexact engine message (``exact=False``) each "…" in
    it stands for text the engine cannot print (and only there may Keras's message differ)."""
    if exact:
        return engine == keras
    return re.fullmatch(".*?".join(re.escape(part) for part in engine.split("…")), keras, re.S) is not None


class Unresolvable(Exception):
    """The analysis cannot know the answer (a value was not statically known)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Unknown:
    """A value the interpreter could not evaluate; ``reason`` says why."""

    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:  # as a message may show it (inside a dict Keras prints): not knowable here
        return "..."


class Opaque:
    """A value that is known to exist but has no meaning for shapes (an initializer, a regularizer)."""

    __slots__ = ("description",)

    def __init__(self, description: str):
        self.description = description

    def __repr__(self) -> str:
        return self.description


@dataclass(frozen=True)
class Weight:
    name: str
    shape: tuple
    trainable: bool = True
    dtype: str = "float32"

    @property
    def size(self) -> int:
        return math.prod(self.shape)


class Sublayer(Protocol):
    """A layer or model handed to a wrapper (``TimeDistributed(model)``, ``Bidirectional(LSTM)``)."""

    class_name: str

    def compute_output_shape(self, input_shape: Any) -> Any: ...

    def weights_for(self, input_shape: Any) -> list[Weight]: ...


REGISTRY: dict[str, type["LayerSpec"]] = {}
# Lower-case functional forms: ``keras.layers.concatenate(inputs, **kwargs)`` -> class name.
FUNCTIONAL_FORMS: dict[str, str] = {}

_BASE_KWARGS = ("activity_regularizer", "trainable", "dtype", "autocast", "name", "input_dim", "input_shape")


def register(cls: type["LayerSpec"]) -> type["LayerSpec"]:
    cls._params = _parse_signature(cls.signature)
    REGISTRY[cls.__name__] = cls
    for alias in cls.aliases:
        REGISTRY[alias] = cls
    return cls


def functional_form(name: str, class_name: str) -> None:
    FUNCTIONAL_FORMS[name] = class_name


_NO_DEFAULT = object()


def _parse_signature(signature: str) -> list[tuple[str, Any]]:
    """``"units, activation=None"`` -> ``[("units", _NO_DEFAULT), ("activation", None)]``."""
    if not signature.strip():
        return []
    fn = ast.parse(f"def f({signature}): pass").body[0].args
    positional = fn.posonlyargs + fn.args
    defaults = [_NO_DEFAULT] * (len(positional) - len(fn.defaults)) + [ast.literal_eval(d) for d in fn.defaults]
    params = [(a.arg, d) for a, d in zip(positional, defaults)]
    for a, d in zip(fn.kwonlyargs, fn.kw_defaults):
        params.append((a.arg, _NO_DEFAULT if d is None else ast.literal_eval(d)))
    return params


def snake_case(name: str) -> str:
    """Keras's ``to_snake_case``: ``Conv2DTranspose`` -> ``conv2d_transpose``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class LayerSpec:
    """Semantics of one Keras layer class. Subclasses set ``signature`` and override methods."""

    signature: ClassVar[str] = ""
    aliases: ClassVar[tuple[str, ...]] = ()
    # The call takes a list of tensors (merge layers) instead of one tensor.
    multi_input: ClassVar[bool] = False
    # Layers build() creates with automatic names (they use up names as the model is built).
    build_layers: ClassVar[tuple[str, ...]] = ()
    # Extra keyword arguments besides the base Layer ones (``**kwargs`` forwarded by Keras).
    extra_kwargs: ClassVar[tuple[str, ...]] = ()
    # Call arguments that are not tensors but change the outputs (``return_attention_scores``):
    # ``compute_output_spec`` receives the ones given.
    call_options: ClassVar[tuple[str, ...]] = ()
    _params: ClassVar[list[tuple[str, Any]]] = []

    def __init__(self, args: dict[str, Any]):
        self.args = args
        # The name Keras gives the layer instance (set by the IR once the automatic name is known).
        self.layer_name = args.get("name") if isinstance(args.get("name"), str) else self.default_name

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def bind(cls, positional: Sequence[Any], keywords: dict[str, Any]) -> "LayerSpec":
        """Bind constructor arguments the way Python and ``Layer.__init__`` would."""
        params = cls._params
        args: dict[str, Any] = {}
        _python_binding(cls, positional, keywords)
        for (pname, _), value in zip(params, positional):
            args[pname] = value
        names = {p for p, _ in params}
        unknown = {}
        for key, value in keywords.items():
            if key in names or key in _BASE_KWARGS or key in cls.extra_kwargs:
                args[key] = value
            else:
                unknown[key] = value
        if unknown:
            raise KerasError(
                f"Unrecognized keyword arguments passed to {cls.__name__}: {_dict_repr(unknown)}"
            )
        for pname, default in params:
            if pname not in args:
                args[pname] = default
        spec = cls(args)
        spec.validate()
        return spec

    def validate(self) -> None:
        """Check constructor arguments (Keras checks these in ``__init__``)."""

    # -- argument access ----------------------------------------------------------------------
    def arg(self, name: str, default: Any = None) -> Any:
        """A constructor argument that must be statically known."""
        value = self.args.get(name, default)
        return known(value, f"`{name}` of {self.class_name}")

    @property
    def class_name(self) -> str:
        return type(self).__name__

    @property
    def default_name(self) -> str:
        return snake_case(self.class_name)

    @property
    def input_shape_arg(self) -> tuple | None:
        """The legacy ``input_shape=`` / ``input_dim=`` argument (Sequential turns it into an Input)."""
        if self.args.get("input_dim") is not None:
            return (self.arg("input_dim"),)
        if self.args.get("input_shape") is not None:
            shape = self.arg("input_shape")
            if not isinstance(shape, (tuple, list)):  # Sequential's InputLayer: standardize_shape
                if is_literal(shape):
                    raise KerasError(f"Cannot convert '{shape}' to a shape.")
                raise Unresolvable("the input_shape is not known statically")
            return tuple(shape)
        return None

    @property
    def variable_dtype(self) -> str:
        dtype = self.args.get("dtype")
        if dtype is None or isinstance(dtype, (Unknown, Opaque)):
            return "float32"
        if dtype in ("mixed_float16", "mixed_bfloat16"):
            return "float32"
        return str(dtype)

    # -- semantics (override) -----------------------------------------------------------------
    def compute_output_shape(self, input_shape: Any) -> Any:
        raise Unresolvable(f"output shape of {self.class_name} is not modelled")

    def compute_output_spec(self, input_shape: Any, options: dict) -> Any:
        """The output shape(s) of a call with these ``call_options`` (``compute_output_spec``)."""
        return self.compute_output_shape(input_shape)

    def build(self, input_shape: Any) -> list[Weight]:
        """The weights ``build(input_shape)`` creates; none by default."""
        return []

    def weight(self, name: str, shape: Iterable[int], trainable: bool = True) -> Weight:
        shape = tuple(shape)
        for d in shape:
            if d is None:
                raise Unresolvable(f"{self.class_name} weight `{name}` depends on an unknown dimension")
        return Weight(name, shape, trainable, self.variable_dtype)


_BINDERS: dict[tuple[type, bool], Any] = {}


def _python_binding(cls: type[LayerSpec], positional: Sequence[Any], keywords: dict[str, Any], varkw: bool = True) -> None:
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
    from .symbolic import Sym  # (symbolic imports this module)

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


def _dict_repr(d: dict) -> str:
    return "{" + ", ".join(f"{k!r}: {v!r}" for k, v in d.items()) + "}"


# -- helpers shared by layer families -------------------------------------------------------------

def normalize_tuple(value: Any, n: int, name: str) -> tuple:
    """Keras's ``standardize_tuple``: an int becomes ``(v,) * n``; a sequence must have ``n`` ints."""
    from .symbolic import Sym  # (symbolic imports this module)

    if isinstance(value, (int, Sym)) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise KerasError(
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}"
            )
        return tuple(value)
    raise KerasError(f"The `{name}` argument must be a tuple of {n} integers. Received {name}={value}")


def check_rank(
    spec: LayerSpec, input_shape: Shape, ndim: int | None = None, min_ndim: int | None = None,
    max_ndim: int | None = None, index: int = 0,
) -> None:
    """Mirror Keras's ``InputSpec`` rank checks (keras/src/layers/input_spec.py), with its messages.

    Skipped for a spec whose ``input_spec_off`` is set: a wrapper calling the layer's ``build`` and
    ``compute_output_shape`` directly (``TimeDistributed``) bypasses ``Layer.__call__``'s check.
    """
    if getattr(spec, "input_spec_off", False):
        return
    rank = len(input_shape)
    prefix = f"Input {index} with name 'None' of layer '{spec.layer_name}' is incompatible with the layer: "
    if ndim is not None and rank != ndim:
        raise KerasError(f"{prefix}expected ndim={ndim}, found ndim={rank}. Full shape received: {format_shape(input_shape)}")
    if max_ndim is not None and rank > max_ndim:
        raise KerasError(f"{prefix}expected max_ndim={max_ndim}, found ndim={rank}")
    if min_ndim is not None and rank < min_ndim:
        raise KerasError(f"{prefix}expected min_ndim={min_ndim}, found ndim={rank}. Full shape received: {format_shape(input_shape)}")


def format_shape(shape: Shape) -> str:
    """Python's tuple repr, as Keras puts shapes in messages: ``(None, 32)``, ``(None,)``."""
    return repr(tuple(shape))


def conv_output_length(length: Dim, kernel: int, padding: str, stride: int, dilation: int = 1) -> Dim:
    """Output length of a convolution or pooling window along one axis (Keras ``compute_conv_output_shape``)."""
    if length is None:
        return None
    dilated = (kernel - 1) * dilation + 1
    if padding == "valid":
        out = (length - dilated) // stride + 1
    elif padding == "same":
        out = (length - 1) // stride + 1
    elif padding == "causal":
        out = (length - 1) // stride + 1
    else:
        raise KerasError(f"Unknown padding: {padding}")
    return out


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple:
    """Keras's ``argument_validation.standardize_tuple``, with its exact messages (bools count as ints)."""
    from .symbolic import Sym  # (symbolic imports this module)

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


def variable(spec: LayerSpec, name: str, shape: Iterable[Dim], trainable: bool = True, inner: str = "") -> Weight:
    """A weight created by ``add_weight``; a ``None`` dim raises Keras's own error with the variable path.

    The path is ``[wrapper scopes/]layer_name[/inner]/name`` (``inner`` is e.g. an RNN's cell name).
    """
    shape = tuple(shape)
    for d in shape:  # keras/src/backend/common/variables.py standardize_shape
        if isinstance(d, (str, float)):
            raise KerasError(
                f"Cannot convert '{shape}' to a shape. Found invalid dimension '{d}' of type '{type(d)}'. "
            )
    require_dims(shape, f"the shape of {name}")
    if any(d is None for d in shape):
        path = "/".join(p for p in (getattr(spec, "scope_prefix", "") + spec.layer_name, inner, name) if p)
        raise KerasError(
            "Shapes used to initialize variables must be fully-defined (no `None` dimensions). "
            f"Received: shape={format_shape(shape)} for variable path='{path}'"
        )
    return Weight(name, shape, trainable, spec.variable_dtype)


class SpecSublayer:
    """Adapter implementing ``Sublayer`` for a plain ``LayerSpec`` (the layer handed to a wrapper)."""

    def __init__(self, spec: LayerSpec):
        self.spec = spec

    @property
    def class_name(self) -> str:
        return self.spec.class_name

    def compute_output_shape(self, input_shape: Any) -> Any:
        return self.spec.compute_output_shape(input_shape)

    def weights_for(self, input_shape: Any) -> list[Weight]:
        weights = self.spec.build(input_shape)
        if self.spec.args.get("trainable") is False:
            weights = [Weight(w.name, w.shape, False, w.dtype) for w in weights]
        return weights
