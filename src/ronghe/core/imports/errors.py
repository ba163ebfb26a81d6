"""Import errors: a refused file, and one bad cell of one row."""

from __future__ import annotations

from dataclasses import dataclass

from ronghe.core.errors import DomainError


class ImportRefused(DomainError):
    """The file cannot be imported at all; `message` is shown to the user (Chinese) on the file field."""

    default_code = "import_refused"

    def __init__(self, message: str, field: str | None = "file", code: str | None = None) -> None:
        super().__init__(message, field, code)


class CellError(ValueError):
    """A bad value in one column; the message is Chinese and names what is expected."""


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet row number as the user sees it (1-based)
    column: str  # the header as written in the file
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message}
