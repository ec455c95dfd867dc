"""Output formats for diagnostics, one module each beside the plain ones here.

    text     path:line:col: CODE message (colour on a terminal: ``text.py``), then a closing count line
    json     a list of objects (``Diagnostic.as_json``)
    sarif    SARIF 2.1.0, for GitHub code scanning (``sarif.py``)
    github   GitHub Actions workflow commands (annotations on the pull request)
    gitlab   GitLab Code Quality report (``ci.py``)
    junit    JUnit XML, one test suite per file (``ci.py``)

This package only formats; it imports the rules (names, documentation) lazily, for the formats
that describe them, so that plain text costs no rule import.

May import: kerascheck (the version, for SARIF), kerascheck.diagnostics, kerascheck.rules.
"""

from __future__ import annotations

import json
from collections import Counter

from ..diagnostics import SYNTAX_CODE, Diagnostic

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def render(diagnostics: list[Diagnostic], fmt: str, color: bool = False) -> str:
    if fmt == "json":
        return json.dumps([d.as_json() for d in diagnostics], indent=2) + "\n"
    if fmt == "sarif":
        from .sarif import sarif

        return json.dumps(sarif(diagnostics), indent=2) + "\n"
    if fmt == "github":
        from .ci import github

        return "".join(github(d) + "\n" for d in diagnostics)
    if fmt == "gitlab":
        from .ci import gitlab

        return json.dumps(gitlab(diagnostics), indent=2) + "\n"
    if fmt == "junit":
        from .ci import junit

        return junit(diagnostics)
    from .text import line

    return "".join(line(d, color) + "\n" for d in diagnostics)


def rule_name(code: str) -> str:
    from ..rules import RULES  # here, not at the top: the text format must not cost the rules' import

    return RULES[code].name if code in RULES else "syntax-error" if code == SYNTAX_CODE else code


def statistics(diagnostics: list[Diagnostic], fmt: str = "text") -> str:
    """Diagnostics per rule, most frequent first: a table, or a JSON list with ``--output-format json``."""
    counts = Counter(d.code for d in diagnostics)
    fixable = {d.code for d in diagnostics if d.fix}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if fmt == "json":
        return json.dumps([{"code": code, "name": rule_name(code), "count": n, "fixable": code in fixable}
                           for code, n in rows], indent=2) + "\n"
    lines = [f"{n:>5}\t{code}\t{'[*] ' if code in fixable else ''}{rule_name(code)}" for code, n in rows]
    return "\n".join(lines) + ("\n" if lines else "")
