"""The 年度工作报告 as a Word document: the same sections, figures and text as the preview page.

Text not yet written is printed as a bracketed prompt (【请填写：…】) so the draft shows what is missing.
"""

from __future__ import annotations

import io

from docx import Document
from docx.shared import Pt

from ronghe.reports.annual.services import sections_of
from ronghe.reports.models import AnnualReport


def title_of(report: AnnualReport) -> str:
    return f"{report.organization.name}{report.year}年度党建工作报告"


def annual_docx(report: AnnualReport) -> bytes:
    doc = Document()
    doc.styles["Normal"].font.size = Pt(12)
    doc.add_heading(title_of(report), level=0)
    generated = report.generated_at
    when = f"{generated.astimezone():%Y年%m月%d日 %H:%M}" if generated else "—"
    on = f"{report.as_at:%Y年%m月%d日}"
    doc.add_paragraph(
        f"（初稿。数据由平台记录生成于 {when}，党员数截至 {on}；"
        + (f"年度尚未结束，各项数据截至 {on}，年末后需重新生成；" if report.draft else "")
        + "方括号内为待填写的内容。）"
    )
    for s in sections_of(report):
        doc.add_heading(f"{s.number}、{s.title}", level=1)
        if s.has_figures:
            if s.figures:
                doc.add_paragraph("；".join(f.sentence for f in s.figures) + "。")
            else:
                doc.add_paragraph("本年度暂无记录。")
        for t in s.tables:
            doc.add_paragraph(t.title)
            table = doc.add_table(rows=1, cols=len(t.columns))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, t.columns, strict=True):
                cell.text = text
            for row in t.rows:
                for cell, value in zip(table.add_row().cells, row, strict=True):
                    cell.text = str(value)
        if s.text:
            for paragraph in s.text.split("\n"):
                if paragraph.strip():
                    doc.add_paragraph(paragraph.strip())
        else:
            doc.add_paragraph(f"【请填写：{s.section.prompt}】")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
