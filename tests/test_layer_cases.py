"""Replay single-layer recordings from real Keras (fixtures/layers/*.json) against the registry.

Also replays the corpora of the differential harness, ``fixtures/layers/generated/*.json``
(written by ``scripts/differential.py --save``): a case the engine did not get right when it was
generated carries ``"xfail": "<why>"`` and runs as a non-strict xfail.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from kerascheck.shapes import REGISTRY, KerasError, Unresolvable
from kerascheck.shapes.base import Opaque, SpecSublayer

LAYERS = Path(__file__).resolve().parent.parent / "fixtures" / "layers"


def _cases():
    for path in sorted(LAYERS.glob("*.json")) + sorted(LAYERS.glob("generated/*.json")):
        stem = path.stem if path.parent == LAYERS else f"generated-{path.stem}"
        for i, case in enumerate(json.loads(path.read_text())["cases"]):
            marks = [pytest.mark.xfail(reason=case["xfail"], strict=False)] if case.get("xfail") else []
            yield pytest.param(case, id=f"{stem}-{i}-{case['layer']}", marks=marks)


def _nested(v):
    """A wrapped layer written as ``{"layer": "LSTM", "args": [...], "kwargs": {...}}`` -> SpecSublayer."""
    if isinstance(v, dict) and isinstance(v.get("layer"), str) and set(v) <= {"layer", "args", "kwargs"}:
        args = [_nested(a) for a in v.get("args", [])]
        return SpecSublayer(REGISTRY[v["layer"]].bind(args, {k: _nested(a) for k, a in v.get("kwargs", {}).items()}))
    if isinstance(v, list):
        return [_nested(a) for a in v]
    if isinstance(v, dict) and set(v) == {"function"}:
        return Opaque(f"<function {v['function']}>")
    return v


def _as_shape(s, spec_cls):
    if isinstance(s, dict):  # tensors passed by keyword: the spec takes them as a list in call order
        return [tuple(s[n]) for n in spec_cls.call_tensors if n in s]
    return [tuple(x) for x in s] if s and isinstance(s[0], (list, tuple)) else tuple(s)


def _inner_message(message):
    """An error raised inside a layer's ``call`` reaches the user wrapped in "Exception encountered
    when calling X.call()" with the argument tensors' reprs (which depend on tensor names): the
    engine reports the inner message, printed in bold between ANSI codes."""
    m = re.match(r"Exception encountered when calling [\w.]+\(\)\.\n\n\x1b\[1m(.*?)\x1b\[0m", message, re.S)
    return m.group(1) if m else message


@pytest.mark.parametrize("case", list(_cases()))
def test_layer_case_matches_keras(case):
    spec_cls = REGISTRY.get(case["layer"])
    assert spec_cls is not None, f"{case['layer']} is not in the registry"
    error = case.get("error")
    try:
        args, kwargs = ast.literal_eval(case["args"]), ast.literal_eval(case["kwargs"])
        spec = spec_cls.bind([_nested(a) for a in args], {k: _nested(a) for k, a in kwargs.items()})
        # Each case runs after clear_session(), so Keras's name is the bare automatic name
        # (or the `name=` the case passes).
        assert spec.layer_name == case["name"]
        input_shape = _as_shape(ast.literal_eval(case["input_shape"]), spec_cls)
        out = spec.compute_output_shape(input_shape)
        weights = spec.build(input_shape)
    except KerasError as exc:
        assert error is not None, f"engine raised {exc.kind}: {exc.message}, Keras did not"
        assert exc.matches(error["type"], _inner_message(error["message"])), \
            f"engine: {exc.kind}: {exc.message}\nkeras:  {error['type']}: {error['message']}"
        return
    except Unresolvable as exc:
        # Only where the case says Keras's answer depends on state the analysis cannot see.
        assert case.get("unresolvable"), f"engine answered unknown ({exc.reason}); Keras gave an answer"
        return
    assert not case.get("unresolvable"), f"engine answered where it cannot know: {case['unresolvable']}"
    assert error is None, f"Keras raised {error['type']}: {error['message']}; engine did not"
    expected = case["output_shape"]
    got = [list(s) for s in out] if isinstance(out, list) else list(out)
    assert got == expected
    trainable = sum(w.size for w in weights if w.trainable and kwargs.get("trainable", True))
    non_trainable = sum(w.size for w in weights) - trainable
    assert (trainable, non_trainable) == (case["trainable"], case["non_trainable"])


# -- how many configurations each layer gets ---------------------------------------------------------

MIN_CASES_PER_LAYER = 20


def cases_per_layer() -> dict[str, int]:
    """Replayed cases per registered class, a case counting for every class it constructs
    (``RNN(LSTMCell(4))`` runs LSTMCell's checks and build too): ``differential.layers_in``."""
    import sys  # noqa: PLC0415

    scripts = str(LAYERS.parent.parent / "scripts")
    if scripts not in sys.path:
        sys.path.insert(0, scripts)
    from differential import layers_in  # noqa: PLC0415 - no TensorFlow on that import

    counts: dict[str, int] = {}
    for param in _cases():
        case = param.values[0]
        for cls in layers_in(case["layer"], ast.literal_eval(case["args"]), ast.literal_eval(case["kwargs"])):
            counts[cls] = counts.get(cls, 0) + 1
    return counts


def test_every_supported_layer_has_enough_configurations():
    """The CI profile (these replays, no TensorFlow) runs at least 20 configurations of every layer
    the registry supports; layers unresolved by design (foreign-framework wrappers) have none to run."""
    counts = cases_per_layer()
    classes = {cls for cls in REGISTRY.values() if not getattr(cls, "unresolved_by_design", "")}
    few = sorted((counts.get(cls.__name__, 0), cls.__name__) for cls in classes
                 if counts.get(cls.__name__, 0) < MIN_CASES_PER_LAYER)
    assert few == [], f"layers with fewer than {MIN_CASES_PER_LAYER} replayed cases: {few}"
