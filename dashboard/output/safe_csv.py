"""Spreadsheet downloads that can't run formulas: every cell a spreadsheet might execute is made inert."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd

# A spreadsheet treats a cell starting with one of these as a formula (or as the start of one
# after it strips tab/CR), so data from users must never start with them (OWASP "CSV injection").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = " | "


def inert(value: Any) -> Any:
    """The cell value as shown, but with a leading quote if a spreadsheet would evaluate it.

    Numbers stay numbers (a negative number is not a formula); lists and tuples become text
    joined by " | " so a download shows them the way the app does.

    >>> inert("=1+1")
    "'=1+1"
    >>> inert(-3)
    -3
    """
    if isinstance(value, (list, tuple, set, frozenset)):
        value = LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def make_inert(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` where every text cell and header is inert."""
    safe = frame.copy()
    safe.columns = [inert(str(column)) for column in frame.columns]
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(inert).astype(object)
    return safe


def to_safe_csv(frame: pd.DataFrame) -> str:
    """CSV text (comma, header, no index, CRLF as RFC 4180) with formula-like cells neutralised.

    CRLF also makes the csv module quote any cell holding a bare CR, so no cell can break a row.
    """
    return make_inert(frame).to_csv(index=False, lineterminator="\r\n")


def to_safe_xlsx(frame: pd.DataFrame, sheet_name: str = "Data") -> bytes:
    """An .xlsx workbook of `frame` where no cell is stored as a formula."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = sheet_name[:31]
    safe = make_inert(frame)
    sheet.append(list(safe.columns))
    for row in safe.itertuples(index=False):
        sheet.append([_xlsx_value(value) for value in row])
    for cells in sheet.iter_rows():
        for cell in cells:
            if cell.data_type == "f":  # belt and braces: openpyxl must never write a formula
                cell.data_type = "s"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(value: Any) -> Any:
    """openpyxl accepts plain Python values only; missing values become empty cells."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value
