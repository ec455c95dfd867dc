"""Output formats for diagnostics: text, json, sarif (2.1.0, GitHub code scanning) and github annotations."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from . import __version__
from .diagnostics import Diagnostic

FORMATS = ("text", "json", "sarif", "github")


def render(diagnostics: list[Diagnostic], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([d.as_json() for d in diagnostics], indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(sarif(diagnostics), indent=2) + "\n"
    if fmt == "github":
        return "".join(github(d) + "\n" for d in diagnostics)
    return "".join(d.format() + "\n" for d in diagnostics)


def statistics(diagnostics: list[Diagnostic]) -> str:
    from .rules import RULES  # here, not at the top: the text format must not cost the rules' import

    counts = Counter(d.code for d in diagnostics)
    lines = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        name = RULES[code].name if code in RULES else "syntax-error"
        lines.append(f"{n:>5}\t{code}\t{name}")
    return "\n".join(lines) + ("\n" if lines else "")


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(d: Diagnostic) -> str:
    level = "error" if d.severity == "error" else "warning"
    if d.cell:  # a notebook: its JSON text's line and column (an end is not mapped)
        where = f"line={d.absolute_line},col={d.absolute_column}"
    else:
        where = f"line={d.line},col={d.column},endLine={d.end_line},endColumn={d.end_column}"
    props = f"file={_escape_property(d.path)},{where},title={_escape_property(d.code)}"
    return f"::{level} {props}::{_escape_data(f'{d.code} {d.message}')}"


def _rule_descriptor(code: str) -> dict:
    from .rules import RULES

    if code not in RULES:
        return {"id": code, "name": "syntax-error", "shortDescription": {"text": "The file cannot be parsed"},
                "defaultConfiguration": {"level": "error"}}
    rule = RULES[code]
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.doc()},
        "help": {"text": rule.doc(), "markdown": rule.doc()},
        "defaultConfiguration": {"level": "error" if rule.severity == "error" else "warning"},
    }


def sarif(diagnostics: list[Diagnostic]) -> dict:
    from .rules import RULES

    codes = sorted({"KC000", *RULES})
    index = {c: i for i, c in enumerate(codes)}
    results = []
    for d in diagnostics:
        uri = Path(d.path).as_posix()
        if d.cell:  # a notebook: the region is in its JSON text; the cell position goes in properties
            region = {"startLine": d.absolute_line, "startColumn": d.absolute_column}
        else:
            region = {"startLine": d.line, "startColumn": d.column,
                      "endLine": d.end_line, "endColumn": max(d.end_column, d.column)}
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": "error" if d.severity == "error" else "warning",
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": uri[2:] if uri.startswith("./") else uri},
                "region": region,
            }}],
        }
        if d.cell:
            result["properties"] = {"cell": d.cell, "line": d.line, "column": d.column}
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "kerascheck", "version": __version__,
                                "informationUri": "https://github.com/kerascheck/kerascheck",
                                "rules": [_rule_descriptor(c) for c in codes]}},
            "results": results,
        }],
    }
