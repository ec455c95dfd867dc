"""Convolution layers (keras/src/layers/convolutional): Conv, ConvTranspose, DepthwiseConv, SeparableConv.

Keras builds a convolution before computing its output, and its ``build`` runs the input checks
(channels divisible by ``groups``, output size positive, kernel rank): ``compute_output_shape``
here does the same, so errors come out in Keras's order.
"""

from __future__ import annotations

from typing import ClassVar

from .arguments import (
    check_activation, format_shape, numpy_str, standardize_data_format, standardize_padding, standardize_tuple,
)
from .base import LayerSpec, check_rank, register, variable
from .types import KerasError, Unknown, Unresolvable, Weight


def _mul(a, b):
    """``a * b`` where either may be ``None``: Python's ``TypeError``, as Keras hits it."""
    if a is None or b is None:
        raise KerasError(
            f"unsupported operand type(s) for *: '{type(a).__name__}' and '{type(b).__name__}'", "TypeError"
        )
    return a * b


def conv_output_shape(input_shape, filters, kernel_size, strides, padding, data_format, dilation_rate):
    """Keras ``compute_conv_output_shape`` (keras/src/ops/operation_utils.py), with its checks."""
    input_shape = tuple(input_shape)
    if data_format == "channels_last":
        spatial, kernel_shape = input_shape[1:-1], kernel_size + (input_shape[-1], filters)
    else:
        spatial, kernel_shape = input_shape[2:], kernel_size + (input_shape[1], filters)
    if len(kernel_shape) != len(input_shape):
        raise KerasError(
            "Kernel shape must have the same length as input, but received kernel of shape "
            f"{kernel_shape} and input of shape {format_shape(input_shape)}."
        )
    if padding not in ("valid", "same", "causal"):
        raise KerasError(f"`padding` must be either `'valid'` or `'same'`. Received {padding}.")
    out = []
    for size, k, s, d in zip(spatial, kernel_size, strides, dilation_rate):
        if size is None:
            out.append(None)
        elif padding == "valid":
            out.append((size - d * (k - 1) - 1) // s + 1)
            if out[-1] <= 0:
                raise KerasError(
                    "Computed output size would be zero or negative. Received "
                    f"`inputs shape={format_shape(input_shape)}`, `kernel shape={kernel_shape}`, "
                    f"`dilation_rate={numpy_str(dilation_rate)}`, `strides={strides}`, `padding={padding}`."
                )
        else:
            out.append((size - 1) // s + 1)
    if data_format == "channels_last":
        return (input_shape[0], *out, filters)
    return (input_shape[0], filters, *out)


def conv_transpose_output_shape(input_shape, kernel_size, filters, strides, padding, output_padding,
                                data_format, dilation_rate):
    """Keras ``compute_conv_transpose_output_shape`` (keras/src/backend/common/backend_utils.py)."""
    input_shape = tuple(input_shape)
    spatial = input_shape[1:-1] if data_format == "channels_last" else input_shape[2:]
    out = []
    for i, size in enumerate(spatial):
        if i >= len(kernel_size):  # more spatial dims than the kernel has
            raise KerasError("tuple index out of range", "IndexError")
        op = None if output_padding is None else output_padding[i]
        if size is None:
            out.append(None)
            continue
        if not isinstance(padding, str):  # a list argument is stored as Keras's TrackedList
            kind = "TrackedList" if isinstance(padding, list) else type(padding).__name__
            raise KerasError(f"'{kind}' object has no attribute 'lower'", "AttributeError")
        if padding not in ("valid", "same"):
            raise KerasError(f"The `padding` argument must be one of 'valid', 'same'. Received: padding={padding}")
        k, s = (kernel_size[i] - 1) * dilation_rate[i] + 1, strides[i]
        if padding == "valid":
            out.append((size - 1) * s + k + (max(k, s) - k if op is None else op))
        else:
            out.append(size * s if op is None else (size - 1) * s + k % 2 + op)
    if data_format == "channels_last":
        return (input_shape[0], *out, filters)
    return (input_shape[0], filters, *out)


class BaseConvolution(LayerSpec):
    """What every convolution base shares: argument standardisation, rank check, build-then-shape."""

    def built_input_axes(self, build_shape):
        axis = 1 if getattr(self, "data_format", "channels_last") == "channels_first" else -1
        return None, ({axis: build_shape[axis]} if len(build_shape) > 1 else {})

    rank: ClassVar[int] = 2
    allow_causal: ClassVar[bool] = False

    def validate(self):
        try:
            self.configure()
        except Unresolvable:
            pass  # an unknown argument: the checks that need it are skipped, the shape is unresolvable

    plain_items = True  # value(): a list of sizes holding an opaque value is not plain either

    def configure(self):
        """``__init__``: standardise the arguments and run Keras's checks, in Keras's order."""
        self.kernel_size = standardize_tuple(self.value("kernel_size"), self.rank, "kernel_size")
        self.strides = standardize_tuple(self.value("strides"), self.rank, "strides")
        self.dilation_rate = standardize_tuple(self.value("dilation_rate"), self.rank, "dilation_rate")
        self.padding = standardize_padding(self.value("padding"), allow_causal=self.allow_causal)
        self.configure_output_padding()
        self.data_format = standardize_data_format(self.value("data_format"))
        check_activation(self.args.get("activation"))
        self.check_arguments()

    def configure_output_padding(self):
        pass

    def check_arguments(self):
        pass

    def check_positive(self, name):
        value = self.value(name)
        if value is not None and value <= 0:
            raise KerasError(
                f"Invalid value for argument `{name}`. Expected a strictly positive value. Received {name}={value}."
            )

    def check_strides_dilation(self):
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise KerasError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def channels(self, input_shape):
        return input_shape[-1] if self.data_format == "channels_last" else input_shape[1]

    def bias(self, size):
        return [variable(self, "bias", (size,))] if self.arg("use_bias") else []

    def compute_output_shape(self, input_shape):
        self.configure()
        check_rank(self, input_shape, min_ndim=self.rank + 2)
        try:
            self.build(input_shape)  # Keras builds (and checks the input) before computing the output
        except Unresolvable:
            pass
        return self.output_shape(input_shape)

    def output_shape(self, input_shape):
        raise NotImplementedError


class BaseConv(BaseConvolution):
    extra_kwargs = ("lora_rank", "lora_alpha")

    def check_arguments(self):
        filters, groups = self.value("filters"), self.args["groups"]
        self.check_positive("filters")
        if not isinstance(groups, Unknown):  # the output shape does not depend on it: skip its checks
            if groups <= 0:
                raise KerasError(f"The number of groups must be a positive integer. Received: groups={groups}.")
            if filters is not None and filters % groups != 0:
                raise KerasError(
                    "The number of filters must be evenly divisible by the number of groups. "
                    f"Received: groups={groups}, filters={filters}."
                )
        self.check_strides_dilation()

    def output_shape(self, input_shape):
        return conv_output_shape(input_shape, self.value("filters"), self.kernel_size, self.strides,
                                 self.padding, self.data_format, self.dilation_rate)

    def build(self, input_shape):
        self.configure()
        channels, groups, filters = self.channels(input_shape), self.value("groups"), self.value("filters")
        if channels is None:
            raise KerasError("unsupported operand type(s) for %: 'NoneType' and 'int'", "TypeError")
        if channels % groups != 0:
            raise KerasError(
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={groups}, but the input has {channels} channels "
                f"(full input shape is {format_shape(input_shape)})."
            )
        self.output_shape(input_shape)
        kernel = variable(self, "kernel", self.kernel_size + (channels // groups, filters))
        weights = [kernel] + self.bias(filters)
        lora_rank = self.arg("lora_rank")
        if lora_rank:
            if self.args.get("kernel_constraint") is not None:
                raise KerasError(
                    "Lora is incompatible with kernel constraints. In order to enable lora on this layer, "
                    "remove the `kernel_constraint` argument."
                )
            weights[0] = Weight("kernel", kernel.shape, False, kernel.dtype)
            weights += [Weight("lora_kernel_a", kernel.shape[:-1] + (lora_rank,), True, "float32"),
                        Weight("lora_kernel_b", (lora_rank, filters), True, "float32")]
        return weights


class BaseConvTranspose(BaseConvolution):
    def configure_output_padding(self):
        output_padding = self.value("output_padding")
        self.output_padding = None if output_padding is None else standardize_tuple(
            output_padding, self.rank, "output_padding", allow_zero=True)

    def check_arguments(self):
        self.check_positive("filters")
        for i, (op, s) in enumerate(zip(self.output_padding or (), self.strides)):
            if op >= s:
                raise KerasError(
                    "`output_padding` must be strictly less than `strides` for all dimensions. "
                    f"At dimension {i}, `output_padding` is {op} but `strides` is {s}. "
                    f"Received: output_padding={self.output_padding}, strides={self.strides}"
                )
        self.check_strides_dilation()

    def output_shape(self, input_shape):
        return conv_transpose_output_shape(input_shape, self.kernel_size, self.value("filters"), self.strides,
                                           self.padding, self.output_padding, self.data_format,
                                           self.dilation_rate)

    def build(self, input_shape):
        self.configure()
        filters = self.value("filters")
        kernel = variable(self, "kernel", self.kernel_size + (filters, self.channels(input_shape)))
        return [kernel] + self.bias(filters)


class BaseDepthwiseConv(BaseConvolution):
    def check_arguments(self):
        self.check_positive("depth_multiplier")

    def output_shape(self, input_shape):
        filters = _mul(self.value("depth_multiplier"), self.channels(input_shape))
        return conv_output_shape(input_shape, filters, self.kernel_size, self.strides, self.padding,
                                 self.data_format, self.dilation_rate)

    def build(self, input_shape):
        self.configure()
        self.output_shape(input_shape)
        channels, multiplier = self.channels(input_shape), self.value("depth_multiplier")
        kernel = variable(self, "kernel", self.kernel_size + (channels, multiplier))
        return [kernel] + self.bias(multiplier * channels)


class BaseSeparableConv(BaseConvolution):
    def check_arguments(self):
        self.check_positive("depth_multiplier")
        self.check_positive("filters")

    def output_shape(self, input_shape):
        return conv_output_shape(input_shape, self.value("filters"), self.kernel_size, self.strides,
                                 self.padding, self.data_format, self.dilation_rate)

    def build(self, input_shape):
        self.configure()
        channels, multiplier, filters = self.channels(input_shape), self.value("depth_multiplier"), self.value("filters")
        depthwise_shape = self.kernel_size + (channels, multiplier)
        pointwise_shape = (1,) * self.rank + (_mul(multiplier, channels), filters)
        self.output_shape(input_shape)
        return [variable(self, "depthwise_kernel", depthwise_shape),
                variable(self, "pointwise_kernel", pointwise_shape)] + self.bias(filters)


@register
class Conv1D(BaseConv):
    rank, allow_causal = 1, True


@register
class Conv2D(BaseConv):
    rank = 2


@register
class Conv3D(BaseConv):
    rank = 3


@register
class Conv1DTranspose(BaseConvTranspose):
    rank = 1


@register
class Conv2DTranspose(BaseConvTranspose):
    rank = 2


@register
class Conv3DTranspose(BaseConvTranspose):
    # Keras's Conv3DTranspose puts data_format before output_padding (unlike 1D and 2D).
    rank = 3


@register
class DepthwiseConv1D(BaseDepthwiseConv):
    rank = 1


@register
class DepthwiseConv2D(BaseDepthwiseConv):
    rank = 2


@register
class SeparableConv1D(BaseSeparableConv):
    rank = 1


@register
class SeparableConv2D(BaseSeparableConv):
    rank = 2
