"""Honours documents: a winner's certificate and a selection's honours list, in Word (to edit before
printing) and PDF (to print or send as is)."""

from __future__ import annotations

import io
from collections.abc import Iterable

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from ronghe.core import pdf
from ronghe.core.scoring.models import Campaign
from ronghe.selections.models import Nomination

HEADER = ["序号", "获奖对象", "推荐单位", "得分", "名次", "证书编号"]


def _save(doc: object) -> bytes:
    buffer = io.BytesIO()
    doc.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _citation(nomination: Nomination) -> str:
    campaign = nomination.campaign
    return (
        f"经单位推荐、资格审查、评委评审、联审和公示，被评为{campaign.year}年度"
        f"“{campaign.selection.category_name}”。"
    )


def _awarded_on(nomination: Nomination) -> str:
    return nomination.awarded_at.strftime("%Y年%m月%d日") if nomination.awarded_at else ""


def _row(i: int, n: Nomination) -> list[object]:
    return [i, n.title, n.unit.name, n.total if n.total is not None else "", n.place or "", n.certificate_no]


def certificate_docx(nomination: Nomination) -> bytes:
    campaign = nomination.campaign
    doc = Document()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run("荣 誉 证 书")
    run.bold = True
    run.font.size = Pt(28)
    doc.add_paragraph().add_run(f"{nomination.title}：").bold = True
    body = doc.add_paragraph(_citation(nomination))
    body.paragraph_format.first_line_indent = Pt(28)
    doc.add_paragraph("特发此证，以资鼓励。")
    sign = doc.add_paragraph(campaign.organization.name)
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    day = doc.add_paragraph(_awarded_on(nomination))
    day.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    number = doc.add_paragraph(f"证书编号：{nomination.certificate_no}")
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return _save(doc)


def honours_docx(campaign: Campaign, rows: Iterable[Nomination]) -> bytes:
    doc = Document()
    doc.add_heading(f"{campaign.name}表彰名单", level=1)
    table = doc.add_table(rows=1, cols=len(HEADER))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, HEADER, strict=True):
        cell.text = text
    for i, n in enumerate(rows, start=1):
        for cell, value in zip(table.add_row().cells, _row(i, n), strict=True):
            cell.text = str(value)
    return _save(doc)


def certificate_pdf(nomination: Nomination) -> bytes:
    """The certificate on a landscape A4 page, ready to print."""
    from reportlab.platypus import Paragraph, Spacer

    campaign = nomination.campaign
    style = pdf.styles()
    story = [
        Spacer(1, 20),
        Paragraph("荣 誉 证 书", style["big"]),
        Paragraph(pdf.escape(f"{nomination.title}："), style["body"]),
        Paragraph(pdf.escape(_citation(nomination)), style["body"]),
        Paragraph("特发此证，以资鼓励。", style["body"]),
        Spacer(1, 30),
        Paragraph(pdf.escape(campaign.organization.name), style["right"]),
        Paragraph(_awarded_on(nomination), style["right"]),
        Paragraph(pdf.escape(f"证书编号：{nomination.certificate_no}"), style["right"]),
    ]
    return pdf.build(story, title=f"{nomination.title}荣誉证书", landscape=True)


def honours_pdf(campaign: Campaign, rows: Iterable[Nomination]) -> bytes:
    from reportlab.platypus import Paragraph

    title = f"{campaign.name}表彰名单"
    data: list[list[object]] = [list(HEADER), *(_row(i, n) for i, n in enumerate(rows, start=1))]
    story = [Paragraph(pdf.escape(title), pdf.styles()["title"]), pdf.table(data, [12, 52, 46, 18, 14, 28])]
    return pdf.build(story, title=title)
