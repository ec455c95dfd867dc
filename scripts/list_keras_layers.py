"""Write the public names of ``keras.layers`` (``dir(keras.layers)``) for the coverage table.

    /work/tfenv/bin/python scripts/list_keras_layers.py   # -> kerascheck/shapes/keras_layers_<major>_<minor>.txt

Run it under the Keras version the engine targets; ``tests/test_coverage.py`` checks the committed
list against ``dir(keras.layers)`` whenever Keras is importable, so a new Keras version shows up as
a test failure naming the added and removed layers.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def public_names(module) -> list[str]:
    return sorted(n for n in dir(module) if not n.startswith("_"))


def main() -> int:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import keras

    major, minor = keras.__version__.split(".")[:2]
    out = ROOT / "kerascheck" / "shapes" / f"keras_layers_{major}_{minor}.txt"
    names = public_names(keras.layers)
    header = f"# dir(keras.layers) of Keras {keras.__version__}: {len(names)} public names (scripts/list_keras_layers.py)\n"
    out.write_text(header + "".join(f"{n}\n" for n in names))
    print(f"{out.relative_to(ROOT)}: {len(names)} names")
    return 0


if __name__ == "__main__":
    sys.exit(main())
