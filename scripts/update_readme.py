"""Regenerate the README's rules table from the rules (their code, name, severity, fix and summary).

    python scripts/update_readme.py          # rewrite README.md in place
    python scripts/update_readme.py --check  # exit 1 when README.md is out of date

tests/test_rule_docs.py fails when the table and the rules differ.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kerascheck.rules import RULES  # noqa: E402
from kerascheck.rules.documentation import markdown_table, replace_table  # noqa: E402


def main() -> int:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    updated = replace_table(text, markdown_table(RULES))
    if "--check" in sys.argv[1:]:
        if updated != text:
            print("README.md's rules table is out of date: run python scripts/update_readme.py", file=sys.stderr)
            return 1
        return 0
    if updated != text:
        readme.write_text(updated, encoding="utf-8")
        print("README.md: rules table updated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
