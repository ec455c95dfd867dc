"""One declaration per layer (issue 16): what the stub recorded from Keras says is not written again.

The constructor signature and the aliases of every registered layer come from
``kerascheck/data/layer_classes.json`` (scripts/record_layer_classes.py); a spec writes its own
only for a class the recording does not have. The Keras version is one constant.
"""

from __future__ import annotations

import ast
from pathlib import Path

import kerascheck
from kerascheck.shapes import REGISTRY
from kerascheck.shapes.arguments import parse_signature
from kerascheck.shapes.stubs import layer_classes

SHAPES = Path(kerascheck.__file__).resolve().parent / "shapes"
SPECS = sorted({cls for cls in REGISTRY.values()}, key=lambda cls: cls.__name__)


def _class_assignments(name: str):
    """(module, class, value node) for every ``name = ...`` written in a class body under shapes/."""
    for path in sorted(SHAPES.glob("*.py")):
        if path.name == "ops.py":  # keras.ops functions, not layers
            continue
        for node in ast.parse(path.read_text("utf-8")).body:
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                            yield path.name, node.name, stmt.value


def test_every_spec_has_the_recorded_signature():
    recorded = layer_classes()["signatures"]
    missing = [cls.__name__ for cls in SPECS if cls.__name__ not in recorded and "signature" not in vars(cls)]
    assert not missing, f"no recorded signature and none written: {missing}"
    differ = [cls.__name__ for cls in SPECS if cls.__name__ in recorded
              and parse_signature(cls.signature) != parse_signature(recorded[cls.__name__])]
    assert not differ, f"signature differs from the recording: {differ}"


def test_no_hand_written_copy_of_a_recorded_signature():
    recorded = layer_classes()["signatures"]
    specs = {cls.__name__ for cls in SPECS}
    copies = [f"{module}:{name}" for module, name, _ in _class_assignments("signature")
              if name in recorded or (name not in specs and (module, name) != ("base.py", "LayerSpec"))]
    assert not copies, f"signature written by hand where the stub has it (or on a base class): {copies}"


def test_aliases_come_from_the_stub():
    aliases = layer_classes()["aliases"]
    for alias, name in aliases.items():
        if name in REGISTRY or alias in REGISTRY:
            assert REGISTRY[alias].__name__ == name, alias
    copies = [f"{module}:{name}" for module, name, value in _class_assignments("aliases")
              if any(aliases.get(a) == name for a in ast.literal_eval(value))]
    assert not copies, f"aliases written by hand that layer_classes.json records: {copies}"


def test_one_keras_version():
    assert layer_classes()["keras"] == kerascheck.KERAS_VERSION
    from kerascheck.shapes import coverage

    assert kerascheck.KERAS_VERSION.startswith(coverage.KERAS_VERSION + ".")


# Modules that still write the Keras version as a literal, in code others are changing now (issue 15:
# rules/_losses.py and the KC6xx rules; issue 18: every rule module): they read
# ``kerascheck.KERAS_VERSION`` once those are merged, and the entries go.
KNOWN_VERSION_LITERALS = frozenset({
    "rules/_optimizers.py", "rules/kc108_invalid_layer_argument.py", "rules/kc306_removed_model_method.py",
})


def _docstrings(tree: ast.AST) -> set[int]:
    return {id(node.body[0].value) for node in ast.walk(tree)
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
            and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}


def test_keras_version_written_once():
    """The pinned Keras release is ``kerascheck.KERAS_VERSION``; code reads it (docstrings may name it)."""
    package = SHAPES.parent
    series = ".".join(kerascheck.KERAS_VERSION.split(".")[:2])
    found = set()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and node.value in (kerascheck.KERAS_VERSION, series)):
                found.add(path.relative_to(package).as_posix())
    assert found - {"__init__.py"} <= KNOWN_VERSION_LITERALS, sorted(found - {"__init__.py"} - KNOWN_VERSION_LITERALS)
    assert KNOWN_VERSION_LITERALS <= found, f"no longer a literal there, remove: {sorted(KNOWN_VERSION_LITERALS - found)}"
