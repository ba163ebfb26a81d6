"""Build messy roster files in-test: title rows, merged cells, numeric ID cells, formulas, CSV."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

HEADER = [
    "姓名",
    "性别",
    "公民身份号码",
    "出生日期",
    "民族",
    "学历",
    "入党日期",
    "转正日期",
    "所在党支部",
    "手机号码",
]


def write_xlsx(
    path: Path, rows: list[list[object]], *, title: str | None = "甲局党员名册", merge_org: int = 0
) -> Path:
    """An .xlsx like county offices send: a merged title row, then the header, then `rows`.

    Strings are written as text; ints/floats as numbers; dates/datetimes as Excel dates;
    strings starting with "=" as formulas. `merge_org` > 1 merges the 所在党支部 cell of the first
    data row down over that many rows.
    """
    workbook = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    sheet = workbook.add_worksheet("名册")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    start = 0
    if title:
        sheet.merge_range(0, 0, 0, len(HEADER) - 1, title)
        start = 1
    header = rows[0]
    for col, value in enumerate(header):
        sheet.write_string(start, col, value)
    for r, row in enumerate(rows[1:], start=start + 1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime | date):
                sheet.write_datetime(r, c, datetime(value.year, value.month, value.day), date_format)
            elif isinstance(value, int | float):
                sheet.write_number(r, c, value)
            elif isinstance(value, str) and value.startswith("="):
                sheet.write_formula(r, c, value, None, 0)
            else:
                sheet.write_string(r, c, value)
    if merge_org > 1:
        col = header.index("所在党支部")
        first = start + 1
        sheet.merge_range(first, col, first + merge_org - 1, col, rows[1][col])
    workbook.close()
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([["" if v is None else str(v) for v in row] for row in rows])
    return path
