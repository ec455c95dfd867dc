"""``[tool.kerascheck]`` in pyproject.toml, overridden by command-line flags (Ruff's conventions).

    [tool.kerascheck]
    select = ["KC1", "KC201"]        # codes or prefixes; default: every rule
    extend-select = ["KC6"]
    ignore = ["KC105"]
    per-file-ignores = { "tests/*" = ["KC1"] }
    exclude = ["legacy/", "*_pb2.py"]  # gitignore-style, relative to the config file
    extend-exclude = ["*.ipynb"]       # more of them (added to exclude)
    include = ["*.py", "*.ipynb"]      # what a directory walk yields (default: both)
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


from .diagnostics import SYNTAX_CODE  # noqa: E402,F401  (re-exported)

# Opt-in rules (opinionated design smells, as ruff keeps preview rules): chosen only by a selector
# that names them at least this precisely ("KC65", "KC651"); "KC", "KC6" and "ALL" leave them off.
OPT_IN = ("KC65",)
_RULES_FOLDER = Path(__file__).resolve().parent / "rules"


def rule_codes() -> set[str]:
    """Every rule's code, read from the rule modules' file names (``kc102_reshape_size.py``: KC102)
    without importing them: choosing codes for a cached file must not cost the rules' import."""
    try:
        names = os.listdir(_RULES_FOLDER)
    except OSError:  # not a folder (e.g. a zipped install): ask the rules themselves
        from .rules import RULES

        return set(RULES)
    return {name.split("_", 1)[0].upper() for name in names if name.startswith("kc") and name.endswith(".py")}


class ConfigError(Exception):
    pass


@dataclass
class Config:
    root: Path = field(default_factory=Path.cwd)  # the directory patterns are relative to
    select: list[str] = field(default_factory=lambda: ["KC"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    include: list[str] | None = None  # None: the default, *.py and *.ipynb
    source: Path | None = None  # the pyproject.toml it came from

    def enabled_codes(self, path: str | None = None) -> set[str]:
        codes = rule_codes() | {SYNTAX_CODE}
        selectors = self.select + self.extend_select
        chosen = {c for c in codes if _matches(c, selectors) and (not opt_in(c) or _names_opt_in(c, selectors))}
        ignored = list(self.ignore)
        if path is not None and self.per_file_ignores:
            import pathspec

            rel = self.relative(path)
            for pattern, prefixes in self.per_file_ignores.items():
                if pathspec.PathSpec.from_lines("gitwildmatch", [pattern]).match_file(rel):
                    ignored += prefixes
        return {c for c in chosen if not _matches(c, ignored)}

    def relative(self, path: str) -> str:
        try:
            return Path(path).resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return Path(path).as_posix()

    def cache_key(self) -> str:
        return repr((sorted(self.select), sorted(self.extend_select), sorted(self.ignore),
                     sorted(self.per_file_ignores.items()), sorted(self.exclude), self.include))


def opt_in(code: str) -> bool:
    return code.startswith(OPT_IN)


def _names_opt_in(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(p.upper()) and p.upper().startswith(OPT_IN) for p in prefixes)


def _matches(code: str, prefixes: list[str]) -> bool:
    return any(p == "ALL" or code.startswith(p.upper()) for p in prefixes)


def find_pyproject(start: Path) -> Path | None:
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else [start.parent, *start.parent.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
            if "kerascheck" in data.get("tool", {}):
                return candidate
    return None


def load(start: Path, explicit: Path | None = None) -> Config:
    path = explicit or find_pyproject(start)
    if path is None:
        return Config()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    table = data.get("tool", {}).get("kerascheck", {})
    known = {"select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude", "include"}
    unknown = set(table) - known
    if unknown:
        raise ConfigError(f"{path}: unknown [tool.kerascheck] option(s): {', '.join(sorted(unknown))}")
    config = Config(root=path.parent, source=path)
    for key in ("select", "extend-select", "ignore", "exclude", "extend-exclude", "include"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise ConfigError(f"{path}: [tool.kerascheck] {key} must be a list of strings")
            if key == "extend-exclude":
                config.exclude += value
            else:
                setattr(config, key.replace("-", "_"), list(value))
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict) or not all(isinstance(v, list) for v in pfi.values()):
        raise ConfigError(f"{path}: [tool.kerascheck] per-file-ignores must map patterns to lists of codes")
    config.per_file_ignores = {k: list(v) for k, v in pfi.items()}
    return config
