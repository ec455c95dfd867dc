"""Convolution family: Conv1D-3D, Conv1D-3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D (and aliases).

Invalid ``padding`` strings are not generated: Keras's message prints a Python ``set`` of strings,
whose order changes between processes (the recording would not replay).
"""

from __future__ import annotations

from hypothesis import strategies as st

from ._common import ACTIVATIONS, BATCH, base_kwargs, bind, mostly, shape, weighted, with_bad_kwarg, with_missing_required

# (class name, aliases, kind, rank)
CLASSES = [
    ("Conv1D", ("Convolution1D",), "conv", 1),
    ("Conv2D", ("Convolution2D",), "conv", 2),
    ("Conv3D", ("Convolution3D",), "conv", 3),
    ("Conv1DTranspose", ("Convolution1DTranspose",), "transpose", 1),
    ("Conv2DTranspose", ("Convolution2DTranspose",), "transpose", 2),
    ("Conv3DTranspose", ("Convolution3DTranspose",), "transpose", 3),
    ("DepthwiseConv1D", (), "depthwise", 1),
    ("DepthwiseConv2D", (), "depthwise", 2),
    ("SeparableConv1D", ("SeparableConvolution1D",), "separable", 1),
    ("SeparableConv2D", ("SeparableConvolution2D",), "separable", 2),
]
LAYERS = tuple(n for c in CLASSES for n in (c[0], *c[1]))

# What can go wrong, drawn one at a time for the invalid cases.
FAULTS = [
    "filters", "kernel_len", "kernel_zero", "strides_zero", "strides_and_dilation", "groups_filters",
    "groups_channels", "output_padding", "rank", "channels_none", "too_small", "data_format",
    "depth_multiplier", "bad_kwarg",
]


def _tuple_arg(draw, values, rank):
    """An int, or a tuple / list of ``rank`` ints (``kernel_size=3``, ``(3, 3)``, ``[3, 3]``)."""
    form = draw(st.sampled_from(["int", "tuple", "list"])) if rank > 1 or draw(st.booleans()) else "int"
    if form == "int":
        v = draw(values)
        return v, (v,) * rank
    vs = tuple(draw(values) for _ in range(rank))
    return (vs if form == "tuple" else list(vs)), vs


def _divisors(n):
    return [d for d in range(1, n + 1) if n % d == 0]


@st.composite
def conv(draw, valid: bool = True):
    class_name, aliases, kind, rank = draw(st.sampled_from(CLASSES))
    name = draw(st.sampled_from((class_name, *aliases))) if aliases and draw(st.integers(0, 3)) == 0 else class_name
    fault = None if valid else draw(st.sampled_from(FAULTS))
    maxsize = 6 if rank == 3 else 12

    kernel_arg, kernel = _tuple_arg(draw, st.integers(1, 4 if rank < 3 else 3), rank)
    strided = draw(st.booleans())
    strides_arg, strides = _tuple_arg(draw, st.integers(1, 3), rank) if strided else (None, (1,) * rank)
    dilation_arg, dilation = (None, (1,) * rank)
    if not strided or max(strides) == 1:
        if draw(st.integers(0, 3)) == 0:
            dilation_arg, dilation = _tuple_arg(draw, st.integers(1, 3), rank)
    paddings = ["valid", "same"] + (["causal"] if class_name == "Conv1D" else [])
    padding = draw(st.sampled_from(paddings))
    data_format = draw(st.sampled_from([None, None, "channels_last", "channels_first"]))
    channels = draw(st.integers(1, 6))
    filters = draw(st.integers(1, 8))
    groups = 1
    if kind == "conv" and draw(st.integers(0, 2)) == 0:
        common = sorted(set(_divisors(filters)) & set(_divisors(channels)))
        groups = draw(st.sampled_from(common))

    optional = {"activation": ACTIVATIONS, "use_bias": st.booleans()}
    if kind == "transpose" and strided and draw(st.booleans()):
        optional["output_padding"] = st.just(tuple(draw(st.integers(0, s - 1)) for s in strides))

    # Spatial sizes large enough for a 'valid' window (unless the fault is `too_small`).
    spatial = []
    for k, d in zip(kernel, dilation):
        need = (k - 1) * d + 1
        spatial.append(draw(st.one_of(st.none(), st.integers(need, max(need, maxsize)))))
    batch = draw(BATCH)

    # -- faults -----------------------------------------------------------------------------
    if fault == "filters":
        filters = draw(st.sampled_from([0, -1, -4]))
    elif fault == "kernel_len":
        kernel_arg = tuple(draw(st.integers(1, 3)) for _ in range(draw(st.sampled_from([r for r in (1, 2, 3, 4) if r != rank]))))
        if len(kernel_arg) == 1:
            kernel_arg = list(kernel_arg)
    elif fault == "kernel_zero":
        kernel_arg = draw(st.sampled_from([0, -1, (0,) * rank]))
    elif fault == "strides_zero":
        strides_arg = draw(st.sampled_from([0, (0,) * rank, -1]))
    elif fault == "strides_and_dilation":
        strides_arg, dilation_arg = 2, draw(st.sampled_from([2, (2,) * rank]))
    elif fault == "groups_filters" and kind == "conv":
        groups = draw(st.integers(2, 5))
        filters = groups * draw(st.integers(1, 2)) + 1
    elif fault == "groups_channels" and kind == "conv":
        groups = draw(st.integers(2, 4))
        filters = groups * draw(st.integers(1, 2))
        channels = groups * draw(st.integers(1, 2)) + 1
    elif fault == "groups_filters":
        groups = draw(st.sampled_from([0, -1]))  # not a constructor argument of this kind
    elif fault == "output_padding":
        optional["output_padding"] = st.just(draw(st.sampled_from([3, (3,) * rank, (1,) * rank, -1])))
    elif fault == "too_small":
        padding = "valid"
        kernel_arg, kernel = (4,) * rank, (4,) * rank
        spatial = [draw(st.integers(1, 3)) for _ in range(rank)]
    elif fault == "data_format":
        data_format = draw(st.sampled_from(["channels_middle", "NHWC"]))
    elif fault == "depth_multiplier":
        optional["depth_multiplier"] = st.sampled_from([0, -2])

    channels_dim = None if fault == "channels_none" else channels
    if data_format == "channels_first":
        input_shape = (batch, channels_dim, *spatial)
    else:
        input_shape = (batch, *spatial, channels_dim)
    if fault == "rank":
        extra = draw(st.sampled_from([-2, -1, 1]))
        input_shape = input_shape[:len(input_shape) + extra] if extra < 0 else input_shape + (3,)

    required = [("filters", filters), ("kernel_size", kernel_arg)] if kind != "depthwise" else [("kernel_size", kernel_arg)]
    args, kwargs = draw(bind(required, optional))
    if strides_arg is not None:
        kwargs["strides"] = strides_arg
    if dilation_arg is not None:
        kwargs["dilation_rate"] = dilation_arg
    if padding != "valid" or draw(st.booleans()):
        kwargs["padding"] = padding
    if data_format is not None:
        kwargs["data_format"] = data_format
    if groups != 1:
        kwargs["groups"] = groups
    if kind in ("depthwise", "separable") and "depth_multiplier" not in kwargs and draw(st.booleans()):
        kwargs["depth_multiplier"] = draw(st.integers(1, 3))
    if kind == "conv" and draw(st.integers(0, 5)) == 0:
        kwargs["lora_rank"] = draw(st.integers(1, 3))
    kwargs.update(draw(base_kwargs()))
    if fault == "bad_kwarg":
        kwargs["foo"] = 1
    return name, args, kwargs, input_shape


VALID = conv()
INVALID = weighted(
    (8, conv(valid=False)),
    (1, with_bad_kwarg(VALID)),
    (1, st.one_of(with_missing_required("Conv2D", shape(4), 2), with_missing_required("SeparableConv1D", shape(3), 2),
                  with_missing_required("DepthwiseConv2D", shape(4), 1))),
)
cases = mostly(VALID, INVALID)
