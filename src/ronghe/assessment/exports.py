"""干部考核参考: the assessment's results as xlsx and Word, for the 组织部门's cadre assessment."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter
from docx import Document

from ronghe.assessment import queries, rules
from ronghe.assessment.models import Entry
from ronghe.core.scoring.models import Campaign
from ronghe.core.spreadsheets import safe_cells

HEADER = [
    "序号",
    "单位",
    "党建得分",
    "党建等次",
    "业务得分",
    "综合得分",
    "考核等次",
    "联动规则",
    "书记述职等次",
    "融合象限",
    "评先评优资格",
]


def _num(value: object) -> object:
    return float(value) if value is not None else ""  # type: ignore[arg-type]


def _row(i: int, e: Entry) -> list[object]:
    return [
        i,
        e.unit.name,
        _num(e.party_score),
        rules.grade_label(e.party_rank),
        _num(e.business_score),
        _num(e.total),
        e.grade,
        "；".join(e.capped_by),
        rules.grade_label(e.secretary_rank) + (f"（{e.secretary_note}）" if e.secretary_note else ""),
        queries.QUADRANT_LABELS.get(e.quadrant, ""),
        "是" if queries.eligible(e) else "否",
    ]


def results_xlsx(campaign: Campaign, entries: Iterable[Entry]) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("融合考核结果")
    ws.write_row(0, 0, HEADER, wb.add_format({"bold": True}))
    for i, e in enumerate(entries, start=1):
        ws.write_row(i, 0, safe_cells(_row(i, e)))
    wb.close()
    return buffer.getvalue()


def cadre_docx(campaign: Campaign, entries: Iterable[Entry]) -> bytes:
    doc = Document()
    doc.add_heading(f"{campaign.name}结果（干部考核参考）", level=1)
    doc.add_paragraph(
        f"组织单位：{campaign.organization.name}。党建工作和业务工作同步考核，党建部分由平台记录得出，"
        "业务部分来自业务系统报送的目标任务完成情况；“联动规则”列写明等次受限的原因。"
    )
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for i, e in enumerate(entries, start=1):
        for cell, value in zip(table.add_row().cells, _row(i, e), strict=True):
            cell.text = str(value)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
