"""The command line: one module per command, loaded when that command runs (or ``--help`` lists them).

This package owns argument parsing, exit codes and what is printed; the work is done by the
library modules (``check``, ``analysis``, ``fix``, ``report``, ``verify``, ``lsp``). It may import
any of them, lazily: the engine, libcst and the rules are most of a short run's time, and a run
replayed from the cache needs none of them. Nothing outside ``cli`` imports this package.

May import: kerascheck (the version), kerascheck.analysis, kerascheck.cache, kerascheck.check,
kerascheck.config, kerascheck.diagnostics, kerascheck.files, kerascheck.fix, kerascheck.frontend,
kerascheck.lsp, kerascheck.report, kerascheck.rules, kerascheck.shapes, kerascheck.source_text,
kerascheck.summary, kerascheck.verify, kerascheck.notebook, kerascheck.lint (all lazily).

    summary  cli/summary.py   predicted model.summary() tables
    check    cli/check.py     diagnostics, --fix/--diff, output formats
    rules    cli/rules.py     the rule list; ``rule CODE`` prints one rule's documentation
    layers   cli/layers.py    the keras.layers coverage table
    verify   cli/verify.py    run the scripts under real Keras and compare
    lsp      cli/lsp.py       the language server over stdio
"""

from __future__ import annotations

import importlib

import click

from .. import __version__

COMMANDS = {  # command name -> (module, attribute)
    "summary": (".summary", "summary"),
    "check": (".check", "check"),
    "rules": (".rules", "list_rules"),
    "rule": (".rules", "show_rule"),
    "layers": (".layers", "layers"),
    "verify": (".verify", "verify"),
    "lsp": (".lsp", "lsp"),
}


class _LazyGroup(click.Group):
    """Subcommands imported only when one is run or listed (--help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS and name not in self.commands:
            module, attribute = COMMANDS[name]
            self.add_command(getattr(importlib.import_module(module, __package__), attribute), name)
        return super().get_command(ctx, name)


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="kerascheck")
def main() -> None:
    """Static shape checking for Keras code: predicts model.summary() and what Keras will raise."""
