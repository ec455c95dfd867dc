"""Wrappers of models from other frameworks: TFSMLayer (a TensorFlow SavedModel), JaxLayer,
FlaxLayer and TorchModuleWrapper (keras/src/export/tfsm_layer.py, keras/src/utils/jax_layer.py,
keras/src/utils/torch_utils.py).

Their shapes and weights come from the wrapped model (a SavedModel on disk, a JAX function, a
Flax or PyTorch module), which the analysis does not read: constructing one is accepted (it takes
an automatic name like any layer), but its output shape and its weights are unresolvable, with
that reason. Whatever follows it in the model is unresolvable too, for the same root cause.
"""

from __future__ import annotations

from typing import ClassVar

from .base import ExactBindSpec, register
from .types import Unresolvable


class ForeignLayer(ExactBindSpec):
    framework: ClassVar[str] = ""
    # Shown by ``kerascheck layers``.
    unresolved_by_design: ClassVar[str] = "wraps a foreign-framework model whose shapes kerascheck cannot read"

    def reason(self) -> str:
        return (f"{self.class_name} wraps a foreign-framework model ({self.framework}) whose shapes kerascheck "
                "cannot read")

    def compute_output_shape(self, input_shape):
        raise Unresolvable(self.reason())

    def build(self, input_shape):
        raise Unresolvable(self.reason())


@register
class TFSMLayer(ForeignLayer):
    kwargs_policy = "strict"
    framework = "a TensorFlow SavedModel"


@register
class JaxLayer(ForeignLayer):
    framework = "a JAX function"


@register
class FlaxLayer(ForeignLayer):
    extra_kwargs = ("seed", "native_serialization_platforms")  # forwarded to JaxLayer
    framework = "a Flax module"


@register
class TorchModuleWrapper(ForeignLayer):
    framework = "a PyTorch module"
