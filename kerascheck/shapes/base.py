"""The layer registry: what each Keras layer class does to shapes and weights.

Each layer family lives in its own module (``core``, ``conv``, ``pooling`` ...) and declares
its classes as ``LayerSpec`` subclasses registered with ``@register``. A spec mirrors the Keras
class: its constructor's ``signature`` (order and defaults) and its aliases come from the stub
recorded from Keras (``kerascheck/data/layer_classes.json``); ``compute_output_shape`` and ``build``
follow the Keras methods of the same name, ``compute_mask`` Keras's, and argument or shape checks
raise ``KerasError`` with the message Keras would raise.

``LayerSpec.bind`` binds constructor arguments as Python and ``Layer.__init__`` do;
``ExactBindSpec`` (the preprocessing, image and foreign layers) follows each class's own
``**kwargs`` policy with Python's exact messages.

Shapes are tuples of dims; a dim is an ``int`` or ``None`` (unknown, as in Keras). A spec that
needs a value the interpreter could not evaluate raises ``Unresolvable``; it never guesses.
"""

from __future__ import annotations

import copy
import re
from typing import Any, ClassVar, Iterable, Protocol, Sequence

# Some names are re-exported for the stages outside ``shapes`` that import them from here (frontend,
# ir, models, rules, summary, verify, scripts): the value and error types live in ``types``, the
# argument helpers in ``arguments``.
from .arguments import (  # noqa: F401  (describe, is_literal, require_dims: re-exported)
    BASE_KWARGS, describe, dict_repr, format_shape, is_literal, known, parse_signature, plain, plain_value,
    python_binding, require_dims,
)
from .stubs import aliases_of, recorded_signature
from .types import (Dim, KerasError, Opaque, Shape, Unknown, UnknownKeras, UnknownMember, Unresolvable,  # noqa: F401
                    Weight, message_matches)


class Sublayer(Protocol):
    """A layer or model handed to a wrapper (``TimeDistributed(model)``, ``Bidirectional(LSTM)``)."""

    class_name: str

    def compute_output_shape(self, input_shape: Any) -> Any: ...

    def weights_for(self, input_shape: Any) -> list[Weight]: ...


REGISTRY: dict[str, type["LayerSpec"]] = {}
# Lower-case functional forms: ``keras.layers.concatenate(inputs, **kwargs)`` -> class name.
FUNCTIONAL_FORMS: dict[str, str] = {}


def register(cls: type["LayerSpec"]) -> type["LayerSpec"]:
    """Add a spec to the registry under its class name and Keras's aliases of it.

    The constructor signature and the aliases are the ones recorded from Keras (``stubs``): a spec
    writes ``signature`` or ``aliases`` itself only for what the recording does not have.
    """
    if "signature" not in vars(cls):
        recorded = recorded_signature(cls.__name__)
        if recorded is not None:
            cls.signature = recorded
    cls._params = parse_signature(cls.signature)
    REGISTRY[cls.__name__] = cls
    for alias in (*aliases_of(cls.__name__), *cls.aliases):
        REGISTRY[alias] = cls
    return cls


def functional_form(name: str, class_name: str) -> None:
    FUNCTIONAL_FORMS[name] = class_name


def flat(value: Any) -> list:
    """Nested lists and tuples (of masks, of tensors) flattened, leaves in order."""
    if isinstance(value, (list, tuple)):
        return [x for v in value for x in flat(v)]
    return [value]


def snake_case(name: str) -> str:
    """Keras's ``to_snake_case``: ``Conv2DTranspose`` -> ``conv2d_transpose``."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


class LayerSpec:
    """Semantics of one Keras layer class. Subclasses override the methods; the signature and aliases
    come from the recorded stub (``register``)."""

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
    # ``value()`` also refuses a list or tuple holding an opaque value (a convolution's sizes).
    plain_items: ClassVar[bool] = False
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
        python_binding(cls, positional, keywords)
        for (pname, _), value in zip(params, positional):
            args[pname] = value
        names = {p for p, _ in params}
        unknown = {}
        for key, value in keywords.items():
            if key in names or key in BASE_KWARGS or key in cls.extra_kwargs:
                args[key] = value
            else:
                unknown[key] = value
        if unknown:
            raise KerasError(
                f"Unrecognized keyword arguments passed to {cls.__name__}: {dict_repr(unknown)}"
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
        if isinstance(value, (Unknown, Opaque, list, tuple)):  # (the message only when one is needed)
            return known(value, f"`{name}` of {self.class_name}")
        return value

    def value(self, name: str) -> Any:
        """A constructor argument that must be a plain value (``arguments.plain_value``), not an opaque
        library object; with ``plain_items`` not a list or tuple holding one either."""
        return plain_value(self, name, self.plain_items)

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
        return self.input_shape_keyword()

    def input_shape_keyword(self) -> tuple | None:
        """``input_shape=`` as Sequential's InputLayer reads it."""
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

    def built_input_axes(self, build_shape: tuple) -> tuple[int | None, dict[int, Any]]:
        """(ndim, axes) of the ``InputSpec`` that ``build`` sets on the layer, which every later call
        is checked against (``models``); none by default."""
        return None, {}

    # -- masks (kerascheck.masking applies them; whether a layer takes and keeps masks is recorded) --
    # The constructor argument that sets ``supports_masking`` (``Embedding(mask_zero=True)``).
    supports_masking_argument: ClassVar[str | None] = None

    def compute_mask(self, inputs: Any, mask: Any, op: Any, n_outputs: int) -> Any:
        """Keras's ``compute_mask(inputs, previous_mask)``: the mask(s) the outputs carry. ``op(name,
        **arguments)`` applies ``keras.ops.<name>`` to symbolic tensors (a mask Keras computes is a node
        of the model). By default the incoming mask passes on."""
        return mask

    def weight(self, name: str, shape: Iterable[int], trainable: bool = True) -> Weight:
        shape = tuple(shape)
        for d in shape:
            if d is None:
                raise Unresolvable(f"{self.class_name} weight `{name}` depends on an unknown dimension")
        return Weight(name, shape, trainable, self.variable_dtype)


class ExactBindSpec(LayerSpec):
    """Binds constructor arguments with Python's exact messages and the class's ``**kwargs`` policy.

    ``kwargs_policy``: ``"layer"`` (forwarded to ``Layer.__init__``, which rejects unknown names),
    ``"strict"`` (no ``**kwargs``: Python's "unexpected keyword argument"), ``"swallow"`` (accepted
    and ignored), ``"lookup"`` (``IndexLookup``'s own "Unrecognized keyword argument(s)").
    ``validate`` runs ``check()`` and skips the remaining checks past an argument it cannot see.
    """

    kwargs_policy: ClassVar[str] = "layer"
    # Keyword arguments that the base class consumes besides Layer's (``factor``, ``data_format`` ...).
    base_kwargs: ClassVar[tuple[str, ...]] = ()
    # Layers the constructor creates internally: each consumes an automatic name in Keras.
    internal_layers: ClassVar[tuple[str, ...]] = ()

    @classmethod
    def bind(cls, positional, keywords):
        params = cls._params
        names = [p for p, _ in params]
        python_binding(cls, positional, keywords, varkw=cls.kwargs_policy != "strict")
        args: dict[str, Any] = dict(zip(names, positional))
        extra: dict[str, Any] = {}
        for key, value in keywords.items():
            if key in names:
                args[key] = value
            else:
                extra[key] = value
        for pname, default in params:
            args.setdefault(pname, default)
        spec = cls(args)
        spec.take_kwargs(extra)
        name = spec.args.get("name")  # ``name=`` may have come through **kwargs
        spec.layer_name = name if isinstance(name, str) else spec.default_name
        spec.validate()
        return spec

    def take_kwargs(self, extra: dict) -> None:
        """Apply the ``**kwargs`` policy; the error waits for ``validate`` when the constructor checks
        its own arguments before calling ``super().__init__()`` (``kwargs_error_after_check``)."""
        self.kwargs_error = None
        if self.kwargs_policy == "swallow":
            return
        if self.kwargs_policy == "lookup":
            # IndexLookup parameters StringLookup does not list arrive through **kwargs; it passes
            # vocabulary_dtype itself.
            if "vocabulary_dtype" in extra:
                raise KerasError(
                    "keras.src.layers.preprocessing.index_lookup.IndexLookup.__init__() got multiple values for "
                    "keyword argument 'vocabulary_dtype'", "TypeError",
                )
            if "oov_method" in extra:
                self.args["oov_method"] = extra.pop("oov_method")
            unknown = {k: v for k, v in extra.items() if k not in ("trainable", "dtype", "vocabulary_size",
                                                                     "has_input_vocabulary")}
            if unknown:
                self.kwargs_error = KerasError(f"Unrecognized keyword argument(s): {dict_repr(unknown)}")
            for k in ("trainable", "dtype"):
                if k in extra:
                    self.args[k] = extra[k]
            return
        unknown = {}
        for key, value in extra.items():
            if key in BASE_KWARGS or key in self.base_kwargs or key in self.extra_kwargs:
                self.args[key] = value
            else:
                unknown[key] = value
        if unknown:
            self.kwargs_error = KerasError(
                f"Unrecognized keyword arguments passed to {self.class_name}: {dict_repr(unknown)}"
            )
            if not self.kwargs_error_after_check:
                raise self.kwargs_error

    kwargs_error_after_check: ClassVar[bool] = False

    def validate(self):
        try:
            self.check()
        except Unresolvable:
            pass  # an argument the analysis cannot see: the checks past it are skipped
        if self.kwargs_error is not None and self.kwargs_error_after_check:
            raise self.kwargs_error
        try:
            self.check_after_init()
        except Unresolvable:
            pass

    def check_after_init(self) -> None:
        """Checks that come after ``super().__init__()`` when ``kwargs_error_after_check`` is set."""

    def call_output_shape(self, input_shape):
        """The static shape ``call()`` produces on a graph tensor (inside ``Pipeline``, which traces the
        calls of its layers): ``compute_output_shape`` unless a subclass knows better."""
        return self.compute_output_shape(input_shape)

    def check(self) -> None:
        """Keras's constructor checks, in order; ``self.lit(name)`` for each argument they read."""

    def lit(self, name: str) -> Any:
        """A constructor argument as a plain value, or ``Unresolvable``."""
        value = self.args.get(name)
        if not plain(value):
            raise Unresolvable(f"`{name}` of {self.class_name} is not known statically")
        return value


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


def scoped(spec: LayerSpec, outer: LayerSpec) -> SpecSublayer:
    """The inner layer of a wrapper (or an RNN's cell) with weight paths under the outer layer's name scope."""
    spec = copy.copy(spec)
    spec.scope_prefix = f"{getattr(outer, 'scope_prefix', '')}{outer.layer_name}/"
    return SpecSublayer(spec)
