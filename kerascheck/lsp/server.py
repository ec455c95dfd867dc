"""The language server (pygls 2.x): diagnostics, hover, inlay hints and quick fixes for Keras code.

Documents are analysed in the worker process (``engine``): on open and save at once, on change
after ``debounceMs`` without further changes. While one analysis runs, newer changes only mark
the document dirty; when it returns, a result for an older text is dropped (never published)
and the latest text is analysed. Diagnostics are what ``kerascheck check`` reports for the
buffer's text with the configuration of the file's project. Hover and inlay hints read the
facts of the last analysis that parsed, mapped line by line onto the current text, so they
survive a syntax error mid-typing.

Initialization options (also accepted under a ``"kerascheck"`` key):

- ``inlayHints`` (true): output shapes after layer calls
- ``debounceMs`` (25): quiet time after a change before it is analysed
- ``analysisTimeout`` (10): seconds one analysis may take; then the worker is restarted and the
  document gets one ``KC000`` warning
- ``maxFileSize`` (1000000): characters; a larger document gets one ``KC000`` warning
- ``summaryColumns`` (80): terminal width the summary tables in hovers are rendered for
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import traceback
from pathlib import Path
from typing import Any

from lsprotocol import types as lsp
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol
from pygls.uris import to_fs_path

from .. import __version__
from ..diagnostics import SYNTAX_CODE, Diagnostic
from ..rules import RULES
from ..source_text import mentions_keras
from . import notebooks, requests
from .documents import ConfigCache, DocState, Options
from .engine import Engine, WorkerDied, WorkerTimeout
from .facts import Facts
from .textmap import split_lines, to_client

log = logging.getLogger(__name__)

RECENT_RESULTS = 8  # per document
SEVERITY = {"error": lsp.DiagnosticSeverity.Error, "warning": lsp.DiagnosticSeverity.Warning,
            "info": lsp.DiagnosticSeverity.Information}


class Protocol(LanguageServerProtocol):
    """pygls 2.1 keeps the future of every notification it handled with a generator or coroutine
    handler (didOpen, didChange ...) in ``_request_futures`` under a random id, forever: about
    1.5 KB per keystroke. Here each is dropped once it is done."""

    def _handle_notification(self, method_name: str, params: Any) -> None:
        before = set(self._request_futures)
        super()._handle_notification(method_name, params)
        for key in set(self._request_futures) - before:
            self._request_futures[key].add_done_callback(lambda _, key=key: self._request_futures.pop(key, None))


class KerascheckServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("kerascheck", __version__, text_document_sync_kind=lsp.TextDocumentSyncKind.Incremental,
                         protocol_cls=Protocol, notebook_document_sync=notebooks.SYNC_OPTIONS)
        self.options = Options()
        self.engine = Engine(lambda message: self.log_client(f"kerascheck: {message}", lsp.MessageType.Error))
        self.docs: dict[str, DocState] = {}
        self.configs = ConfigCache()
        self.config_errors_shown: set[str] = set()
        self.started = time.monotonic()

    # -- reporting -----------------------------------------------------------------------------------
    def log_client(self, message: str, kind: lsp.MessageType = lsp.MessageType.Log) -> None:
        try:
            self.window_log_message(lsp.LogMessageParams(type=kind, message=message))
        except Exception:  # pragma: no cover - the client is gone
            log.exception("cannot log to the client")

    def report_server_error(self, error: Exception, source: Any) -> None:
        # Logged, not shown in a pop-up: the server goes on serving.
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        self.log_client(f"kerascheck internal error: {text}", lsp.MessageType.Error)

    @property
    def encoding(self) -> str:
        try:
            value = self.workspace.position_encoding
        except RuntimeError:
            return "utf-16"
        value = getattr(value, "value", value) or "utf-16"
        return str(value).lower()

    # -- documents -----------------------------------------------------------------------------------
    def is_python(self, uri: str) -> bool:
        if notebooks.notebook_of(self, uri) is not None or uri.lower().endswith(".ipynb"):
            return True
        try:
            document = self.workspace.get_text_document(uri)
        except Exception:
            return False
        language = (document.language_id or "").lower()
        return language == "python" or uri.endswith((".py", ".pyi")) and language in ("", "python")

    def state(self, uri: str) -> DocState:
        doc = self.docs.get(uri)
        if doc is None:
            path = to_fs_path(uri) if uri.startswith("file:") else None
            if not path:
                root = self._folder_for(None)
                path = str(Path(root or Path.cwd()) / (uri.rsplit("/", 1)[-1] or "untitled.py"))
            doc = self.docs[uri] = DocState(uri, path)
        return doc

    def _folder_for(self, path: str | None) -> str | None:
        try:
            folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
            root = self.workspace.root_path
        except Exception:
            return None
        folders = [f for f in folders if f]
        if path is not None:
            inside = [f for f in folders if Path(path).resolve().is_relative_to(Path(f).resolve())]
            if inside:
                return max(inside, key=len)
        return folders[0] if folders else root

    def schedule(self, uri: str, delay: float, fresh: bool = False) -> None:
        if not self.is_python(uri):
            return
        doc = self.state(uri)
        doc.dirty = True
        doc.fresh = doc.fresh or fresh
        doc.facts_ready.clear()
        doc.due = max(doc.due, time.monotonic() + delay) if doc.task is not None and not doc.task.done() else time.monotonic() + delay
        if doc.task is None or doc.task.done():
            doc.task = asyncio.ensure_future(self._run(doc))

    def schedule_dependents(self, uri: str) -> None:
        """Open files that import the changed one are analysed again (its buffer is their overlay)."""
        doc = self.docs.get(uri)
        if doc is None:
            return
        path = Path(doc.path)
        stem = path.parent.name if path.stem == "__init__" else path.stem
        if not stem.isidentifier():
            return
        pattern = re.compile(rf"^\s*(?:from\s+[\w.]*\b{stem}\b|import\s+[\w., ]*\b{stem}\b)", re.MULTILINE)
        for other in list(self.docs.values()):
            if other.uri == uri:
                continue
            try:
                source = self.workspace.get_text_document(other.uri).source
            except Exception:
                continue
            if pattern.search(source):
                self.schedule(other.uri, max(self.options.debounce, 0.3))

    def overlay(self, except_uri: str) -> dict[str, tuple]:
        """Unsaved text of the other open Python files: path -> (version, text)."""
        result = {}
        for doc in self.docs.values():
            if doc.uri == except_uri:
                continue
            try:
                document = self.workspace.get_text_document(doc.uri)
            except Exception:
                continue
            if len(document.source) <= self.options.max_size:
                result[str(Path(doc.path).resolve())] = (document.version, document.source)
        return result

    async def _run(self, doc: DocState) -> None:
        try:
            while doc.dirty:
                while (wait := doc.due - time.monotonic()) > 0:
                    await asyncio.sleep(wait)
                doc.dirty = False
                await self._analyse(doc)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log_client(f"kerascheck: analysis of {doc.uri} failed:\n{traceback.format_exc()}", lsp.MessageType.Error)
        finally:
            if not doc.dirty:
                doc.facts_ready.set()

    async def _analyse(self, doc: DocState) -> None:
        try:
            version, source = notebooks.source_of(self, doc.uri)  # a notebook: its code cells as one script
        except Exception:
            return
        config, error = self.configs.get(Path(doc.path))
        if error and error not in self.config_errors_shown:
            self.config_errors_shown.add(error)
            self.window_show_message(lsp.ShowMessageParams(type=lsp.MessageType.Warning, message=f"kerascheck: {error}"))
        # A file the configuration excludes gets no diagnostics (an editor always names the file, so
        # exclude applies as with --force-exclude); hover and hints still describe it.
        codes = set() if config.excludes(doc.path) else config.enabled_codes(doc.path)
        diagnostics: list[Diagnostic] = []
        parsed = False
        overlay = self.overlay(doc.uri)
        key = (hash(source), tuple(sorted(codes)), tuple(sorted((p, v) for p, (v, _) in overlay.items())))
        fresh, doc.fresh = doc.fresh, False
        reply = None
        cached = None if fresh else doc.recent.get(key)
        if cached is not None:  # this very text was analysed a moment ago (and no file was saved since)
            doc.recent.move_to_end(key)
            doc.cache_hits += 1
            diagnostics, facts, facts_lines = cached
            self.publish(doc, version, source, diagnostics)
            if facts is not None:
                doc.facts, doc.facts_lines, doc.linemap = facts, facts_lines, None
                doc.facts_ready.set()
                self.refresh_hints()
            return
        if not mentions_keras(source):  # as ``check``'s byte scan: a file without them is skipped
            doc.facts, doc.facts_lines = Facts(), split_lines(source)  # nothing to show, and nothing stale
            broken = notebooks.broken_json(doc, source)  # an .ipynb's text that is no notebook: one KC000
            if broken is not None and SYNTAX_CODE in codes:
                diagnostics.append(broken)
        elif len(source) > self.options.max_size:
            if SYNTAX_CODE in codes:
                diagnostics.append(Diagnostic(doc.path, 1, 1, SYNTAX_CODE, (
                    f"file too large for kerascheck to analyse as you type ({len(source):,} characters; the limit is "
                    f"{self.options.max_size:,}, the maxFileSize option); run `kerascheck check` on it instead"),
                    "warning"))
        else:
            try:
                reply = await self.engine.request(
                    {"op": "analyze", "uri": doc.uri, "path": doc.path, "source": source, "codes": sorted(codes)},
                    self.options.timeout, overlay=overlay)
            except WorkerTimeout:
                self.log_client(f"kerascheck: analysis of {doc.uri} stopped after {self.options.timeout:g} s; "
                                "the worker was restarted", lsp.MessageType.Warning)
                if SYNTAX_CODE in codes:
                    diagnostics.append(Diagnostic(doc.path, 1, 1, SYNTAX_CODE, (
                        f"analysis stopped after {self.options.timeout:g} s: the script takes too long to follow "
                        "statically (nothing below is checked; the analysisTimeout option sets the limit)"), "warning"))
                reply = None
            except WorkerDied as exc:
                self.log_client(f"kerascheck: {exc} while analysing {doc.uri}; it is restarted for the next "
                                "request", lsp.MessageType.Error)
                reply = None
            if reply is not None and not reply.get("ok"):
                self.log_client(f"kerascheck internal error in {doc.uri}:\n{reply.get('error')}", lsp.MessageType.Error)
                reply = None
            if reply is not None:
                diagnostics = reply["diagnostics"]
                parsed = reply["parsed"]
                doc.last_elapsed = reply.get("elapsed")
        doc.analyses += 1
        if doc.dirty:
            return  # a newer text arrived meanwhile: this result is stale, the loop analyses that one
        self.publish(doc, version, source, diagnostics)
        # (an .ipynb shown as JSON text: the facts' lines are its script's, not the text's; no hover there)
        got_facts = parsed and not (doc.notebook is None and doc.path.endswith(".ipynb")) and await self._facts(doc, source)
        if reply is not None:
            doc.recent[key] = (diagnostics, *((doc.facts, doc.facts_lines) if got_facts else (None, None)))
            while len(doc.recent) > RECENT_RESULTS:
                doc.recent.popitem(last=False)

    async def _facts(self, doc: DocState, source: str) -> bool:
        try:
            reply = await self.engine.request({"op": "facts", "uri": doc.uri}, self.options.timeout)
        except (WorkerTimeout, WorkerDied) as exc:
            self.log_client(f"kerascheck: hover data for {doc.uri} not computed: {type(exc).__name__} {exc}",
                            lsp.MessageType.Warning)
            return False
        if not reply.get("ok"):
            self.log_client(f"kerascheck internal error (hover data) in {doc.uri}:\n{reply.get('error')}",
                            lsp.MessageType.Error)
            return False
        if reply.get("facts") is None:
            return False
        doc.facts, doc.facts_lines, doc.linemap = reply["facts"], split_lines(source), None
        doc.facts_ready.set()
        self.refresh_hints()
        return True

    def refresh_hints(self) -> None:
        if not self.options.inlay_hints:
            return
        try:
            workspace = self.client_capabilities.workspace
            if workspace and workspace.inlay_hint and workspace.inlay_hint.refresh_support:
                self.workspace_inlay_hint_refresh(None)
        except Exception:
            log.debug("inlay hint refresh failed", exc_info=True)

    def publish(self, doc: DocState, version: int | None, source: str, diagnostics: list[Diagnostic]) -> None:
        if notebooks.publish(self, doc, version, source, diagnostics):  # per cell, or at a notebook's JSON lines
            return
        lines = split_lines(source)
        converted = []
        for d in diagnostics:
            start = to_client(lines, d.line, d.column, self.encoding)
            end = to_client(lines, d.end_line, d.end_column, self.encoding)
            if end < start:
                end = start
            converted.append((d, lsp.Diagnostic(
                range=lsp.Range(lsp.Position(*start), lsp.Position(*end)),
                message=d.message, severity=SEVERITY.get(d.severity, lsp.DiagnosticSeverity.Error),
                code=d.code, source="kerascheck")))
        doc.published_source, doc.published = source, converted
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(
            uri=doc.uri, diagnostics=[c for _, c in converted], version=version))

    def close(self, uri: str) -> None:
        doc = self.docs.pop(uri, None)
        if doc is None:
            return
        if doc.task is not None and not doc.task.done():
            doc.task.cancel()
        self.text_document_publish_diagnostics(lsp.PublishDiagnosticsParams(uri=uri, diagnostics=[]))
        asyncio.ensure_future(self._forget(uri))

    async def _forget(self, uri: str) -> None:
        try:
            if self.engine.pid is not None:
                await self.engine.request({"op": "forget", "uri": uri}, self.options.timeout)
        except Exception:
            pass

    # -- requests (``requests``) ----------------------------------------------------------------------
    async def hover(self, params: lsp.HoverParams) -> lsp.Hover | None:
        return await requests.hover(self, params)

    async def inlay_hints(self, params: lsp.InlayHintParams) -> list[lsp.InlayHint]:
        return await requests.inlay_hints(self, params)

    def code_actions(self, params: lsp.CodeActionParams) -> list[lsp.CodeAction]:
        return requests.code_actions(self, params)

    async def stats(self) -> dict:
        return await requests.stats(self)


def create_server() -> KerascheckServer:
    server = KerascheckServer()

    def guarded(name: str, default: Any = None):
        """Handlers log their own failures and answer ``default``: one bad request never stops the server."""
        def wrap(function):
            if asyncio.iscoroutinefunction(function):
                async def run(ls, params):
                    try:
                        return await function(ls, params)
                    except Exception:
                        ls.log_client(f"kerascheck: {name} failed:\n{traceback.format_exc()}", lsp.MessageType.Error)
                        return default
            else:
                def run(ls, params):
                    try:
                        return function(ls, params)
                    except Exception:
                        ls.log_client(f"kerascheck: {name} failed:\n{traceback.format_exc()}", lsp.MessageType.Error)
                        return default
            run.__name__ = function.__name__
            run.__doc__ = function.__doc__
            return run
        return wrap

    @server.feature(lsp.INITIALIZE)
    @guarded("initialize")
    def initialize(ls: KerascheckServer, params: lsp.InitializeParams):
        ls.options = Options.parse(params.initialization_options)

    @server.feature(lsp.INITIALIZED)
    @guarded("initialized")
    async def initialized(ls: KerascheckServer, params: lsp.InitializedParams):
        await ls.engine.start()  # warm: the first analysis does not pay the worker's start

    @server.feature(lsp.SHUTDOWN)
    @guarded("shutdown")
    async def shutdown(ls: KerascheckServer, params: None):
        for doc in ls.docs.values():
            if doc.task is not None and not doc.task.done():
                doc.task.cancel()
        await ls.engine.stop()

    @server.feature(lsp.TEXT_DOCUMENT_DID_OPEN)
    @guarded("didOpen")
    def did_open(ls: KerascheckServer, params: lsp.DidOpenTextDocumentParams):
        ls.schedule(params.text_document.uri, 0.0, fresh=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CHANGE)
    @guarded("didChange")
    def did_change(ls: KerascheckServer, params: lsp.DidChangeTextDocumentParams):
        ls.schedule(params.text_document.uri, ls.options.debounce)
        ls.schedule_dependents(params.text_document.uri)

    @server.feature(lsp.TEXT_DOCUMENT_DID_SAVE)
    @guarded("didSave")
    def did_save(ls: KerascheckServer, params: lsp.DidSaveTextDocumentParams):
        uri = params.text_document.uri
        if uri.endswith("pyproject.toml"):
            for other in list(ls.docs):
                ls.schedule(other, 0.0, fresh=True)
            return
        if uri in ls.docs:
            ls.schedule(uri, 0.0, fresh=True)

    @server.feature(lsp.TEXT_DOCUMENT_DID_CLOSE)
    @guarded("didClose")
    def did_close(ls: KerascheckServer, params: lsp.DidCloseTextDocumentParams):
        ls.close(params.text_document.uri)

    @server.feature(lsp.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    @guarded("didChangeWatchedFiles")
    def did_change_watched_files(ls: KerascheckServer, params: lsp.DidChangeWatchedFilesParams):
        if any(change.uri.endswith("pyproject.toml") for change in params.changes):
            for other in list(ls.docs):
                ls.schedule(other, 0.0, fresh=True)

    @server.feature(lsp.TEXT_DOCUMENT_HOVER)
    @guarded("hover")
    async def hover(ls: KerascheckServer, params: lsp.HoverParams):
        return await ls.hover(params)

    @server.feature(lsp.TEXT_DOCUMENT_INLAY_HINT, lsp.InlayHintOptions(resolve_provider=False))
    @guarded("inlayHint", [])
    async def inlay_hint(ls: KerascheckServer, params: lsp.InlayHintParams):
        return await ls.inlay_hints(params)

    @server.feature(lsp.TEXT_DOCUMENT_CODE_ACTION,
                    lsp.CodeActionOptions(code_action_kinds=[lsp.CodeActionKind.QuickFix]))
    @guarded("codeAction", [])
    def code_action(ls: KerascheckServer, params: lsp.CodeActionParams):
        return ls.code_actions(params)

    @server.command("kerascheck.stats")
    async def stats(ls: KerascheckServer, *args):
        """Memory and counters (the benchmark reads them)."""
        try:
            return await ls.stats()
        except Exception:
            ls.log_client(f"kerascheck: stats failed:\n{traceback.format_exc()}", lsp.MessageType.Error)
            return {}

    notebooks.register(server, guarded)  # notebookDocument/didOpen, didChange, didSave, didClose
    return server


def serve() -> None:
    logging.basicConfig(level=logging.WARNING, format="kerascheck-lsp %(levelname)s %(name)s: %(message)s")
    create_server().start_io()


__all__ = ["KerascheckServer", "Options", "create_server", "serve", "RULES"]
