"""The rule framework: each diagnostic is a small ``Rule`` class in its own module.

A rule has a stable ``code`` (``KC`` + number, grouped by family), a ``name``, a ``severity``
(``error``: Keras will raise; ``warning``: runs but is almost certainly wrong), a Markdown docstring
in ruff's sections (see ``documentation``), and ``VALID`` / ``INVALID`` examples that the test
suite runs. Rules read the semantic model the interpreter built (``RuleContext``); they
never re-interpret the source.

``EngineErrorRule`` is the base for errors Keras raises while the script runs: the engine stops
at the first one, as the script would, and the first rule of ``ENGINE_ERROR_ORDER`` (in
``rules/__init__.py``) that ``matches`` reports it.
"""

from __future__ import annotations

import inspect
import textwrap
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Iterator, Literal

from ..diagnostics import Diagnostic
from . import documentation
from ._syntax import TextEdit  # noqa: F401  (what ``fix`` returns)

if TYPE_CHECKING:
    import libcst as cst

    from ..frontend.result import Result
    from ..ir import Loc, Tensor
    from ..shapes.base import KerasError


@dataclass(frozen=True)
class Invalid:
    """An example the rule must flag, at ``line`` (and ``column`` when given).

    ``fixed``: the source after ``kerascheck check --fix`` (every rule's fix, round after round, with
    ``--unsafe-fixes`` when this rule's fix of the example is unsafe); the harness checks it, that
    fixing it again changes nothing, and that an unsafe fix needs the flag.
    """

    source: str
    line: int
    column: int | None = None
    message: str | None = None  # a substring the message must contain
    fixed: str | None = None


@dataclass
class RuleContext:
    path: str
    source: str
    result: "Result"
    diagnostics: list[Diagnostic] = field(default_factory=list)
    module: "cst.Module | None" = None  # the parsed source, for rules that read syntax (imports)


# Ruff's split: a safe fix keeps what the code does; an unsafe one may change it (``--unsafe-fixes``).
FixSafety = Literal["safe", "unsafe"]
SAFE: FixSafety = "safe"
UNSAFE: FixSafety = "unsafe"


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[str] = "error"
    VALID: ClassVar[list[str]] = []
    INVALID: ClassVar[list[Invalid]] = []

    def check(self, ctx: RuleContext) -> Iterator[Diagnostic]:
        return iter(())

    # Editors show a rule's fix as a quick fix titled ``fix_title`` (the default names the rule).
    fix_title: ClassVar[str] = ""
    # A rule that overrides ``fix`` declares its fix's safety; None: the rule has no fix.
    fix_safety: ClassVar[FixSafety | None] = None

    def fix(self, diagnostic: Diagnostic, source: str) -> list[TextEdit]:
        """Optional hook: the edits that fix one of this rule's diagnostics in ``source``.

        ``kerascheck lsp`` offers them as a quick fix when the list is not empty. Return ``[]``
        (the default) when the fix is not obvious from the text; never raise for odd input. The
        diagnostic is the one this rule reported for this exact ``source``.
        """
        return []

    def fix_applicability(self, diagnostic: Diagnostic) -> FixSafety | None:
        """Optional hook: the safety of the fix of this one diagnostic (default: ``fix_safety``)."""
        return self.fix_safety

    @classmethod
    def has_fix(cls) -> bool:
        return cls.fix_safety is not None

    @classmethod
    def fix_safety_varies(cls) -> bool:
        """The rule decides per diagnostic (it overrides ``fix_applicability``): safe or unsafe."""
        return cls.fix_applicability is not Rule.fix_applicability

    def diagnostic(self, ctx: RuleContext, loc: "Loc", message: str) -> Diagnostic:
        return Diagnostic(ctx.path, loc.line, loc.column, self.code, shorten(message), self.severity,
                          loc.end_line, loc.end_column)

    @classmethod
    def doc(cls) -> str:
        return textwrap.dedent(inspect.getdoc(cls) or "").strip()

    @classmethod
    def summary(cls) -> str:
        """One line: the first paragraph of "What it does" (Markdown inline code kept)."""
        return documentation.summary(cls.doc())

    @classmethod
    def plain_doc(cls) -> str:
        """The documentation as terminal text (see ``documentation.plain_text``)."""
        return documentation.plain_text(cls.doc())


MAX_MESSAGE = 300


def shorten(message: str) -> str:
    """A message a person reads on one screen line or two: a long Keras message (a config dump, a
    paragraph of advice) is cut after its last whole sentence within ``MAX_MESSAGE`` characters."""
    if len(message) <= MAX_MESSAGE:
        return message
    head = message[: MAX_MESSAGE - 4]
    end = max(head.rfind(". "), head.rfind(".\n"))
    return (head[: end + 1] if end > MAX_MESSAGE // 3 else head.rstrip()) + " ..."


class EngineErrorRule(Rule):
    """Base for an exception Keras raises at runtime that the engine predicted."""

    severity = "error"

    def matches(self, error: "KerasError") -> bool:
        return False

    def message(self, error: "KerasError") -> str:
        return f"Keras raises {error.kind}: {error.message}"

    def hint(self, error: "KerasError") -> str:
        return ""

    def render(self, error: "KerasError") -> str:
        text = self.message(error)
        origins = describe_inputs(error.inputs)
        if origins:
            text += f" (inputs: {origins})"
        hint = self.hint(error)
        if not hint:
            return text
        return f"{text} {hint}" if text.endswith(".") else f"{text}. {hint}"


def describe_tensor(t: "Tensor") -> str:
    where = f"`{t.label}`" if t.label else "a tensor"
    line = f" (line {t.loc.line})" if t.loc else ""
    return f"{shape_text(t.shape)} from {where}{line}"


def describe_inputs(tensors: list) -> str:
    return " vs ".join(describe_tensor(t) for t in tensors[:4])


def shape_text(shape: Any) -> str:
    return "(" + ", ".join(str(d) for d in shape) + (",)" if len(shape) == 1 else ")")
