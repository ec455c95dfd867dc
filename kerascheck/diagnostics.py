"""A diagnostic: what every face (CLI, JSON, SARIF, LSP) reports."""

from __future__ import annotations

from dataclasses import dataclass

SYNTAX_CODE = "KC000"  # the file cannot be read, decoded or parsed: reported by the pipeline, not by a rule's check
# Information, never a problem: where the analysis was cut short, a summary() it could not predict.
NOTE_CODE = "KC001"
CUT_SHORT = "analysis cut short"  # how a note's message starts
NOT_PREDICTED = "summary() not predicted"


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    code: str
    message: str
    # "error": Keras will raise; "warning": runs but is almost certainly wrong; "info": what the
    # analysis could not do (NOTE_CODE), never counted as a problem
    severity: str = "error"
    end_line: int = 0
    end_column: int = 0
    stops_script: bool = False  # the first error in execution order: where the script stops
    # In a notebook: the cell's 1-based index among all its cells (line and column are then
    # relative to the cell), and the position in the notebook's JSON text. 0 elsewhere.
    cell: int = 0
    file_line: int = 0
    file_column: int = 0
    fix: str = ""  # "safe" / "unsafe" when the rule's fix applies to this diagnostic (``check`` fills it in)

    def __post_init__(self):
        if not self.end_line:
            object.__setattr__(self, "end_line", self.line)
            object.__setattr__(self, "end_column", self.column)

    def format(self) -> str:
        return f"{self.location()}: {self.code} {self.message}"

    def location(self) -> str:
        """``PATH:LINE:COL``, in a notebook ``PATH:cell N:LINE:COL`` (ruff's convention)."""
        cell = f"cell {self.cell}:" if self.cell else ""
        return f"{self.path}:{cell}{self.line}:{self.column}"

    def sort_key(self) -> tuple:
        return (self.path, self.cell, self.line, self.column, self.code)

    @property
    def absolute_line(self) -> int:
        """The line in the file itself (in a notebook: of its JSON text)."""
        return self.file_line or self.line

    @property
    def absolute_column(self) -> int:
        return self.file_column or self.column

    def as_json(self) -> dict:
        data = {"path": self.path, "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "code": self.code, "severity": self.severity, "message": self.message,
                "stops_script": self.stops_script, "fix": self.fix or None}
        if self.cell:
            data["cell"] = self.cell
        return data
