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

from .base import Unresolvable, register
from .preprocessing import ExactBindSpec


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
    signature = "filepath, call_endpoint='serve', call_training_endpoint=None, trainable=True, name=None, dtype=None"
    kwargs_policy = "strict"
    framework = "a TensorFlow SavedModel"


@register
class JaxLayer(ForeignLayer):
    signature = "call_fn, init_fn=None, params=None, state=None, seed=None, native_serialization_platforms=None"
    framework = "a JAX function"


@register
class FlaxLayer(ForeignLayer):
    signature = "module, method=None, variables=None"
    extra_kwargs = ("seed", "native_serialization_platforms")  # forwarded to JaxLayer
    framework = "a Flax module"


@register
class TorchModuleWrapper(ForeignLayer):
    signature = "module, name=None, output_shape=None"
    framework = "a PyTorch module"
