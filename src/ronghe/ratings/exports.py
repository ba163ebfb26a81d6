"""Naming documents: a branch's certificate (Word) and the 公示/命名 list (Word and xlsx)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ronghe.core.scoring.models import Campaign
from ronghe.core.spreadsheets import safe_cells
from ronghe.ratings.models import Entry

HEADER = ["序号", "党支部", "所属单位", "总分", "星级", "所得星", "状态"]


def _row(i: int, e: Entry, label: str) -> list[object]:
    return [
        i,
        e.organization.name,
        e.organization.unit.name if e.organization.unit_id and e.organization.unit else "",
        float(e.total) if e.total is not None else "",
        label,
        "、".join(e.stars),
        e.get_state_display(),
    ]


def certificate_docx(entry: Entry) -> bytes:
    campaign = entry.campaign
    label = campaign.level_rules().label(entry.current_level)
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("荣 誉 证 书")
    run.bold = True
    run.font.size = Pt(28)
    body = doc.add_paragraph()
    body.paragraph_format.first_line_indent = Pt(28)
    body.add_run(f"{entry.organization.name}：").bold = True
    doc.add_paragraph(
        f"经支部自评申星、上级党组织初审、{campaign.organization.name}考评、联审和公示，"
        f"你支部被评定为 {campaign.year} 年度“{label}”党支部。"
    )
    if entry.stars:
        doc.add_paragraph("所获星：" + "、".join(entry.stars))
    doc.add_paragraph("特发此证，以资鼓励。")
    sign = doc.add_paragraph(campaign.organization.name)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    when = entry.named_at.strftime("%Y年%m月%d日") if entry.named_at else ""
    day = doc.add_paragraph(when)
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def list_docx(campaign: Campaign, entries: Iterable[Entry]) -> bytes:
    rules = campaign.level_rules()
    doc = Document()
    doc.add_heading(f"{campaign.name}结果{'名单' if campaign.state == 'named' else '公示名单'}", level=1)
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for i, e in enumerate(entries, start=1):
        level = e.current_level if e.state == "named" else e.level
        cells = table.add_row().cells
        for cell, value in zip(cells, _row(i, e, rules.label(level)), strict=True):
            cell.text = str(value)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def list_xlsx(campaign: Campaign, entries: Iterable[Entry]) -> bytes:
    rules = campaign.level_rules()
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    ws = wb.add_worksheet("评星结果")
    ws.write_row(0, 0, HEADER, wb.add_format({"bold": True}))
    for i, e in enumerate(entries, start=1):
        level = e.current_level if e.state == "named" else e.level
        ws.write_row(i, 0, safe_cells(_row(i, e, rules.label(level))))
    wb.close()
    return buffer.getvalue()
