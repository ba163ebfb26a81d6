"""The rejected-rows file: the rows an import refused, with the reasons, as a downloadable .xlsx.

The file repeats the upload's own header row after two columns of ours (原行号, 错误原因) and writes
every value as text, so a user can correct the rows in place and import the file again.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter

from ronghe.core.imports.errors import RowError
from ronghe.core.imports.reading import Header
from ronghe.core.spreadsheets import safe_text


class RejectedWriter:
    """The rejected rows as .xlsx: the file's own header plus 错误原因, values written as text."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.workbook: Any = None
        self.sheet: Any = None
        self.row = 0

    def add(self, header: Header, number: int, cells: list[object], errors: list[RowError]) -> None:
        if self.workbook is None:
            self.workbook = xlsxwriter.Workbook(
                str(self.path),
                {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
            )
            self.sheet = self.workbook.add_worksheet("错误行")
            self.sheet.write_string(0, 0, "原行号")
            self.sheet.write_string(0, 1, "错误原因")
            for col, value in enumerate(header.cells, start=2):
                self.sheet.write_string(0, col, _as_text(value))
            self.row = 1
        self.sheet.write_number(self.row, 0, number)
        self.sheet.write_string(self.row, 1, "；".join(f"{e.column}：{e.message}" for e in errors))
        for col, value in enumerate(cells, start=2):
            self.sheet.write_string(self.row, col, _as_text(value))
        self.row += 1

    def close(self) -> None:
        if self.workbook is not None:
            self.workbook.close()
            self.path.chmod(0o600)  # full ID and phone numbers as the user typed them


def _as_text(value: object) -> str:
    """A cell as text; one that starts like a formula keeps a leading apostrophe (core.spreadsheets)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else safe_text(str(value))
