"""Quick fixes for diagnostics, and "disable KCxxx for this line" (``# noqa: KCxxx``).

A fix comes from the rule itself when its class implements ``Rule.fix(diagnostic, source)``
(see ``kerascheck.rules.base``; the same edit ``kerascheck check --fix`` applies, marked
preferred unless the rule calls it unsafe); otherwise from ``BUILTIN_FIXERS`` here, keyed by
code, for rules without a fix of their own. A fixer returns the edits for one diagnostic in the
exact text it was reported for, or nothing when the fix is not obvious. Every fixer is guarded:
a failing one offers nothing.
"""

from __future__ import annotations

import io
import logging
import re
import tokenize
from dataclasses import dataclass, field
from typing import Callable

import libcst as cst

from ..diagnostics import SYNTAX_CODE, Diagnostic
from ..fix import rule_fix_safety
from ..lint import _NOQA as NOQA  # the exact pattern ``# noqa`` comments are read with
from ..rules import RULES
from ..rules._syntax import differing_middle
from ..rules.base import Rule, TextEdit
from .textmap import split_lines

log = logging.getLogger(__name__)



@dataclass
class Action:
    title: str
    edits: list[TextEdit]
    diagnostic: Diagnostic
    preferred: bool = False
    kind: str = "quickfix"
    extra: dict = field(default_factory=dict)


Fixer = Callable[[Diagnostic, str], "list[tuple[str, list[TextEdit]]]"]


# -- text helpers -------------------------------------------------------------------------------------
def range_text(lines: list[str], line: int, column: int, end_line: int, end_column: int) -> str:
    if not (1 <= line <= end_line <= len(lines)):
        return ""
    if line == end_line:
        return lines[line - 1][column - 1:end_column - 1]
    parts = [lines[line - 1][column - 1:]] + lines[line:end_line - 1] + [lines[end_line - 1][:end_column - 1]]
    return "\n".join(parts)


def minimal_edit(line: int, column: int, old: str, new: str) -> TextEdit:
    """One edit turning ``old`` (the text starting at line/column) into ``new``: only what differs."""
    start, end_old, end_new = differing_middle(old, new)
    word = lambda c: c.isalnum() or c == "_"  # noqa: E731
    while start > 0 and word(old[start - 1]):  # whole identifiers: `lr` -> `learning_rate`, not `r` -> ...
        start -= 1
    while end_old < len(old) and end_new < len(new) and word(old[end_old]) and old[end_old] == new[end_new]:
        end_old += 1
        end_new += 1

    def position(offset: int) -> tuple[int, int]:
        before = old[:offset]
        newlines = before.count("\n")
        if newlines == 0:
            return line, column + offset
        return line + newlines, offset - before.rfind("\n")

    (l1, c1), (l2, c2) = position(start), position(end_old)
    return TextEdit(l1, c1, l2, c2, new[start:end_new])


def rewrite_call(diagnostic: Diagnostic, source: str, change: Callable[[cst.Call], cst.Call | None]) -> list[TextEdit]:
    """Parse the diagnostic's range as an expression, let ``change`` rewrite the first call in it
    that it accepts, and return the minimal edit."""
    lines = split_lines(source)
    text = range_text(lines, diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)
    if not text:
        return []
    try:
        expr = cst.parse_expression(text)
    except Exception:  # not one expression (the range is a statement, or the text moved)
        return []

    class Rewriter(cst.CSTTransformer):
        done = False

        def leave_Call(self, original, updated):
            if self.done:
                return updated
            result = change(updated)
            if result is None:
                return updated
            self.done = True
            return result

    rewriter = Rewriter()
    new_expr = expr.visit(rewriter)
    if not rewriter.done:
        return []
    new_text = cst.Module([]).code_for_node(new_expr)
    return [minimal_edit(diagnostic.line, diagnostic.column, text, new_text)]


# -- built-in fixers ---------------------------------------------------------------------------------
def fix_input_shape(diagnostic: Diagnostic, source: str) -> list[tuple[str, list[TextEdit]]]:
    """KC109: ``Input(shape=16)`` / ``Input(shape=(16))`` -> ``Input(shape=(16,))``."""
    shown: list[str] = []

    def change(call: cst.Call) -> cst.Call | None:
        for i, arg in enumerate(call.args):
            is_shape = (arg.keyword is not None and arg.keyword.value in ("shape", "input_shape")) or (
                arg.keyword is None and i == 0 and arg.star == "")
            if not is_shape:
                continue
            value = arg.value
            if isinstance(value, (cst.Tuple, cst.List, cst.Dict, cst.Set)) or (
                    isinstance(value, cst.Name) and value.value == "None"):
                return None
            bare = value.with_changes(lpar=[], rpar=[])
            code = cst.Module([]).code_for_node(bare)
            if "\n" in code:
                return None
            tuple_ = cst.Tuple([cst.Element(bare, comma=cst.Comma())])
            shown.append(cst.Module([]).code_for_node(tuple_))
            return call.with_changes(args=[*call.args[:i], arg.with_changes(value=tuple_), *call.args[i + 1:]])
        return None

    edits = rewrite_call(diagnostic, source, change)
    if not edits:
        return []
    return [(f"Write the shape as a tuple: {shown[0]}", edits)]


RENAMED_KEYWORDS = {"lr": "learning_rate"}


def fix_renamed_argument(diagnostic: Diagnostic, source: str) -> list[tuple[str, list[TextEdit]]]:
    """KC303: ``Adam(lr=1e-3)`` -> ``Adam(learning_rate=1e-3)`` (Keras 2 names Keras 3 removed)."""
    renamed: list[tuple[str, str]] = []

    def change(call: cst.Call) -> cst.Call | None:
        keywords = {a.keyword.value for a in call.args if a.keyword is not None}
        todo = {old: new for old, new in RENAMED_KEYWORDS.items() if old in keywords and new not in keywords}
        if not todo:
            return None
        renamed.extend(todo.items())
        return call.with_changes(args=[
            a.with_changes(keyword=cst.Name(todo[a.keyword.value])) if a.keyword is not None and a.keyword.value in todo
            else a for a in call.args])

    edits = rewrite_call(diagnostic, source, change)
    if not edits:
        return []
    names = ", ".join(f"`{old}=` to `{new}=`" for old, new in renamed)
    return [(f"Rename {names}", edits)]


_CANDIDATE = re.compile(r"`([A-Za-z_][A-Za-z_0-9]*)` \(line (\d+)\)")


def fix_ambiguous_output(diagnostic: Diagnostic, source: str) -> list[tuple[str, list[TextEdit]]]:
    """KC205: ``layer.output`` of a shared layer -> the tensor variable of the call meant (one
    action per call; a variable rebound since that call is not offered)."""
    marker = "Use the tensor of the call you mean:"
    if marker not in diagnostic.message:
        return []
    lines = split_lines(source)
    text = range_text(lines, diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column)
    attr = "output" if text.endswith(".output") else "input" if text.endswith(".input") else None
    if attr is None:
        return []
    actions = []
    for name, line in _CANDIDATE.findall(diagnostic.message.split(marker, 1)[1]):
        line = int(line)
        binding = re.compile(rf"^\s*(?:{re.escape(name)}\s*=[^=]|.*[,(]\s*{re.escape(name)}\s*[,)]?\s*=[^=])")
        between = lines[line:diagnostic.line - 1] if line < diagnostic.line else []
        if any(binding.match(t) for t in between):
            continue  # rebound since: it is not that call's tensor any more
        edit = TextEdit(diagnostic.line, diagnostic.column, diagnostic.end_line, diagnostic.end_column, name)
        actions.append((f"Use `{name}` (the {attr} tensor of the call at line {line})", [edit]))
    return actions


BUILTIN_FIXERS: dict[str, Fixer] = {
    "KC109": fix_input_shape,
    "KC303": fix_renamed_argument,
    "KC205": fix_ambiguous_output,
}


def fixes_for(diagnostic: Diagnostic, source: str) -> list[tuple[str, list[TextEdit], bool]]:
    """(title, edits, safe) for each fix of one diagnostic: the rule's own ``fix`` (the very edit
    ``kerascheck check --fix`` applies, so editor and command line agree), else a built-in one."""
    rule_class = RULES.get(diagnostic.code)
    own = getattr(rule_class, "fix", None) if rule_class is not None else None
    if own is not None and own is not Rule.fix:
        try:
            rule = rule_class()
            edits = list(rule.fix(diagnostic, source) or [])
            safe = rule_fix_safety(rule, diagnostic) != "unsafe"
        except Exception:
            log.exception("fix of %s failed", diagnostic.code)
            edits, safe = [], False
        if edits:
            title = getattr(rule_class, "fix_title", "") or f"Fix {diagnostic.code} ({rule_class.name})"
            return [(title if safe else f"{title} (unsafe: check the result)", edits, safe)]
    fixer = BUILTIN_FIXERS.get(diagnostic.code)
    if fixer is None:
        return []
    try:
        return [(title, edits, True) for title, edits in fixer(diagnostic, source)]
    except Exception:
        log.exception("built-in fix of %s failed", diagnostic.code)
        return []


# -- noqa --------------------------------------------------------------------------------------------
def _line_comments(source: str) -> tuple[dict[int, tokenize.TokenInfo], set[int]]:
    """Comment token per line, and lines whose end is inside a multi-line string (no comment fits)."""
    comments: dict[int, tokenize.TokenInfo] = {}
    inside: set[int] = set()
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments[tok.start[0]] = tok
            elif tok.type == tokenize.STRING and tok.end[0] > tok.start[0]:
                inside.update(range(tok.start[0], tok.end[0]))
            elif tok.type == getattr(tokenize, "FSTRING_MIDDLE", -1) and tok.end[0] > tok.start[0]:
                inside.update(range(tok.start[0], tok.end[0]))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return comments, inside


def noqa_edit(diagnostic: Diagnostic, source: str, comments=None) -> TextEdit | None:
    """Silence ``diagnostic.code`` on its line: extend an existing ``# noqa: ...`` list, else append one."""
    lines = split_lines(source)
    line = diagnostic.line
    if not 1 <= line <= len(lines):
        return None
    comments, inside = comments if comments is not None else _line_comments(source)
    if line in inside:
        return None
    text = lines[line - 1]
    tok = comments.get(line)
    if tok is not None:
        match = NOQA.search(tok.string)
        if match:
            if match.group("codes") is None:
                return None  # a bare ``# noqa`` already silences everything
            col = tok.start[1] + match.end("codes")
            return TextEdit(line, col + 1, line, col + 1, f", {diagnostic.code}")
    stripped = len(text.rstrip())
    return TextEdit(line, stripped + 1, line, len(text) + 1, f"  # noqa: {diagnostic.code}")


def code_actions(source: str, diagnostics: list[Diagnostic]) -> list[Action]:
    """Quick fixes, then one "disable for this line" per diagnostic (not for syntax errors)."""
    actions: list[Action] = []
    comments = None
    for diagnostic in diagnostics:
        for title, edits, safe in fixes_for(diagnostic, source):
            actions.append(Action(title, edits, diagnostic, preferred=safe))
    for diagnostic in diagnostics:
        if diagnostic.code == SYNTAX_CODE:
            continue
        if comments is None:
            comments = _line_comments(source)
        edit = noqa_edit(diagnostic, source, comments)
        if edit is not None:
            actions.append(Action(f"Disable {diagnostic.code} for this line (# noqa)", [edit], diagnostic))
    return actions
