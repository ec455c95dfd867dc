"""``isinstance`` in analysed code: builtin types, and the public Keras classes of layers and models.

The Keras class hierarchy is a declarative stub recorded from the installed Keras
(``kerascheck/data/layer_classes.json``, made by ``scripts/record_layer_classes.py``), so
``isinstance(layer, keras.layers.RNN)`` is True for an LSTM exactly as in Keras. A class that stub
does not know gives an unknown answer, never a guess.
"""

from __future__ import annotations

from typing import Any

from ..ir import Layer, Model, Tensor
from ..shapes.base import Opaque, Unknown
from ..shapes.stubs import canonical_class, layer_classes
from .values import Builtin, CustomLayer, CustomModel, Ref

PY_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "tuple": tuple, "dict": dict,
            "set": set}
# Library classes a KerasTensor is not (it is only a symbolic placeholder).
_NOT_A_KERAS_TENSOR = {"np.ndarray", "np.generic", "tf.Tensor", "tf.Variable", "tf.RaggedTensor", "tf.SparseTensor"}


def is_instance(value: Any, types: Any) -> Any:
    """True, False or ``Unknown``: ``isinstance(value, types)`` as Python would answer it."""
    answers = [_one(value, t) for t in (types if isinstance(types, tuple) else (types,))]
    if any(a is True for a in answers):
        return True
    if all(a is False for a in answers):
        return False
    return next(a for a in answers if isinstance(a, Unknown))


def _one(value: Any, cls: Any) -> Any:
    if isinstance(value, Unknown):
        return Unknown("isinstance() of a value not known statically")
    if isinstance(cls, Builtin) and cls.name in PY_TYPES:
        if isinstance(value, (Opaque, Ref)):
            return Unknown("isinstance() of a library object")
        return False if isinstance(value, (Tensor, Layer)) else isinstance(value, PY_TYPES[cls.name])
    if isinstance(cls, Ref):
        return _keras_class(value, cls.path)
    return Unknown("isinstance() against a class that is not a builtin or Keras class")


def _keras_class(value: Any, path: str) -> Any:
    if isinstance(value, Tensor):
        if path in _NOT_A_KERAS_TENSOR:
            return False
        return True if path == "keras.KerasTensor" else Unknown(f"isinstance() of a tensor against {path}")
    table = layer_classes()
    name = canonical_class(path.rsplit(".", 1)[-1])
    if not path.startswith("keras.") or name not in table["bases"]:
        return Unknown(f"isinstance() against {path}")
    if not isinstance(value, Layer):
        return False if isinstance(value, (int, float, str, bool, list, tuple, dict, type(None))) else \
            Unknown("isinstance() of a value not known statically")
    if isinstance(value, (CustomLayer, CustomModel)):  # a user's subclass: only its Keras base is known
        kind = "Model" if isinstance(value, CustomModel) else "Layer"
        bases = {kind, "Layer", "Operation"}
        return True if name in bases else Unknown(f"isinstance() of a {value.class_name} against {path}")
    own = value.class_name if value.class_name in table["bases"] else ("Functional" if isinstance(value, Model) else None)
    if own is None:
        return Unknown(f"isinstance() of a {value.class_name} against {path}")
    return name == own or name in table["bases"][own]
