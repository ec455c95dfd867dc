"""``kerascheck layers``: the coverage table of ``keras.layers`` (see ``kerascheck.shapes.coverage``)."""

from __future__ import annotations

import click


@click.command()
@click.option("--missing", is_flag=True, help="Only the names that are not supported (unresolved by design or not yet).")
def layers(missing: bool) -> None:
    """List every public name of keras.layers with its status and notes."""
    from ..shapes.coverage import KERAS_VERSION, SUPPORTED, coverage_table, counts

    table = coverage_table()
    rows = [row for row in table if not (missing and row.status == SUPPORTED)]
    name_width = max([len("name"), *(len(row.name) for row in rows)])
    status_width = max([len("status"), *(len(row.status) for row in rows)])
    click.echo(f"{'name'.ljust(name_width)}  {'status'.ljust(status_width)}  notes")
    for row in rows:
        click.echo(f"{row.name.ljust(name_width)}  {row.status.ljust(status_width)}  {row.note}".rstrip())
    n = counts(table)
    click.echo(
        f"\nkeras.layers of Keras {KERAS_VERSION}: {n['supported']} of {len(table)} names supported, "
        f"{n['unresolved-by-design']} unresolved by design, {n['not yet']} not yet"
    )
