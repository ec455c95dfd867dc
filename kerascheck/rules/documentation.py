"""Rule documentation: ruff's sections in a rule's docstring, shown as Markdown or as plain text.

A rule's docstring is Markdown with these sections, in this order (as ruff documents its rules):

    ## What it does        one paragraph; its first sentence is the rule's summary
    ## Why is this bad?
    ## Example             a ```python block the rule reports, then "Use instead:" and a block it does not
    ## Fix safety          for a rule with a fix: what it changes, and whether that is safe
    ## References          links to the Keras documentation or source

``kerascheck rule CODE`` prints it as plain text (no Markdown markup); SARIF carries both.
"""

from __future__ import annotations

import re

SECTIONS = ("What it does", "Why is this bad?", "Example", "Fix safety", "References")
_HEADING = re.compile(r"^## (.+?)\s*$", re.MULTILINE)
_FENCE = re.compile(r"^```[a-z]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_LINK = re.compile(r"\[([^\]]+)\]\(([^)]+)\)")
_INLINE_CODE = re.compile(r"`([^`]+)`")  # may wrap onto the next line


def sections(doc: str) -> dict[str, str]:
    """``{"What it does": "...", ...}``: each ``## heading`` and the text under it."""
    parts = _HEADING.split(doc)
    return {parts[i].strip(): parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}


def summary(doc: str) -> str:
    """The first sentence-paragraph of "What it does" (or the docstring's first paragraph), on one line."""
    body = sections(doc).get("What it does", doc)
    paragraph = body.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def code_blocks(text: str) -> list[str]:
    return [m.group(1) for m in _FENCE.finditer(text)]


def example_pair(doc: str) -> tuple[str | None, str | None]:
    """The "Example" section's reported code and its "Use instead:" code."""
    example = sections(doc).get("Example", "")
    before, _, after = example.partition("Use instead")  # "Use instead:" or "Use instead (how):"
    reported = code_blocks(before)
    instead = code_blocks(after)
    return (reported[0] if reported else None), (instead[0] if instead else None)


def plain_text(markdown: str) -> str:
    """Markdown as terminal text: headings as plain lines, code blocks indented, no backticks or link syntax."""
    blocks: list[str] = []

    def keep(match: re.Match) -> str:
        blocks.append("\n".join("    " + line if line else "" for line in match.group(1).rstrip("\n").split("\n")))
        return f"\0{len(blocks) - 1}\0"

    text = _FENCE.sub(keep, markdown)
    text = _HEADING.sub(lambda m: m.group(1), text)
    text = _LINK.sub(lambda m: m.group(1) if m.group(1) == m.group(2) else f"{m.group(1)} <{m.group(2)}>", text)
    text = _INLINE_CODE.sub(lambda m: m.group(1), text)
    text = re.sub(r"\*\*([^*]+)\*\*", r"\1", text)
    return re.sub(r"\0(\d+)\0", lambda m: blocks[int(m.group(1))], text).strip()


TABLE_START = "<!-- rules-table: generated from the rules by scripts/update_readme.py; do not edit -->"
TABLE_END = "<!-- /rules-table -->"


def markdown_table(rules: dict) -> str:
    """The README's rules table: code, name, severity, fix, and the summary of each rule."""
    lines = ["| Code | Name | Severity | Fix | What it finds |", "| --- | --- | --- | --- | --- |"]
    for code, rule in rules.items():
        if not rule.has_fix():
            fix = ""
        elif rule.fix_safety_varies():
            fix = "safe / unsafe"
        else:
            fix = rule.fix_safety
        summary = summary_of(rule).replace("|", "\\|")
        lines.append(f"| `{code}` | {rule.name} | {rule.severity} | {fix} | {summary} |")
    return "\n".join(lines) + "\n"


def summary_of(rule) -> str:
    return summary(rule.doc())


def replace_table(readme: str, table: str) -> str:
    """``readme`` with the text between the table markers replaced by ``table``."""
    start = readme.index(TABLE_START) + len(TABLE_START)
    end = readme.index(TABLE_END)
    return readme[:start] + "\n" + table + readme[end:]
