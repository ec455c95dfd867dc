"""The text format: ``path:line:col: CODE message``, coloured on a terminal, and the closing line
(``Found 3 errors (2 fixable with --fix).`` / ``All checks passed!``), as ruff writes them."""

from __future__ import annotations

import os
from typing import IO

import click

from ..diagnostics import Diagnostic


def use_color(stream: IO, requested: bool = True) -> bool:
    """Colour when writing to a terminal, unless ``NO_COLOR`` is set; ``FORCE_COLOR`` forces it
    (https://no-color.org, https://force-color.org). Never into a file (``-o``)."""
    if not requested:
        return False
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def line(d: Diagnostic, color: bool = False) -> str:
    if not color:
        return d.format()
    code_color = "red" if d.severity == "error" else "yellow"
    cell = f"cell {d.cell}{click.style(':', fg='cyan')}" if d.cell else ""
    return (f"{click.style(d.path, bold=True)}{click.style(':', fg='cyan')}{cell}{d.line}{click.style(':', fg='cyan')}"
            f"{d.column}{click.style(':', fg='cyan')} {click.style(d.code, fg=code_color, bold=True)} {d.message}")


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def closing_line(diagnostics: list[Diagnostic], unsafe_fixes: bool = False, fixed: int | None = None,
                 color: bool = False) -> str:
    """What ruff prints after the diagnostics. ``fixed``: the number ``--fix`` applied (None without --fix)."""
    if fixed:
        return f"Found {plural(fixed + len(diagnostics), 'error')} ({fixed} fixed, {len(diagnostics)} remaining)."
    if not diagnostics:
        return click.style("All checks passed!", fg="green", bold=True) if color else "All checks passed!"
    safe = sum(1 for d in diagnostics if d.fix == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix == "unsafe")
    notes = []
    if unsafe_fixes and safe + unsafe:
        notes.append(f"{safe + unsafe} fixable with --fix")  # --unsafe-fixes was given
    else:
        if safe:
            notes.append(f"{safe} fixable with --fix")
        if unsafe:
            notes.append(f"{unsafe} more with --unsafe-fixes")
    return f"Found {plural(len(diagnostics), 'error')}" + (f" ({'; '.join(notes)})" if notes else "") + "."
