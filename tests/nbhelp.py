"""Notebooks for the tests, built with nbformat from the repo's fixture scripts.

``notebook_of(script)`` cuts a script into code cells at top-level statements and mixes in what
real notebooks have: markdown cells, empty code cells, a cell of line magics and shell escapes,
an opaque ``%%bash`` cell, ``%%time`` over one chunk (its body runs) and a line magic inside a
chunk. It returns the notebook and, independently of kerascheck, where each script line went:
``where[script_line] = (cell index, line in the cell)``.
"""

from __future__ import annotations

import ast

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell


def _boundaries(script: str) -> list[int]:
    """0-based line indexes where a top-level statement (with its decorators and the comments
    just above it) starts."""
    tree = ast.parse(script)
    lines = script.splitlines()
    starts = []
    for node in tree.body:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])]) - 1
        while first > 0 and lines[first - 1].lstrip().startswith("#"):
            first -= 1
        starts.append(first)
    return sorted(set(starts))


def notebook_of(script: str, per_cell: int = 3):
    lines = script.splitlines()
    starts = _boundaries(script)
    cuts = [0] + starts[per_cell::per_cell] + [len(lines)]
    chunks = [lines[a:b] for a, b in zip(cuts, cuts[1:]) if b > a]
    cells = [new_markdown_cell("# A notebook made from a fixture\n\nWith *markdown* in between."),
             new_code_cell("%matplotlib inline\n!pip install -q keras\nfiles = !ls\n%load_ext autoreload"),
             new_code_cell(""),
             new_code_cell("%%bash\necho this is not python\nundefined_name_in_bash + 1"),
             new_raw_cell("raw text")]
    where: dict[int, tuple[int, int]] = {}
    script_line = 0
    for number, chunk in enumerate(chunks):
        body, offset = list(chunk), 0
        if number == 1:
            body.insert(0, "%%time")
            offset = 1
        elif number == 2 and body and not body[0].startswith((" ", "\t")):
            body.insert(0, "%time")
            offset = 1
        cells.append(new_code_cell("\n".join(body)))
        for k in range(len(chunk)):
            script_line += 1
            where[script_line] = (len(cells), k + 1 + offset)
        if number % 2 == 0:
            cells.append(new_markdown_cell(f"Part {number}"))
        if number == 3:
            cells.append(new_code_cell("   \n"))
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python", "version": "3.12.0"}})
    nbformat.validate(notebook)
    return notebook, where


def write(notebook, path) -> None:
    nbformat.write(notebook, str(path))
