"""``kerascheck lsp`` on notebooks, end to end (pytest-lsp): the client sends LSP 3.17
``notebookDocument/didOpen/didChange/didClose`` as VS Code does; diagnostics come per cell, hover,
inlay hints and quick fixes work inside cells. And an ``.ipynb`` opened as plain text."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest.importorskip("pytest_lsp")
nbformat = pytest.importorskip("nbformat")

from lsprotocol import types  # noqa: E402
from pytest_lsp import LanguageClient  # noqa: E402
from test_lsp import apply_edits, client, hints, hover_text, init_options, open_doc  # noqa: E402,F401

CELLS = [
    (types.NotebookCellKind.Markup, "markdown", "# A model\nSome *text*."),
    (types.NotebookCellKind.Code, "python", "%matplotlib inline\nimport keras\nfrom keras import layers"),
    (types.NotebookCellKind.Code, "python", "!pip install -q keras\ninputs = keras.Input(shape=16)\n"
                                            "x = layers.Dense(8, activation=\"relu\")(inputs)"),
    (types.NotebookCellKind.Code, "python", ""),
    (types.NotebookCellKind.Code, "python", "outputs = layers.Dense(1)(x)\nmodel = keras.Model(inputs, outputs)\n"
                                            "model.summary()"),
]


def cell_uri(notebook: Path, index: int) -> str:
    return f"vscode-notebook-cell:{notebook.as_posix()}#W{index}sZmlsZQ%3D%3D"


def open_notebook(client: LanguageClient, path: Path, cells=CELLS) -> tuple[str, list[str]]:
    uri = path.as_uri()
    uris = [cell_uri(path, i) for i in range(len(cells))]
    client.notebook_document_did_open(types.DidOpenNotebookDocumentParams(
        notebook_document=types.NotebookDocument(uri=uri, notebook_type="jupyter-notebook", version=1, cells=[
            types.NotebookCell(kind=kind, document=u) for (kind, _, _), u in zip(cells, uris)]),
        cell_text_documents=[types.TextDocumentItem(uri=u, language_id=language, version=1, text=text)
                             for (_, language, text), u in zip(cells, uris)]))
    return uri, uris


async def published(client: LanguageClient, uri: str, since: int, timeout: float = 60.0):
    """The diagnostics of the first publication for ``uri`` after ``client.published[since]``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for params in client.published[since:]:
            if params.uri == uri:
                return params.diagnostics
        if loop.time() > deadline:
            raise AssertionError(f"nothing published for {uri}: {[p.uri for p in client.published[since:]]}")
        try:
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 0.5)
        except asyncio.TimeoutError:
            pass


def structure(client: LanguageClient, uri: str, version: int, at: int, kind, cell: str, language: str, text: str):
    """A notebookDocument/didChange inserting one cell at index ``at``."""
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=uri, version=version),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
            structure=types.NotebookDocumentCellChangeStructure(
                array=types.NotebookCellArrayChange(start=at, delete_count=0, cells=[
                    types.NotebookCell(kind=kind, document=cell)]),
                did_open=[types.TextDocumentItem(uri=cell, language_id=language, version=1, text=text)])))))


def span(d: types.Diagnostic) -> tuple[int, int, int, int]:
    return d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character


@pytest.mark.asyncio
async def test_notebook_document_diagnostics_hover_hints_fixes(client: LanguageClient, tmp_path: Path):
    path = tmp_path / "model.ipynb"
    since = len(client.published)
    uri, uris = open_notebook(client, path)
    (bug,) = await published(client, uris[2], since)
    assert bug.code == "KC109" and "shape=(16,)" in bug.message
    assert span(bug) == (1, 9, 1, 30)  # line 2 of the cell, `keras.Input(shape=16)`, 0-based
    for other in (uris[1], uris[3], uris[4]):  # every code cell is told: nothing there
        assert list(await published(client, other, since)) == []
    assert not any(p.uri in (uri, uris[0]) for p in client.published[since:])  # nothing on the notebook/markdown

    # the quick fix edits the cell itself
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uris[2]), range=bug.range,
        context=types.CodeActionContext(diagnostics=[bug])))
    assert [a.title for a in actions][1] == "Disable KC109 for this line (# noqa)"
    fix = actions[0]
    assert list(fix.edit.changes) == [uris[2]] and fix.diagnostics[0].code == "KC109"
    fixed = apply_edits(CELLS[2][2], fix.edit.changes[uris[2]])
    assert fixed.splitlines()[1] == "inputs = keras.Input(shape=(16,))"

    # the editor applies it: a notebookDocument/didChange with the cell's text change
    since = len(client.published)
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=uri, version=2),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(text_content=[
            types.NotebookDocumentCellContentChanges(
                document=types.VersionedTextDocumentIdentifier(uri=uris[2], version=2),
                changes=[types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                         for e in fix.edit.changes[uris[2]]])]))))
    assert list(await published(client, uris[2], since)) == []

    # with the bug fixed (the analysis stops where Keras raises): hover and inlay hints inside cells
    text = await hover_text(client, uris[2], 2, 12)  # `Dense` of the construction in cell 3
    assert text is not None and "**Dense** layer `dense`" in text
    assert "**Output:** `(None, 8)`" in text
    assert await hints(client, uris[2]) == {2: "→ (None, 8)"}
    assert await hints(client, uris[4]) == {0: "→ (None, 1)"}
    summary = await hover_text(client, uris[4], 2, 2)  # `model` of model.summary()
    assert summary.startswith("`summary()` of `functional` prints:") and "Total params: 145" in summary

    # a new cell at the end, then a markdown cell inserted at the top: every cell after it moves
    new = cell_uri(path, 9)
    since = len(client.published)
    structure(client, uri, 3, len(CELLS), types.NotebookCellKind.Code, new, "python", "y = undefined_name + 1")
    (undefined,) = await published(client, new, since)
    assert undefined.code == "KC401" and span(undefined)[:2] == (0, 4)
    since = len(client.published)
    structure(client, uri, 4, 0, types.NotebookCellKind.Markup, cell_uri(path, 10), "markdown", "# Intro")
    (undefined,) = await published(client, new, since)
    assert undefined.code == "KC401" and span(undefined)[:2] == (0, 4)
    assert list(await published(client, uris[2], since)) == []
    assert await hints(client, uris[2]) == {2: "→ (None, 8)"}

    # the cell deleted: its diagnostics are cleared
    since = len(client.published)
    client.notebook_document_did_change(types.DidChangeNotebookDocumentParams(
        notebook_document=types.VersionedNotebookDocumentIdentifier(uri=uri, version=5),
        change=types.NotebookDocumentChangeEvent(cells=types.NotebookDocumentCellChanges(
            structure=types.NotebookDocumentCellChangeStructure(
                array=types.NotebookCellArrayChange(start=len(CELLS) + 1, delete_count=1),
                did_close=[types.TextDocumentIdentifier(uri=new)])))))
    assert list(await published(client, new, since)) == []

    # didClose: every cell's diagnostics are cleared
    since = len(client.published)
    client.notebook_document_did_close(types.DidCloseNotebookDocumentParams(
        notebook_document=types.NotebookDocumentIdentifier(uri=uri),
        cell_text_documents=[types.TextDocumentIdentifier(uri=u) for u in [new, *uris]]))
    assert list(await published(client, new, since)) == []


@pytest.mark.asyncio
async def test_ipynb_opened_as_text_gets_the_json_lines(client: LanguageClient, tmp_path: Path):
    from kerascheck.lint import lint_source

    cells = [nbformat.v4.new_markdown_cell("# Title"),
             nbformat.v4.new_code_cell("import keras\n%time\ninputs = keras.Input(shape=16)")]
    text = nbformat.writes(nbformat.v4.new_notebook(cells=cells))
    path = tmp_path / "plain.ipynb"
    uri = open_doc(client, path, text, language="json")
    since = 0
    (diagnostic,) = await published(client, uri, since)
    expected = lint_source(text, str(path))
    assert [d.code for d in expected] == ["KC109"] and diagnostic.code == "KC109"
    line = text.splitlines()[diagnostic.range.start.line]
    assert line[diagnostic.range.start.character:].startswith("keras.Input(shape=16)")
    assert diagnostic.range.start.line + 1 == expected[0].file_line
    assert diagnostic.range.end.line == diagnostic.range.start.line
    assert line[diagnostic.range.start.character:diagnostic.range.end.character] == "keras.Input(shape=16)"


@pytest.mark.asyncio
async def test_ipynb_text_that_is_not_a_notebook_is_one_kc000(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "broken.ipynb", '{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}\n',
                   language="json")
    (diagnostic,) = await published(client, uri, 0)
    assert diagnostic.code == "KC000" and "not valid JSON" in diagnostic.message
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (2, 23)
