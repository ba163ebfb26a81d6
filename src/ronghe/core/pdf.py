"""PDF documents the platform produces (monthly summaries, certificates, honours lists), with reportlab.

reportlab's built-in CID font STSong-Light renders Chinese with the reader's own font: no font file is
shipped or embedded. One place for the font, the styles, the page and the table look, so every PDF reads
alike; each module lays out its own content.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

FONT = "STSong-Light"


def _font() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def styles() -> dict[str, Any]:
    """Paragraph styles in the CID font: title, heading, normal, right (a signature), big (a certificate's
    heading)."""
    from reportlab.lib.styles import ParagraphStyle

    _font()
    return {
        "title": ParagraphStyle("title", fontName=FONT, fontSize=16, leading=22, alignment=1, spaceAfter=6),
        "heading": ParagraphStyle(
            "heading", fontName=FONT, fontSize=12, leading=18, spaceBefore=10, spaceAfter=4
        ),
        "normal": ParagraphStyle("normal", fontName=FONT, fontSize=10.5, leading=16),
        "right": ParagraphStyle("right", fontName=FONT, fontSize=14, leading=24, alignment=2),
        "body": ParagraphStyle("body", fontName=FONT, fontSize=16, leading=30, firstLineIndent=32),
        "big": ParagraphStyle("big", fontName=FONT, fontSize=32, leading=48, alignment=1, spaceAfter=24),
        "cell": ParagraphStyle("cell", fontName=FONT, fontSize=9, leading=12, wordWrap="CJK"),
    }


def escape(text: object) -> str:
    """Text for a Paragraph, which reads a small markup: a name with "<" or "&" stays text."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def table(
    rows: Sequence[Sequence[object]], widths_mm: Sequence[float], *, center_from: int = 1, wrap: bool = False
) -> Any:
    """A gridded table, the first row a shaded header repeated on each page; columns from `center_from`
    centred (numbers). `wrap` breaks long cell text onto lines within the column (a record's prose) instead
    of running past the page edge."""
    from reportlab.lib import colors
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    _font()
    cell = styles()["cell"]
    data = [[Paragraph(escape(v), cell) if wrap else str(v) for v in row] for row in rows]
    out = Table(data, colWidths=[w * mm for w in widths_mm], repeatRows=1)
    out.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), FONT),
                ("FONTSIZE", (0, 0), (-1, -1), 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f3f5")),
                ("ALIGN", (center_from, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "TOP" if wrap else "BOTTOM"),
            ]
        )
    )
    return out


def build(story: list[Any], *, title: str, landscape: bool = False) -> bytes:
    """The story laid out on A4 pages (portrait, or landscape for a certificate), as PDF bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as turned
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    _font()
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=turned(A4) if landscape else A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="融合",
    ).build(story)
    return out.getvalue()
