"""Formats for CI systems: GitHub Actions annotations, GitLab Code Quality, JUnit XML."""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from pathlib import Path
from xml.etree import ElementTree as ET

from ..diagnostics import Diagnostic


# -- GitHub Actions workflow commands ---------------------------------------------------------------
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


# -- GitLab Code Quality ----------------------------------------------------------------------------
def _project_path(path: str) -> str:
    """Relative to the project (``$CI_PROJECT_DIR`` in GitLab CI, else the current directory) when inside it."""
    root = Path(os.environ.get("CI_PROJECT_DIR") or Path.cwd()).resolve()
    try:
        return Path(path).resolve().relative_to(root).as_posix()
    except ValueError:
        return Path(path).as_posix()


def gitlab(diagnostics: list[Diagnostic]) -> list[dict]:
    """GitLab's Code Quality report (a list of issues; severity ``major`` for an error, ``minor`` for a
    warning). The fingerprint is stable across runs and unique: path, code, message and occurrence."""
    seen: dict[tuple, int] = defaultdict(int)
    issues = []
    for d in diagnostics:
        path = _project_path(d.path)
        key = (path, d.code, d.message)
        seen[key] += 1
        fingerprint = hashlib.sha256("\0".join([*key, str(seen[key])]).encode()).hexdigest()
        if d.cell:  # a notebook: its JSON text's line and column (an end is not mapped)
            begin = end = {"line": d.absolute_line, "column": d.absolute_column}
        else:
            begin, end = {"line": d.line, "column": d.column}, {"line": d.end_line, "column": d.end_column}
        issues.append({
            "description": f"{d.code} {d.message}" + (f" (cell {d.cell}, line {d.line})" if d.cell else ""),
            "check_name": d.code,
            "fingerprint": fingerprint,
            "severity": "major" if d.severity == "error" else "minor",
            "location": {"path": path, "positions": {"begin": begin, "end": end}},
        })
    return issues


# -- JUnit XML --------------------------------------------------------------------------------------
def junit(diagnostics: list[Diagnostic]) -> str:
    """One ``testsuite`` per file, one failing ``testcase`` per diagnostic; a clean run is one passing case."""
    suites = ET.Element("testsuites", name="kerascheck", tests=str(len(diagnostics) or 1),
                        failures=str(len(diagnostics)), errors="0")
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for d in diagnostics:
        by_file[d.path].append(d)
    if not diagnostics:
        suite = ET.SubElement(suites, "testsuite", name="kerascheck", tests="1", disabled="0", errors="0", failures="0")
        ET.SubElement(suite, "testcase", name="kerascheck", classname="kerascheck")
    for path, found in by_file.items():
        suite = ET.SubElement(suites, "testsuite", name=path, tests=str(len(found)), disabled="0", errors="0",
                              failures=str(len(found)), package="org.kerascheck")
        for d in found:
            case = ET.SubElement(suite, "testcase", name=f"org.kerascheck.{d.code}", classname=path,
                                 line=str(d.absolute_line), column=str(d.absolute_column))
            failure = ET.SubElement(case, "failure", message=d.message, type=d.severity)
            cell = f"cell {d.cell}, " if d.cell else ""
            failure.text = f"{cell}line {d.line}, col {d.column}, {d.code} {d.message}"
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"
