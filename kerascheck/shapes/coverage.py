"""Coverage of ``keras.layers``: every public name of Keras 3.15, with what the engine does with it.

The names come from ``keras_layers_3_15.txt`` (``dir(keras.layers)``, written by
``scripts/list_keras_layers.py``). A name's status is derived from the registry at run time:

- ``supported``: a registered layer class (or an alias of one), a lower-case functional form
  (``concatenate``), or a name the interpreter itself handles (``Input``, ``InputLayer``, ``Layer``);
- ``unresolved-by-design``: registered, but its shapes can never be known statically (the spec
  class says why in ``unresolved_by_design``): using it makes the model unresolved with that reason;
- ``not yet``: not modelled; using it makes the statement unresolved.

A spec class may carry a ``coverage_note`` (limits worth knowing: which arguments make the shape
unresolvable); it is shown in ``kerascheck layers``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import KERAS_VERSION as _KERAS_RELEASE
from . import FUNCTIONAL_FORMS, REGISTRY

SUPPORTED = "supported"
BY_DESIGN = "unresolved-by-design"
NOT_YET = "not yet"
STATUSES = (SUPPORTED, BY_DESIGN, NOT_YET)

KERAS_VERSION = ".".join(_KERAS_RELEASE.split(".")[:2])  # "3.15": the release series the names were listed from
LAYERS_FILE = Path(__file__).with_name(f"keras_layers_{KERAS_VERSION.replace('.', '_')}.txt")

# Names the interpreter handles itself (no LayerSpec): what it does with them.
FRONTEND = {
    "Input": "keras.Input: the interpreter builds the InputLayer and its tensor (shape, batch_size, batch_shape, "
             "dtype, name)",
    "InputLayer": "InputLayer(...): interpreted like keras.Input",
    "Layer": "base class of user layers: their __init__, build and call are interpreted",
    "InputSpec": "keras.layers.InputSpec(...) as a user layer's self.input_spec: Layer.__call__'s checks (ndim, "
                 "min_ndim, max_ndim, axes, shape, dtype, number of inputs) are applied to the first call argument",
    "serialize": "keras.layers.serialize(layer) of a built-in layer: a config that deserialize() rebuilds",
    "deserialize": "keras.layers.deserialize(config): a new layer from serialize(layer) (same class, arguments and "
                   "name) or from a literal {'module': 'keras.layers', 'class_name': ..., 'config': {...}} dict",
}

# Names not modelled yet, and why.
NOT_YET_NOTES = {
    "Wrapper": "subclasses of keras.layers.Wrapper are not interpreted as layers: the interpreter's user-class "
               "model (kerascheck/frontend/values.py keras_kind) knows keras.Layer and keras.Model bases only, "
               "and Wrapper.__init__(layer) / Wrapper.build building the wrapped layer are not modelled; "
               "a script subclassing it is left unresolved (Bidirectional, TimeDistributed and the other "
               "built-in wrappers are modelled)",
}


@dataclass(frozen=True)
class Coverage:
    name: str
    status: str
    note: str


def keras_layer_names(path: Path = LAYERS_FILE) -> list[str]:
    """The public names of ``keras.layers`` in the targeted Keras version, in ``dir()`` order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def status_of(name: str) -> Coverage:
    if name in FUNCTIONAL_FORMS:
        target = FUNCTIONAL_FORMS[name]
        return Coverage(name, SUPPORTED, f"functional form of {target}: keras.layers.{name}(inputs, ...)")
    spec = REGISTRY.get(name)
    if spec is not None:
        notes = []
        if spec.__name__ != name:
            notes.append(f"alias of {spec.__name__}")
        note = getattr(spec, "coverage_note", "")
        if note:
            notes.append(note)
        reason = getattr(spec, "unresolved_by_design", "")
        if reason:
            return Coverage(name, BY_DESIGN, "; ".join([*notes, reason]))
        return Coverage(name, SUPPORTED, "; ".join(notes))
    if name in FRONTEND:
        return Coverage(name, SUPPORTED, FRONTEND[name])
    return Coverage(name, NOT_YET, NOT_YET_NOTES.get(name, "not modelled yet: using it leaves the model unresolved"))


def coverage_table(names: list[str] | None = None) -> list[Coverage]:
    """One row per public name of ``keras.layers``."""
    return [status_of(name) for name in (keras_layer_names() if names is None else names)]


def counts(table: list[Coverage]) -> dict[str, int]:
    return {status: sum(1 for row in table if row.status == status) for status in STATUSES}
