"""Notebooks in the language server: LSP 3.17 notebook documents, and ``.ipynb`` files opened as text.

A notebook document (``notebookDocument/didOpen/didChange/didClose``, as VS Code and JupyterLab's
LSP extension send them) is analysed as one script, its code cells in order (``notebook``): the
server keeps one ``DocState`` for the notebook's URI, and the script is what the worker analyses.
Diagnostics are published per cell (each cell's URI, cell-relative ranges; a cell with none gets an
empty list). Hover, inlay hints and quick fixes in a cell translate the cell position to the
script's and back.

An ``.ipynb`` opened as a plain text document (its JSON) gets the same diagnostics as ``kerascheck
check``, at the JSON text's lines and columns.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from ..notebook import NotNotebook, Notebook, is_notebook, not_a_notebook
from ..notebook import read as read_notebook
from .textmap import split_lines, to_client

if TYPE_CHECKING:
    from ..diagnostics import Diagnostic
    from .documents import DocState
    from .server import KerascheckServer

# Per notebook URI and script text: the Notebook and cell URIs it was built from; the cells published.
_BUILT: OrderedDict[tuple[str, str], tuple[Notebook, dict[str, int]]] = OrderedDict()
_PUBLISHED: dict[str, set[str]] = {}
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information}
SYNC_OPTIONS = lsp.NotebookDocumentSyncOptions(notebook_selector=[
    lsp.NotebookDocumentFilterWithCells(cells=[lsp.NotebookCellLanguage(language="python")], notebook="*")])


def notebook_of(server: "KerascheckServer", uri: str):
    """The ``NotebookDocument`` with that URI, or None."""
    try:
        return server.workspace.get_notebook_document(notebook_uri=uri)
    except Exception:
        return None


def containing_notebook(server: "KerascheckServer", cell_uri: str):
    try:
        return server.workspace.get_notebook_document(cell_uri=cell_uri)
    except Exception:
        return None


def build(server: "KerascheckServer", document, path: str) -> tuple[Notebook, dict[str, int]]:
    """The notebook's code cells as one script; and each code cell URI's 1-based index."""
    cells, indexes = [], {}
    for index, cell in enumerate(document.cells, 1):
        try:
            text = server.workspace.get_text_document(cell.document)
            source, language = text.source, (text.language_id or "python").lower()
        except Exception:
            source, language = "", "python"
        code = cell.kind == lsp.NotebookCellKind.Code and language == "python"
        cells.append(("code" if code else "markdown", source))
        if code:
            indexes[cell.document] = index
    return Notebook.from_cells(path, cells), indexes


def source_of(server: "KerascheckServer", uri: str) -> tuple[int | None, str]:
    """(version, text) the server analyses for a document: a notebook's script, else its text."""
    document = notebook_of(server, uri)
    if document is None:
        text = server.workspace.get_text_document(uri)
        return text.version, text.source
    doc = server.state(uri)
    doc.notebook, doc.cells = build(server, document, doc.path)
    _BUILT[(uri, doc.notebook.script)] = (doc.notebook, doc.cells)
    while len(_BUILT) > 32:
        _BUILT.popitem(last=False)
    return document.version, doc.notebook.script


def broken_json(doc: "DocState", source: str) -> "Diagnostic | None":
    """For an ``.ipynb`` opened as text: the KC000 when its text is not a notebook."""
    if doc.notebook is not None or not is_notebook(doc.path):
        return None
    return not_a_notebook(source.encode("utf-8", "surrogatepass"), doc.path)


def publish(server: "KerascheckServer", doc: "DocState", version: int | None, source: str,
            diagnostics: list["Diagnostic"]) -> bool:
    """Publish a notebook's diagnostics per cell, or an ``.ipynb`` text's at its JSON positions.
    False when the document is neither (the server publishes it as usual)."""
    def convert(lines, d, start, end):
        start = to_client(lines, *start, server.encoding)
        end = max(start, to_client(lines, *end, server.encoding))
        return lsp.Diagnostic(range=lsp.Range(lsp.Position(*start), lsp.Position(*end)), message=d.message,
                              severity=SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error), code=d.code,
                              source="kerascheck")

    # the cells as they were when this text was built (a hover since may have rebuilt doc.notebook)
    notebook, cells = _BUILT.get((doc.uri, source), (doc.notebook, doc.cells))
    if notebook is not None and notebook_of(server, doc.uri) is not None:
        per_cell: dict[str, list] = {uri: [] for uri in cells}
        for gone in _PUBLISHED.get(doc.uri, set()) - set(cells):  # a cell deleted since: cleared
            per_cell[gone] = []
        _PUBLISHED[doc.uri] = set(cells)
        by_index = {index: uri for uri, index in cells.items()}
        script_lines = split_lines(source)
        converted, doc.cell_published = [], {}
        for d in diagnostics:
            mapped = notebook.map_diagnostic(d)
            uri = by_index.get(mapped.cell) if mapped is not None else None
            if uri is None:
                continue
            try:
                lines = split_lines(server.workspace.get_text_document(uri).source)
            except Exception:
                continue
            item = convert(lines, mapped, (mapped.line, mapped.column), (mapped.end_line, mapped.end_column))
            per_cell[uri].append(item)
            # code actions work on the script: its diagnostics in script coordinates, and their cell form
            in_script = convert(script_lines, d, (d.line, d.column), (d.end_line, d.end_column))
            converted.append((d, in_script))
            doc.cell_published[id(in_script)] = item
        doc.published_source, doc.published = source, converted
        for uri, items in per_cell.items():
            server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=items))
        return True
    if is_notebook(doc.path) and diagnostics and any(d.cell for d in diagnostics):  # the JSON text
        try:
            parsed = read_notebook(source, doc.path)
        except NotNotebook:
            return False
        lines = split_lines(source)
        converted = []
        for d in diagnostics:
            if d.cell:
                start = parsed.json_position(d.cell, d.line, d.column)
                end = parsed.json_position(d.cell, d.end_line, d.end_column) if d.end_line >= d.line else start
            else:
                start, end = (d.line, d.column), (d.end_line, d.end_column)
            converted.append((d, convert(lines, d, start, end)))
        doc.published_source, doc.published = source, converted
        server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=doc.uri, diagnostics=[c for _, c in converted], version=version))
        return True
    return False


def close(server: "KerascheckServer", uri: str, cell_uris: list[str]) -> None:
    server.close(uri)
    for key in [k for k in _BUILT if k[0] == uri]:
        del _BUILT[key]
    for cell in set(cell_uris) | _PUBLISHED.pop(uri, set()):
        server.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=cell, diagnostics=[]))


def cell_target(server: "KerascheckServer", cell_uri: str):
    """For a cell URI: (notebook DocState, its Notebook, the cell's index); else None."""
    document = containing_notebook(server, cell_uri)
    if document is None:
        return None
    doc = server.docs.get(document.uri)
    if doc is None or getattr(doc, "notebook", None) is None:
        return None
    doc.notebook, doc.cells = build(server, document, doc.path)  # the current text of every cell
    index = doc.cells.get(cell_uri)
    return None if index is None else (doc, doc.notebook, index)


async def hover(server: "KerascheckServer", params: lsp.HoverParams) -> lsp.Hover | None:
    target = cell_target(server, params.text_document.uri)
    if target is None:
        return None
    doc, notebook, index = target
    line = notebook.script_line(index, params.position.line + 1)
    if line is None:
        return None
    moved = lsp.HoverParams(text_document=lsp.TextDocumentIdentifier(uri=doc.uri),
                            position=lsp.Position(line - 1, params.position.character))
    return await server.hover(moved)


async def inlay_hints(server: "KerascheckServer", params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    target = cell_target(server, params.text_document.uri)
    if target is None:
        return []
    doc, notebook, index = target
    first = notebook.script_line(index, 1)
    if first is None:
        return []
    whole = lsp.Range(lsp.Position(0, 0), lsp.Position(len(notebook.linemap) + 1, 0))
    hints = await server.inlay_hints(lsp.InlayHintParams(
        text_document=lsp.TextDocumentIdentifier(uri=doc.uri), range=whole))
    result = []
    for hint in hints:
        place = notebook.cell_position(hint.position.line + 1)
        if place is None or place[0] != index:
            continue
        if params.range.start.line <= place[1] - 1 <= params.range.end.line:
            hint.position = lsp.Position(place[1] - 1, hint.position.character)
            result.append(hint)
    return result


def code_actions(server: "KerascheckServer", params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    cell_uri = params.text_document.uri
    target = cell_target(server, cell_uri)
    if target is None:
        return []
    doc, notebook, index = target
    start = notebook.script_line(index, params.range.start.line + 1)
    end = notebook.script_line(index, params.range.end.line + 1)
    if start is None or end is None:
        return []
    moved = lsp.CodeActionParams(
        text_document=lsp.TextDocumentIdentifier(uri=doc.uri),
        range=lsp.Range(lsp.Position(start - 1, params.range.start.character),
                        lsp.Position(end - 1, params.range.end.character)),
        context=params.context)
    actions = server.code_actions(moved)
    result = []
    for action in actions:
        edits = []
        for edit in (action.edit.changes or {}).get(doc.uri, []):
            first = notebook.cell_position(edit.range.start.line + 1)
            last = notebook.cell_position(edit.range.end.line + 1)
            if first is None or last is None or first[0] != index or last[0] != index:
                edits = []
                break
            edits.append(lsp.TextEdit(range=lsp.Range(lsp.Position(first[1] - 1, edit.range.start.character),
                                                      lsp.Position(last[1] - 1, edit.range.end.character)),
                                      new_text=edit.new_text))
        if not edits:
            continue
        action.edit = lsp.WorkspaceEdit(changes={cell_uri: edits})
        action.diagnostics = [doc.cell_published.get(id(d), d) for d in action.diagnostics or []] or None
        result.append(action)
    return result


def register(server: "KerascheckServer", guarded) -> None:
    """The notebook document notifications."""

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_OPEN)
    @guarded("didOpenNotebook")
    def did_open(ls: "KerascheckServer", params: lsp.DidOpenNotebookDocumentParams):
        ls.schedule(params.notebook_document.uri, 0.0, fresh=True)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CHANGE)
    @guarded("didChangeNotebook")
    def did_change(ls: "KerascheckServer", params: lsp.DidChangeNotebookDocumentParams):
        ls.schedule(params.notebook_document.uri, ls.options.debounce)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_SAVE)
    @guarded("didSaveNotebook")
    def did_save(ls: "KerascheckServer", params: lsp.DidSaveNotebookDocumentParams):
        ls.schedule(params.notebook_document.uri, 0.0, fresh=True)

    @server.feature(lsp.NOTEBOOK_DOCUMENT_DID_CLOSE)
    @guarded("didCloseNotebook")
    def did_close(ls: "KerascheckServer", params: lsp.DidCloseNotebookDocumentParams):
        close(ls, params.notebook_document.uri, [c.uri for c in params.cell_text_documents])
