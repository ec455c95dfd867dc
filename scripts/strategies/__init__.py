"""Hypothesis strategies for the differential harness, one module per layer family.

Each public module here (a name not starting with ``_``) is a family; it defines ``cases``, a
Hypothesis strategy generating ``(class_name, args, kwargs, input_shape)`` tuples in the format of
``fixtures/layers/*_cases.py``. See README.md in this folder. Discovery is automatic: drop a module
in and ``scripts/differential.py`` and ``tests/test_differential_live.py`` pick it up.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from hypothesis import strategies as st


def family_names() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))


def load(name: str) -> ModuleType:
    module = importlib.import_module(f"{__name__}.{name}")
    if not isinstance(getattr(module, "cases", None), st.SearchStrategy):
        raise TypeError(f"scripts/strategies/{name}.py must define `cases`, a Hypothesis strategy")
    return module


def families() -> dict[str, ModuleType]:
    return {name: load(name) for name in family_names()}
