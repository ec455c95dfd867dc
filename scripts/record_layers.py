"""Record what real Keras does for single-layer cases: output shape, parameters, name, error.

    python scripts/record_layers.py [fixtures/layers/conv_cases.py ...]   # default: all *_cases.py

A case file defines ``CASES``: a list of ``(class_name, args, kwargs, input_shape)`` where
``input_shape`` includes the batch dim (``(None, 28, 28, 3)``) or is a list of shapes for layers
called on a list (merge layers). A wrapped layer (``Bidirectional``, ``TimeDistributed``) is written
inside ``args`` / ``kwargs`` as ``{"layer": "LSTM", "args": [8], "kwargs": {...}}`` (nestable, also
inside lists: ``Pipeline([...])``). A case may carry a fifth element, a dict of options:
``{"dtype": "string"}`` makes the ``keras.Input`` of that dtype (string and integer inputs of
preprocessing layers); ``{"unresolvable": "why"}`` records Keras as usual but tells the replay test
that the engine must answer "unknown" here (the answer depends on state the analysis cannot see,
such as data given to ``adapt()``). A Python function is written ``{"function": "lambda x: x"}``
(its source, evaluated when recording). ``input_shape`` may be a dict of shapes for a layer called
with several tensors as keyword arguments: ``{"query": (None, 8, 16), "value": (None, 4, 16)}``
calls ``layer(query=..., value=...)``. Nested outputs (an RNN's states) are recorded flattened.
The recording, ``NAME.json`` next to it, holds for each case the
output shape(s), trainable / non-trainable parameter counts, the automatic name, or the
exception Keras raised (in the constructor or the call). ``tests/test_layer_cases.py`` replays
these recordings against the engine without TensorFlow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, os, runpy, sys
os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
import warnings; warnings.filterwarnings("ignore")
import keras
cases = runpy.run_path(sys.argv[1])["CASES"]
results = []

def shape_of(t):
    return list(t.shape)

def nested(v):
    # {"layer": "LSTM", "args": [...], "kwargs": {...}} -> a real keras.layers.LSTM instance.
    if isinstance(v, dict) and isinstance(v.get("layer"), str) and set(v) <= {"layer", "args", "kwargs"}:
        return getattr(keras.layers, v["layer"])(*[nested(a) for a in v.get("args", [])],
                                                 **{k: nested(a) for k, a in v.get("kwargs", {}).items()})
    if isinstance(v, list):
        return [nested(a) for a in v]
    if isinstance(v, dict) and set(v) == {"function"}:
        return eval(v["function"])
    return v

for case in cases:
    class_name, args, kwargs, input_shape = case[:4]
    options = case[4] if len(case) > 4 else {}
    dtype = options.get("dtype")
    keras.backend.clear_session()
    # repr keeps tuples as tuples (messages print them); the test reads them back with literal_eval.
    rec = {"layer": class_name, "args": repr(list(args)), "kwargs": repr(kwargs), "input_shape": repr(input_shape)}
    if dtype is not None:
        rec["input_dtype"] = dtype
    if options.get("unresolvable"):
        rec["unresolvable"] = options["unresolvable"]
    stage = "constructor"
    try:
        layer = getattr(keras.layers, class_name)(*[nested(a) for a in args], **{k: nested(a) for k, a in kwargs.items()})
        rec["name"] = layer.name
        stage = "call"
        if isinstance(input_shape, dict):
            inputs = {k: keras.Input(batch_shape=tuple(s), dtype=dtype) for k, s in input_shape.items()}
        elif input_shape and isinstance(input_shape[0], (list, tuple)):
            inputs = [keras.Input(batch_shape=tuple(s), dtype=dtype) for s in input_shape]
        else:
            inputs = keras.Input(batch_shape=tuple(input_shape), dtype=dtype)
        out = layer(**inputs) if isinstance(inputs, dict) else layer(inputs)
        if isinstance(out, (list, tuple)):
            rec["output_shape"] = [shape_of(t) for t in keras.tree.flatten(out)]
        else:
            rec["output_shape"] = shape_of(out)
        rec["trainable"] = int(sum(int(__import__("math").prod(w.shape)) for w in layer.trainable_weights))
        rec["non_trainable"] = int(sum(int(__import__("math").prod(w.shape)) for w in layer.non_trainable_weights))
    except Exception as exc:
        rec["error"] = {"stage": stage, "type": type(exc).__name__, "message": str(exc)}
    results.append(rec)
json.dump({"keras": keras.__version__, "cases": results}, open(sys.argv[2], "w"), indent=1)
"""


def main() -> int:
    files = [Path(a) for a in sys.argv[1:]] or sorted((ROOT / "fixtures" / "layers").glob("*_cases.py"))
    for path in files:
        out = path.with_name(path.name.replace("_cases.py", ".json"))
        env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
        subprocess.run([sys.executable, "-c", CHILD, str(path), str(out)], check=True, env=env)
        n = len(json.loads(out.read_text())["cases"])
        print(f"{path}: {n} cases -> {out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
