"""Pure cell parsers for imported spreadsheets: text, dates in the forms Party offices write them.

Rule (issue 3 §5): dates are accepted as Excel date cells, 2019-07-01, 2019/7/1, 2019.07.01,
2019.7 (the 1st of the month), 2019年7月1日 and 2019年7月; full-width digits and stray spaces are
tolerated everywhere.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from ronghe.core.imports.errors import CellError

_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?$")
EXCEL_EPOCH = date(1899, 12, 30)
_COMPACT_RE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def clean_text(value: object) -> str:
    """Cell → stripped text: NFKC (full-width → half-width), inner runs of whitespace collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value if isinstance(value, str) else str(value)
    if not text.isascii():  # NFKC leaves ASCII unchanged
        text = unicodedata.normalize("NFKC", text)
    return " ".join(text.split())  # str.split() splits on exactly the characters \s matches


def normalize_header(value: object) -> str:
    """Header text for matching: NFKC, no whitespace at all, no '*' required-markers or brackets notes."""
    text = re.sub(r"\s+", "", clean_text(value))
    text = re.sub(r"[（(][^）)]*[）)]$", "", text)
    return text.strip("*※")


def parse_date(value: object) -> date | None:
    """A date from an Excel date cell or one of the written forms; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value
        if isinstance(number, float) and not number.is_integer():
            text = clean_text(f"{number:.2f}".rstrip("0"))  # 2019.7 typed as a number
        elif 10000 <= number <= 80000:  # an Excel date serial in a cell not formatted as a date
            return EXCEL_EPOCH + timedelta(days=int(number))
        else:
            text = str(int(number))
    else:
        text = clean_text(value)
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and text.isascii():
            try:  # the common 2019-07-01: the C parser, same result as the pattern below
                return date.fromisoformat(text)
            except ValueError:
                pass  # not YYYY-MM-DD digits, or no such day: the pattern below says which
    text = text.replace(" ", "")
    match = _DATE_RE.match(text) or _COMPACT_RE.match(text)
    if not match:
        raise CellError("日期格式无法识别，应为 2019-07-01、2019/7/1、2019.07.01、2019.7 或 2019年7月1日")
    year, month, day = int(match.group(1)), int(match.group(2)), int(match.group(3) or 1)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellError(f"日期“{text}”不存在") from exc
