"""Record facts about the public Keras layer and model classes that the engine reads as a stub.

Usage (needs the ``verify`` extra): ``python scripts/record_layer_classes.py`` writes
``kerascheck/data/layer_classes.json``:

* ``bases``: {class name: [public classes it derives from]}, behind ``isinstance(layer,
  keras.layers.RNN)`` in analysed code; ``aliases``: {alias: class name};
* ``masking``: {class name: {"supports_masking": bool, "call_mask_arg": bool}}: whether the layer
  propagates a Keras mask (``Layer.supports_masking``, read off an instance built from a recorded
  case in fixtures/layers) and whether its ``call()`` takes ``mask=`` (then ``Layer.__call__``
  passes the incoming mask, which becomes one of the node's inputs);
* ``input_spec``: {class name: bool}: whether an instance has an ``input_spec`` after construction
  (then a list of tensors into a single-input layer fails in ``assert_input_compatibility``);
* ``input_rank``: {class name: {"ndim", "min_ndim", "max_ndim"}}: the rank that construction-time
  ``input_spec`` asks for, which ``Layer.__call__`` checks before ``build()``;
* ``built_at_init``: {class name: bool}: layers without state that Keras builds in ``__init__``
  (``_build_at_init``): the summary shows ``0``, not ``0 (unbuilt)``, even before any call;
* ``signatures``: {class name: "units, activation=None, ..."}: the constructor's parameters in
  order with their defaults (``**kwargs`` left out), which the engine binds arguments with
  (``LayerSpec.signature``).

Regenerate it when the pinned Keras version changes; never edit it by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
from keras.src.models.functional import Functional  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "kerascheck" / "data" / "layer_classes.json"


def recorded_cases() -> dict:
    """The recorded constructor calls of each layer class that Keras accepted."""
    cases: dict = {}
    for path in sorted((ROOT / "fixtures" / "layers").rglob("*.json")):
        for case in json.loads(path.read_text()).get("cases", []):
            if "output_shape" in case and "error" not in case:
                cases.setdefault(case["layer"], []).append(case)
    return cases


def _rank(spec) -> tuple | None:
    if isinstance(spec, keras.layers.InputSpec) and (spec.ndim, spec.min_ndim, spec.max_ndim) != (None,) * 3:
        return spec.ndim, spec.min_ndim, spec.max_ndim
    return None


def instance_facts(name: str, cls: type, cases: dict) -> dict:
    """What an instance built from a recorded case says: mask support, input_spec, built at init."""
    import inspect

    facts = {"call_mask_arg": "mask" in inspect.signature(cls.call).parameters}

    def build(value):  # a recorded layer argument: {"layer": class name, "args": [...], "kwargs": {...}}
        if isinstance(value, dict) and "layer" in value:
            return getattr(keras.layers, value["layer"])(*build(value["args"]), **build(value["kwargs"]))
        if isinstance(value, list):
            return [build(v) for v in value]
        return {k: build(v) for k, v in value.items()} if isinstance(value, dict) else value

    instances = []
    for case in cases.get(name, []):
        try:
            instances.append(cls(*build(eval(case["args"])), **build(eval(case["kwargs"]))))
        except Exception:
            continue
    if instances:
        layer = instances[0]
        facts["supports_masking"] = bool(layer.supports_masking)
        facts["input_spec"] = layer.input_spec is not None
        facts["built_at_init"] = bool(layer.built)
        # The construction-time rank, when it does not depend on the arguments (Permute's does).
        ranks = {_rank(i.input_spec) for i in instances}
        if len(ranks) == 1 and None not in ranks:
            facts["input_rank"] = dict(zip(("ndim", "min_ndim", "max_ndim"), ranks.pop()))
        return facts
    # No recorded case Keras accepts: only a compute_mask override is known to support masks.
    facts["supports_masking"] = cls.compute_mask is not keras.Layer.compute_mask or None
    return facts


def signature(cls: type) -> str:
    """``cls.__init__``'s parameters after ``self`` as source text, defaults by ``repr``; ``**kwargs`` left out."""
    import inspect

    parts, star = [], False
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    for i, p in enumerate(params):
        if p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.VAR_POSITIONAL:
            parts.append(f"*{p.name}")
            star = True
            continue
        if p.kind is p.KEYWORD_ONLY and not star:
            parts.append("*")
            star = True
        parts.append(p.name if p.default is p.empty else f"{p.name}={p.default!r}")
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(params) or params[i + 1].kind is not p.POSITIONAL_ONLY):
            parts.append("/")
    return ", ".join(parts)


def main() -> None:
    public = {name: obj for name, obj in vars(keras.layers).items() if isinstance(obj, type)}
    public.update({"Model": keras.Model, "Sequential": keras.Sequential, "Functional": Functional,
                   "Layer": keras.Layer, "Operation": keras.Operation})
    table = {}
    for name, cls in sorted(public.items()):
        if cls.__name__ != name:  # an alias (Convolution2D): the class is recorded under its own name
            continue
        table[name] = sorted({other for other, base in public.items()
                              if base is not cls and issubclass(cls, base) and base.__name__ == other})
    aliases = {name: cls.__name__ for name, cls in sorted(public.items()) if cls.__name__ != name}
    cases = recorded_cases()
    facts = {name: instance_facts(name, public[name], cases) for name in table if issubclass(public[name], keras.Layer)}
    specs = {name: f.pop("input_spec") for name, f in facts.items() if "input_spec" in f}
    built = {name: f.pop("built_at_init") for name, f in facts.items() if "built_at_init" in f}
    ranks = {name: f.pop("input_rank") for name, f in facts.items() if "input_rank" in f}
    # Every layer class under its own name, also one exported only under an alias (GroupQueryAttention).
    signatures = {cls.__name__: signature(cls) for _, cls in sorted(public.items()) if issubclass(cls, keras.Layer)}
    signatures = dict(sorted(signatures.items()))
    OUT.write_text(json.dumps({"keras": keras.__version__, "bases": table, "aliases": aliases, "masking": facts,
                               "input_spec": specs, "built_at_init": built, "input_rank": ranks,
                               "signatures": signatures}, indent=1) + "\n")
    print(f"{OUT}: {len(table)} classes, {len(aliases)} aliases (Keras {keras.__version__})")


if __name__ == "__main__":
    main()
