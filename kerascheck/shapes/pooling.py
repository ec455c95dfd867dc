"""Pooling layers (keras/src/layers/pooling): Max/Average, global and adaptive pooling, 1D to 3D.

Keras computes a pooling output with ``compute_output_shape`` inside the layer call, so its errors
reach the user wrapped in "Exception encountered when calling MaxPooling2D.call()" with the input
tensor's repr; the engine raises the inner message (the wrapper depends on tensor names).
"""

from __future__ import annotations

import math
from typing import ClassVar

from .arguments import numpy_str, standardize_data_format, standardize_tuple
from .base import LayerSpec, check_rank, register
from .types import KerasError, Opaque, Unknown, Unresolvable
from .symbolic import Sym


def _divide(a, b, object_dtype):
    """``a / b`` on a numpy array element: Python semantics for object arrays, IEEE for int arrays."""
    if isinstance(a, Sym) and b > 0:
        return a // b  # a symbolic size: only floor(a / b) is ever used, exact in integers
    if b == 0:
        if object_dtype:
            raise KerasError("division by zero", "ZeroDivisionError")
        return math.nan if a == 0 else math.copysign(math.inf, a)
    return a / b


def _to_int(x):
    if isinstance(x, Sym):
        return x
    if math.isinf(x):
        raise KerasError("cannot convert float infinity to integer", "OverflowError")
    if math.isnan(x):
        raise KerasError("cannot convert float NaN to integer")
    return int(x)


def pooling_output_shape(input_shape, pool_size, strides, padding, data_format):
    """Keras ``compute_pooling_output_shape`` (keras/src/ops/operation_utils.py), with its checks."""
    shape = list(input_shape)
    object_dtype = None in shape  # np.array(input_shape) holds None: an object array
    axes = range(1, len(shape) - 1) if data_format == "channels_last" else range(2, len(shape))
    none_axes = [i for i in axes if shape[i] is None]
    for i in none_axes:  # Keras writes -1 into a view of the array it prints
        shape[i] = -1
    # NumPy broadcasts the spatial sizes against pool_size and strides: a wrapper (TimeDistributed)
    # may hand a pooling layer fewer spatial axes than it pools over, and Keras computes on.
    spatial, none_at = [shape[i] for i in axes], [i in none_axes for i in axes]
    sizes = {len(spatial), len(pool_size), len(strides)} - {1}
    if len(sizes) > 1:
        raise Unresolvable("pooling sizes that NumPy cannot broadcast")
    n = sizes.pop() if sizes else 1
    spatial, none_at = (spatial * n, none_at * n) if len(spatial) == 1 else (spatial, none_at)
    pool_size = tuple(pool_size) * n if len(pool_size) == 1 else tuple(pool_size)
    strides = tuple(strides) * n if len(strides) == 1 else tuple(strides)
    if padding == "valid":
        out = [_floor(_divide(size - p, st, object_dtype)) + 1 for size, p, st in zip(spatial, pool_size, strides)]
        for size, unknown in zip(out, none_at):
            if not unknown and size <= 0:
                raise KerasError(
                    "Computed output size would be zero or negative. Received: "
                    f"`inputs.shape={numpy_str(shape, object_dtype)}`, `pool_size={numpy_str(pool_size)}`, "
                    f"`strides={strides}`, `padding={padding}`."
                )
    elif padding == "same":
        out = [_floor(_divide(size - 1, st, object_dtype)) + 1 for size, st in zip(spatial, strides)]
    else:
        raise KerasError(f"Argument `padding` must be either 'valid' or 'same'. Received: padding={padding}")
    out = [None if unknown else _to_int(size) for size, unknown in zip(out, none_at)]
    if data_format == "channels_last":
        return (input_shape[0], *out, input_shape[-1])
    return (input_shape[0], input_shape[1], *out)


def _floor(x):
    if isinstance(x, Sym):
        return x
    return x if math.isinf(x) or math.isnan(x) else math.floor(x)


class BasePoolingFamily(LayerSpec):
    """Shared by the pooling bases: constructor checks in ``configure`` and the input rank check."""

    dims: ClassVar[int] = 2

    def validate(self):
        try:
            self.configure()
        except Unresolvable:
            pass  # an unknown argument: its checks are skipped, the shape is unresolvable

    def compute_output_shape(self, input_shape):
        self.configure()
        check_rank(self, input_shape, ndim=self.dims + 2)
        return self.output_shape(tuple(input_shape))


class BasePooling(BasePoolingFamily):
    def configure(self):
        pool_size, strides = self.value("pool_size"), self.value("strides")
        self.pool_size = standardize_tuple(pool_size, self.dims, "pool_size")
        self.strides = standardize_tuple(pool_size if strides is None else strides, self.dims, "strides", allow_zero=True)
        self.padding = self.value("padding")  # not checked until the call
        self.data_format = standardize_data_format(self.value("data_format"))

    def output_shape(self, input_shape):
        return pooling_output_shape(input_shape, self.pool_size, self.strides, self.padding, self.data_format)


class BaseGlobalPooling(BasePoolingFamily):
    def configure(self):
        self.data_format = standardize_data_format(self.value("data_format"))

    def output_shape(self, input_shape):
        spatial = (1,) * (len(input_shape) - 2) if self.value("keepdims") else ()
        if self.data_format == "channels_last":
            return (input_shape[0], *spatial, input_shape[-1])
        return (input_shape[0], input_shape[1], *spatial)


@register
class MaxPooling1D(BasePooling):
    dims = 1


@register
class MaxPooling2D(BasePooling):
    dims = 2


@register
class MaxPooling3D(BasePooling):
    dims = 3


@register
class AveragePooling1D(BasePooling):
    dims = 1


@register
class AveragePooling2D(BasePooling):
    dims = 2


@register
class AveragePooling3D(BasePooling):
    dims = 3


@register
class GlobalMaxPooling1D(BaseGlobalPooling):
    dims = 1


@register
class GlobalMaxPooling2D(BaseGlobalPooling):
    dims = 2


@register
class GlobalMaxPooling3D(BaseGlobalPooling):
    dims = 3


@register
class GlobalAveragePooling1D(BaseGlobalPooling):
    dims = 1

    def compute_mask(self, inputs, mask, op, n_outputs):
        return None


@register
class GlobalAveragePooling2D(BaseGlobalPooling):
    dims = 2


@register
class GlobalAveragePooling3D(BaseGlobalPooling):
    dims = 3


# -- Adaptive pooling (keras/src/layers/pooling/base_adaptive_pooling.py) ----------------------------
#
# The output's spatial dims are ``output_size`` whatever the input: there is no InputSpec, so an input
# of another rank is not rejected (``compute_output_shape`` keeps the batch and channel dims and puts
# ``output_size`` between them). ``data_format`` is not lower-cased; a falsy value means the default.


class BaseAdaptivePooling(LayerSpec):
    dims: ClassVar[int] = 1

    def validate(self):
        size = self.args["output_size"]
        if isinstance(size, (Unknown, Opaque)):
            return
        n = self.dims
        if isinstance(size, (int, Sym)):
            size = (size,) * n
        elif n == 1 and isinstance(size, (tuple, list)):
            if len(size) != 1:
                raise KerasError(f"For 1D input, `output_size` tuple must have length 1. Received: {size}")
            size = tuple(size)
        elif isinstance(size, (tuple, list)) and len(size) == n:
            size = tuple(size)
        else:
            what = {1: "tuple of 1 integer", 2: "(height, width) tuple", 3: "(depth, height, width) tuple"}[n]
            raise KerasError(
                f"`output_size` must be an integer or {what}. Received: {size} of type {type(size)}", "TypeError"
            )
        self.args["output_size"] = size
        data_format = self.args["data_format"]
        if isinstance(data_format, (Unknown, Opaque)):
            return
        data_format = data_format or "channels_last"
        try:
            ok = data_format in {"channels_first", "channels_last"}
        except TypeError as exc:
            raise KerasError(str(exc), "TypeError") from None
        if not ok:
            raise KerasError(f"Invalid data_format: {data_format}. Expected 'channels_first' or 'channels_last'.")
        self.args["data_format"] = data_format

    def compute_output_shape(self, input_shape):
        size = self.arg("output_size")
        if self.arg("data_format") == "channels_last":
            return (input_shape[0], *size, input_shape[-1])
        return (input_shape[0], input_shape[1], *size)


@register
class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    dims = 1


@register
class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    dims = 2


@register
class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    dims = 3


@register
class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    dims = 1


@register
class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    dims = 2


@register
class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    dims = 3
