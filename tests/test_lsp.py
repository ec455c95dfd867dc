"""``kerascheck lsp`` end to end: a real LSP client (pytest-lsp, on pygls) drives the real server
process over stdio. Plus the pieces that need no server: parity with ``kerascheck check``, the
quick fixes, positions, and the README's editor snippets."""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("pygls")
pytest_lsp = pytest.importorskip("pytest_lsp")

from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities  # noqa: E402
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

CNN = """\
import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
x = layers.Conv2D(32, 3, activation="relu")(inputs)
x = layers.MaxPooling2D(2)(x)
x = layers.Conv2D(64, 3, activation="relu")(x)
x = layers.Flatten()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="cnn")
model.summary()
"""

INPUT_BUG = """\
import keras
from keras import layers
inputs = keras.Input(shape=(16))
outputs = layers.Dense(1)(inputs)
"""


# -- the client ------------------------------------------------------------------------------------
def make_client() -> LanguageClient:
    """pytest-lsp's test client, also recording every publishDiagnostics (not only the last)."""
    client = LanguageClient()
    client.published = []  # type: ignore[attr-defined]

    def publish(client: LanguageClient, params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)  # type: ignore[attr-defined]

    register_lsp_features(client, {**DEFAULT_CLIENT_FEATURES, types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS: publish})
    return client


SERVER_ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}


@pytest.fixture
def init_options() -> dict:
    return {}


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "kerascheck.cli", "lsp"],
                                              client_factory=make_client, server_env=SERVER_ENV))
async def client(lsp_client: LanguageClient, tmp_path: Path, init_options: dict):
    params = types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"),
        root_uri=tmp_path.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=tmp_path.as_uri(), name="ws")],
        initialization_options=init_options,
    )
    await lsp_client.initialize_session(params)
    yield
    await lsp_client.shutdown_session()


def open_doc(client: LanguageClient, path: Path, text: str, language: str = "python", write: bool = True) -> str:
    if write:
        path.write_text(text, encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text)))
    return uri


def change_doc(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))


async def wait_for(client: LanguageClient, uri: str, version: int, timeout: float = 60.0):
    """The diagnostics published for ``version`` of the document."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for params in reversed(client.published):
            if params.uri == uri and params.version == version:
                return params.diagnostics
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"no diagnostics for {uri} version {version}; got "
                                 f"{[(p.uri, p.version) for p in client.published]}")
        try:
            await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS),
                                   min(remaining, 0.5))
        except asyncio.TimeoutError:
            pass


async def hover_text(client: LanguageClient, uri: str, line: int, character: int) -> str | None:
    result = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, character)))
    return None if result is None else result.contents.value


async def hints(client: LanguageClient, uri: str, lines: int = 100) -> dict[int, str]:
    result = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(lines, 0))))
    return {h.position.line: h.label for h in result or []}


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    for edit in sorted(edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True):
        start = offsets[edit.range.start.line] + edit.range.start.character
        end = offsets[edit.range.end.line] + edit.range.end.character
        text = text[:start] + edit.new_text + text[end:]
    return text


# -- end to end ------------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_diagnostics_on_open_broken_and_back(client: LanguageClient, tmp_path: Path):
    text = CNN + "extra = keras.Input(shape=(16))\n"
    uri = open_doc(client, tmp_path / "model.py", text)
    diagnostics = await wait_for(client, uri, 1)
    assert [d.code for d in diagnostics] == ["KC109"]
    d = diagnostics[0]
    # `kerascheck check` says 12:9 to 12:32 (1-based): LSP ranges are 0-based
    assert (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character) == (11, 8, 11, 31)
    assert d.severity == types.DiagnosticSeverity.Error and d.source == "kerascheck"
    assert "shape=(16,)" in d.message

    broken = text.replace("x = layers.MaxPooling2D(2)(x)", "x = layers.MaxPooling2D(2)(x")
    change_doc(client, uri, 2, broken)
    diagnostics = await wait_for(client, uri, 2)
    assert [d.code for d in diagnostics] == ["KC000"]
    assert "SyntaxError" in diagnostics[0].message
    # The last analysis that parsed still answers hover and hints on the lines left unchanged.
    assert "(None, 30, 30, 32)" in (await hover_text(client, uri, 4, 12) or "")
    assert (await hints(client, uri)).get(6) == "→ (None, 13, 13, 64)"

    change_doc(client, uri, 3, text)
    assert [d.code for d in await wait_for(client, uri, 3)] == ["KC109"]
    client.text_document_did_save(types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri)))
    assert [d.code for d in await wait_for(client, uri, 3)] == ["KC109"]


@pytest.mark.asyncio
async def test_hover_layer_call_model_and_summary(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "cnn.py", CNN)
    assert list(await wait_for(client, uri, 1)) == []
    text = await hover_text(client, uri, 4, 45)  # on `(inputs)` of the first Conv2D call
    assert text is not None
    assert "**Conv2D** layer `conv2d`" in text
    assert "**Input:** `(None, 32, 32, 3)`" in text and "**Output:** `(None, 30, 30, 32)`" in text
    assert "896 (trainable 896 / non-trainable 0)" in text
    text = await hover_text(client, uri, 4, 10)  # on `Conv2D` of the construction
    assert "**Output:** `(None, 30, 30, 32)`" in text and "`kernel` (3, 3, 3, 32)" in text
    text = await hover_text(client, uri, 10, 2)  # `model` of model.summary(): what that call prints
    assert text.startswith("`summary()` of `cnn` prints:") and "```text" in text
    assert "Total params: 127,562" in text and "(None, 13, 13, 64)" in text
    # exactly the table `kerascheck summary` prints (80 columns, as in a terminal of that width)
    from click.testing import CliRunner
    from kerascheck.cli import main

    printed = CliRunner().invoke(main, ["summary", str(tmp_path / "cnn.py")], env={"COLUMNS": "80"}).output
    assert text.split("```text\n", 1)[1].rstrip("`\n") == printed.rstrip("\n")
    text = await hover_text(client, uri, 9, 1)  # the variable `model` where it is bound
    assert "**Functional** model `cnn`" in text and 'Model: "cnn"' in text
    assert await hover_text(client, uri, 1, 0) is None  # nothing to say about an import


@pytest.mark.asyncio
async def test_inlay_hints_for_a_small_cnn(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "cnn.py", CNN)
    await wait_for(client, uri, 1)
    assert await hints(client, uri) == {
        4: "→ (None, 30, 30, 32)",
        5: "→ (None, 15, 15, 32)",
        6: "→ (None, 13, 13, 64)",
        7: "→ (None, 10816)",
        8: "→ (None, 10)",
    }
    result = await client.text_document_inlay_hint_async(types.InlayHintParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=types.Range(types.Position(4, 0), types.Position(4, 0))))
    (hint,) = result
    assert hint.position == types.Position(4, len(CNN.splitlines()[4])) and hint.kind == types.InlayHintKind.Type


@pytest.mark.asyncio
@pytest.mark.parametrize("init_options", [{"inlayHints": False}])
async def test_inlay_hints_turned_off(client: LanguageClient, tmp_path: Path, init_options: dict):
    uri = open_doc(client, tmp_path / "cnn.py", CNN)
    await wait_for(client, uri, 1)
    assert await hints(client, uri) == {}
    assert "Conv2D" in await hover_text(client, uri, 4, 10)  # the rest still works


@pytest.mark.asyncio
async def test_quick_fix_and_noqa(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "model.py", INPUT_BUG)
    (diagnostic,) = await wait_for(client, uri, 1)
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    assert len(actions) == 2 and actions[1].title == "Disable KC109 for this line (# noqa)"
    fix, noqa = actions
    assert "tuple" in fix.title
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred and fix.diagnostics[0].code == "KC109"
    fixed = apply_edits(INPUT_BUG, fix.edit.changes[uri])
    assert "inputs = keras.Input(shape=(16,))\n" in fixed
    assert apply_edits(INPUT_BUG, noqa.edit.changes[uri]).splitlines()[2] == "inputs = keras.Input(shape=(16))  # noqa: KC109"
    # The editor applies the edit: an incremental change, as the server asked for.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(range=e.range, text=e.new_text)
                         for e in fix.edit.changes[uri]]))
    assert list(await wait_for(client, uri, 2)) == []
    change_doc(client, uri, 3, apply_edits(INPUT_BUG, noqa.edit.changes[uri]))
    assert list(await wait_for(client, uri, 3)) == []


@pytest.mark.asyncio
async def test_a_flood_of_changes_publishes_the_final_text_only(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "model.py", CNN)
    await wait_for(client, uri, 1)
    before = len(client.published)
    final = 60
    for version in range(2, final + 1):
        # Each intermediate text has its own error line; only the last one may be reported.
        text = CNN + "\n" * version + "y = keras.Input(shape=(3))\n"
        change_doc(client, uri, version, text)
    diagnostics = await wait_for(client, uri, final)
    assert [(d.code, d.range.start.line) for d in diagnostics] == [("KC109", len(CNN.splitlines()) + final)]
    await asyncio.sleep(0.3)
    assert [p.version for p in client.published[before:]] == [final]


@pytest.mark.asyncio
async def test_workspace_configuration_is_used(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nignore = ["KC109"]\n', encoding="utf-8")
    (tmp_path / "pkg").mkdir()
    uri = open_doc(client, tmp_path / "pkg" / "model.py", INPUT_BUG)
    assert list(await wait_for(client, uri, 1)) == []
    text = INPUT_BUG.replace("(16)", "(16,)") + "opt = keras.optimizers.Adam(lr=0.01)\n"
    change_doc(client, uri, 2, text)
    assert [d.code for d in await wait_for(client, uri, 2)] == ["KC303"]


@pytest.mark.asyncio
@pytest.mark.parametrize("init_options", [{"analysisTimeout": 1.0, "maxFileSize": 200_000}])
async def test_bad_input_never_stops_the_server(client: LanguageClient, tmp_path: Path, init_options: dict):
    # Not Python at all (but mentions keras): one syntax diagnostic.
    uri = open_doc(client, tmp_path / "notes.py", "keras \x00\x01 ]]] {{{ not python\n" * 3)
    diagnostics = await wait_for(client, uri, 1)
    assert [d.code for d in diagnostics] == ["KC000"]
    # A document of another language is not analysed at all.
    other = open_doc(client, tmp_path / "README.md", "# keras notes\n", language="markdown")
    # Several MB: one clear warning, no analysis.
    big = "import keras\n" + "x = keras.layers.Dense(8)\n" * 120_000
    uri = open_doc(client, tmp_path / "big.py", big, write=False)
    (diagnostic,) = await wait_for(client, uri, 1)
    assert diagnostic.code == "KC000" and "too large" in diagnostic.message
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    # An analysis that does not end in time: one warning, the worker is restarted. (A long straight
    # chain of layers, ~3 s of work under the size limit: a loop would be summarised by its own budget.)
    slow = ("import keras\nfrom keras import layers\nx = keras.Input(shape=(3,))\ny = x\n"
            + "y = layers.Dense(3)(y)\n" * 8000)
    uri = open_doc(client, tmp_path / "slow.py", slow)
    (diagnostic,) = await wait_for(client, uri, 1)
    assert diagnostic.code == "KC000" and "analysis stopped after 1 s" in diagnostic.message
    assert any("stopped after" in m.message for m in client.log_messages)
    # ... and the server goes on serving.
    change_doc(client, uri, 2, INPUT_BUG)
    assert [d.code for d in await wait_for(client, uri, 2)] == ["KC109"]
    assert other not in {p.uri for p in client.published}
    stats = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="kerascheck.stats"))
    assert stats["worker_timeouts"] == 1 and stats["worker_starts"] == 2


@pytest.mark.asyncio
async def test_a_dead_worker_is_logged_and_replaced(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "model.py", INPUT_BUG)
    await wait_for(client, uri, 1)
    stats = await client.workspace_execute_command_async(types.ExecuteCommandParams(command="kerascheck.stats"))
    os.kill(stats["worker"]["pid"], 9)  # the analysis worker this test's server started
    change_doc(client, uri, 2, INPUT_BUG + "\n")
    await wait_for(client, uri, 2)
    assert any("worker stopped" in m.message and m.type == types.MessageType.Error for m in client.log_messages)
    change_doc(client, uri, 3, INPUT_BUG)
    assert [d.code for d in await wait_for(client, uri, 3)] == ["KC109"]


@pytest.mark.asyncio
async def test_open_buffers_take_precedence_over_sibling_files(client: LanguageClient, tmp_path: Path):
    blocks = "from keras import layers\n\ndef block(x):\n    return layers.Dense(8)(x)\n"
    main = ("import keras\nfrom blocks import block\n\ninputs = keras.Input(shape=(4,))\n"
            "model = keras.Model(inputs, block(inputs))\n")
    (tmp_path / "blocks.py").write_text(blocks, encoding="utf-8")
    main_uri = open_doc(client, tmp_path / "main.py", main)
    await wait_for(client, main_uri, 1)
    assert "(None, 8)" in await hover_text(client, main_uri, 4, 2)
    blocks_uri = open_doc(client, tmp_path / "blocks.py", blocks, write=False)
    await wait_for(client, blocks_uri, 1)
    before = len(client.published)
    change_doc(client, blocks_uri, 2, blocks.replace("Dense(8)", "Dense(16)"))  # unsaved
    for _ in range(200):  # main.py is analysed again, with the buffer instead of the file
        if any(p.uri == main_uri for p in client.published[before:]):
            break
        await asyncio.sleep(0.05)
    text = await hover_text(client, main_uri, 4, 2)
    assert "(None, 16)" in text and "(None, 8)" not in text


# -- without a server ------------------------------------------------------------------------------
def _fixture_files() -> list[Path]:
    return sorted(p for folder in ("seeds", "bugs", "features") for p in (ROOT / "fixtures" / folder).glob("*.py"))


def test_worker_reports_its_own_failures_and_goes_on():
    from kerascheck.lsp.worker import Worker

    worker = Worker()
    reply = worker.handle({"op": "analyze", "uri": "file:///x.py"})  # no source: a bug of the caller
    assert reply["ok"] is False and "KeyError" in reply["error"]
    reply = worker.handle({"op": "analyze", "uri": "file:///x.py", "path": "/x.py", "source": INPUT_BUG,
                           "codes": ["KC109"]})
    assert reply["ok"] and [d.code for d in reply["diagnostics"]] == ["KC109"]
    assert worker.handle({"op": "facts", "uri": "file:///x.py"})["facts"] is not None


def test_hover_and_hints_for_every_seed_do_not_fail():
    from kerascheck.analysis import analyze_source
    from kerascheck.lsp.facts import compute_facts

    for path in sorted((ROOT / "fixtures" / "seeds").glob("*.py")):
        analysis = analyze_source(path.read_text(encoding="utf-8"), str(path))
        facts = compute_facts(analysis.result)
        assert facts.hints and facts.hovers, path


def test_noqa_edit_extends_an_existing_list():
    from kerascheck.diagnostics import Diagnostic
    from kerascheck.lsp.actions import noqa_edit

    source = "x = f(1)  # noqa: KC101\ny = '''a\nb'''\n"
    edit = noqa_edit(Diagnostic("t.py", 1, 5, "KC303", "m"), source)
    assert (edit.line, edit.column, edit.new_text) == (1, 24, ", KC303")
    assert noqa_edit(Diagnostic("t.py", 2, 1, "KC303", "m"), source) is None  # would land inside the string


def test_rename_and_ambiguous_output_fixes():
    from kerascheck.lint import lint_source
    from kerascheck.lsp.actions import code_actions

    from kerascheck.fix import apply_edits

    source = "import keras\nopt = keras.optimizers.Adam(lr=0.01)\n"
    (fix, _) = code_actions(source, lint_source(source, "t.py"))
    assert "learning_rate" in fix.title and fix.preferred
    assert apply_edits(source, fix.edits) == "import keras\nopt = keras.optimizers.Adam(learning_rate=0.01)\n"

    source = ("import keras\nlstm = keras.layers.LSTM(4)\na = keras.Input(shape=(5, 3))\nb = keras.Input(shape=(5, 3))\n"
              "encoded_a = lstm(a)\nencoded_b = lstm(b)\nout = lstm.output\n")
    diagnostics = [d for d in lint_source(source, "t.py") if d.code == "KC205"]
    titles = [a.title for a in code_actions(source, diagnostics)]
    assert titles[:2] == ["Use `encoded_a` (the output tensor of the call at line 5)",
                          "Use `encoded_b` (the output tensor of the call at line 6)"]


def test_a_rules_own_fix_comes_first_and_is_what_check_fix_applies(monkeypatch):
    from kerascheck.diagnostics import Diagnostic
    from kerascheck.fix import edits_for
    from kerascheck.lint import lint_source
    from kerascheck.lsp.actions import BUILTIN_FIXERS, fixes_for
    from kerascheck.rules import RULES
    from kerascheck.rules.base import TextEdit

    for source in (INPUT_BUG, "import keras\nopt = keras.optimizers.SGD(lr=0.1, momentum=0.9)\n"):
        (diagnostic,) = lint_source(source, "t.py")
        (title, edits, safe), = fixes_for(diagnostic, source)
        assert edits == edits_for(diagnostic, source) and safe

    rule = RULES["KC205"]  # no fix of its own (yet): the built-in one
    assert "KC205" in BUILTIN_FIXERS
    monkeypatch.setattr(rule, "fix", lambda self, d, s: [TextEdit(d.line, 1, d.line, 1, "# fixed\n")], raising=False)
    monkeypatch.setattr(rule, "fix_title", "Own fix", raising=False)
    monkeypatch.setattr(rule, "fix_safety", "unsafe", raising=False)
    (title, edits, safe), = fixes_for(Diagnostic("t.py", 2, 5, "KC205", "m", end_line=2, end_column=20), "a\nb\n")
    assert title.startswith("Own fix (unsafe") and edits[0].new_text == "# fixed\n" and not safe


def test_positions_in_client_units():
    from kerascheck.lsp.textmap import LineMap, from_client, split_lines, to_client

    lines = split_lines("s = '😀é'; x = f(1)\r\nnext\rlast")
    assert lines == ["s = '😀é'; x = f(1)", "next", "last"]
    assert to_client(lines, 1, 11, "utf-16") == (0, 11)  # the emoji is two UTF-16 units
    assert to_client(lines, 1, 11, "utf-8") == (0, 14)
    assert to_client(lines, 1, 11, "utf-32") == (0, 10)
    assert from_client(lines, 0, 11, "utf-16") == (1, 11)
    assert to_client(lines, 9, 1) == (2, 4)  # past the end: the last position
    mapping = LineMap(["a", "b", "c"], ["a", "new", "b", "c"])
    assert (mapping.to_new(2), mapping.to_old(2), mapping.to_old(3)) == (3, None, 2)


def _readme_section(title: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^## {title}\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    assert match, f"README has no '## {title}' section"
    return match.group(1)


def _blocks(section: str, language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", section, re.DOTALL)


def test_readme_editor_snippets_are_well_formed():
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib

    section = _readme_section("Editors")
    (helix,) = _blocks(section, "toml")
    config = tomllib.loads(helix)
    server = config["language-server"]["kerascheck"]
    assert [server["command"], *server["args"]] == ["kerascheck", "lsp"] and server["config"]["inlayHints"] is True
    python = next(lang for lang in config["language"] if lang["name"] == "python")
    assert "kerascheck" in python["language-servers"]

    (vscode,) = _blocks(section, "json")
    settings = json.loads(vscode)
    assert [settings["glspc.server.command"], *settings["glspc.server.commandArguments"]] == ["kerascheck", "lsp"]
    assert settings["glspc.server.languageId"] == ["python"]
    assert settings["glspc.server.initializationOptions"] == {"inlayHints": True}

    (lua,) = _blocks(section, "lua")
    luaparser = pytest.importorskip("luaparser.ast")
    luaparser.parse(lua)  # raises on a syntax error
    assert "vim.lsp.start" in lua and "cmd = { 'kerascheck', 'lsp' }" in lua and "inlayHints = true" in lua

    # Every initialization option the README names is one the server reads.
    from kerascheck.lsp.server import Options

    named = set(re.findall(r"`(inlayHints|debounceMs|analysisTimeout|maxFileSize|summaryColumns)`", section))
    assert len(named) == 5
    parsed = Options.parse({"inlayHints": False, "debounceMs": 100, "analysisTimeout": 3, "maxFileSize": 10,
                            "summaryColumns": 120})
    assert parsed == Options(False, 0.1, 3.0, 10, 120)


# -- issue 18: exclude and the hover of a call that raises -----------------------------------------
RESHAPE_RAISES = """\
import keras
inputs = keras.Input(shape=(8,))
x = keras.layers.Dense(4)(inputs)
reshape = keras.layers.Reshape((3, 3))
y = reshape(x)
"""


@pytest.mark.asyncio
async def test_excluded_file_gets_no_diagnostics(client: LanguageClient, tmp_path: Path):
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["legacy/"]\n')
    (tmp_path / "legacy").mkdir()
    buggy_cnn = CNN + "keras.Input(shape=16)\n"
    excluded = open_doc(client, tmp_path / "legacy" / "old.py", buggy_cnn)
    checked = open_doc(client, tmp_path / "new.py", buggy_cnn)
    assert [d.code for d in await wait_for(client, checked, 1)] == ["KC109"]
    assert list(await wait_for(client, excluded, 1)) == []
    assert "**Output:** `(None, 30, 30, 32)`" in (await hover_text(client, excluded, 4, 10) or "")  # hover still works


@pytest.mark.asyncio
async def test_hover_on_a_layer_whose_call_raises_shows_the_error(client: LanguageClient, tmp_path: Path):
    uri = open_doc(client, tmp_path / "model.py", RESHAPE_RAISES)
    assert [d.code for d in await wait_for(client, uri, 1)] == ["KC102"]
    message = "Keras raises ValueError"
    construction = await hover_text(client, uri, 3, 25)  # on `Reshape` of `reshape = keras.layers.Reshape(...)`
    assert "**Reshape** layer" in construction and message in construction, construction
    assert "when it is called (line 5)" in construction and "never called" not in construction
    call = await hover_text(client, uri, 4, 6)  # on `reshape(x)`
    assert f"**Output:** none: {message} here: The total size of the tensor must be unchanged." in call, call



SEVERAL_RAISE = """\
import sys
import keras
inputs = keras.Input(shape=(8,))
x = keras.layers.Dense(4)(inputs)
if len(sys.argv) > 1:
    w = keras.layers.Reshape((3, 3))(x)
m = keras.Sequential([keras.Input(shape=(8,)), keras.layers.Dense(4), keras.layers.Reshape((3, 3))])
y = keras.layers.Reshape((3, 3))(x)
r = keras.layers.Reshape((3, 3))
z = r(x)
"""


@pytest.mark.asyncio
async def test_hover_shows_the_error_of_every_layer_that_raises_not_only_the_first(client: LanguageClient,
                                                                                     tmp_path: Path):
    """The first error stops the script, but check reports the later ones (and those on a path that
    may not run): the hover of each of those layers shows its error too, never "never called"."""
    uri = open_doc(client, tmp_path / "model.py", SEVERAL_RAISE)
    assert [d.code for d in await wait_for(client, uri, 1)] == ["KC102"] * 4
    message = "Keras raises ValueError here: The total size of the tensor must be unchanged."
    for line, column in [(5, 24), (6, 80), (7, 20)]:  # on a branch, in a Sequential list, built and called inline
        text = await hover_text(client, uri, line, column) or ""
        assert "**Reshape** layer" in text and f"**Output:** none: {message}" in text, (line, text)
    built = await hover_text(client, uri, 8, 20) or ""  # `r = keras.layers.Reshape(...)`, called on the next line
    assert "**Output:** none: Keras raises ValueError when it is called (line 10)" in built, built
    called = await hover_text(client, uri, 9, 5) or ""  # `r(x)`
    assert f"**Output:** none: {message}" in called and "never called" not in called, called
