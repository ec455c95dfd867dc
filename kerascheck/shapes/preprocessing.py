"""Preprocessing layers (keras/src/layers/preprocessing): Rescaling, Normalization, CategoryEncoding,
Hashing, HashedCrossing, Discretization, StringLookup, IntegerLookup, TextVectorization,
MelSpectrogram, STFTSpectrogram and Pipeline. Image layers live in ``augmentation``.

A symbolic call of these layers goes through ``compute_output_spec`` / ``compute_output_shape``;
``call()`` never runs, so no data-dependent check applies. Their constructors differ in what they
do with ``**kwargs``: most forward them to ``Layer.__init__`` ("Unrecognized keyword arguments
passed to X"), ``Discretization`` and ``Pipeline`` have none (Python's ``TypeError``),
``HashedCrossing`` swallows them, the lookups reject them with their own message. ``ExactBindSpec``
binds arguments with Python's own messages for each case.

Vocabulary-dependent sizes: a lookup layer's output depth is its vocabulary size, known when the
``vocabulary`` is given as a literal (or ``pad_to_max_tokens=True``). Otherwise it comes from
``adapt()``, which the analysis does not follow, so the shape is unresolvable (Keras itself prints
``None`` for a layer that was never adapted, but a model built after ``adapt()`` has the real size).
The same holds for ``Discretization(num_bins=...)`` in a one-hot / multi-hot / count mode: after
``adapt()`` the depth is ``len(bin_boundaries) + 1``, which is data-dependent.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, ClassVar

from .arguments import BASE_KWARGS, dict_repr, format_shape, is_literal, python_binding, standardize_data_format
from .base import LayerSpec, SpecSublayer, check_rank, register, variable
from .conv import conv_output_shape
from .types import KerasError, Opaque, Unknown, Unresolvable, Weight


# -- shared helpers -------------------------------------------------------------------------------

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


def sub_weights(sub, input_shape) -> list[Weight]:
    """The weights a sublayer (a ``Sublayer`` or an IR layer) creates when built on ``input_shape``."""
    spec = getattr(sub, "spec", None)
    if isinstance(spec, LayerSpec):
        weights = SpecSublayer(spec).weights_for(input_shape)
    elif hasattr(sub, "weights_for"):
        weights = sub.weights_for(input_shape)
    else:
        raise Unresolvable("a layer of the Pipeline is not known")
    if getattr(sub, "trainable", True) is False:
        weights = [Weight(w.name, w.shape, False, w.dtype) for w in weights]
    return weights


# -- Rescaling, Normalization -----------------------------------------------------------------------

@register
class Rescaling(ExactBindSpec):
    def compute_output_shape(self, input_shape):
        return tuple(input_shape)


def _np_shape(value) -> tuple:
    """``np.shape`` of a nested list of numbers (``Unresolvable`` when ragged)."""
    if isinstance(value, (list, tuple)):
        inner = [_np_shape(v) for v in value]
        if len(set(inner)) > 1:
            raise Unresolvable("a ragged `mean` / `variance` is not modelled")
        return (len(value),) + (inner[0] if inner else ())
    return ()


@register
class Normalization(ExactBindSpec):
    coverage_note = "non-trainable mean, variance and count weights, unless mean= and variance= are given"

    def axes(self) -> tuple:
        axis = self.lit("axis")
        if axis is None:
            return ()
        if isinstance(axis, int):
            return (axis,)
        return py(lambda: tuple(axis))

    def check(self):
        axes = self.axes()
        mean, variance = self.lit("mean"), self.lit("variance")
        if (mean is not None) != (variance is not None):
            raise KerasError(
                "When setting values directly, both `mean` and `variance` must be set. "
                f"Received: mean={mean} and variance={variance}"
            )
        if mean is not None:
            ms, vs = _np_shape(mean), _np_shape(variance)
            if ms != vs:
                raise KerasError(
                    "When setting values directly, `mean` and `variance` must have the same shape. "
                    f"Received: mean shape {ms} and variance shape {vs}"
                )
            if len(ms) > len(axes):
                raise KerasError(
                    f"The rank of `mean` must be less than or equal to the number of axes ({len(axes)}). "
                    f"Received: mean shape {ms} for axis {axes}"
                )

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def build(self, input_shape):
        axes, ndim = self.axes(), len(input_shape)
        if any(py(lambda: a < -ndim or a >= ndim) for a in axes):
            raise KerasError(
                "All `axis` values must be in the range [-ndim, ndim). "
                f"Received inputs with ndim={ndim}, while axis={axes}"
            )
        keep = tuple(sorted(d if d >= 0 else d + ndim for d in axes))
        for d in keep:
            if input_shape[d] is None:
                raise KerasError(
                    "All `axis` values to be kept must have a known shape. "
                    f"Received axis={axes}, inputs.shape={format_shape(input_shape)}, with unknown axis at index {d}"
                )
        broadcast = [input_shape[d] if d in keep else 1 for d in range(ndim)]
        stats = tuple(input_shape[d] for d in keep)
        mean = self.lit("mean")
        if mean is None:
            size, target = _prod(stats), _prod(broadcast)
            if size != target:  # a repeated axis: finalize_state reshapes the statistics and fails
                raise KerasError(
                    "{{function_node __wrapped__Reshape_device_/job:localhost/replica:0/task:0/device:CPU:0}} "
                    f"Input to reshape is a tensor with {size} values, but the requested shape has {target} "
                    "[Op:Reshape]", "InvalidArgumentError",
                )
            return [variable(self, "mean", stats, trainable=False), variable(self, "variance", stats, trainable=False),
                    Weight("count", (), False, "int64")]
        # Given statistics are broadcast to the kept axes: constants, not weights.
        mean_shape = _np_shape(mean)
        expanded = [1] * ndim
        for i in range(1, len(mean_shape) + 1):
            expanded[keep[-i]] = mean_shape[-i]
        if any(e not in (1, b) for e, b in zip(expanded, broadcast)):
            raise Unresolvable("Normalization `mean` / `variance` that do not broadcast to the input (a backend error)")
        return []


def _prod(dims) -> int:
    out = 1
    for d in dims:
        out *= d
    return out


# -- categorical encodings --------------------------------------------------------------------------

@register
class CategoryEncoding(ExactBindSpec):
    def mode(self):
        mode = self.lit("output_mode")
        return "multi_hot" if mode == "binary" else mode

    def check(self):
        mode = self.mode()
        if mode not in ("count", "one_hot", "multi_hot"):
            raise KerasError(f"Unknown arg for output_mode: {mode}")
        num_tokens = self.lit("num_tokens")
        if num_tokens is None:
            raise KerasError(
                "num_tokens must be set to use this layer. If the number of tokens is not known beforehand, "
                "use the IntegerLookup layer instead."
            )
        if py(lambda: num_tokens < 1):
            raise KerasError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")

    def compute_output_shape(self, input_shape):
        n, shape = self.arg("num_tokens"), tuple(input_shape)
        if len(shape) == 0:
            return (n,)
        if self.mode() == "one_hot" and (shape[-1] != 1 or len(shape) == 1):
            return shape + (n,)
        return shape[:-1] + (n,)


@register
class Hashing(ExactBindSpec):
    def check(self):
        mode, dtype = self.lit("output_mode"), self.lit("dtype")
        num_bins = self.lit("num_bins")
        if num_bins is None or py(lambda: num_bins <= 0):
            raise KerasError(
                "The `num_bins` for `Hashing` cannot be `None` or non-positive values. "
                f"Received: num_bins={num_bins}."
            )
        if mode == "int" and dtype not in (None, "int32", "int64"):
            if not isinstance(dtype, str):
                raise Unresolvable("a dtype object is not modelled")
            raise KerasError(
                "When `output_mode=\"int\"`, `dtype` should be an integer type, 'int32' or 'in64'. "
                f"Received: dtype={dtype}"
            )
        accepted = ("int", "one_hot", "multi_hot", "count")
        if mode not in accepted:
            raise KerasError(
                f"Invalid value for argument `output_mode`. Expected one of {accepted}. Received: output_mode={mode}"
            )
        if self.lit("sparse") and mode == "int":
            raise KerasError(
                '`sparse` may only be true if `output_mode` is `"one_hot"`, `"multi_hot"`, or `"count"`. '
                f"Received: sparse={self.lit('sparse')} and output_mode={mode}"
            )
        salt = self.lit("salt")
        if salt is not None and not (isinstance(salt, (tuple, list)) and len(salt) == 2) and not isinstance(salt, int):
            raise KerasError(
                "The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer. "
                f"Received: salt={salt}."
            )

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        if self.arg("output_mode") == "int":
            return shape
        return (shape[:-1] if shape else ()) + (self.arg("num_bins"),)

    def call_output_shape(self, input_shape):
        if self.arg("output_mode") != "int" and len(input_shape) < 2:
            raise Unresolvable("the shape Hashing's call() gives a rank-1 input in a Pipeline is not modelled")
        return self.compute_output_shape(input_shape)


@register
class HashedCrossing(ExactBindSpec):
    kwargs_policy = "swallow"  # **kwargs are accepted and never reach Layer.__init__
    multi_input = True
    coverage_note = "called on a list of two tensors"

    def check(self):
        validate_string_arg(self.lit("output_mode"), ("int", "one_hot"), "HashedCrossing", "output_mode")

    def compute_output_shape(self, input_shape):
        # Raised inside the call: Keras wraps these in "Exception encountered when calling HashedCrossing.call()".
        if not (isinstance(input_shape, (list, tuple)) and len(input_shape) == 2
                and isinstance(input_shape[0], tuple) and isinstance(input_shape[1], tuple)):
            raise KerasError(f"Expected as input a list/tuple of 2 tensors. Received input_shape={input_shape}")
        first, second = input_shape
        if not first or not second:
            raise Unresolvable("HashedCrossing on scalar inputs is not modelled")
        if first[-1] != second[-1]:
            raise KerasError(
                f"Expected the two input tensors to have identical shapes. Received input_shape={input_shape}"
            )
        mode, num_bins = self.arg("output_mode"), self.arg("num_bins")
        if mode == "int":
            return tuple(first)
        if first[-1] != 1:
            return tuple(first) + (num_bins,)
        return tuple(first)[:-1] + (num_bins,)


@register
class Discretization(ExactBindSpec):
    """With ``num_bins`` the bins come from ``adapt()``; ``call()`` fails until then."""

    coverage_note = "with num_bins= (bins from adapt()), a one-hot / multi-hot / count size is unresolved"
    kwargs_policy = "strict"

    def check(self):
        sparse, mode = self.lit("sparse"), self.lit("output_mode")
        if sparse and mode == "int":
            raise KerasError(
                "`sparse=True` may only be used if `output_mode` is `'one_hot'`, `'multi_hot'`, or `'count'`. "
                f"Received: sparse={sparse} and output_mode={mode}"
            )
        validate_string_arg(mode, ("int", "one_hot", "multi_hot", "count"), "Discretization", "output_mode")
        num_bins, boundaries = self.lit("num_bins"), self.lit("bin_boundaries")
        if num_bins is not None and py(lambda: num_bins < 0):
            raise KerasError(f"`num_bins` must be greater than or equal to 0. Received: `num_bins={num_bins}`")
        if num_bins is not None and boundaries is not None:
            raise KerasError(
                "Both `num_bins` and `bin_boundaries` should not be set. "
                f"Received: `num_bins={num_bins}` and `bin_boundaries={boundaries}`"
            )
        if num_bins is None and boundaries is None:
            raise KerasError("You need to set either `num_bins` or `bin_boundaries`.")

    def compute_output_shape(self, input_shape):
        shape = tuple(input_shape)
        mode = self.arg("output_mode")
        if mode == "int":
            return shape
        boundaries = self.arg("bin_boundaries")
        if boundaries is None:
            raise Unresolvable(
                "the number of bins of Discretization(num_bins=...) comes from adapt(), which the analysis cannot see"
            )
        depth = len(boundaries) + 1
        if mode == "one_hot":
            if shape and shape[-1] == 1 and len(shape) > 1:
                return shape[:-1] + (depth,)
            return shape + (depth,)
        if shape and len(shape) >= 2:
            return (shape[0],) + shape[2:] + (depth,)
        return (depth,)

    def call_output_shape(self, input_shape):
        if self.arg("bin_boundaries") is None:
            raise Unresolvable("Discretization(num_bins=...) can only be called after adapt(), which the analysis "
                               "cannot see")
        return self.compute_output_shape(input_shape)


# -- lookups ----------------------------------------------------------------------------------------

def _np_scalar_repr(value) -> str:
    """The repr of a numpy scalar taken from ``np.array(vocabulary)`` (numpy 2)."""
    if isinstance(value, str):
        return f"np.str_({value!r})"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"np.int64({value})"
    raise Unresolvable("a vocabulary of mixed or unusual types is not modelled")


class IndexLookup(ExactBindSpec):
    """``keras/src/layers/preprocessing/index_lookup.py``: the checks and the vocabulary size."""

    coverage_note = (
        "the one-hot / multi-hot / count / tf-idf size is known from a literal vocabulary= or "
        "pad_to_max_tokens=True; after adapt() or with a vocabulary file it is unresolved"
    )
    kwargs_policy = "lookup"
    kwargs_error_after_check = True  # raised by check_index_lookup, at its place among the checks
    vocabulary_kind: ClassVar[str] = "string"
    vocab_size: int | None = None  # tokens + special tokens, when the vocabulary is a known list

    def output_mode(self):
        mode = self.lit("output_mode")
        return {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(mode, mode) if isinstance(mode, str) else mode

    def check(self):
        self.vocab_size = None
        self.check_index_lookup(self.class_name)

    def check_index_lookup(self, caller):
        max_tokens, num_oov = self.lit("max_tokens"), self.lookup_arg("num_oov_indices")
        if max_tokens is not None and py(lambda: max_tokens <= 1):
            raise KerasError(f"If set, `max_tokens` must be greater than 1. Received: max_tokens={max_tokens}")
        if self.lit("pad_to_max_tokens") and max_tokens is None:
            raise KerasError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: max_tokens={max_tokens}")
        if py(lambda: num_oov < 0):
            raise KerasError(f"`num_oov_indices` must be greater than or equal to 0. Received: num_oov_indices={num_oov}")
        oov_method = self.lit("oov_method") if "oov_method" in self.args else "floormod"
        validate_string_arg(oov_method, ("floormod", "farmhash"), caller, "oov_method")
        salt = self.lit("salt") if "salt" in self.args else None
        if salt is not None:
            if self.vocabulary_kind == "int" and oov_method != "farmhash":
                raise KerasError(f"`salt` can only be used when `oov_method='farmhash'`. Received: oov_method={oov_method}")
            if not (isinstance(salt, (tuple, list)) and len(salt) == 2) and not isinstance(salt, int):
                raise KerasError(
                    "The `salt` argument for `IndexLookup` can only be a tuple of 2 integers, or a single integer. "
                    f"Received: salt={salt}."
                )
        mode = self.output_mode()
        validate_string_arg(mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"), caller, "output_mode")
        invert = self.lit("invert") if "invert" in self.args else False
        sparse, idf = self.lit("sparse"), self.lit("idf_weights")
        if invert and mode != "int":
            raise KerasError(f"`output_mode` must be `'int'` when `invert` is true. Received: output_mode={mode}")
        if sparse and mode == "int":
            raise KerasError(
                "`sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, `'count'` or `'tf_idf'`. "
                f"Received: sparse={sparse} and output_mode={mode}"
            )
        if idf is not None and mode != "tf_idf":
            raise KerasError(
                "`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                f"Received: idf_weights={idf} and output_mode={mode}"
            )
        if self.kwargs_error is not None:
            raise self.kwargs_error
        vocabulary = self.lit("vocabulary")
        if mode == "tf_idf" and vocabulary is not None and idf is None:
            raise KerasError(
                "When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights` argument "
                "must also be provided."
            )
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf, mode, invert, max_tokens, num_oov)

    def set_vocabulary(self, vocabulary, idf, mode, invert, max_tokens, num_oov):
        if isinstance(vocabulary, str):
            raise Unresolvable("a vocabulary file is not read by the analysis")
        if not isinstance(vocabulary, (list, tuple)):
            raise Unresolvable("a vocabulary that is not a list is not modelled")
        vocabulary = list(vocabulary)
        if not vocabulary:
            raise KerasError("Cannot set an empty vocabulary. Received: vocabulary=[]")
        if any(isinstance(v, (list, tuple)) for v in vocabulary):
            raise Unresolvable("a nested vocabulary is not modelled")
        kinds = {type(v) for v in vocabulary}
        if kinds not in ({str}, {int}):
            raise Unresolvable("a vocabulary of mixed or unusual types is not modelled")
        mask, oov = self.lookup_arg("mask_token"), self.lookup_arg("oov_token")
        oov_start = 1 if mask is not None and mode == "int" else 0
        token_start = oov_start + num_oov
        special = [mask] * oov_start + [oov] * num_oov
        found = _array_equal(special, vocabulary[:token_start])
        tokens = vocabulary[token_start:] if found else vocabulary
        repeated = [t for t, n in Counter(tokens).items() if n > 1]
        if repeated:
            raise KerasError(
                "The passed vocabulary has at least one repeated term. Please uniquify your dataset. "
                f"The repeated terms are: [{', '.join(_np_scalar_repr(t) for t in repeated)}]"
            )
        for token, what, name in ((mask, "mask", "mask_token"), (oov if invert else None, "OOV", "oov_token")):
            if token is not None and any(_np_eq(t, token) for t in tokens):
                index = max(i for i, v in enumerate(vocabulary) if _np_eq(v, token))
                raise KerasError(
                    f"Found reserved {what} token at unexpected location in `vocabulary`. Note that passed "
                    "`vocabulary` does not need to include the OOV and mask tokens. Either remove all mask and OOV "
                    "tokens, or include them only at the start of the vocabulary in precisely this order: "
                    f"{special}. Received: {name}={token} at vocabulary index [{index}]"
                )
        size = token_start + len(tokens)
        if max_tokens is not None and size > max_tokens:
            raise KerasError(
                "Attempted to set a vocabulary larger than the maximum vocab size. "
                f"Received vocabulary size is {size}; `max_tokens` is {max_tokens}."
            )
        if mode == "tf_idf" and idf is not None:
            if not isinstance(idf, (list, tuple)):
                raise Unresolvable("`idf_weights` that are not a list are not modelled")
            if len(vocabulary) != len(idf):
                raise KerasError(
                    "`idf_weights` must be the same length as vocabulary. "
                    f"len(idf_weights) is {len(idf)}; len(vocabulary) is {len(vocabulary)}"
                )
        self.vocab_size = size

    def validate(self):
        super().validate()
        self.vocabulary_file()  # Keras opens the file in the constructor (and raises if it is missing)

    # Lookup arguments the layer does not take (TextVectorization's StringLookup gets these).
    lookup_defaults: ClassVar[dict] = {}

    def lookup_arg(self, name):
        return self.lit(name) if name in self.args else self.lookup_defaults[name]

    def vocabulary_file(self):
        if isinstance(self.args.get("vocabulary"), str):
            raise Unresolvable(f"{self.class_name} reads its vocabulary file when constructed; the analysis does not")

    def depth(self):
        if self.arg("pad_to_max_tokens"):
            return self.arg("max_tokens")
        self.check()  # the vocabulary size (the checks already passed in the constructor)
        if self.vocab_size is None:
            raise Unresolvable(
                f"the output size of {self.class_name} is its vocabulary size, which comes from adapt() "
                "(not followed by the analysis) unless `vocabulary=` is given"
            )
        return self.vocab_size

    def lookup_output_shape(self, input_shape, mode):
        self.vocabulary_file()
        shape = tuple(input_shape)
        if mode == "int":
            return shape
        depth = self.depth()
        if mode == "one_hot":
            if len(shape) > 1 and shape[-1] == 1:
                return shape[:-1] + (depth,)
            return shape + (depth,)
        return shape[:-1] + (depth,)

    def compute_output_shape(self, input_shape):
        return self.lookup_output_shape(input_shape, self.output_mode())


def _np_eq(a, b) -> bool:
    """``a == b`` between a vocabulary element and a special token, as numpy compares them."""
    if isinstance(a, str) != isinstance(b, str):
        return False
    return a == b


def _array_equal(special: list, head: list) -> bool:
    """``np.array_equal(special_tokens, vocabulary[:token_start])``."""
    return len(special) == len(head) and all(_np_eq(h, s) for s, h in zip(special, head))


@register
class StringLookup(IndexLookup):
    pass


@register
class IntegerLookup(IndexLookup):
    vocabulary_kind = "int"

    def check(self):
        self.vocab_size = None
        max_tokens, num_oov = self.lit("max_tokens"), self.lit("num_oov_indices")
        if max_tokens is not None and py(lambda: max_tokens <= 1):
            raise KerasError(
                f"If `max_tokens` is set for `IntegerLookup`, it must be greater than 1. Received: max_tokens={max_tokens}"
            )
        if py(lambda: num_oov < 0):
            raise KerasError(
                "The value of `num_oov_indices` argument for `IntegerLookup` must >= 0. "
                f"Received: num_oov_indices={num_oov}"
            )
        dtype = self.lit("vocabulary_dtype")
        if dtype != "int64":
            raise KerasError(
                f"Only `vocabulary_dtype='int64'` is supported at this time. Received: vocabulary_dtype={dtype}"
            )
        self.check_index_lookup("IntegerLookup")


@register
class TextVectorization(IndexLookup):
    coverage_note = (
        "int mode: (batch, output_sequence_length); other modes: " + IndexLookup.coverage_note
        + "; its StringLookup sublayer takes an automatic name"
    )
    kwargs_policy = "layer"
    kwargs_error_after_check = False
    extra_kwargs = ("vocabulary_size", "has_input_vocabulary")
    internal_layers = ("StringLookup",)  # its lookup sublayer takes an automatic name
    lookup_defaults = {"num_oov_indices": 1, "mask_token": "", "oov_token": "[UNK]"}  # StringLookup(mask_token='')

    def check(self):
        self.vocab_size = None
        validate_string_arg(self.lit("standardize"), ("lower_and_strip_punctuation", "lower", "strip_punctuation"),
                            "TextVectorization", "standardize", allow_none=True, allow_callables=True)
        validate_string_arg(self.lit("split"), ("whitespace", "character"), "TextVectorization", "split",
                            allow_none=True, allow_callables=True)
        mode = self.output_mode()
        validate_string_arg(mode, ("int", "one_hot", "multi_hot", "count", "tf_idf"), "TextVectorization",
                            "output_mode")
        ngrams = self.lit("ngrams")
        if not (ngrams is None or isinstance(ngrams, int)
                or (isinstance(ngrams, tuple) and all(isinstance(n, int) for n in ngrams))):
            raise KerasError(f"`ngrams` must be None, an integer, or a tuple of integers. Received: ngrams={ngrams}")
        length = self.lit("output_sequence_length")
        if mode == "int" and not (isinstance(length, int) or length is None):
            raise KerasError(
                "`output_sequence_length` must be either None or an integer when `output_mode` is 'int'. "
                f"Received: output_sequence_length={length}"
            )
        if mode != "int" and length is not None:
            raise KerasError(
                "`output_sequence_length` must not be set if `output_mode` is not 'int'. "
                f"Received output_sequence_length={length}."
            )
        ragged = self.lit("ragged")
        if ragged and mode != "int":
            raise KerasError(
                "`ragged` must not be true if `output_mode` is `'int'`. "
                f"Received: ragged={ragged} and output_mode={mode}"
            )
        self.check_index_lookup("StringLookup")

    def call_output_shape(self, input_shape):
        if len(input_shape) != 1:
            raise Unresolvable("the shape TextVectorization's call() gives a non-rank-1 input is not modelled")
        if input_shape[0] is not None:
            # The traced call splits into a ragged tensor and pads it: the batch size is lost.
            if self.output_mode() == "int" and self.arg("output_sequence_length") is not None:
                return (None, self.arg("output_sequence_length"))
            raise Unresolvable("the batch size TextVectorization's traced call() keeps is not modelled for this mode")
        return self.compute_output_shape(input_shape)

    def compute_output_shape(self, input_shape):
        shape, mode = tuple(input_shape), self.output_mode()
        if mode == "int":
            return (shape[0], self.arg("output_sequence_length"))
        if self.arg("split") is None:
            if len(shape) <= 1:
                shape = shape + (1,)
        else:
            shape = shape + (None,)
        return self.lookup_output_shape(shape, mode)


# -- audio ------------------------------------------------------------------------------------------

@register
class MelSpectrogram(ExactBindSpec):
    kwargs_error_after_check = True  # the fft_length check comes before super().__init__()

    def check(self):
        fft, length = self.lit("fft_length"), self.lit("sequence_length")
        length = length or fft
        if py(lambda: fft < length):
            raise KerasError(
                "`fft_length` must be greater than or equal to   `sequence_length`. "
                f"Received: `sequence_length`={length}, `fft_length`={fft}."
            )

    def compute_output_shape(self, input_shape):
        stride, bins = self.arg("sequence_stride"), self.arg("num_mel_bins")
        frames = lambda n: None if n is None else (n + stride + 1) // stride  # noqa: E731
        if len(input_shape) == 1:
            return (bins, frames(input_shape[0]))
        return (input_shape[0], bins, frames(input_shape[1]))


# Window names scipy.signal.get_window accepts without parameters.
_SCIPY_WINDOWS = {
    "boxcar", "box", "ones", "rect", "rectangular", "triang", "triangle", "tri", "blackman", "black", "blk",
    "hamming", "hamm", "ham", "bartlett", "bart", "brt", "flattop", "flat", "flt", "parzen", "parz", "par",
    "bohman", "bman", "bmn", "blackmanharris", "blackharr", "bkh", "nuttall", "nutl", "nut", "barthann",
    "brthan", "bth", "cosine", "halfcosine", "exponential", "poisson", "tukey", "tuk", "taylor", "taylornbar",
    "lanczos", "sinc", "hann", "han",
}


@register
class STFTSpectrogram(ExactBindSpec):
    coverage_note = "a window name needing parameters (or unknown to scipy) makes it unresolved"
    input_ndim = 3

    kwargs_error_after_check = True  # super().__init__() comes after the argument checks

    def check_after_init(self):
        standardize_data_format(self.lit("data_format"))

    def check(self):
        frame_length, step, fft = self.lit("frame_length"), self.lit("frame_step"), self.lit("fft_length")
        if step is not None and py(lambda: step > frame_length or step < 1):
            raise KerasError(
                "`frame_step` should be a positive integer not greater than `frame_length`. "
                f"Received frame_step={step}, frame_length={frame_length}"
            )
        if fft is not None and py(lambda: fft < frame_length):
            raise KerasError(
                f"`fft_length` should be not less than `frame_length`. Received fft_length={fft}, "
                f"frame_length={frame_length}"
            )
        modes = ["log", "magnitude", "psd", "real", "imag", "angle", "stft"]
        mode = self.lit("mode")
        if mode not in modes:
            raise KerasError(f"Output mode is invalid, it must be one of {', '.join(modes)}. Received: mode={mode}")
        scaling = self.lit("scaling")
        if scaling is not None and scaling not in ["density", "spectrum"]:
            raise KerasError(
                f"Scaling is invalid, it must be `None`, 'density' or 'spectrum'. Received scaling={scaling}"
            )
        padding = self.lit("padding")
        if padding not in ["valid", "same"]:
            raise KerasError(f"Padding is invalid, it should be 'valid', 'same'. Received: padding={padding}")
        window = self.lit("window")
        if isinstance(window, str) and window not in _SCIPY_WINDOWS:
            raise Unresolvable(f"window {window!r}: scipy.signal.get_window's checks are not modelled")

    def sizes(self):
        frame_length = self.arg("frame_length")
        step = self.arg("frame_step") or frame_length // 2
        fft = self.arg("fft_length")
        if fft is None:
            fft = 1
            while fft < frame_length:  # 2 ** ceil(log2(frame_length))
                fft *= 2
        return frame_length, step, fft

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, ndim=3)
        self.check_window()
        frame_length, step, fft = self.sizes()
        data_format = standardize_data_format(self.arg("data_format"))
        channels = input_shape[-1] if data_format == "channels_last" else input_shape[1]
        freq = fft // 2 + 1
        if self.arg("mode") == "stft":
            freq *= 2
        filters = py(lambda: freq * channels)
        shape = conv_output_shape(input_shape, filters, (frame_length,), (step,), self.arg("padding"),
                                  data_format, (1,))
        batch, time = (shape[0], shape[1]) if data_format == "channels_last" else (shape[0], shape[2])
        if self.arg("expand_dims"):
            if data_format == "channels_last":
                return (batch, time, freq, channels)
            return (batch, channels, time, freq)
        return shape

    def check_window(self):
        window = self.arg("window")
        if isinstance(window, str) and window not in _SCIPY_WINDOWS:
            raise Unresolvable(f"window {window!r}: scipy.signal.get_window's checks are not modelled")

    def build(self, input_shape):
        frame_length, _, fft = self.sizes()
        shape, mode = (frame_length, 1, fft // 2 + 1), self.arg("mode")
        weights = []
        if mode != "imag":
            weights.append(variable(self, "real_kernel", shape))
        if mode != "real":
            weights.append(variable(self, "imag_kernel", shape))
        return weights


# -- Pipeline ---------------------------------------------------------------------------------------

@register
class Pipeline(ExactBindSpec):
    """``Pipeline(layers)``: the layers applied in order; its weights are theirs.

    Keras traces ``Pipeline.call`` (there is no ``compute_output_shape``), which calls each layer;
    the shape is the composition of the layers' own output shapes.
    """

    kwargs_policy = "strict"
    coverage_note = ("shape from the layers' call() on graph tensors; where that differs from their "
                     "compute_output_shape (and is not modelled) it is unresolved")

    def layers(self):
        layers = self.arg("layers")
        if not isinstance(layers, (list, tuple)):
            raise Unresolvable("the layers of a Pipeline are not a known list")
        if not layers:
            raise Unresolvable("an empty Pipeline fails in Keras when called (UnboundLocalError)")
        for layer in layers:
            if not hasattr(layer, "compute_output_shape"):
                raise Unresolvable("a layer of the Pipeline is not known")
        return layers

    def compute_output_shape(self, input_shape):
        shape = input_shape
        for layer in self.layers():
            shape = _call_shape(layer, shape)
        return shape

    def call_output_shape(self, input_shape):
        return self.compute_output_shape(input_shape)

    def build(self, input_shape):
        weights, shape = [], input_shape
        for layer in self.layers():
            weights += sub_weights(layer, shape)
            shape = _call_shape(layer, shape)
        return weights


def _call_shape(layer, input_shape):
    """A Pipeline layer's output on a graph tensor: ``call_output_shape`` where the spec has one."""
    if isinstance(input_shape, list):
        raise Unresolvable("a Pipeline layer returning several tensors is not modelled")
    spec = getattr(layer, "spec", None)
    if isinstance(spec, ExactBindSpec):
        if spec.multi_input:
            raise Unresolvable(f"{spec.class_name} in a Pipeline gets one tensor, not the list it needs")
        return tuple(spec.call_output_shape(tuple(input_shape)))
    return layer.compute_output_shape(input_shape)
