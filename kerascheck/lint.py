"""Run the rules over one file: analysis, then each enabled rule, then ``# noqa`` filtering."""

from __future__ import annotations

import dataclasses
import io
import re
import tokenize
from dataclasses import dataclass
from typing import Iterable

from .analysis import FileAnalysis, analyze_source
from .diagnostics import CUT_SHORT, NOT_PREDICTED, NOTE_CODE, SYNTAX_CODE, Diagnostic
from .rules import ENGINE_RULES, RULES, EngineErrorRule, RuleContext
from .shapes.base import Unresolvable

_NOQA = re.compile(r"#\s*noqa(?::\s*(?P<codes>[A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*))?", re.IGNORECASE)


def lint_source(source: str, path: str, enabled: Iterable[str] | None = None) -> list[Diagnostic]:
    """Diagnostics for ``source`` with the codes in ``enabled`` (all rules when None)."""
    return lint_with_dependencies(source, path, enabled)[0]


@dataclass
class LintRun:
    """One file's lint: what every face reports (check, --fix, the language server, verify)."""

    diagnostics: list[Diagnostic]
    dependencies: set[str]  # files besides the linted one the result depends on (for caches)
    analysis: FileAnalysis  # the analysis the diagnostics come from (hover, inlay hints, summaries)


def run(source: str, path: str, codes: Iterable[str] | None = None, overlay: dict[str, str] | None = None) -> LintRun:
    """Analyse ``source`` as the file ``path`` (``overlay``: other open buffers, for sibling modules it
    imports), keep the parser's diagnostics that are enabled, run the enabled rules, add the
    analysis notes, apply ``# noqa``, sort."""
    codes = set(RULES) | {SYNTAX_CODE} if codes is None else set(codes)
    analysis = analyze_source(source, path, overlay or None)
    notebook = analysis.notebook  # a notebook: its diagnostics so far are already in its cells
    diagnostics = [d for d in analysis.diagnostics if d.code in codes]
    found: list[Diagnostic] = [] if notebook is not None else diagnostics
    dependencies: set[str] = set()
    if analysis.result is not None:
        source = analysis.source  # a notebook's code cells as one script
        ctx = RuleContext(path, source, analysis.result, module=analysis.module)
        found += run_rules(ctx, codes)
        found += analysis_notes(path, analysis.result)
        dependencies = set(analysis.result.dependencies)
    found = apply_noqa(source, list(dict.fromkeys(found)))  # one report per problem and place
    diagnostics = diagnostics + notebook.map_diagnostics(found) if notebook is not None else found
    return LintRun(sorted(diagnostics, key=lambda d: (d.cell, d.line, d.column, d.code)), dependencies, analysis)


def lint_with_dependencies(source: str, path: str, enabled: Iterable[str] | None = None
                           ) -> tuple[list[Diagnostic], set[str]]:
    """``lint_source``, and the files besides ``path`` the result depends on (sibling modules the
    analysis read or looked for, Keras sources): what a cache entry must be checked against."""
    result = run(source, path, enabled)
    return result.diagnostics, result.dependencies


def analysis_notes(path: str, result) -> list[Diagnostic]:
    """What the analysis could not do, as information (code KC001, never counted as a problem): where it
    was cut short, and each ``summary()`` the script reaches that is not predicted, with the reason."""
    notes = []
    if result.cut_short is not None:
        loc, reason = result.cut_short
        notes.append(Diagnostic(path, loc.line, loc.column, NOTE_CODE, f"{CUT_SHORT} here: {reason}", severity="info"))
    for event in result.summaries:
        if event.snapshot is None:
            notes.append(Diagnostic(path, event.loc.line, event.loc.column, NOTE_CODE,
                                    f"{NOT_PREDICTED}: {event.reason}", severity="info"))
    return notes


def run_rules(ctx: RuleContext, codes: set[str]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    engine_rules = [r() for r in ENGINE_RULES]
    stop = ctx.result.error
    for error in ([stop] if stop is not None else []) + ctx.result.later_errors + ctx.result.conditional_errors:
        if error.error is None:
            continue
        # The most specific rule claims the error; if it is disabled, the error is not reported.
        rule = next(r for r in engine_rules if r.matches(error.error))
        if rule.code in codes:
            diagnostic = rule.diagnostic(ctx, error.loc, rule.render(error.error))
            found.append(dataclasses.replace(diagnostic, stops_script=True) if error is stop else diagnostic)
    for code, rule_class in RULES.items():
        if code in codes and not issubclass(rule_class, EngineErrorRule):
            try:
                found.extend(rule_class().check(ctx))
            except Unresolvable:  # a value the rule cannot decide (a symbolic size): no verdict from here on
                pass
    if stop is not None and stop.rule is not None:  # the script stops at an error a rule reports itself
        # The rule may point inside the call that raises (``nb_epoch=`` on a later line of a ``fit(``).
        first, last = stop.loc.line, max(stop.loc.end_line, stop.loc.line)
        at = [i for i, d in enumerate(found) if d.code == stop.rule and first <= d.line <= last]
        if at:
            best = min(at, key=lambda i: (found[i].line != first, abs(found[i].column - stop.loc.column)))
            found[best] = dataclasses.replace(found[best], stops_script=True)
    return found


def noqa_lines(source: str) -> dict[int, set[str] | None]:
    """Line -> codes silenced there (None: every code). Comments only, found with tokenize."""
    if "noqa" not in source.lower():
        return {}
    silenced: dict[int, set[str] | None] = {}
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                match = _NOQA.search(tok.string)
                if match:
                    codes = match.group("codes")
                    silenced[tok.start[0]] = {c.upper() for c in re.split(r"[\s,]+", codes) if c} if codes else None
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return silenced


def apply_noqa(source: str, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    silenced = noqa_lines(source)
    if not silenced:
        return diagnostics
    kept = []
    for d in diagnostics:
        codes = silenced.get(d.line, set())
        if codes is None or d.code in codes:
            continue
        kept.append(d)
    return kept
