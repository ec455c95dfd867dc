"""Catch rate of kerascheck on the silent model faults of fixtures/faults/, by category.

Each ``NN_name.py`` there has one fault and says where with a ``# FAULT: KCxxx`` comment on the
line the warning belongs to, and its category on a ``# category: NAME`` line; ``NN_name_fixed.py``
is its clean twin. A fault is caught when ``kerascheck check`` (default configuration) reports that
code at that line; a twin is clean when it gets no diagnostic at all.

    python benchmarks/faults.py            # the table, and every miss or false alarm
    python benchmarks/faults.py --json     # the same as JSON
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAULTS = ROOT / "fixtures" / "faults"
sys.path.insert(0, str(ROOT))

_FAULT = re.compile(r"#\s*FAULT:\s*(KC\d{3})")
_CATEGORY = re.compile(r"^#\s*category:\s*([a-z0-9-]+)", re.MULTILINE)


@dataclass
class Fault:
    path: Path
    category: str
    expected: list[tuple[str, int]]  # (code, line)

    @property
    def twin(self) -> Path:
        return self.path.with_name(self.path.stem + "_fixed.py")


def load_faults(folder: Path = FAULTS) -> list[Fault]:
    faults = []
    for path in sorted(folder.glob("*.py")):
        if path.stem.endswith("_fixed"):
            continue
        source = path.read_text(encoding="utf-8")
        category = _CATEGORY.search(source)
        expected = [(m.group(1), i) for i, line in enumerate(source.splitlines(), 1) for m in _FAULT.finditer(line)]
        faults.append(Fault(path, category.group(1) if category else "?", expected))
    return faults


def diagnostics(path: Path) -> list:
    from kerascheck.config import Config
    from kerascheck.lint import lint_source

    return lint_source(path.read_text(encoding="utf-8"), str(path), Config().enabled_codes())


def evaluate(faults: list[Fault]) -> dict:
    by_category: dict[str, dict] = defaultdict(lambda: {"faults": 0, "caught": 0, "twins": 0, "clean": 0})
    misses, false_alarms = [], []
    for fault in faults:
        found = {(d.code, d.line) for d in diagnostics(fault.path)}
        row = by_category[fault.category]
        row["faults"] += 1
        if fault.expected and all(e in found for e in fault.expected):
            row["caught"] += 1
        else:
            misses.append((fault.path.name, fault.expected, sorted(found)))
        row["twins"] += 1
        twin = [d.format() for d in diagnostics(fault.twin)] if fault.twin.exists() else ["(no twin)"]
        if not twin:
            row["clean"] += 1
        else:
            false_alarms.append((fault.twin.name, twin))
    return {"categories": dict(sorted(by_category.items())), "misses": misses, "false_alarms": false_alarms}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = evaluate(load_faults())
    if args.json:
        print(json.dumps(result, indent=2, default=str))
        return 0
    print(f"{'category':<18} {'caught':>8} {'clean twins':>12}")
    total = [0, 0, 0, 0]
    for name, row in result["categories"].items():
        print(f"{name:<18} {row['caught']:>3} / {row['faults']:<3} {row['clean']:>5} / {row['twins']:<3}")
        total = [total[0] + row["caught"], total[1] + row["faults"], total[2] + row["clean"], total[3] + row["twins"]]
    print(f"{'total':<18} {total[0]:>3} / {total[1]:<3} {total[2]:>5} / {total[3]:<3}")
    for name, expected, found in result["misses"]:
        print(f"missed: {name}: expected {expected}, found {found}")
    for name, found in result["false_alarms"]:
        print(f"false alarm: {name}: {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
