"""A diagnostic: what every face (CLI, JSON, SARIF, LSP) reports."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    path: str
    line: int  # 1-based
    column: int  # 1-based
    code: str
    message: str
    severity: str = "error"  # "error": Keras will raise; "warning": runs but is almost certainly wrong
    end_line: int = 0
    end_column: int = 0

    def __post_init__(self):
        if not self.end_line:
            object.__setattr__(self, "end_line", self.line)
            object.__setattr__(self, "end_column", self.column)

    def format(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"

    def as_json(self) -> dict:
        return {"path": self.path, "line": self.line, "column": self.column, "end_line": self.end_line,
                "end_column": self.end_column, "code": self.code, "severity": self.severity, "message": self.message}
