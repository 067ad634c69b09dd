"""Problems found while reading data: where (file, row, column), what, and the closest valid value.

Shared by the built-in loader and the reader of users' spreadsheets, so both speak the same
messages. Plain Python, no pandas: light enough for the web layer to import at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from dashboard.data.registry import AmbiguousMunicipality, MunicipalityNameError


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one place; str() is the line a person reads (row as seen in Excel)."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    suggestion: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"rad {self.row}")
        if self.column:
            where.append(f"kolonne «{self.column}»")
        text = f"{', '.join(where)}: {self.message}"
        if self.suggestion:
            text += f". Mente du «{self.suggestion}»?"
        return text


class DataError(Exception):
    """Data that can't be used, with every problem found (never just the first)."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(str(self))

    def count_text(self) -> str:
        """ "1 problem" / "3 problemer" — for headings above the lines."""
        count = len(self.problems)
        return "1 problem" if count == 1 else f"{count} problemer"

    def __str__(self) -> str:
        return "\n".join([f"{self.count_text()} i dataene:", *(str(problem) for problem in self.problems)])


class Problems:
    """Collects problems while reading, so validation can go on after the first one."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(
        self,
        file: str,
        row: int | None,
        column: str | None,
        value: object,
        message: str,
        suggestion: str | None = None,
    ) -> None:
        shown = None if value is None else str(value)
        self.items.append(Problem(file, row, column, shown, message, suggestion))

    def municipality(self, file: str, row: int | None, column: str, error: MunicipalityNameError) -> None:
        """Record a name the registry refused, with its best suggestion (none when ambiguous)."""
        suggestion = None if isinstance(error, AmbiguousMunicipality) or not error.choices else error.choices[0]
        self.add(file, row, column, error.value, error.reason, suggestion)

    def raise_if_any(self) -> None:
        if self.items:
            raise DataError(self.items)


def excel_row(position: int) -> int:
    """Row number a person sees in Excel for the n-th data row (0-based); the header is row 1."""
    return position + 2
