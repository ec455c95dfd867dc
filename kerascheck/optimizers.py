"""What a built optimizer adds to ``model.summary()``: the ``Optimizer params`` line.

Keras builds the optimizer on the model's trainable variables at the first ``fit`` /
``train_on_batch``; the summary then counts its variables. Every optimizer has an ``iteration``
(int64) and, unless the learning rate is a schedule or a callable, a ``learning_rate`` (float32),
plus per-variable slots shaped like each trainable variable. Counts recorded from Keras 3.15.1
(``opt.build(model.trainable_variables)``, ``count_params(opt.variables)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Optimizer class -> slots per trainable variable with default arguments.
_SLOTS = {"SGD": 0, "Adam": 2, "AdamW": 2, "RMSprop": 1, "Adagrad": 1, "Adadelta": 2, "Adamax": 2, "Nadam": 2,
          "Ftrl": 2, "Lion": 1}
_EXTRA_SCALARS = {"Nadam": 1}  # Nadam's u_product (float32)
# ``optimizers.get`` identifiers.
_BY_STRING = {name.lower(): name for name in _SLOTS}


@dataclass(eq=False)
class Optimizer:
    """``keras.optimizers.<class_name>(**args)`` as the script wrote it."""

    class_name: str
    args: dict[str, Any] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"<keras.optimizers.{self.class_name}>"


def from_identifier(value: Any) -> Optimizer | None:
    """What ``compile(optimizer=...)`` builds; None when the analysis cannot tell."""
    if isinstance(value, Optimizer):
        return value
    if isinstance(value, str) and value.lower() in _BY_STRING:
        return Optimizer(_BY_STRING[value.lower()])
    return None


def state(optimizer: Optimizer) -> tuple[int, float, int] | None:
    """(variables besides the slots, their bytes, slots per trainable variable); None if unknown."""
    name, args = optimizer.class_name, optimizer.args
    if name not in _SLOTS:
        return None
    slots = _SLOTS[name]
    flags = {"momentum": args.get("momentum", 0.0), "amsgrad": args.get("amsgrad", False),
             "centered": args.get("centered", False)}
    if any(not isinstance(v, (int, float, bool)) for v in flags.values()):
        return None
    if name == "SGD" and flags["momentum"] != 0:
        slots += 1
    if name in ("Adam", "AdamW") and flags["amsgrad"]:
        slots += 1
    if name == "RMSprop":
        slots += (flags["momentum"] > 0) + bool(flags["centered"])
    if args.get("use_ema") or args.get("gradient_accumulation_steps"):
        return None
    learning_rate = args.get("learning_rate", 0.001)
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)):
        return None  # a schedule, a callable or a value not known: whether it is a variable is not known
    extra = _EXTRA_SCALARS.get(name, 0)
    return 2 + extra, 8 + 4 + 4 * extra, slots
