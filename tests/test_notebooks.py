"""Jupyter notebooks: check, summary, --fix/--diff and the report formats on ``.ipynb`` files.

Every notebook here is built by the test with nbformat from a fixture script (``nbhelp``), with
magics, shell escapes, markdown, raw and empty cells mixed in; where each script line lands
(cell, line) is computed by the test itself, not by kerascheck.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as _json
from nbhelp import notebook_of, write
from test_goldens import _fixtures, dims_of
from test_seed_bugs import BUGS, EXPECTED_CODE, bug_comment_line, bug_kind

from kerascheck.analysis import analyze_file
from kerascheck.lint import lint_source
from kerascheck.notebook import neutralise

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kerascheck.cli", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def fixture_copy(tmp_path_factory) -> Path:
    """The fixture folders copied, so each notebook sits next to the modules its script imports."""
    root = tmp_path_factory.mktemp("fixtures")
    for folder in ("seeds", "features", "bugs"):
        shutil.copytree(FIXTURES / folder, root / folder)
    return root


def _notebook_next_to(script: Path, copy_root: Path):
    target = copy_root / script.relative_to(FIXTURES)
    notebook, where = notebook_of(script.read_text(encoding="utf-8"))
    path = target.with_suffix(".ipynb")
    write(notebook, path)
    return path, notebook, where


# -- summaries: the scripts' goldens ---------------------------------------------------------------
@pytest.mark.parametrize("script", list(_fixtures()))
def test_notebook_summaries_equal_the_scripts_goldens(script: Path, fixture_copy: Path):
    from kerascheck.summary.rows import snapshot

    path, _, _ = _notebook_next_to(script, fixture_copy)
    analysis = analyze_file(path, dims=dims_of(script))
    assert analysis.result is not None, [d.format() for d in analysis.diagnostics]
    missing = [(e.loc, e.reason) for e in analysis.result.summaries if e.snapshot is None]
    assert not missing, missing
    assert "".join(e.snapshot.render(None, 80) for e in analysis.result.summaries) == \
        script.with_suffix(".summary.txt").read_text(encoding="utf-8")
    assert "".join(snapshot(m).render(None, 80) for m in analysis.result.keras.models) == \
        script.with_suffix(".all-models.txt").read_text(encoding="utf-8")


def test_summary_command_on_a_notebook_and_one_cell(fixture_copy: Path):
    script = FIXTURES / "seeds" / "000_sequential.py"
    path, notebook, where = _notebook_next_to(script, fixture_copy)
    whole = run("summary", "--no-cache", str(path))
    assert whole.returncode == 0, whole.stderr
    assert whole.stdout == script.with_suffix(".summary.txt").read_text(encoding="utf-8")
    # --cell N: the summaries called in that cell only, in order
    lines = script.read_text(encoding="utf-8").splitlines()
    calls = [i for i, text in enumerate(lines, 1) if ".summary(" in text and not text.lstrip().startswith("#")]
    cell = where[calls[-1]][0]
    in_cell = [i for i in calls if where[i][0] == cell]
    one = run("summary", "--no-cache", "--cell", str(cell), str(path))
    assert one.returncode == 0, one.stderr
    tables = whole.stdout.split("Model: ")[1:]
    assert one.stdout == "".join("Model: " + t for t in tables[len(calls) - len(in_cell):])
    markdown = next(i for i, c in enumerate(notebook.cells, 1) if c.cell_type == "markdown")
    none = run("summary", "--no-cache", "--cell", str(markdown), str(path))
    assert none.returncode == 0 and none.stdout == ""


# -- bugs: at the right cell and line ------------------------------------------------------------
def _cell_lines(message: str, where: dict) -> str:
    """A script message's "line 22" / "lines 10, 11" in the notebook's words."""
    def replace(match):
        places = [where[int(n)] for n in match[2].split(", ")]
        if len({c for c, _ in places}) == 1:
            return f"cell {places[0][0]}, {match[1]} " + ", ".join(str(line) for _, line in places)
        return ", ".join(f"cell {c} line {line}" for c, line in places)

    return re.sub(r"\b(lines?) (\d+(?:, \d+)*)", replace, message)


@pytest.mark.parametrize("script", BUGS, ids=[p.stem for p in BUGS])
def test_bug_fixture_as_notebook_reported_at_its_cell_and_line(script: Path, fixture_copy: Path):
    path, _, where = _notebook_next_to(script, fixture_copy)
    source = script.read_text(encoding="utf-8")
    found = lint_source(path.read_text(encoding="utf-8"), str(path))
    expected = lint_source(source, str(script))
    # the same diagnostics as the script's, each at the cell and line its script line went to
    # (a message naming another line names its cell and line: "at line 22" -> "at cell 9, line 3")
    assert [(d.code, d.cell, d.line, d.column, d.message) for d in found] == \
        [(d.code, *where[d.line], d.column, _cell_lines(d.message, where)) for d in expected]
    cell, line = where[bug_comment_line(source)]
    hits = [d for d in found if d.cell == cell and d.line == line]
    assert hits, [d.format() for d in found]
    assert EXPECTED_CODE[bug_kind(script)] in [d.code for d in hits]
    assert all(d.format().startswith(f"{path}:cell {d.cell}:{d.line}:{d.column}: ") for d in found)


def test_check_command_text_json_github_sarif(fixture_copy: Path):
    script = FIXTURES / "bugs" / "002_input_shape_int.py"
    path, _, where = _notebook_next_to(script, fixture_copy)
    cell, line = where[bug_comment_line(script.read_text(encoding="utf-8"))]
    text = run("check", "--no-cache", str(path))
    assert text.returncode == 1
    assert text.stdout.startswith(f"{path}:cell {cell}:{line}:21: KC109 ")
    data = json.loads(run("check", "--no-cache", "--output-format", "json", str(path)).stdout)
    assert [(d["code"], d["cell"], d["line"], d["column"]) for d in data] == [("KC109", cell, line, 21)]
    # GitHub and SARIF point at the notebook file itself: the line of its JSON text with that code
    json_lines = path.read_text(encoding="utf-8").splitlines()
    github = run("check", "--no-cache", "--output-format", "github", str(path)).stdout
    props = dict(p.split("=", 1) for p in github.split("::")[1].split(" ", 1)[1].split(","))
    json_line, json_col = int(props["line"]), int(props["col"])
    script_line = script.read_text(encoding="utf-8").splitlines()[bug_comment_line(script.read_text(encoding="utf-8")) - 1]
    assert json_lines[json_line - 1][json_col - 1:].startswith(json.dumps(script_line[20:])[1:-1])
    sarif = json.loads(run("check", "--no-cache", "--output-format", "sarif", str(path)).stdout)
    result = sarif["runs"][0]["results"][0]
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (json_line, json_col)
    assert result["properties"] == {"cell": cell, "line": line, "column": 21}


# -- bad input -------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, line, column, message", [
    ('{\n "cells": [\n  {"cell_type": "code",,}\n ]\n}\n', 3, 24, "notebook is not valid JSON"),
    ("", 1, 1, "notebook is not valid JSON"),
    ('[1, 2]\n', 1, 1, "not a Jupyter notebook"),
    ('{"nbformat": 4, "metadata": {}}\n', 1, 1, 'not a Jupyter notebook: no "cells" list'),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {},\n "cells": [\n  {"source": "x"}\n ]}\n', 3, 3,
     'not a Jupyter notebook: cell 1 has no "cell_type"'),
    ('{"nbformat": 4, "nbformat_minor": 5, "metadata": {},\n "cells": [\n  {"cell_type": "code", "source": 3}\n ]}\n',
     3, 35, 'not a Jupyter notebook: the "source" of cell 1 is not text'),
    ('{"nbformat": "x", "cells": []}', 1, 14, "not a Jupyter notebook: nbformat 'x'"),
])
def test_bad_notebook_is_one_kc000_with_its_location(tmp_path: Path, text, line, column, message):
    path = tmp_path / "bad.ipynb"
    path.write_text(text, encoding="utf-8")
    found = lint_source(text, str(path))
    assert [(d.code, d.line, d.column, d.cell) for d in found] == [("KC000", line, column, 0)]
    assert found[0].message.startswith(message)
    result = run("check", "--no-cache", str(path))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    expected = f"{path}:{line}:{column}: KC000 {found[0].message}\n"
    assert result.stdout == expected + "Found 1 error.\n"  # check's closing count line
    summary = run("summary", "--no-cache", str(path))
    assert summary.returncode == 1 and "Traceback" not in summary.stderr
    assert summary.stderr == expected and summary.stdout == ""


# -- IPython syntax --------------------------------------------------------------------------------
def test_magics_and_shell_escapes_are_neutral_line_for_line():
    cell = "%matplotlib inline\n!pip install keras\nfiles = !ls -1\nif True:\n    %time f()\nmodel?\nx = 1"
    out = neutralise(cell)
    assert out.splitlines() == ["pass", "pass", "files = get_ipython().getoutput()", "if True:", "    pass",
                                "pass", "x = 1"]
    assert neutralise('s = """\n!not a shell escape\n"""') == 's = """\n!not a shell escape\n"""'
    assert neutralise("%%bash\nls -l\n  echo").splitlines() == ["pass", "# ls -l", "  # echo"]
    assert neutralise("%%time\n!ls\nx = 1") == "pass\npass\nx = 1"


def test_cell_magic_bodies_and_jupyter_names(tmp_path: Path):
    cells = [nbformat.v4.new_code_cell("import keras\nfrom keras import layers"),
             nbformat.v4.new_code_cell("%%bash\nundefined_one + 1"),
             nbformat.v4.new_code_cell("%%time\nmodel = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"
                                       "model.summary()"),
             nbformat.v4.new_code_cell("display(model)\nget_ipython().run_line_magic('pwd', '')\nprint(In[1], Out)\n"
                                       "undefined_two")]
    path = tmp_path / "n.ipynb"
    write(nbformat.v4.new_notebook(cells=cells), path)
    found = lint_source(path.read_text(encoding="utf-8"), str(path))
    assert [(d.code, d.cell, d.line, d.column) for d in found] == [("KC401", 4, 4, 1)]
    summary = run("summary", "--no-cache", "--cell", "3", str(path))
    assert summary.returncode == 0 and summary.stdout.startswith('Model: "sequential"')


# -- fix -------------------------------------------------------------------------------------------
FIXABLE = '''import keras
from keras import layers

inputs = keras.Input(shape=16)
x = layers.Dense(8, activation="relu")(inputs)
outputs = layers.Dense(1)(x)

model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss="mse")
model.summary()
'''


def _fixable_notebook():
    cells = [nbformat.v4.new_markdown_cell("# Regression"),
             nbformat.v4.new_code_cell("import keras\nfrom keras import layers", execution_count=1),
             nbformat.v4.new_code_cell("%time\ninputs = keras.Input(shape=16)  # features\n"
                                       "x = layers.Dense(8, activation=\"relu\")(inputs)\n!nvidia-smi\n"
                                       "outputs = layers.Dense(1)(x)", execution_count=2),
             nbformat.v4.new_code_cell(""),
             nbformat.v4.new_code_cell("model = keras.Model(inputs, outputs)\n"
                                       "model.compile(optimizer=keras.optimizers.Adam(lr=0.01), loss=\"mse\")\n"
                                       "model.summary()", execution_count=3,
                                       outputs=[nbformat.v4.new_output("stream", name="stdout", text="Model: ...\n")],
                                       metadata={"tags": ["train"], "collapsed": False})]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                                              "display_name": "Python 3"}})
    return notebook


def test_fix_round_trip_keeps_the_notebook(tmp_path: Path):
    notebook = _fixable_notebook()
    path = tmp_path / "fixable.ipynb"
    write(notebook, path)
    diff = run("check", "--diff", str(path))
    assert diff.returncode == 1
    assert f"--- {path}:cell 3\n+++ {path}:cell 3\n" in diff.stdout
    assert "+inputs = keras.Input(shape=(16,))  # features\n" in diff.stdout
    assert f"--- {path}:cell 5\n" in diff.stdout and "+model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01)" in diff.stdout
    result = run("check", "--fix", "--no-cache", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Found 2 errors (2 fixed, 0 remaining)." in result.stdout
    fixed = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    nbformat.validate(fixed)
    expected = copy.deepcopy(notebook)
    expected.cells[2].source = expected.cells[2].source.replace("shape=16", "shape=(16,)")
    expected.cells[4].source = expected.cells[4].source.replace("lr=", "learning_rate=")
    assert fixed == expected  # outputs, execution counts, metadata, ids, nbformat version: all kept
    # the JSON text itself is what nbformat writes for that notebook: layout and key order kept
    assert path.read_text(encoding="utf-8") == nbformat.writes(expected) + "\n"


def test_check_counts_a_notebooks_fixable_diagnostics(tmp_path: Path):
    """The closing line, JSON's "fix" and --statistics' [*] mark a notebook's fixable diagnostics, as
    for a script (its fixes apply to the cells' script): here the two --fix fixes in cells 3 and 5."""
    path = tmp_path / "fixable.ipynb"
    write(_fixable_notebook(), path)
    result = run("check", "--no-cache", str(path))
    assert result.returncode == 1 and result.stdout.endswith("Found 2 errors (2 fixable with --fix).\n"), result.stdout
    found = json.loads(run("check", "--no-cache", "--output-format", "json", str(path)).stdout)
    assert [(d["code"], d["cell"], d["fix"]) for d in found] == [("KC109", 3, "safe"), ("KC303", 5, "safe")]
    stats = run("check", "--no-cache", "--statistics", str(path)).stdout
    assert "KC109\t[*] input-shape-not-tuple" in stats and "KC303\t[*] removed-argument" in stats, stats


def test_fix_keeps_a_foreign_json_layout(tmp_path: Path):
    """A notebook written with 2-space indentation, unsorted keys and sources as one string."""
    notebook = _fixable_notebook()
    raw = json.loads(nbformat.writes(notebook))
    raw["cells"][2]["source"] = "".join(raw["cells"][2]["source"])
    raw = {"metadata": raw["metadata"], "cells": [dict(reversed(list(c.items()))) for c in raw["cells"]],
           "nbformat_minor": raw["nbformat_minor"], "nbformat": raw["nbformat"]}
    text = json.dumps(raw, indent=2, ensure_ascii=True)
    path = tmp_path / "foreign.ipynb"
    path.write_text(text, encoding="utf-8")
    result = run("check", "--fix", "--no-cache", str(path))
    assert result.returncode == 0, result.stdout + result.stderr
    new = path.read_text(encoding="utf-8")
    nbformat.validate(nbformat.reads(new, as_version=nbformat.NO_CONVERT))
    raw["cells"][2]["source"] = raw["cells"][2]["source"].replace("shape=16", "shape=(16,)")
    raw["cells"][4]["source"] = [line.replace("lr=", "learning_rate=") for line in raw["cells"][4]["source"]]
    assert new == json.dumps(raw, indent=2, ensure_ascii=True)


def test_fix_equals_the_scripts_fix(tmp_path: Path):
    """What --fix does to a notebook's cells is what it does to the same code as a script."""
    from kerascheck.fix import fix_notebook, fix_source

    notebook, where = notebook_of(FIXABLE, per_cell=2)
    path = tmp_path / "f.ipynb"
    write(notebook, path)
    result = fix_notebook(path.read_text(encoding="utf-8"), str(path))
    script_fix = fix_source(FIXABLE, "f.py")
    assert len(result.applied) == len(script_fix.applied) == 2
    fixed = nbformat.reads(result.fixed, as_version=4)
    fixed_lines = script_fix.fixed.splitlines()
    for script_line, (cell, line) in where.items():
        assert fixed.cells[cell - 1].source.split("\n")[line - 1] == fixed_lines[script_line - 1]
    def magics(cells):  # the IPython lines of every cell, which the fix must give back as they were
        return [[line for line in c.source.split("\n") if line.startswith(("%", "!"))] for c in cells]

    assert magics(fixed.cells) == magics(notebook.cells) and any(magics(notebook.cells))
    assert "%%time\ninputs = keras.Input(shape=(16,))" in result.fixed.replace('\\n",\n    "', "\n")


# -- file discovery --------------------------------------------------------------------------------
def test_directory_walk_includes_notebooks_and_config_narrows_it(tmp_path: Path):
    script = FIXTURES / "bugs" / "002_input_shape_int.py"
    shutil.copy(script, tmp_path / "a.py")
    write(notebook_of(script.read_text(encoding="utf-8"))[0], tmp_path / "b.ipynb")
    (tmp_path / ".ipynb_checkpoints").mkdir()
    write(notebook_of(script.read_text(encoding="utf-8"))[0], tmp_path / ".ipynb_checkpoints" / "b-checkpoint.ipynb")

    def checked(config: str | None) -> set[str]:
        if config is not None:
            (tmp_path / "pyproject.toml").write_text(f"[tool.kerascheck]\n{config}\n", encoding="utf-8")
        out = run("check", "--no-cache", "--output-format", "json", ".", cwd=tmp_path)
        assert out.returncode in (0, 1), out.stderr
        return {Path(d["path"]).name for d in json.loads(out.stdout)}

    assert checked(None) == {"a.py", "b.ipynb"}
    assert checked('extend-exclude = ["*.ipynb"]') == {"a.py"}
    assert checked('exclude = ["b.ipynb"]') == {"a.py"}
    assert checked('include = ["*.ipynb"]') == {"b.ipynb"}
    assert checked('include = ["*.py"]') == {"a.py"}


def test_a_notebook_without_keras_is_skipped_unless_broken(tmp_path: Path):
    """As a script that never mentions Keras: not analysed (an undefined name there is not ours)."""
    write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(undefined)")]), tmp_path / "plain.ipynb")
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    out = run("check", "--no-cache", ".", cwd=tmp_path)
    assert out.returncode == 1 and out.stdout == "broken.ipynb:1:2: KC000 notebook is not valid JSON: " \
        "Expecting property name enclosed in double quotes\nFound 1 error.\n"


def test_v3_notebook(tmp_path: Path):
    notebook, where = notebook_of((FIXTURES / "bugs" / "002_input_shape_int.py").read_text(encoding="utf-8"))
    v3 = nbformat.convert(notebook, 3)
    path = tmp_path / "old.ipynb"
    nbformat.write(v3, str(path))
    found = lint_source(path.read_text(encoding="utf-8"), str(path))
    source = (FIXTURES / "bugs" / "002_input_shape_int.py").read_text(encoding="utf-8")
    assert [(d.code, d.cell, d.line) for d in found if d.severity == "error"] == \
        [("KC109", *where[bug_comment_line(source)])]


def test_syntax_error_in_a_cell_and_stdin(tmp_path: Path):
    cells = [nbformat.v4.new_markdown_cell("# x"),
             nbformat.v4.new_code_cell("import keras\n!ls"),
             nbformat.v4.new_code_cell("x = 1\ny = keras.Input(shape=(3,)\nz = 2")]
    path = tmp_path / "s.ipynb"
    write(nbformat.v4.new_notebook(cells=cells), path)
    text = path.read_text(encoding="utf-8")
    found = lint_source(text, str(path))
    assert [(d.code, d.cell, d.line) for d in found] == [("KC000", 3, 2)]
    assert found[0].message.startswith("SyntaxError")
    piped = subprocess.run([sys.executable, "-m", "kerascheck.cli", "check", "-", "--stdin-filename", "in.ipynb"],
                           input=text, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert piped.returncode == 1 and piped.stdout.startswith("in.ipynb:cell 3:2:")


@pytest.mark.skipif(importlib.util.find_spec("tensorflow") is None,
                    reason="needs TensorFlow (pip install 'kerascheck[verify]')")
def test_verify_runs_a_notebook_and_reports_in_cells(fixture_copy: Path):
    script = FIXTURES / "bugs" / "002_input_shape_int.py"
    path, _, where = _notebook_next_to(script, fixture_copy)
    result = run("verify", "--output-format", "json", str(path))
    report = json.loads(result.stdout)
    outcomes = report["files"][0]["outcomes"]
    assert outcomes and all(o["status"] == "CONFIRMED" for o in outcomes), outcomes
    error = next(o for o in outcomes if o["kind"] == "error")
    assert (error["cell"], error["line"]) == where[bug_comment_line(script.read_text(encoding="utf-8"))]
    text = run("verify", str(path))
    cell, line = where[bug_comment_line(script.read_text(encoding="utf-8"))]
    assert f"{path}:cell {cell}:{line}: CONFIRMED ValueError" in text.stdout


@settings(max_examples=200, deadline=None)
@given(_json.recursive(
    _json.none() | _json.booleans() | _json.integers(-2, 5) | _json.sampled_from(
        ["code", "markdown", "raw", "x = 1\n", "%time\n", "!ls", "import keras"]),
    lambda inner: _json.lists(inner, max_size=4) | _json.dictionaries(_json.sampled_from(
        ["cells", "nbformat", "nbformat_minor", "metadata", "cell_type", "source", "input", "worksheets",
         "outputs", "language_info", "name"]), inner, max_size=5),
    max_leaves=25), _json.sampled_from([None, 1, 2]))
def test_any_json_is_a_notebook_or_one_kc000(value, indent):
    """Whatever JSON an .ipynb holds: diagnostics, never an exception; broken ones get one KC000."""
    from kerascheck.notebook import NotNotebook, read

    text = json.dumps(value, indent=indent)
    try:
        notebook = read(text, "fuzz.ipynb")
    except NotNotebook as exc:
        assert exc.line >= 1 and exc.column >= 1
        found = lint_source(text, "fuzz.ipynb")
        assert [d.code for d in found] == ["KC000"]
    else:
        assert notebook.script.startswith("from IPython")
        lint_source(text, "fuzz.ipynb")


@pytest.mark.parametrize("as_list, indent, ascii_only", [(True, 1, False), (False, 2, True), (True, None, True)])
def test_json_position_of_every_character(as_list, indent, ascii_only):
    """Each character of each cell line maps to where the JSON text encodes it (escapes, non-ASCII,
    surrogate pairs, one-string and list sources, any indentation)."""
    from kerascheck.notebook import read

    sources = ['x = "tab\\there"  # caf\u00e9 \U0001F600\nprint(x)\n\n  y = \'\\\\\' + "\\""', "%time\nz = 1"]
    raw = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# \u00e9"),
                                          *[nbformat.v4.new_code_cell(s) for s in sources]])
    data = json.loads(nbformat.writes(raw))
    for cell in data["cells"]:
        source = "".join(cell["source"])
        cell["source"] = source.splitlines(keepends=True) if as_list else source
    text = json.dumps(data, indent=indent, ensure_ascii=ascii_only)
    notebook = read(text, "p.ipynb")
    text_lines = text.split("\n")
    for index, source in enumerate(sources, 2):
        for number, line in enumerate(source.split("\n"), 1):
            for column, char in enumerate(line, 1):
                json_line, json_column = notebook.json_position(index, number, column)
                rest = text_lines[json_line - 1][json_column - 1:]
                if rest.startswith("\\u"):  # one character: \uXXXX, or a surrogate pair of them
                    token = rest[:12] if 0xD800 <= int(rest[2:6], 16) < 0xDC00 else rest[:6]
                else:
                    token = rest[:2] if rest.startswith("\\") else rest[:1]
                assert json.loads('"' + token + '"') == char, (index, number, column, rest[:20])
