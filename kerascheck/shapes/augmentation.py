"""Image preprocessing and augmentation layers (keras/src/layers/preprocessing/image_preprocessing):
Resizing, CenterCrop, RandomCrop, every Random* layer of Keras 3.15, AutoContrast, Equalization,
Solarization, MixUp, CutMix, RandAugment, AugMix, ContrastLimitedAdaptiveHistogramEqualization and
MaxNumBoundingBoxes.

All derive from ``BaseImagePreprocessingLayer``, whose ``__init__(factor=None,
bounding_box_format=None, data_format=None, **kwargs)`` runs first: it standardises
``data_format`` and, for classes with ``_USE_BASE_FACTOR``, validates a ``factor`` against the
class's ``_FACTOR_BOUNDS`` (others reject a ``factor`` they do not take). A symbolic call goes
through ``compute_output_shape``, which keeps the input shape for all but the resizing and
cropping layers: the layers accept any rank there (the image-rank checks live in ``call()``,
which a symbolic call does not run). None of them has weights (their seed generators' state is
not a weight). Keras 3 has no RandomHeight / RandomWidth.

Errors raised from ``compute_output_shape`` (CenterCrop's rank, RandomColorDegeneration's
channels) reach the user wrapped in "Exception encountered when calling X.call()"; the engine
raises the inner message.
"""

from __future__ import annotations

from typing import Any, ClassVar

from .arguments import py, standardize_data_format
from .base import ExactBindSpec, register
from .types import KerasError, Unresolvable

_FILL_MODES = ("reflect", "wrap", "constant", "nearest")
_INTERPOLATIONS = ("nearest", "bilinear")


def set_factor(factor: Any, bounds: tuple, name: str = "factor", received: str = "factor") -> tuple:
    """``BaseImagePreprocessingLayer._set_factor`` (and the ``_set_factor_by_name`` copies)."""
    message = (
        f"The `{name}` argument should be a number (or a list of two numbers) in the range "
        f"[{bounds[0]}, {bounds[1]}]. Received: {received}={factor}"
    )
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise KerasError(message)
        if py(lambda: factor[0] > bounds[1] or factor[1] < bounds[0]):
            raise KerasError(message)
        lower, upper = py(lambda: sorted(factor))
    elif isinstance(factor, (int, float)):
        if factor < bounds[0] or factor > bounds[1]:
            raise KerasError(message)
        factor = abs(factor)
        lower, upper = max(-factor, bounds[0]), factor
    else:
        raise KerasError(message)
    return (lower, upper)


def set_value_range(value_range: Any, message: str | None = None) -> list:
    """``_set_value_range``: a list or tuple of two numbers, sorted."""
    if message is None:
        message = "The `value_range` argument should be a list of two numbers. "
    if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
        raise KerasError(message + f"Received: value_range={value_range}")
    return py(lambda: sorted(value_range))


def check_choice(value: Any, allowed: tuple, what: str, show: str | None = None) -> None:
    """The ``fill_mode`` / ``interpolation`` checks, which raise ``NotImplementedError``."""
    if py(lambda: value not in allowed):
        raise KerasError(f"Unknown `{what}` {value}. Expected of one {show or allowed}.", "NotImplementedError")


def ranged_factor(factor: Any, name: str, message: str, in_range) -> tuple:
    """The ``_set_factor(factor, name)`` of RandomTranslation / RandomZoom / RandomShear / Solarization."""
    if isinstance(factor, (tuple, list)):
        if len(factor) != 2:
            raise KerasError(message + f"Received: {name}={factor}")
        for number in factor:
            in_range(number)
        return tuple(py(lambda: sorted(factor)))
    if isinstance(factor, (int, float)):
        in_range(factor)
        return (-abs(factor), abs(factor))
    raise KerasError(message + f"Received: {name}={factor}")


class ImageLayer(ExactBindSpec):
    """``BaseImagePreprocessingLayer``: the base checks, then the class's own (``check_own``)."""

    use_base_factor: ClassVar[bool] = True
    factor_bounds: ClassVar[tuple] = (-1, 1)
    base_kwargs = ("factor", "bounding_box_format", "data_format")
    # ``factor`` is a parameter the class validates itself with ``_set_factor`` (its bounds).
    own_factor: ClassVar[bool] = False
    # The parameter is passed to the base class, which validates ``factor or 0.0``.
    factor_to_base: ClassVar[bool] = False

    def check(self):
        if "data_format" in self.args:
            standardize_data_format(self.lit("data_format"))
        if not self.own_factor and "factor" not in dict(self._params):
            factor = self.lit("factor")
            if self.use_base_factor:
                set_factor(factor or 0.0, self.factor_bounds)
            elif factor is not None:
                raise KerasError(f"Layer {self.class_name} does not take a `factor` argument. Received: factor={factor}")
        if self.own_factor:
            factor = self.lit("factor")
            set_factor((factor or 0.0) if self.factor_to_base else factor, self.factor_bounds)
        self.check_own()

    def check_own(self) -> None:
        """The subclass's constructor checks after ``super().__init__()``."""

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def call_output_shape(self, input_shape):
        """``call()`` on a graph tensor (in a Pipeline): images of rank 3 or 4 only."""
        if len(input_shape) not in (3, 4):
            raise Unresolvable(f"{self.class_name}.call() rejects a rank-{len(input_shape)} input (Keras raises "
                               "inside the Pipeline)")
        return self.image_call_shape(tuple(input_shape))

    def image_call_shape(self, input_shape):
        return self.compute_output_shape(input_shape)

    def data_format(self) -> str:
        return standardize_data_format(self.arg("data_format"))


def _grayscale_channels(spec: ImageLayer, input_shape, verb: str) -> tuple:
    """A traced ``call()`` through ``rgb_to_grayscale`` (1 or 3 channels): other counts are unknown here."""
    channels = input_shape[-1 if spec.data_format() == "channels_last" else -3]
    if channels not in (1, 3):
        raise Unresolvable(f"{spec.class_name}.call() {verb} {channels} channels inside the Pipeline "
                           "(Keras's message embeds the traced tensors)")
    return tuple(input_shape)


class ColorLayer(ImageLayer):
    """A layer with ``factor`` (own ``_set_factor``) and a checked ``value_range``."""

    own_factor = True

    def check_own(self):
        set_value_range(self.lit("value_range"))


# -- resizing and cropping --------------------------------------------------------------------------

def _resized(spec: ImageLayer, input_shape, height, width) -> tuple:
    shape = list(input_shape)
    channels_last = spec.data_format() == "channels_last"
    if len(shape) < (2 if channels_last else 3):
        raise KerasError("list assignment index out of range", "IndexError")
    if len(shape) == 4:
        if channels_last:
            shape[1], shape[2] = height, width
        else:
            shape[2], shape[3] = height, width
    elif channels_last:
        shape[0], shape[1] = height, width
    else:
        shape[1], shape[2] = height, width
    return tuple(shape)


@register
class Resizing(ImageLayer):
    use_base_factor = False

    def compute_output_shape(self, input_shape):
        return _resized(self, input_shape, self.arg("height"), self.arg("width"))


@register
class CenterCrop(ImageLayer):
    use_base_factor = False

    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise KerasError(
                "`input_shape` must be a non-nested tuple or list of rank-1 with size 3 (unbatched) or 4 (batched). "
            )
        return _resized(self, input_shape, self.arg("height"), self.arg("width"))

    def image_call_shape(self, input_shape):
        # Slicing with tensor offsets where a size is unknown: that dimension stays unknown.
        first = self.data_format() == "channels_first"
        axes = (-2, -1) if first else (-3, -2)
        sizes = (self.arg("height"), self.arg("width"))
        if any(input_shape[a] is not None and input_shape[a] < s for a, s in zip(axes, sizes)):
            raise Unresolvable("CenterCrop of an image smaller than the crop (smart_resize) in a Pipeline")
        # A tensor offset in either axis makes the whole strided slice dynamic: both sizes unknown.
        unknown = any(input_shape[a] is None for a in axes)
        shape = list(input_shape)
        for a, s in zip(axes, sizes):
            shape[a] = None if unknown else s
        return tuple(shape)


@register
class RandomCrop(ImageLayer):
    def compute_output_shape(self, input_shape):
        shape = list(input_shape)
        first = self.data_format() == "channels_first"
        height_axis, width_axis = (-2, -1) if first else (-3, -2)
        if len(shape) < -height_axis:
            raise KerasError("list assignment index out of range", "IndexError")
        shape[height_axis], shape[width_axis] = self.arg("height"), self.arg("width")
        return tuple(shape)

    def image_call_shape(self, input_shape):
        first = self.data_format() == "channels_first"
        if any(input_shape[a] is None for a in ((-2, -1) if first else (-3, -2))):
            raise Unresolvable("RandomCrop.call() needs a fully defined height and width (Keras raises)")
        return self.compute_output_shape(input_shape)


# -- geometric augmentations ------------------------------------------------------------------------

@register
class RandomFlip(ImageLayer):
    use_base_factor = False


@register
class RandomRotation(ImageLayer):
    own_factor = True

    def check(self):
        standardize_data_format(self.lit("data_format"))
        set_factor(self.lit("factor") or 0.0, self.factor_bounds)  # passed to the base class
        check_choice(self.lit("fill_mode"), _FILL_MODES, "fill_mode")
        check_choice(self.lit("interpolation"), _INTERPOLATIONS, "interpolation")


def _range_check(low: float, high: float, message: str, low_open: bool = False):
    def check(number):
        if py(lambda: number > high) or (py(lambda: number <= low) if low_open else py(lambda: number < low)):
            raise KerasError(message + f"Received: input_number={number}")
    return check


@register
class RandomZoom(ImageLayer):
    use_base_factor = False
    MESSAGE = (
        "The `height_factor` and `width_factor` arguments should be a number (or a list of two numbers) "
        "in the range (-1.0, 1.0]. "
    )

    def check(self):
        factor = self.lit("factor") if "factor" in self.args else None
        if factor is not None:
            raise KerasError(f"Layer {self.class_name} does not take a `factor` argument. Received: factor={factor}")
        in_range = _range_check(-1.0, 1.0, self.MESSAGE, low_open=True)
        ranged_factor(self.lit("height_factor"), "height_factor", self.MESSAGE, in_range)
        width = self.lit("width_factor")
        if width is not None:
            ranged_factor(width, "width_factor", self.MESSAGE, in_range)
        check_choice(self.lit("fill_mode"), _FILL_MODES, "fill_mode")
        check_choice(self.lit("interpolation"), _INTERPOLATIONS, "interpolation")
        standardize_data_format(self.lit("data_format"))


@register
class RandomTranslation(ImageLayer):
    use_base_factor = False
    MESSAGE = "The `factor` argument should be a number (or a list of two numbers) in the range [-1.0, 1.0]. "

    def check_own(self):
        in_range = _range_check(-1.0, 1.0, self.MESSAGE)
        ranged_factor(self.lit("height_factor"), "height_factor", self.MESSAGE, in_range)
        ranged_factor(self.lit("width_factor"), "width_factor", self.MESSAGE, in_range)
        check_choice(self.lit("fill_mode"), _FILL_MODES, "fill_mode")
        check_choice(self.lit("interpolation"), _INTERPOLATIONS, "interpolation")


@register
class RandomShear(ImageLayer):
    use_base_factor = False
    factor_bounds = (0, 1)
    MESSAGE = "The `factor` argument should be a number (or a list of two numbers) in the range [0, 1.0]. "

    def check_own(self):
        in_range = _range_check(0.0, 1.0, self.MESSAGE)
        ranged_factor(self.lit("x_factor"), "x_factor", self.MESSAGE, in_range)
        ranged_factor(self.lit("y_factor"), "y_factor", self.MESSAGE, in_range)
        check_choice(self.lit("fill_mode"), _FILL_MODES, "fill_mode")
        check_choice(self.lit("interpolation"), _INTERPOLATIONS, "interpolation")


@register
class RandomPerspective(ImageLayer):
    use_base_factor = False
    factor_bounds = (0, 1)
    own_factor = True

    def check_own(self):
        scale = self.lit("scale")
        if py(lambda: scale < 0.0 or scale > 1.0):
            raise KerasError(f"The `scale` argument should be a number in the range [0,1]. Received: scale={scale}")
        check_choice(self.lit("interpolation"), _INTERPOLATIONS, "interpolation")


@register
class RandomElasticTransform(ImageLayer):
    use_base_factor = False
    factor_bounds = (0, 1)
    own_factor = True

    def check_own(self):
        set_factor(self.lit("scale"), self.factor_bounds, name="scale")
        check_choice(self.lit("interpolation"), _INTERPOLATIONS, "interpolation")
        # Keras prints a set here, whose order varies between processes.
        check_choice(self.lit("fill_mode"), ("constant", "nearest", "wrap", "mirror", "reflect"), "fill_mode",
                     show="{'constant', 'nearest', 'wrap', 'mirror', 'reflect'}")


# -- colour and intensity augmentations -------------------------------------------------------------

@register
class RandomContrast(ImageLayer):
    factor_bounds = (0, 1)
    own_factor = True


@register
class RandomBrightness(ColorLayer):
    factor_to_base = True


@register
class RandomColorDegeneration(ColorLayer):
    def compute_output_shape(self, input_shape):
        if len(input_shape) not in (3, 4):
            raise KerasError(
                "Invalid images rank: expected rank 3 (single image) or rank 4 (batch of images). "
                f"Received: input_shape={tuple(input_shape)}"
            )
        channels = input_shape[-1 if self.data_format() == "channels_last" else -3]
        if channels is not None and channels != 3:
            raise KerasError(f"Input images must have 3 channels, but received images with {channels} channels.")
        return tuple(input_shape)

    def image_call_shape(self, input_shape):
        """The traced ``call()`` (in a Pipeline) skips that check: ``rgb_to_grayscale`` takes 1 or 3 channels."""
        return _grayscale_channels(self, input_shape, "rejects")


@register
class RandomSaturation(ColorLayer):
    pass


@register
class RandomSharpness(ColorLayer):
    use_base_factor = False
    factor_bounds = (0, 1)


@register
class RandomPosterization(ColorLayer):
    use_base_factor = False
    factor_bounds = (1, 8)


@register
class RandomHue(ImageLayer):
    factor_bounds = (0, 1)
    own_factor = True


@register
class RandomInvert(ImageLayer):
    use_base_factor = False
    factor_bounds = (0, 1)
    own_factor = True


@register
class RandomGrayscale(ImageLayer):
    def check(self):
        factor = self.lit("factor")
        if py(lambda: factor < 0 or factor > 1):
            raise KerasError(f"`factor` should be between 0 and 1. Received: factor={factor}")
        standardize_data_format(self.lit("data_format"))


@register
class RandomGaussianBlur(ImageLayer):
    use_base_factor = False
    factor_bounds = (0, 1)
    own_factor = True

    def check_own(self):
        size = self.lit("kernel_size")
        message = f"kernel_size must be an odd number. Received: kernel_size={size}"
        if isinstance(size, (tuple, list)):
            if len(size) != 2:
                raise KerasError(
                    f"The `kernel_size` argument should be a number (or a list of two numbers) Received: kernel_size={size}"
                )
            if py(lambda: size[0] % 2 == 0 or size[1] % 2 == 0):
                raise KerasError(message)
        elif isinstance(size, (int, float)):
            if size % 2 == 0:
                raise KerasError(message)
        else:
            raise KerasError(message)
        set_factor(self.lit("sigma"), self.factor_bounds, name="sigma")


@register
class RandomErasing(ImageLayer):
    use_base_factor = False
    factor_bounds = (0, 1)
    own_factor = True

    def check_own(self):
        set_factor(self.lit("scale"), self.factor_bounds, name="scale")


@register
class RandomColorJitter(ImageLayer):
    coverage_note = "each given factor creates a sublayer that takes an automatic name"

    def check_own(self):
        # Each given factor creates a sublayer (RandomBrightness, RandomContrast, RandomSaturation,
        # RandomHue) whose constructor checks the factor and, for some, the value range.
        for name, bounds, checks_range in (("brightness_factor", (-1, 1), True), ("contrast_factor", (0, 1), False),
                                            ("saturation_factor", (-1, 1), True), ("hue_factor", (0, 1), False)):
            factor = self.lit(name)
            if factor is None:
                continue
            set_factor((factor or 0.0) if name == "brightness_factor" else factor, bounds)
            if checks_range:
                set_value_range(self.lit("value_range"))

    @property
    def internal_layers(self):
        names = {"brightness_factor": "RandomBrightness", "contrast_factor": "RandomContrast",
                 "saturation_factor": "RandomSaturation", "hue_factor": "RandomHue"}
        return tuple(cls for arg, cls in names.items() if self.args.get(arg) is not None)


@register
class AutoContrast(ImageLayer):
    use_base_factor = False

    def check_own(self):
        set_value_range(self.lit("value_range"))


@register
class Equalization(ImageLayer):
    def check(self):
        factor = self.lit("factor") if "factor" in self.args else None
        set_factor(factor or 0.0, self.factor_bounds)
        value_range = self.lit("value_range")
        if not isinstance(value_range, (tuple, list)) or len(value_range) != 2:
            # Equalization reuses _set_value_range without defining its message attribute.
            raise KerasError("'Equalization' object has no attribute '_VALUE_RANGE_VALIDATION_ERROR'", "AttributeError")
        py(lambda: sorted(value_range))
        standardize_data_format(self.lit("data_format"))


@register
class ContrastLimitedAdaptiveHistogramEqualization(ImageLayer):
    def check(self):
        factor = self.lit("factor") if "factor" in self.args else None
        set_factor(factor or 0.0, self.factor_bounds)
        standardize_data_format(self.lit("data_format"))


@register
class Solarization(ImageLayer):
    use_base_factor = False
    MESSAGE = (
        "The `addition_factor` and `threshold_factor` arguments should be a number (or a list of two numbers) "
        "in the range [0, 1]. "
    )

    def check_own(self):
        in_range = _range_check(0, 1.0, self.MESSAGE)
        ranged_factor(self.lit("addition_factor"), "addition_factor", self.MESSAGE, in_range)
        ranged_factor(self.lit("threshold_factor"), "threshold_factor", self.MESSAGE, in_range)
        set_value_range(self.lit("value_range"))


# -- mixing and policies ----------------------------------------------------------------------------

@register
class MixUp(ImageLayer):
    pass


@register
class CutMix(ImageLayer):
    use_base_factor = False
    factor_bounds = (0, 1)
    own_factor = True


_RAND_AUGMENT_LAYERS = (
    "RandomShear", "RandomTranslation", "RandomRotation", "RandomBrightness", "RandomColorDegeneration",
    "RandomContrast", "RandomSharpness", "Solarization", "RandomPosterization", "AutoContrast", "Equalization",
)


class PolicyLayer(ImageLayer):
    """RandAugment / AugMix: sublayers built from the layer's ``factor`` and ``value_range`` (and its
    ``**kwargs``); among their checks only ``value_range`` can fail."""

    coverage_note = "its augmentation sublayers take automatic names (random_rotation ...)"

    use_base_factor = False
    factor_bounds = (0, 1)
    own_factor = True
    sublayers: ClassVar[tuple[str, ...]] = ()

    def check_own(self):
        check_choice(self.lit("interpolation"), _INTERPOLATIONS, "interpolation")  # RandomShear's check
        set_value_range(self.lit("value_range"))

    def image_call_shape(self, input_shape):
        """The traced ``call()`` (in a Pipeline) traces every sublayer: ``rgb_to_grayscale`` takes 1 or 3 channels."""
        return _grayscale_channels(self, input_shape, "may reject")

    @property
    def internal_layers(self):
        if isinstance(self.args.get("name"), str):
            return ()  # the sublayers get the same explicit name
        return self.sublayers


@register
class RandAugment(PolicyLayer):
    sublayers = _RAND_AUGMENT_LAYERS


@register
class AugMix(PolicyLayer):
    @property
    def sublayers(self):
        base = ("RandomShear", "RandomTranslation", "RandomRotation", "Solarization", "RandomPosterization",
                "AutoContrast", "Equalization")
        if self.args.get("all_ops") is False:
            return base
        return base + ("RandomBrightness", "RandomColorDegeneration", "RandomContrast", "RandomSharpness")


@register
class MaxNumBoundingBoxes(ImageLayer):
    """Pads or crops the boxes of a dict input; on a plain image tensor it keeps the shape."""

    coverage_note = "dict inputs (images with bounding boxes) are not modelled; an image tensor keeps its shape"

    def check_own(self):
        max_number, fill_value = self.lit("max_number"), self.lit("fill_value")
        py(lambda: int(max_number))
        py(lambda: int(fill_value))
