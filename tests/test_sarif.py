"""SARIF output validated against the official SARIF 2.1.0 schema (tests/data, source in its README).

Format checks are on: ``artifactLocation.uri`` is a ``uri-reference``, so a path with a space
must be percent-encoded (RFC 3986) for the document to be valid.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kerascheck.cli import main

jsonschema = pytest.importorskip("jsonschema")
pytest.importorskip("rfc3986_validator")  # without it jsonschema does not check "uri-reference"

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


def validate(document: dict) -> None:
    # The schema declares draft 4 but uses "uri-reference" (a later format): the full checker has it.
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors[:5]]


def sarif_of(cwd: Path, *args: str) -> dict:
    old = os.getcwd()
    os.chdir(cwd)
    try:
        result = CliRunner().invoke(main, ["check", "--no-cache", "--output-format", "sarif", *args])
    finally:
        os.chdir(old)
    assert result.exit_code in (0, 1), result.output
    document = json.loads(result.stdout)
    validate(document)
    return document


def test_the_validator_rejects_an_unencoded_space():
    """The check is real: the old output (a raw path with a space) fails the schema."""
    document = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "kerascheck"}}, "results": [
        {"message": {"text": "m"}, "locations": [{"physicalLocation": {"artifactLocation": {"uri": "my dir/m.py"}}}]}]}]}
    with pytest.raises(AssertionError, match="uri-reference"):
        validate(document)


def test_paths_with_spaces_and_unicode_are_percent_encoded(tmp_path: Path):
    folder = tmp_path / "my models"
    folder.mkdir()
    (folder / "réseau #1.py").write_text("import keras\nx = keras.Input(shape=(16))\n", encoding="utf-8")
    (folder / "broken.py").write_text("import keras\nx = (1,\n")
    document = sarif_of(tmp_path, "my models")
    results = document["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in results]
    assert uris == ["my%20models/broken.py", "my%20models/r%C3%A9seau%20%231.py"]
    assert [r["ruleId"] for r in results] == ["KC000", "KC109"]
    rules = document["runs"][0]["tool"]["driver"]["rules"]
    assert rules[results[1]["ruleIndex"]]["id"] == "KC109"
    assert rules[0]["id"] == "KC000" and rules[0]["name"] == "syntax-error"
    assert "## What it does" in rules[results[1]["ruleIndex"]]["help"]["markdown"]
    assert "`" not in rules[results[1]["ruleIndex"]]["help"]["text"]


def test_absolute_paths_are_file_uris(tmp_path: Path):
    (tmp_path / "a b.py").write_text("import keras\nx = keras.Input(shape=(16))\n")
    document = sarif_of(tmp_path, str(tmp_path / "a b.py"))
    uri = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == (tmp_path / "a b.py").as_uri() and "%20" in uri


def test_clean_run_and_every_rule_descriptor_are_valid(tmp_path: Path):
    (tmp_path / "m.py").write_text("import keras\nx = keras.Input(shape=(3,))\n")
    document = sarif_of(tmp_path, ".")
    assert document["runs"][0]["results"] == []
    from kerascheck.rules import RULES

    assert [r["id"] for r in document["runs"][0]["tool"]["driver"]["rules"]] == sorted(RULES)
