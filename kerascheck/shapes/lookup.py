"""Lookup layers (keras/src/layers/preprocessing/index_lookup.py and its subclasses): StringLookup,
IntegerLookup and TextVectorization.

Vocabulary-dependent sizes: a lookup layer's output depth is its vocabulary size, known when the
``vocabulary`` is given as a literal (or ``pad_to_max_tokens=True``). Otherwise it comes from
``adapt()``, which the analysis does not follow, so the shape is unresolvable (Keras itself prints
``None`` for a layer that was never adapted, but a model built after ``adapt()`` has the real size).
The lookups reject unknown keyword arguments with their own message (``ExactBindSpec``'s
``"lookup"`` policy).
"""

from __future__ import annotations

from collections import Counter
from typing import ClassVar

from .arguments import py, validate_string_arg
from .base import ExactBindSpec, register
from .types import KerasError, Unresolvable


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
