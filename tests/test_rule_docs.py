"""Rule documentation as issue 18 asks: ruff's sections, plain text in a terminal, examples that
behave as documented, fix safety stated; the README's rules table generated from the rules; the
README documenting every key, command, format and the pre-commit setup that works as written."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerascheck.cli import COMMANDS, main
from kerascheck.config import KEYS
from kerascheck.fix import has_fix
from kerascheck.lint import lint_source
from kerascheck.report import FORMATS
from kerascheck.rules import RULES
from kerascheck.rules.documentation import (SECTIONS, example_pair, markdown_table, plain_text, replace_table,
                                            sections)

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODES = list(RULES)


@pytest.mark.parametrize("code", CODES)
def test_doc_has_ruffs_sections_in_order(code):
    rule = RULES[code]
    found = list(sections(rule.doc()))
    expected = [s for s in SECTIONS if s != "Fix safety" or has_fix(rule)]
    assert found == expected, f"{code}: sections {found}, expected {expected}"
    refs = sections(rule.doc())["References"]
    assert re.search(r"\]\(https://(keras\.io|github\.com/keras-team/keras|docs\.python\.org|peps\.python\.org)", refs)


@pytest.mark.parametrize("code", CODES)
def test_example_is_reported_and_use_instead_is_not(code):
    reported, instead = example_pair(RULES[code].doc())
    assert reported and instead, "an Example block and a Use instead block"
    assert code in [d.code for d in lint_source(reported, "example.py")]
    assert code not in [d.code for d in lint_source(instead, "example.py")]


@pytest.mark.parametrize("code", CODES)
def test_doc_is_plain_text_in_a_terminal_and_never_mentions_the_repo(code):
    doc = RULES[code].doc()
    assert "``" not in re.sub(r"```[a-z]*\n.*?```", "", doc, flags=re.DOTALL), "no reST markup"
    assert not re.search(r"\b(seeds?|fixtures?)\b", doc, re.IGNORECASE), "the docs stand alone"
    result = CliRunner().invoke(main, ["rule", code])
    assert result.exit_code == 0
    text = result.output
    assert "`" not in text and "## " not in text and "](" not in text, text
    assert text.startswith(f"{RULES[code].name} ({code})\n")
    for section in SECTIONS:
        if section in sections(doc):
            assert f"\n{section}\n" in text


@pytest.mark.parametrize("code", CODES)
def test_doc_says_whether_a_fix_exists_and_whether_it_is_safe(code):
    rule = RULES[code]
    text = CliRunner().invoke(main, ["rule", code]).output
    fix_line = next(line for line in text.splitlines() if line.startswith("Fix:"))
    if not has_fix(rule):
        assert fix_line == "Fix: none; change the code by hand."
        return
    safety = sections(rule.doc())["Fix safety"]
    if rule.fix_safety_varies():
        assert "unsafe" in fix_line and "--unsafe-fixes" in safety
    elif rule.fix_safety == "unsafe":
        assert "unsafe" in fix_line and "unsafe" in safety
    else:
        assert fix_line.startswith("Fix: available and safe") and "safe" in safety


def test_rules_lists_every_rule_with_kc000_and_never_cuts_a_line():
    lines = CliRunner().invoke(main, ["rules"]).output.splitlines()
    assert [line.split()[0] for line in lines] == list(RULES) and lines[0].startswith("KC000  syntax-error")
    for line, rule in zip(lines, RULES.values()):
        summary = plain_text(rule.summary())
        assert line.endswith(summary) and summary.endswith("."), line
        assert not summary.endswith(","), line


def test_rule_kc000_is_documented():
    result = CliRunner().invoke(main, ["rule", "KC000"])
    assert result.exit_code == 0 and result.output.startswith("syntax-error (KC000)")
    assert "coding" in result.output
    assert CliRunner().invoke(main, ["rule", "KC999"]).exit_code == 2


def test_rule_kc001_is_documented_and_listed():
    """KC001, the information notes (a summary() not predicted, an analysis cut short), is documented
    as KC000 is: ``rule KC001`` prints it, ``rules`` lists it second, its example gives the note."""
    from kerascheck.diagnostics import CUT_SHORT, NOT_PREDICTED, NOTE_CODE

    result = CliRunner().invoke(main, ["rule", "kc001"])
    assert result.exit_code == 0 and result.output.startswith(f"analysis-note ({NOTE_CODE})\n"), result.output
    assert "Severity: info:" in result.output and "never counted as a problem" in result.output
    assert NOT_PREDICTED in result.output and CUT_SHORT in result.output and "--show-unresolved" in result.output
    lines = CliRunner().invoke(main, ["rules"]).output.splitlines()
    assert lines[1].split()[:3] == [NOTE_CODE, "analysis-note", "info"], lines[1]
    reported, _ = example_pair(RULES[NOTE_CODE].doc())
    notes = [d for d in lint_source(reported, "example.py") if d.code == NOTE_CODE]
    assert notes and all(d.severity == "info" and d.message.startswith(NOT_PREDICTED) for d in notes)


def test_kc001_note_never_counts_in_check(tmp_path):
    """The documented behaviour: KC001 changes neither the exit status nor the closing line;
    --show-unresolved names it on stderr; SARIF describes KC001 at level "note"."""
    reported, _ = example_pair(RULES["KC001"].doc())
    script = tmp_path / "flag.py"
    script.write_text(reported)
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--no-cache", str(script)])
    assert result.exit_code == 0 and "All checks passed!" in result.stdout and "KC001" not in result.stdout
    result = runner.invoke(main, ["check", "--no-cache", "--show-unresolved", str(script)])
    assert result.exit_code == 0 and "KC001 summary() not predicted" in result.stderr, result.stderr
    import json

    result = runner.invoke(main, ["check", "--no-cache", "--output-format", "sarif", str(script)])
    rules = json.loads(result.stdout)["runs"][0]["tool"]["driver"]["rules"]
    kc001 = next(r for r in rules if r["id"] == "KC001")
    assert kc001["name"] == "analysis-note" and kc001["defaultConfiguration"]["level"] == "note"


def test_readme_rules_table_is_generated_from_the_rules():
    assert replace_table(README, markdown_table(RULES)) == README, \
        "README.md's rules table differs from the rules: run python scripts/update_readme.py"
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_readme.py"), "--check"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_readme_documents_every_key_command_format_and_option():
    config = README[README.index("## Configuration"):README.index("## Rules")]
    for key, (_, default) in KEYS.items():
        row = next((line for line in config.splitlines() if line.startswith(f"| `{key}` |")), None)
        assert row is not None, f"[tool.kerascheck] {key} is not documented"
        assert row.rstrip(" |").endswith(f"`{default.split(' (')[0]}`" + (" (" + default.split(" (", 1)[1] if "(" in default else "")), row
    for command in COMMANDS:
        assert f"`kerascheck {command}" in README, command
    for fmt in FORMATS:
        assert f"- `{fmt}`:" in README, fmt
    help_text = CliRunner().invoke(main, ["check", "--help"]).output
    for option in re.findall(r"^\s+(?:-\w, )?(--[a-z-]+)", help_text, re.MULTILINE):
        if option != "--help":
            assert f"`{option}" in README, f"check {option} is not in the README"
    assert "`-j`, `--jobs N`" in README
    assert "git+https://" in README and "git+file://localhost/" in README and "'.[lsp,verify]'" in README
    assert "**Keras 3.15.1**" in README


def readme_yaml(marker: str) -> str:
    blocks = re.findall(r"```yaml\n(.*?)```", README[README.index("## Pre-commit"):], re.DOTALL)
    return next(b for b in blocks if marker in b)


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_readme_local_pre_commit_snippet_works_as_written(tmp_path):
    pytest.importorskip("pre_commit")
    config = readme_yaml("repo: local")
    (tmp_path / ".pre-commit-config.yaml").write_text(config)
    (tmp_path / "pyproject.toml").write_text('[tool.kerascheck]\nexclude = ["legacy/"]\n')
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "old.py").write_text("import keras\nx = keras.Input(shape=(16))\n")
    (tmp_path / "new.py").write_text("import keras\nx = keras.Input(shape=(16))\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".cache"), "PRE_COMMIT_COLOR": "never",
           "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
    git = lambda *args: subprocess.run(["git", *args], cwd=tmp_path, capture_output=True, text=True, env=env)  # noqa: E731
    assert git("init", "-q").returncode == 0
    git("add", ".")

    def pre_commit(*files):
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--files", *files], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=300)

    proc = pre_commit("legacy/old.py")
    assert proc.returncode == 0 and "Passed" in proc.stdout, proc.stdout + proc.stderr
    proc = pre_commit("legacy/old.py", "new.py")
    assert proc.returncode == 1 and "new.py:2:5: KC109" in proc.stdout and "old.py:" not in proc.stdout, proc.stdout
    import json  # a notebook is checked too (types_or: [python, jupyter], as the published hook)

    (tmp_path / "nb.ipynb").write_text(json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
        {"cell_type": "code", "metadata": {}, "execution_count": None, "outputs": [],
         "source": ["import keras\n", "x = keras.Input(shape=(16))\n"]}]}))
    git("add", "nb.ipynb")
    proc = pre_commit("nb.ipynb")
    assert proc.returncode == 1 and "nb.ipynb:cell 1:2:5: KC109" in proc.stdout, proc.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_readme_clone_path_pre_commit_snippet_works_with_a_real_rev(tmp_path):
    """The second snippet, with this checkout as the clone and its HEAD as ``rev``: pre-commit clones it,
    installs the hook's environment from it (needs the package index, as ``pre-commit try-repo`` does)."""
    pytest.importorskip("pre_commit")
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    if head.returncode != 0:
        pytest.skip("this checkout is not a git repository")
    config = readme_yaml("rev:").replace("/path/to/your/clone", str(ROOT))
    config = re.sub(r"rev: [0-9a-f]{40}", f"rev: {head.stdout.strip()}", config)
    (tmp_path / ".pre-commit-config.yaml").write_text(config)
    (tmp_path / "new.py").write_text("import keras\nx = keras.Input(shape=(16))\n")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / ".cache"), "PRE_COMMIT_COLOR": "never"}
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "add", "."], cwd=tmp_path, check=True)
    try:
        proc = subprocess.run([sys.executable, "-m", "pre_commit", "run", "--files", "new.py"], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired:
        pytest.skip("pre-commit could not set up the hook environment in time")
    output = proc.stdout + proc.stderr
    if proc.returncode not in (0, 1) or "An unexpected error has occurred" in output:
        pytest.skip(f"pre-commit could not set up the hook environment (offline?): {output[-600:]}")
    assert proc.returncode == 1 and "new.py:2:5: KC109" in output, output
