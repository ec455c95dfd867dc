"""``[tool.kerascheck]`` in pyproject.toml, overridden by command-line flags (Ruff's conventions).

    [tool.kerascheck]
    select = ["KC1", "KC201"]        # codes or prefixes; default: every rule
    extend-select = ["KC6"]
    ignore = ["KC105"]
    per-file-ignores = { "tests/*" = ["KC1"] }
    exclude = ["legacy/", "*_pb2.py"]  # gitignore-style, relative to the config file
    extend-exclude = ["*.ipynb"]       # more of them (added to exclude)
    include = ["*.py", "*.ipynb"]      # what a directory walk yields (default: both)
    force-exclude = true             # apply `exclude` to files named explicitly too (pre-commit)

Every mistake is an error that names the file and the key (exit 2 on the command line): a file
that is not TOML, an unknown key, a value of the wrong type, a code or prefix no rule has.
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

from .diagnostics import NOTE_CODE, SYNTAX_CODE
from .files import matches_exclude

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
    """A configuration or selector the run cannot use; the message names where it came from."""


# [tool.kerascheck] keys, their value type and default, as the README documents them.
KEYS = {
    "select": ("list of codes or prefixes", '["KC"] (every rule but the opt-in KC65x)'),
    "extend-select": ("list of codes or prefixes", "[]"),
    "ignore": ("list of codes or prefixes", "[]"),
    "per-file-ignores": ("table: gitignore-style pattern -> list of codes or prefixes", "{}"),
    "exclude": ("list of gitignore-style patterns, relative to the pyproject.toml", "[]"),
    "extend-exclude": ("list of gitignore-style patterns, added to exclude", "[]"),
    "include": ("list of gitignore-style patterns a directory walk yields", '["*.py", "*.ipynb"]'),
    "force-exclude": ("boolean: apply exclude to files passed explicitly too", "false"),
}


def unknown_selectors(selectors: list[str]) -> list[str]:
    """The selectors that match no code: ``ALL``, or a prefix of some code (``KC``, ``KC1``, ``KC109``)."""
    codes = rule_codes() | {SYNTAX_CODE, NOTE_CODE}
    return [s for s in selectors if s.upper() != "ALL" and not any(c.startswith(s.upper()) for c in codes)]


def check_selectors(selectors: list[str], where: str) -> None:
    """Raise ``ConfigError`` naming ``where`` (``--select``, ``pyproject.toml: ignore``) for an unknown one."""
    bad = unknown_selectors(selectors)
    if bad:
        shown = ", ".join(f"`{b}`" for b in bad)
        raise ConfigError(f"{where}: unknown rule selector{'s' if len(bad) > 1 else ''} {shown} "
                          "(a code such as KC109, a prefix such as KC1, or ALL; see `kerascheck rules`)")


@dataclass
class Config:
    root: Path = field(default_factory=Path.cwd)  # the directory patterns are relative to
    select: list[str] = field(default_factory=lambda: ["KC"])
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: dict[str, list[str]] = field(default_factory=dict)
    exclude: list[str] = field(default_factory=list)
    include: list[str] | None = None  # None: the default, *.py and *.ipynb
    force_exclude: bool = False
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

    def excludes(self, path: str | Path) -> bool:
        """Whether ``exclude`` matches ``path`` or one of its folders (what ``--force-exclude`` and
        the language server apply to a file named explicitly)."""
        return matches_exclude(self.exclude, path, self.root)

    def cache_key(self) -> str:
        return repr((sorted(self.select), sorted(self.extend_select), sorted(self.ignore),
                     sorted(self.per_file_ignores.items()), sorted(self.exclude), self.include, self.force_exclude))


def opt_in(code: str) -> bool:
    return code.startswith(OPT_IN)


def _names_opt_in(code: str, prefixes: list[str]) -> bool:
    return any(code.startswith(p.upper()) and p.upper().startswith(OPT_IN) for p in prefixes)


def _matches(code: str, prefixes: list[str]) -> bool:
    return any(p == "ALL" or code.startswith(p.upper()) for p in prefixes)


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid TOML: the file is not UTF-8") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` with a ``[tool.kerascheck]`` table.

    One that is not valid TOML is an error (``ConfigError``), not skipped: it may be the project's
    configuration, and a run that silently used a parent folder's instead would mislead."""
    start = start.resolve()
    for folder in [start, *start.parents] if start.is_dir() else [start.parent, *start.parent.parents]:
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            tool = _read_toml(candidate).get("tool", {})
            if isinstance(tool, dict) and "kerascheck" in tool:
                return candidate
    return None


def _string_list(path: Path, key: str, value) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: [tool.kerascheck] {key} must be a list of strings, got {value!r}")
    return list(value)


def load(start: Path, explicit: Path | None = None) -> Config:
    path = explicit or find_pyproject(start)
    if path is None:
        return Config()
    table = _read_toml(path).get("tool", {}).get("kerascheck", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.kerascheck] must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigError(f"{path}: [tool.kerascheck] unknown key{'s' if len(unknown) > 1 else ''} "
                          f"{', '.join(unknown)} (known: {', '.join(KEYS)})")
    config = Config(root=path.parent, source=path)
    for key in ("select", "extend-select", "ignore", "exclude", "extend-exclude", "include"):
        if key in table:
            value = _string_list(path, key, table[key])
            if key == "extend-exclude":
                config.exclude += value
            else:
                setattr(config, key.replace("-", "_"), value)
            if key not in ("exclude", "extend-exclude", "include"):
                check_selectors(value, f"{path}: [tool.kerascheck] {key}")
    pfi = table.get("per-file-ignores", {})
    if not isinstance(pfi, dict):
        raise ConfigError(f"{path}: [tool.kerascheck] per-file-ignores must map patterns to lists of codes")
    for pattern, codes in pfi.items():
        key = f'per-file-ignores."{pattern}"'
        check_selectors(_string_list(path, key, codes), f"{path}: [tool.kerascheck] {key}")
    config.per_file_ignores = {k: list(v) for k, v in pfi.items()}
    force = table.get("force-exclude", False)
    if not isinstance(force, bool):
        raise ConfigError(f"{path}: [tool.kerascheck] force-exclude must be true or false, got {force!r}")
    config.force_exclude = force
    return config
