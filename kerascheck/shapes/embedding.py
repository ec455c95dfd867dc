"""Embedding (keras/src/layers/core/embedding.py).

Keras 3.15 still accepts the legacy ``input_length=`` keyword: it is popped from ``**kwargs`` with a
deprecation warning ("Argument `input_length` is deprecated. Just remove it.") and ignored, so
it neither raises nor changes the output shape.
"""

from __future__ import annotations

from .base import LayerSpec, register, variable
from .types import KerasError, Unresolvable


@register
class Embedding(LayerSpec):
    extra_kwargs = ("input_length",)
    supports_masking_argument = "mask_zero"

    def compute_mask(self, inputs, mask, op, n_outputs):
        return op("not_equal", x1=inputs, x2=0) if self.arg("mask_zero") else None

    def validate(self):
        for name in ("input_dim", "output_dim"):
            value = self.args[name]
            if isinstance(value, (bool, float, str, list, tuple, dict, type(None))) or (
                isinstance(value, int) and value <= 0
            ):
                raise KerasError(
                    f"`{name}` must be a positive integer. Received: {name}={value} (of type {type(value).__name__})."
                )

    @property
    def input_shape_arg(self):
        # `input_dim` is Embedding's vocabulary size here, not the legacy Layer input_dim.
        return self.input_shape_keyword()

    def compute_output_shape(self, input_shape):
        return (*input_shape, self.arg("output_dim"))

    def build(self, input_shape):
        if self.args.get("quantization_config") is not None:
            raise Unresolvable("quantized Embedding weights are not modelled")
        rows, cols, rank = self.arg("input_dim"), self.arg("output_dim"), self.arg("lora_rank")
        if rank and self.args.get("embeddings_constraint") is not None:
            raise KerasError(
                "Lora is incompatible with embedding constraints. In order to enable lora on this layer, "
                "remove the `embeddings_constraint` argument."
            )
        weights = [variable(self, "embeddings", (rows, cols), trainable=not rank)]
        if rank:  # enable_lora(): the embeddings freeze, two low-rank factors train
            weights += [variable(self, "lora_embeddings_a", (rows, rank)), variable(self, "lora_embeddings_b", (rank, cols))]
        return weights
