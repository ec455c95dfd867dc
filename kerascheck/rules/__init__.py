"""All rules, discovered from this package: each ``kc*.py`` module holds one ``Rule`` subclass.

Owns: the rules (``kc*.py``: the check, its documentation, its fix and that fix's safety, its
VALID / INVALID examples with the fixed text), their base classes (``base``), the order in which
engine-error rules claim an error (``ENGINE_ERROR_ORDER`` below), rule documentation
(``documentation``), and what rules share: syntax helpers and text edits (``_syntax``), Keras facts
about activations and losses (``_facts``), the data flow (``_flow``) and the other ``_*.py``.
May import: kerascheck (``KERAS_VERSION``), kerascheck.catalogue, kerascheck.migration, kerascheck.diagnostics,
kerascheck.frontend, kerascheck.ir, kerascheck.models, kerascheck.shapes. (``kerascheck.fix`` drives the fixes and imports the rules,
never the other way round.)
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

# The order in which the engine-error rules are asked whether they claim an error Keras raises: the
# first that ``matches`` reports it. Specific before general: the data given to fit/predict (KC110), a mismatch at a layer's input
# (KC107) and dot axes (KC104) before the shape families, those before the general argument and
# call checks, the layer-argument check (KC108) after them, and KC100 (any error) last.
ENGINE_ERROR_ORDER: tuple[str, ...] = (
    "KC110", "KC104", "KC107",
    "KC101", "KC102", "KC103", "KC106", "KC109", "KC201", "KC202", "KC301", "KC401",
    "KC105", "KC402",
    "KC108",
    "KC100",
)


def _engine_rules() -> list[type[EngineErrorRule]]:
    engine = {code for code, rule in RULES.items() if issubclass(rule, EngineErrorRule)}
    if set(ENGINE_ERROR_ORDER) != engine or len(ENGINE_ERROR_ORDER) != len(engine):
        raise RuntimeError(f"ENGINE_ERROR_ORDER must list each engine-error rule once: {sorted(engine)}")
    return [RULES[code] for code in ENGINE_ERROR_ORDER]  # type: ignore[misc]


ENGINE_RULES: list[type[EngineErrorRule]] = _engine_rules()
