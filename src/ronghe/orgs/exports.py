"""The units register as a spreadsheet, with the import's own columns (so it can be edited and re-imported)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from ronghe.core.spreadsheets import safe_cells
from ronghe.orgs.models import Unit

HEADER = ["单位名称", "简称", "单位类别", "统一社会信用代码", "在编人数", "党组织", "业务部门", "单位领导"]


def units_xlsx(units: Iterable[Unit]) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("单位名录")
    ws.write_row(0, 0, HEADER, wb.add_format({"bold": True}))
    text = wb.add_format({"num_format": "@"})
    for i, u in enumerate(units, start=1):
        row = [
            u.name,
            u.short_name,
            u.get_kind_display(),
            u.credit_code,
            u.staff_count,
            "、".join(o.name for o in u.organizations.all()),
            "、".join(d.name for d in u.departments.all()),
            "、".join(f"{x.name}（{x.title}）" for x in u.leaders.all()),
        ]
        ws.write_row(i, 0, safe_cells(row))
        ws.write_string(i, 3, u.credit_code, text)
    ws.set_column(0, 0, 28)
    ws.set_column(3, 3, 22)
    wb.close()
    return buffer.getvalue()


def template_xlsx() -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False})
    ws = wb.add_worksheet("单位名录")
    ws.write_row(0, 0, HEADER[:5], wb.add_format({"bold": True}))
    ws.write_row(1, 0, ["清河县交通运输局", "县交通运输局", "党政机关", "", 85])
    ws.set_column(0, 0, 28)
    ws.set_column(3, 3, 22, wb.add_format({"num_format": "@"}))
    wb.close()
    return buffer.getvalue()
