"""The 党内统计 workbook: one sheet per table, in the order of the 年报表 catalogue (domain-rules §6)."""

from __future__ import annotations

import io

import xlsxwriter

from ronghe.core.spreadsheets import safe_cells
from ronghe.reports.statistics import PartyStatistics


def statistics_xlsx(stats: PartyStatistics) -> bytes:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    title = wb.add_format({"bold": True, "font_size": 14})
    head = wb.add_format(
        {"bold": True, "border": 1, "text_wrap": True, "align": "center", "valign": "vcenter"}
    )
    cell = wb.add_format({"border": 1})
    total = wb.add_format({"border": 1, "bold": True})
    for n, table in enumerate(stats.tables, 1):
        ws = wb.add_worksheet(f"{n:02d}{table.title}"[:31])
        ws.write(0, 0, f"{stats.organization.name} {table.title}（{stats.year}年）", title)
        ws.write(
            1,
            0,
            f"统计截止：{stats.on:%Y年%m月%d日}{'（年度未结束，草稿）' if stats.draft else ''}。"
            "本表供内部核对，正式报送以组织部门党内统计系统为准。",
        )
        ws.write_row(3, 0, ["党组织", *table.columns], head)
        for i, row in enumerate(table.rows, 4):
            ws.write_row(
                i, 0, safe_cells([row.label, *row.values]), total if row.organization is None else cell
            )
        for j, note in enumerate(table.notes, len(table.rows) + 5):
            ws.write(j, 0, f"说明：{note}")
        ws.set_column(0, 0, 28)
        ws.set_column(1, len(table.columns), 11)
        ws.set_row(3, 36)
        ws.freeze_panes(4, 1)
    wb.close()
    return buf.getvalue()
