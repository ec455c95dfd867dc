"""All rules, discovered from this package: each ``kc*.py`` module holds one ``Rule`` subclass.

Owns: the rules (``kc*.py``), their base classes and shared helpers (``base``, ``_*.py``).
May import: kerascheck.catalogue, kerascheck.migration, kerascheck.diagnostics, kerascheck.frontend, kerascheck.ir,
kerascheck.models, kerascheck.shapes, and, until issue 18 is merged, kerascheck.config and
kerascheck.fix (both import the rules back: allow-listed in tests/test_import_cycles.py).
"""

from __future__ import annotations

import importlib
import pkgutil

from ..diagnostics import SYNTAX_CODE  # noqa: F401  (KC000: reported by the pipeline, not by a rule check)
from .base import EngineErrorRule, Invalid, Rule, RuleContext  # noqa: F401


def _discover() -> dict[str, type[Rule]]:
    rules: dict[str, type[Rule]] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("kc"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Rule) and value.__module__ == module.__name__:
                if value.code in rules:
                    raise RuntimeError(f"duplicate rule code {value.code}")
                rules[value.code] = value
    return dict(sorted(rules.items()))


RULES: dict[str, type[Rule]] = _discover()
