"""Option parsing shared by several commands: ``--dim`` values, code lists, the terminal width."""

from __future__ import annotations

import os
import sys

import click


def terminal_columns() -> int:
    """The width Keras's summary measures: env COLUMNS, else the terminal on stdout, else 80."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
        if columns > 0:
            return columns
    except ValueError:
        pass
    try:
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return 80


def parse_dims(values: tuple[str, ...]) -> dict[str, int]:
    """``--dim NAME=VALUE`` options (summary, verify) as a dict."""
    dims = {}
    for value in values:
        name, sep, number = value.rpartition("=")
        if not sep or not name.strip() or not number.strip().isdigit() or int(number) <= 0:
            raise click.BadParameter(f"expected NAME=VALUE with a positive integer VALUE, got {value!r}")
        dims[name.strip()] = int(number)
    return dims


def dims_option(help_text: str):
    return click.option("--dim", "dims", multiple=True, metavar="NAME=VALUE",
                        callback=lambda _c, _p, v: parse_dims(v), help=help_text)
