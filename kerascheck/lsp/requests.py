"""The language server's requests: hover, inlay hints and quick fixes answered from the facts and
diagnostics of the last analysis (mapped onto the current text), and the ``kerascheck.stats`` command."""

from __future__ import annotations

import asyncio
import tracemalloc
from typing import TYPE_CHECKING

from lsprotocol import types as lsp

from . import actions as actions_mod
from . import notebooks
from .facts import Facts, pick
from .textmap import LineMap, from_client, split_lines, to_client, word_at
from .worker import rss_bytes

if TYPE_CHECKING:
    from .server import KerascheckServer


# -- requests ------------------------------------------------------------------------------------
async def current_facts(server: "KerascheckServer", uri: str) -> tuple[Facts | None, LineMap | None, list[str]]:
    """The facts to answer from, the map from the current lines to theirs, the current lines."""
    doc = server.docs.get(uri)
    try:
        source = notebooks.source_of(server, uri)[1]
    except Exception:
        return None, None, []
    lines = split_lines(source)
    if doc is None:
        return None, None, lines
    if not doc.facts_ready.is_set():
        try:  # the current text is being analysed: its answer is worth a short wait
            await asyncio.wait_for(doc.facts_ready.wait(), min(server.options.timeout, 3.0))
        except asyncio.TimeoutError:
            pass
    if doc.facts is None or doc.facts_lines is None:
        return None, None, lines
    key = (id(doc.facts_lines), hash(source))
    if doc.linemap is None or doc.linemap[:2] != key:
        doc.linemap = (*key, LineMap(doc.facts_lines, lines))
    return doc.facts, doc.linemap[2], lines

async def hover(server: "KerascheckServer", params: lsp.HoverParams) -> lsp.Hover | None:
    if notebooks.containing_notebook(server, params.text_document.uri) is not None:
        return await notebooks.hover(server, params)
    facts, linemap, lines = await current_facts(server, params.text_document.uri)
    if facts is None or linemap is None:
        return None
    line, column = from_client(lines, params.position.line, params.position.character, server.encoding)
    old_line = linemap.to_old(line)
    if old_line is None:
        return None
    text = pick(facts, old_line, column, word_at(lines, line, column), server.options.columns)
    if text is None:
        return None
    return lsp.Hover(contents=lsp.MarkupContent(kind=lsp.MarkupKind.Markdown, value=text))

async def inlay_hints(server: "KerascheckServer", params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
    if not server.options.inlay_hints:
        return []
    if notebooks.containing_notebook(server, params.text_document.uri) is not None:
        return await notebooks.inlay_hints(server, params)
    facts, linemap, lines = await current_facts(server, params.text_document.uri)
    if facts is None or linemap is None:
        return []
    first, last = params.range.start.line + 1, params.range.end.line + 1
    hints = []
    for hint in facts.hints:
        line = linemap.to_new(hint.line)
        if line is None or not first <= line <= last or line > len(lines):
            continue
        character = to_client(lines, line, len(lines[line - 1]) + 1, server.encoding)[1]
        hints.append(lsp.InlayHint(position=lsp.Position(line - 1, character), label=hint.label,
                                   kind=lsp.InlayHintKind.Type, padding_left=True, tooltip=hint.tooltip))
    return hints

def code_actions(server: "KerascheckServer", params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
    uri = params.text_document.uri
    if notebooks.containing_notebook(server, uri) is not None:
        return notebooks.code_actions(server, params)
    doc = server.docs.get(uri)
    try:
        source = notebooks.source_of(server, uri)[1]
    except Exception:
        return []
    if doc is None or doc.published_source != source or not doc.published:
        return []  # the diagnostics are for an older text: their ranges may not fit any more
    wanted = params.range
    chosen = []
    for diagnostic, converted in doc.published:
        r = converted.range
        overlaps = (r.start.line, r.start.character) <= (wanted.end.line, wanted.end.character) and \
                   (wanted.start.line, wanted.start.character) <= (r.end.line, r.end.character)
        if overlaps:
            chosen.append((diagnostic, converted))
    only = params.context.only if params.context else None
    if only and not any(str(getattr(k, "value", k)).startswith("quickfix") for k in only):
        return []
    lines = split_lines(source)
    by_diagnostic = {id(d): c for d, c in chosen}
    result = []
    for action in actions_mod.code_actions(source, [d for d, _ in chosen]):
        edits = []
        for edit in action.edits:
            start = to_client(lines, edit.line, edit.column, server.encoding)
            end = to_client(lines, edit.end_line, edit.end_column, server.encoding)
            edits.append(lsp.TextEdit(range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
                                      new_text=edit.new_text))
        result.append(lsp.CodeAction(
            title=action.title, kind=lsp.CodeActionKind.QuickFix,
            diagnostics=[by_diagnostic[id(action.diagnostic)]], is_preferred=action.preferred or None,
            edit=lsp.WorkspaceEdit(changes={uri: edits})))
    return result

async def stats(server: "KerascheckServer") -> dict:
    worker: dict = {}
    if server.engine.pid is not None:
        try:
            worker = await server.engine.request({"op": "stats"}, server.options.timeout)
        except Exception as exc:
            worker = {"error": str(exc)}
    return {
        "server_rss": rss_bytes(), "worker": worker, "documents": len(server.docs),
        "analyses": sum(d.analyses for d in server.docs.values()),
        "cache_hits": sum(d.cache_hits for d in server.docs.values()),
        "last_elapsed": {d.uri: d.last_elapsed for d in server.docs.values()},
        "worker_starts": server.engine.starts, "worker_timeouts": server.engine.timeouts,
        "worker_crashes": server.engine.crashes,
        **_allocations(server),
    }

def _allocations(server: "KerascheckServer") -> dict:
    """With PYTHONTRACEMALLOC set: where the server's memory grew since the previous stats call
    (to find a leak)."""
    if not tracemalloc.is_tracing():
        return {}
    snapshot = tracemalloc.take_snapshot().filter_traces([tracemalloc.Filter(False, tracemalloc.__file__)])
    previous, server._snapshot = getattr(server, "_snapshot", None), snapshot
    if previous is None:
        return {"allocations": []}
    top = snapshot.compare_to(previous, "traceback")[:10]
    return {"allocations": [f"{s.size_diff / 1024:+.0f} KiB {s.count_diff:+d}\n" + "\n".join(s.traceback.format())
                            for s in top]}
