"""``kerascheck lsp``: the click command. pygls is imported only when the server starts, so the
rest of the command line works without the ``lsp`` extra."""

from __future__ import annotations

import sys

import click


@click.command("lsp")
@click.option("--stdio", is_flag=True, help="Talk LSP over stdin/stdout (the default and only transport).")
def lsp(stdio: bool) -> None:
    """Start the language server (diagnostics, hover, inlay hints, quick fixes) over stdio."""
    try:
        import pygls  # noqa: F401
        import lsprotocol  # noqa: F401
    except ImportError:
        click.echo("kerascheck lsp needs the lsp extra: pip install '.[lsp]' in a kerascheck clone (see the README's Install)", err=True)
        sys.exit(2)
    from ..lsp.server import serve

    serve()
