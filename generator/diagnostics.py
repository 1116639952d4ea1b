"""Data problems as values: located, sortable, reported together."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Severity = Literal["error", "warning"]

#: A path into a YAML document: mapping keys and sequence indexes, like pydantic's ``loc``.
Loc = tuple[str | int, ...]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One problem in one file, at a 1-based line and column."""

    path: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = "error"

    def format(self) -> str:
        """The compiler-style line: ``path:line:column: error: message [code]``."""
        return (
            f"{self.path}:{self.line}:{self.column}: {self.severity}: {self.message} [{self.code}]"
        )


@dataclass(frozen=True)
class Problem:
    """A problem found in parsed data, not yet located in its file.

    ``loc`` points at the offending value (or, with ``at_key``, at its key); a loc that
    leads to a missing key points at the nearest mapping that exists.
    """

    loc: Loc
    code: str
    message: str
    at_key: bool = field(default=False)


class DataError(Exception):
    """Raised at a boundary (the MkDocs plugin, a command) when data is invalid."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics)
        errors = [d for d in self.diagnostics if d.severity == "error"]
        super().__init__(
            f"{len(errors)} error(s) in partner data:\n"
            + "\n".join(d.format() for d in self.diagnostics)
        )
