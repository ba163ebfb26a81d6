"""The 收缴 statement as xlsx (xlsxwriter, formulas off, text cells through core.spreadsheets)."""

from __future__ import annotations

from typing import IO

import xlsxwriter

from ronghe.core.spreadsheets import safe_cells
from ronghe.dues.queries import BranchLine, Statement


def write_statement(out: IO[bytes], statement: Statement, branches: list[BranchLine]) -> None:
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    money = book.add_format({"num_format": "0.00"})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("按月收缴")
    sheet.write_row(0, 0, safe_cells([f"{statement.organization.name} {statement.year}年党费收缴情况"]), bold)
    header = [
        "月份",
        "应交人数",
        "已交人数",
        "免交人数",
        "未交人数",
        "应交金额（元）",
        "实交金额（元）",
        "预交人次",
        "补交人次",
        "自愿多交（元）",
        "收缴率（%）",
        "应补差额（元）",
    ]
    sheet.write_row(2, 0, header, bold)
    lines = [*statement.months, statement.total]
    for i, line in enumerate(lines, start=3):
        label = "合计" if line is statement.total else f"{line.period.month}月"
        sheet.write_row(i, 0, safe_cells([label, line.members, line.paid, line.exempt, line.unpaid]))
        sheet.write_number(i, 5, float(line.due_amount), money)
        sheet.write_number(i, 6, float(line.paid_amount), money)
        sheet.write_row(i, 7, [line.prepaid, line.backpaid])
        sheet.write_number(i, 9, float(line.voluntary), money)
        sheet.write(i, 10, str(line.rate) if line.rate is not None else "—")
        sheet.write_number(i, 11, float(line.owed_amount), money)
    sheet.set_column(0, 11, 13)
    per = book.add_worksheet("按党组织")
    per.write_row(0, 0, ["党组织", "应交人次", "已交人次", "免交人次", "实交金额（元）", "收缴率（%）"], bold)
    for i, b in enumerate(branches, start=1):
        per.write_row(i, 0, safe_cells([b.organization.name, b.members, b.paid, b.exempt]))
        per.write_number(i, 4, float(b.paid_amount), money)
        per.write(i, 5, str(b.rate) if b.rate is not None else "—")
    per.set_column(0, 0, 30)
    per.set_column(1, 5, 13)
    book.close()
