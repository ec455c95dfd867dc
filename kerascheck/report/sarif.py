"""SARIF 2.1.0 (OASIS), the format GitHub code scanning uploads.

Every rule is described in ``tool.driver.rules`` (its documentation as plain text and Markdown);
a result's ``artifactLocation.uri`` is an RFC 3986 URI reference: a relative path percent-encoded
(``my%20dir/model.py``), an absolute one as a ``file://`` URI. The tests validate this output
against the official schema (``tests/data/sarif-schema-2.1.0.json``).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from urllib.parse import quote

from .. import __version__
from ..diagnostics import SYNTAX_CODE, Diagnostic

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


def artifact_uri(path: str) -> str:
    """``path`` as a URI reference: RFC 3986 percent-encoding of everything but unreserved characters and ``/``."""
    p = Path(path)
    if p.is_absolute():
        return p.as_uri()
    posix = PurePosixPath(p.as_posix()).as_posix()
    return quote(posix[2:] if posix.startswith("./") else posix, safe="/")


def _level(severity: str) -> str:
    return {"error": "error", "info": "note"}.get(severity, "warning")


def _rule_descriptor(code: str) -> dict:
    from ..rules import RULES

    rule = RULES.get(code)
    if rule is None:  # a code without a documented rule (never expected): described minimally
        return {"id": code, "shortDescription": {"text": code}, "defaultConfiguration": {"level": "error"}}
    return {
        "id": code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary()},
        "fullDescription": {"text": rule.plain_doc()},
        "help": {"text": rule.plain_doc(), "markdown": rule.doc()},
        "defaultConfiguration": {"level": _level(rule.severity)},
    }


def sarif(diagnostics: list[Diagnostic]) -> dict:
    from ..rules import RULES

    codes = sorted({SYNTAX_CODE, *RULES, *(d.code for d in diagnostics)})
    index = {c: i for i, c in enumerate(codes)}
    results = []
    for d in diagnostics:
        if d.cell:  # a notebook: the region is in its JSON text; the cell position goes in properties
            region = {"startLine": d.absolute_line, "startColumn": d.absolute_column}
        else:
            region = {"startLine": d.line, "startColumn": d.column,
                      "endLine": max(d.end_line, d.line), "endColumn": max(d.end_column, d.column)}
        result = {
            "ruleId": d.code,
            "ruleIndex": index[d.code],
            "level": _level(d.severity),
            "message": {"text": d.message},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": artifact_uri(d.path)},
                "region": region,
            }}],
        }
        if d.cell:
            result["properties"] = {"cell": d.cell, "line": d.line, "column": d.column}
        results.append(result)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "kerascheck", "version": __version__,
                                "informationUri": "https://github.com/kerascheck/kerascheck",
                                "rules": [_rule_descriptor(c) for c in codes]}},
            "results": results,
        }],
    }
