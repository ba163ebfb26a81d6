"""A survey's results as xlsx: the same figures as the page, under the same group-size rule, and never
a row per respondent."""

from __future__ import annotations

import io

import xlsxwriter

from ronghe.core.spreadsheets import safe_cells
from ronghe.outreach.models import Survey
from ronghe.outreach.queries import Results


def results_xlsx(survey: Survey, res: Results) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("问卷结果")
    ws.write_row(0, 0, safe_cells([survey.title]), bold)
    ws.write_row(1, 0, ["答卷人数", res.respondents])
    row = 3
    if not res.visible:
        ws.write_row(row, 0, safe_cells([res.message]))
    for q in res.questions:
        ws.write_row(row, 0, safe_cells([f"{q.order}. {q.text}"]), bold)
        row += 1
        for o in q.options:
            ws.write_row(row, 0, safe_cells([o.label, o.count, float(o.percent)]))
            row += 1
        for t in q.texts:
            ws.write_row(row, 0, safe_cells([t]))
            row += 1
        row += 1
    if res.groups or res.groups_message:
        ws2 = wb.add_worksheet("按党组织")
        ws2.write_row(0, 0, ["党组织", "答卷人数", "满意率（%）"], bold)
        if res.groups_message:
            ws2.write_row(1, 0, safe_cells([res.groups_message]))
        for i, g in enumerate(res.groups, start=1):
            ws2.write_row(
                i,
                0,
                safe_cells(
                    [g.name, g.respondents, float(g.satisfaction) if g.satisfaction is not None else ""]
                ),
            )
    wb.close()
    return buffer.getvalue()
