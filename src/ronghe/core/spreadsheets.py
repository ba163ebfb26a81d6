"""Text for exported spreadsheet cells (security.md FILE-7, issue 17 finding 7).

Workbooks are written with `strings_to_formulas=False`, so xlsxwriter never stores a formula; but a
cell that *reads* as one (`=HYPERLINK(...)`, `+1+cmd|...`, `-2+3`, `@SUM(...)`, or a leading tab or
carriage return that some programs skip) becomes live as soon as someone edits it or copies it into
another sheet or a CSV. Such text gets a leading apostrophe (OWASP "CSV injection"), and stays text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value`, with a leading apostrophe if it starts like a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_cells(values: Iterable[object]) -> list[object]:
    """A row for `write_row`: strings through `safe_text`, numbers and everything else as they are."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]


# Excel's sheet holds 1,048,576 rows; xlsxwriter ignores a write past it (returns -1) without a word.
# Rows are kept for the header, a blank line and the notes that say where the rest went.
EXCEL_ROWS = 1_048_576
ROWS_PER_SHEET = EXCEL_ROWS - 5


class ContinuedSheets:
    """Rows written one after another over as many sheets as it takes: past `rows_per_sheet` data rows
    (default ROWS_PER_SHEET, Excel's limit) the rows go on in a new sheet "NAME（续2）" with the header
    repeated, and the full sheet ends with a note saying so: no row is lost at the format's limit.

    `sheet`, `row` (0-based) and `sheet_rows` (data rows on this sheet so far) say where the last row
    went, for cells a caller adds to it (a hyperlink, whose own per-sheet limit counts per sheet).
    `note(text)` adds a line under this sheet's rows; `close()` writes the last sheet's notes."""

    def __init__(
        self,
        workbook: Any,
        name: str,
        header: list[str],
        header_format: Any = None,
        rows_per_sheet: int | None = None,
    ) -> None:
        self.workbook, self.name, self.header, self.header_format = workbook, name, header, header_format
        self.rows_per_sheet = rows_per_sheet or ROWS_PER_SHEET
        self.number = 0
        self._open()

    def _open(self) -> None:
        self.number += 1
        title = self.name if self.number == 1 else f"{self.name}（续{self.number}）"
        self.sheet = self.workbook.add_worksheet(title)
        self.sheet.write_row(0, 0, self.header, self.header_format)
        self.row, self.sheet_rows = 0, 0
        self.notes: list[str] = []

    def note(self, text: str) -> None:
        """A line under this sheet's rows (once, however often it is asked for)."""
        if text not in self.notes:
            self.notes.append(text)

    def _write_notes(self) -> None:
        for offset, text in enumerate(self.notes, start=2):
            self.sheet.write_string(self.row + offset, 0, text)

    def write(self, values: Iterable[object]) -> None:
        """One data row (through `safe_cells`), on a new sheet when this one is full."""
        if self.sheet_rows >= self.rows_per_sheet:
            self.note(
                f"说明：Excel 每个工作表最多 {EXCEL_ROWS:,} 行，本表到此为止，"
                f"以下记录接“{self.name}（续{self.number + 1}）”工作表。"
            )
            self._write_notes()
            self._open()
        self.row += 1
        self.sheet_rows += 1
        self.sheet.write_row(self.row, 0, safe_cells(values))

    def close(self) -> None:
        self._write_notes()
