"""Text for exported spreadsheet cells (security.md FILE-7, issue 17 finding 7).

Workbooks are written with `strings_to_formulas=False`, so xlsxwriter never stores a formula; but a
cell that *reads* as one (`=HYPERLINK(...)`, `+1+cmd|...`, `-2+3`, `@SUM(...)`, or a leading tab or
carriage return that some programs skip) becomes live as soon as someone edits it or copies it into
another sheet or a CSV. Such text gets a leading apostrophe (OWASP "CSV injection"), and stays text.
"""

from __future__ import annotations

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """`value`, with a leading apostrophe if it starts like a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def safe_cells(values: Iterable[object]) -> list[object]:
    """A row for `write_row`: strings through `safe_text`, numbers and everything else as they are."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]
