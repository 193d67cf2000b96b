"""Errors that point at the file, line, document and span at fault."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input; `str()` gives the one-line message users see."""

    message: str
    file: str = ""
    line: int | None = None
    doc_id: str | None = None
    span_id: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        parts = [where] if where else []
        if self.doc_id is not None:
            parts.append(f"document {self.doc_id!r}")
        if self.span_id is not None:
            parts.append(f"span {self.span_id!r}")
        return (": ".join([", ".join(parts), self.message])) if parts else self.message


class CorpusError(ValueError):
    """One or more problems with corpus input; every problem is listed, not only the first."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))
