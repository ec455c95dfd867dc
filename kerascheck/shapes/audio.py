"""Audio preprocessing layers (keras/src/layers/preprocessing): MelSpectrogram and STFTSpectrogram."""

from __future__ import annotations

from .arguments import py, standardize_data_format
from .base import ExactBindSpec, check_rank, register, variable
from .conv import conv_output_shape
from .types import KerasError, Unresolvable


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
