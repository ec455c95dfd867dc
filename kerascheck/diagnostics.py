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
    fix: str = ""  # "safe" / "unsafe" when the rule's fix applies to this diagnostic (``check`` fills it in)

    def __post_init__(self):
        if not self.end_line:
            object.__setattr__(self, "end_line", self.line)
            object.__setattr__(self, "end_column", self.column)

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "code": self.code, "severity": self.severity, "message": self.message,
                "stops_script": self.stops_script,
                "fix": self.fix or None}
