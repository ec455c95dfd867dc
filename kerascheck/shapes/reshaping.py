"""Reshaping layers (keras/src/layers/reshaping): Flatten, Reshape, Permute, RepeatVector,
ZeroPadding1D-3D, Cropping1D-3D, UpSampling1D-3D.

These layers compute their output with ``compute_output_shape`` inside the call, so Keras wraps
the errors raised there ("Exception encountered when calling Reshape.call()" plus the input
tensor's repr); the engine raises the inner message.
"""

from __future__ import annotations

import math
from typing import ClassVar

from .arguments import format_shape, lower, standardize_data_format, standardize_tuple
from .base import LayerSpec, check_rank, register
from .types import KerasError, Unknown, Unresolvable
from .symbolic import Sym

_ORDINALS = ("1st", "2nd", "3rd")


class BaseReshaping(LayerSpec):
    """Constructor checks in ``configure`` (skipped past an unknown argument), then the rank check."""

    ndim: ClassVar[int | None] = None
    min_ndim: ClassVar[int | None] = None

    def validate(self):
        try:
            self.configure()
        except Unresolvable:
            pass  # an unknown argument: its checks are skipped, the shape is unresolvable

    def configure(self):
        pass

    def data_format(self):
        return standardize_data_format(self.value("data_format"))

    def spatial_axes(self, rank):
        return range(2, rank) if self.fmt == "channels_first" else range(1, rank - 1)

    def compute_output_shape(self, input_shape):
        self.configure()
        check_rank(self, input_shape, ndim=self.ndim, min_ndim=self.min_ndim)
        return self.output_shape(tuple(input_shape))


def _iterable(value):
    try:
        return tuple(value)
    except TypeError:
        raise KerasError(f"'{type(value).__name__}' object is not iterable", "TypeError") from None


def _pairs(spec, value, n, name):
    """ZeroPadding2D/3D, Cropping2D/3D: an int, or ``n`` entries each an int or a pair."""
    if isinstance(value, int):
        if name == "cropping" and value < 0:
            raise KerasError(f"`cropping` cannot be negative. Received: cropping={value}.")
        return ((value, value),) * n
    if hasattr(value, "__len__"):
        if len(value) != n:
            if n == 2:
                raise KerasError(f"`{name}` should have two elements. Received: {name}={value}.")
            raise KerasError(f"`{name}` should have 3 elements. Received: {value}.")
        return tuple(standardize_tuple(v, 2, f"{o} entry of {name}", allow_zero=True) for v, o in zip(value, _ORDINALS))
    verb = "crop" if name == "cropping" or n == 2 else "pad"  # ZeroPadding2D's message says "crop" too
    if n == 2:
        kinds = (f"(symmetric_height_{verb}, symmetric_width_{verb}), or a tuple of 2 tuples of 2 ints "
                 f"((top_{verb}, bottom_{verb}), (left_{verb}, right_{verb}))")
        received = f"{name}={value}"
    else:
        kinds = (f"(symmetric_dim1_{verb}, symmetric_dim2_{verb}, symmetric_dim3_{verb}), or a tuple of 3 tuples "
                 f"of 2 ints ((left_dim1_{verb}, right_dim1_{verb}), (left_dim2_{verb}, right_dim2_{verb}), "
                 f"(left_dim3_{verb}, right_dim2_{verb}))")
        received = f"padding={value}" if name == "padding" else f"{value}"
    raise KerasError(f"`{name}` should be either an int, a tuple of {n} ints {kinds}. Received: {received}.")


@register
class Flatten(BaseReshaping):
    min_ndim = 1

    def configure(self):
        self.data_format()

    def output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))


@register
class Reshape(BaseReshaping):
    def configure(self):
        self.target_shape = _iterable(self.value("target_shape"))
        self.check_target(self.target_shape)

    @staticmethod
    def check_target(target):
        ints = [d for d in target if isinstance(d, int)]  # a symbolic size is positive: never -1
        if any(d < -1 for d in ints):
            raise KerasError(
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single "
                f"unknown dimension. Received: target_shape={target}."
            )
        if ints.count(-1) > 1:
            raise KerasError(
                f"There must be at most one unknown dimension (-1) in `target_shape`. Received: target_shape={target}."
            )

    def output_shape(self, input_shape):
        inner, target = input_shape[1:], tuple(d if isinstance(d, (int, Sym)) else None for d in self.target_shape)
        if None in inner or None in target:
            return (input_shape[0], *(None if d == -1 else d for d in target))
        size = math.prod(inner)
        if -1 not in target:
            if size != math.prod(target):
                raise KerasError(
                    f"The total size of the tensor must be unchanged. Received: input_shape={inner}, "
                    f"target_shape={target}"
                )
            return (input_shape[0], *target)
        known = math.prod(d for d in target if d != -1)
        if known == 0 or size % known != 0:
            raise KerasError(
                "The total size of the tensor must be unchanged, however, the input size cannot by divided by "
                f"the specified dimensions in target_shape. Received: input_shape={inner}, target_shape={target}"
            )
        return (input_shape[0], *(size // known if d == -1 else d for d in target))


@register
class Permute(BaseReshaping):
    def configure(self):
        dims = self.value("dims")
        self.dims = _iterable(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise KerasError(
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` must be "
                f"consecutive and start from 1. Received dims={dims}"
            )
        self.ndim = len(self.dims) + 1

    def output_shape(self, input_shape):
        return (input_shape[0], *(input_shape[d] for d in self.dims))


class _Repeat(BaseReshaping):
    """RepeatVector's ``n`` and UpSampling1D's ``size``: a positive int."""

    count: ClassVar[str] = "n"

    def configure(self):
        n = self.value(self.count)
        if not isinstance(n, (int, Sym)) or isinstance(n, bool):
            raise KerasError(f"Expected an integer value for `{self.count}`, got {type(n)}.", "TypeError")
        if n <= 0:
            raise KerasError(f"Argument `{self.count}` should be a positive integer. Received: {self.count}={n}")
        self.n = n


@register
class RepeatVector(_Repeat):
    ndim = 2

    def output_shape(self, input_shape):
        return (input_shape[0], self.n, input_shape[1])


@register
class UpSampling1D(_Repeat):
    count = "size"
    ndim = 3

    def output_shape(self, input_shape):
        return (input_shape[0], None if input_shape[1] is None else self.n * input_shape[1], input_shape[2])


class _UpSampling(BaseReshaping):
    def configure(self):
        self.fmt = self.data_format()
        self.size = standardize_tuple(self.value("size"), self.ndim - 2, "size")

    def output_shape(self, input_shape):
        out = list(input_shape)
        for axis, factor in zip(self.spatial_axes(len(out)), self.size):
            out[axis] = None if out[axis] is None else factor * out[axis]
        return tuple(out)


@register
class UpSampling2D(_UpSampling):
    ndim = 4

    def configure(self):
        super().configure()
        if not isinstance(self.args["interpolation"], Unknown):  # checked, but no effect on the shape
            lower(self.args["interpolation"])


@register
class UpSampling3D(_UpSampling):
    ndim = 5


@register
class ZeroPadding1D(BaseReshaping):
    ndim = 3

    def configure(self):
        self.fmt = self.data_format()
        self.padding = (standardize_tuple(self.value("padding"), 2, "padding", allow_zero=True),)

    def output_shape(self, input_shape):
        out = list(input_shape)
        for axis, (left, right) in zip(self.spatial_axes(len(out)), self.padding):
            if out[axis] is not None:
                out[axis] += left + right
        return tuple(out)


@register
class ZeroPadding2D(ZeroPadding1D):
    ndim = 4

    def configure(self):
        self.fmt = self.data_format()
        self.padding = _pairs(self, self.value("padding"), 2, "padding")


@register
class ZeroPadding3D(ZeroPadding1D):
    ndim = 5

    def configure(self):
        self.fmt = self.data_format()
        self.padding = _pairs(self, self.value("padding"), 3, "padding")


@register
class Cropping1D(BaseReshaping):
    ndim = 3

    def configure(self):
        self.cropping = standardize_tuple(self.value("cropping"), 2, "cropping", allow_zero=True)

    def output_shape(self, input_shape):
        length = input_shape[1]
        if length is not None:
            length -= sum(self.cropping)
            if length <= 0:
                raise KerasError(
                    "`cropping` parameter of `Cropping1D` layer must be smaller than the input length. "
                    f"Received: input_shape={format_shape(input_shape)}, cropping={self.cropping}"
                )
        return (input_shape[0], length, input_shape[2])


@register
class Cropping2D(BaseReshaping):
    ndim = 4

    def configure(self):
        self.fmt = self.data_format()
        self.cropping = _pairs(self, self.value("cropping"), self.ndim - 2, "cropping")

    def output_shape(self, input_shape):
        out = list(input_shape)
        for axis, crop in zip(self.spatial_axes(len(out)), self.cropping):
            if out[axis] is not None:
                out[axis] -= sum(crop)
                if out[axis] <= 0:
                    raise KerasError(
                        "Values in `cropping` argument should be smaller than the corresponding spatial dimension "
                        f"of the input. Received: input_shape={format_shape(input_shape)}, cropping={self.cropping}"
                    )
        return tuple(out)


@register
class Cropping3D(Cropping2D):
    ndim = 5
