"""Record which public Keras classes each public layer and model class is an instance of.

Usage (needs the ``verify`` extra): ``python scripts/record_layer_classes.py`` writes
``kerascheck/data/layer_classes.json``: {class name: [public classes it derives from]}, the
declarative stub behind ``isinstance(layer, keras.layers.RNN)`` in analysed code. Regenerate it when
the pinned Keras version changes; never edit it by hand.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import keras  # noqa: E402
from keras.src.models.functional import Functional  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "kerascheck" / "data" / "layer_classes.json"


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
    OUT.write_text(json.dumps({"keras": keras.__version__, "bases": table, "aliases": aliases}, indent=1) + "\n")
    print(f"{OUT}: {len(table)} classes, {len(aliases)} aliases (Keras {keras.__version__})")


if __name__ == "__main__":
    main()
