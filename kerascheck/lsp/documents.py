"""The language server's state: its options, one ``DocState`` per open document, and the
configuration of each folder (``ConfigCache``)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp

from ..config import Config, ConfigError, load
from ..diagnostics import Diagnostic
from .facts import Facts
from .textmap import LineMap


@dataclass
class Options:
    inlay_hints: bool = True
    debounce: float = 0.025
    timeout: float = 10.0
    max_size: int = 1_000_000
    columns: int = 80

    @classmethod
    def parse(cls, raw: Any) -> "Options":
        options = cls()
        if not isinstance(raw, dict):
            return options
        if isinstance(raw.get("kerascheck"), dict):
            raw = {**raw, **raw["kerascheck"]}

        def number(key: str, default: float, low: float) -> float:
            value = raw.get(key, default)
            return max(float(value), low) if isinstance(value, (int, float)) and not isinstance(value, bool) else default

        if isinstance(raw.get("inlayHints"), bool):
            options.inlay_hints = raw["inlayHints"]
        options.debounce = number("debounceMs", options.debounce * 1000, 0) / 1000
        options.timeout = number("analysisTimeout", options.timeout, 0.05)
        options.max_size = int(number("maxFileSize", options.max_size, 1))
        options.columns = int(number("summaryColumns", options.columns, 20))
        return options


@dataclass
class DocState:
    uri: str
    path: str  # the filesystem path the analysis reports and resolves sibling modules from
    dirty: bool = False
    due: float = 0.0
    task: asyncio.Task | None = None
    analyses: int = 0
    # What was last published, for code actions: the text, its diagnostics and their LSP form.
    published_source: str | None = None
    published: list[tuple[Diagnostic, lsp.Diagnostic]] = field(default_factory=list)
    # The last analysis that parsed: its facts and the lines they refer to.
    facts: Facts | None = None
    facts_lines: list[str] | None = None
    facts_ready: asyncio.Event = field(default_factory=asyncio.Event)
    linemap: tuple[int, int, LineMap] | None = None  # (id of facts_lines, hash of current text, map)
    last_elapsed: float | None = None
    fresh: bool = False  # the next analysis must not come from ``recent`` (open, save, config change)
    # Results of the last few texts (typing a character and deleting it, undo, redo): key -> results
    recent: OrderedDict = field(default_factory=OrderedDict)
    cache_hits: int = 0
    # A notebook document: its code cells as one script, and each cell URI's index (``notebooks``).
    notebook: Any = None
    cells: dict[str, int] = field(default_factory=dict)
    cell_published: dict[int, lsp.Diagnostic] = field(default_factory=dict)


class ConfigCache:
    """``[tool.kerascheck]`` per folder, reloaded when a pyproject.toml above it changes."""

    def __init__(self) -> None:
        self.cache: dict[Path, tuple[tuple, Config, str | None]] = {}

    @staticmethod
    def _signature(folder: Path) -> tuple:
        stamps = []
        for parent in [folder, *folder.parents]:
            try:
                stamps.append((parent, (parent / "pyproject.toml").stat().st_mtime_ns))
            except OSError:
                pass
        return tuple(stamps)

    def get(self, path: Path) -> tuple[Config, str | None]:
        folder = path.parent if path.suffix else path
        signature = self._signature(folder)
        hit = self.cache.get(folder)
        if hit is not None and hit[0] == signature:
            return hit[1], hit[2]
        try:
            config, error = load(path), None
        except ConfigError as exc:
            config, error = Config(), str(exc)
        except Exception as exc:  # an unreadable tree must not stop the server
            config, error = Config(), f"cannot read the configuration: {exc}"
        self.cache[folder] = (signature, config, error)
        return config, error
