"""Exports: a branch's points 台账 and a member's annual statement (.xlsx, formulas disabled, formula-like
text with a leading apostrophe: core.spreadsheets)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import IO, Any

import xlsxwriter
from django.db.models import QuerySet

from ronghe.core.spreadsheets import ContinuedSheets, safe_cells
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.points import queries
from ronghe.points.models import MemberYear, PointsEntry

BATCH = 2000
# Excel's limit of hyperlinks in one worksheet (xlsxwriter refuses more, with a warning only).
LINKS_PER_SHEET = 65_530
LINKS_NOTE = (
    "说明：Excel 每个工作表最多保存 {limit} 个超链接，第 {first} 行起的“来源链接”以网址文字给出，"
    "复制到浏览器即可打开。"
)


def _workbook(buffer: IO[bytes]) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(
        buffer, {"strings_to_formulas": False, "strings_to_urls": False, "constant_memory": True}
    )


def entry_url_prefix(base_url: str) -> str:
    """`base_url` + the entry page path without its code (one reverse for the whole export)."""
    from django.urls import reverse

    sample = "00000000-0000-0000-0000-000000000000"
    return base_url.rstrip("/") + reverse("points:entry-detail", kwargs={"code": sample}).replace(
        sample + "/", ""
    )


LEDGER = "points.ledger"  # the export kind (core.exports.jobs), registered in PointsConfig.ready


def _ledger_years(org: Organization, year: int) -> QuerySet[MemberYear]:
    return MemberYear.objects.filter(year=year, organization__path__startswith=org.path)


def _ledger_entries(org: Organization, year: int) -> QuerySet[PointsEntry]:
    return PointsEntry.objects.filter(year=year, member__organization__path__startswith=org.path)


def ledger_rows(*, target: Organization, params: dict[str, Any]) -> int:
    """Rows of the ledger of `target` (both sheets): what decides whether it is built in the background."""
    year = int(params["year"])
    return _ledger_years(target, year).count() + _ledger_entries(target, year).count()


def ledger_filename(*, target: Organization, params: dict[str, Any]) -> str:
    return f"{target.name}{params['year']}年度积分台账.xlsx"


def build_ledger(
    *,
    target: Organization,
    user: object,
    params: dict[str, Any],
    out: IO[bytes],
    progress: Callable[[int], None],
) -> None:
    """The ledger export as core.exports.jobs builds it: `params` holds the year and the site address."""
    write_ledger(out, target, int(params["year"]), str(params.get("base_url", "")), progress=progress)


def register_ledger_export() -> None:
    from ronghe.core.exports import jobs

    jobs.register(
        LEDGER,
        perm="points.view",
        event="points.ledger_exported",
        rows=ledger_rows,
        filename=ledger_filename,
        build=build_ledger,
    )


def write_ledger(
    out: IO[bytes],
    org: Organization,
    year: int,
    base_url: str = "",
    progress: Callable[[int], None] | None = None,
) -> None:
    """Sheet 1: one row per member (total, grade, each dimension); sheet 2: every ledger entry,
    each with a link to its source page (积分来源). `progress` hears the rows written so far.
    Nothing is lost at Excel's limits: past 65,530 links a sheet the address is text, past a sheet's
    rows the rows go on in "积分明细（续2）" (core.spreadsheets.ContinuedSheets), each said in the file."""
    wb = _workbook(out)
    bold = wb.add_format({"bold": True})
    years = _ledger_years(org, year).select_related("member", "organization", "scheme")
    first = years.first()
    dims = queries.dimension_names(first.scheme if first else None)
    header = ["党组织", "姓名", "总积分", "等次", *[name for _, name in dims]]
    summary = ContinuedSheets(wb, "年度积分", header, bold)
    done = 0
    for r in years.order_by("organization__path", "-total", "member__name").iterator(chunk_size=BATCH):
        scores = r.dimension_points()
        summary.write(
            [
                r.organization.name,
                r.member.name,
                float(r.total),
                r.grade,
                *[float(scores.get(c, 0)) for c, _ in dims],
            ]
        )
        done += 1
    summary.close()
    if progress:
        progress(done)
    header = ["党组织", "姓名", "日期", "维度", "指标", "分值", "来源", "说明", "来源链接"]
    detail = ContinuedSheets(wb, "积分明细", header, bold)
    prefix = entry_url_prefix(base_url)
    entries = (
        _ledger_entries(org, year)
        .select_related("member__organization", "indicator__dimension")
        .order_by("member__organization__path", "member__name", "occurred_on", "id")
    )
    for e in entries.iterator(chunk_size=BATCH):
        detail.write(
            [
                e.member.organization.name,
                e.member.name,
                e.occurred_on.isoformat(),
                e.indicator.dimension.name,
                e.indicator.name,
                float(e.points),
                e.get_source_type_display(),
                e.note,
            ]
        )
        url = f"{prefix}{e.code}/"
        if detail.sheet_rows <= LINKS_PER_SHEET:
            detail.sheet.write_url(detail.row, 8, url, string="查看来源")
        else:
            # Excel keeps at most 65,530 hyperlinks a sheet and drops the rest silently (35,800 rows of
            # the county ledger lost their link): past it the address is written as text, said below.
            detail.sheet.write_string(detail.row, 8, url)
            detail.note(LINKS_NOTE.format(limit=LINKS_PER_SHEET, first=LINKS_PER_SHEET + 2))
        done += 1
        if progress:
            progress(done)
    detail.close()
    wb.close()


def statement_xlsx(member: Member, year: int) -> bytes:
    """A member's annual statement: summary per dimension with grades, then each entry."""
    summary = queries.member_summary(member, year)
    buffer = io.BytesIO()
    wb = _workbook(buffer)
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet(f"{year}年度积分")
    ws.write_row(0, 0, safe_cells([f"{member.name} {year} 年度党员积分明细"]), bold)
    ws.write_row(1, 0, safe_cells(["所在党组织", member.organization.name]))
    ws.write_row(2, 0, safe_cells(["总积分", float(summary.total), "等次", summary.grade]))
    ws.write_row(4, 0, ["维度", "积分", "等次", "A 等线", "B 等线"], bold)
    row = 5
    for d in summary.dimensions:
        ws.write_row(
            row, 0, safe_cells([d.name, float(d.points), d.grade, float(d.threshold_a), float(d.threshold_b)])
        )
        row += 1
    row += 1
    ws.write_row(row, 0, ["日期", "维度", "指标", "分值", "来源", "说明"], bold)
    row += 1
    for e in queries.entries_for_member(member, year).order_by("occurred_on", "id"):
        ws.write_row(
            row,
            0,
            safe_cells(
                [
                    e.occurred_on.isoformat(),
                    e.indicator.dimension.name,
                    e.indicator.name,
                    float(e.points),
                    e.get_source_type_display(),
                    e.note,
                ]
            ),
        )
        row += 1
    wb.close()
    return buffer.getvalue()


def statement_docx(member: Member, year: int) -> bytes:
    """A member's annual statement as Word: total and grade, each dimension, entries grouped by source."""
    from collections import defaultdict
    from decimal import Decimal

    from docx import Document

    from ronghe.points.choices import SourceType

    summary = queries.member_summary(member, year)
    doc = Document()
    doc.add_heading(f"{member.name} {year} 年度党员积分明细", level=1)
    doc.add_paragraph(f"所在党组织：{member.organization.name}")
    doc.add_paragraph(f"总积分：{_num(summary.total)}　　等次：{summary.grade or '—'}")
    if summary.vetoed:
        doc.add_paragraph("本年度触发一票否决。")
    doc.add_heading("各维度积分", level=2)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["维度", "积分", "等次", "A 等线", "B 等线"], strict=True):
        cell.text = text
    for d in summary.dimensions:
        row = table.add_row().cells
        for cell, text in zip(
            row, [d.name, _num(d.points), d.grade, _num(d.threshold_a), _num(d.threshold_b)], strict=True
        ):
            cell.text = text
    groups: dict[str, list[PointsEntry]] = defaultdict(list)
    for e in queries.entries_for_member(member, year).order_by("occurred_on", "id"):
        groups[e.source_type].append(e)
    doc.add_heading("积分来源明细", level=2)
    if not groups:
        doc.add_paragraph("本年度还没有积分记录。")
    for source_type, label in SourceType.choices:
        entries = groups.get(source_type)
        if not entries:
            continue
        subtotal = sum((e.points for e in entries), Decimal("0"))
        doc.add_heading(f"{label}（{len(entries)} 条，合计 {_num(subtotal)} 分）", level=3)
        t = doc.add_table(rows=1, cols=5)
        t.style = "Table Grid"
        reason = "调整原因" if source_type == SourceType.ADJUSTMENT else "说明"
        for cell, text in zip(t.rows[0].cells, ["日期", "维度", "指标", "分值", reason], strict=True):
            cell.text = text
        for e in entries:
            row = t.add_row().cells
            values = [
                e.occurred_on.isoformat(),
                e.indicator.dimension.name,
                e.indicator.name,
                _num(e.points),
                e.note,
            ]
            for cell, text in zip(row, values, strict=True):
                cell.text = text
    doc.add_paragraph("各条记录按原始分值列出；各指标按细则的月、季、年上限计入总分。")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _num(value: object) -> str:
    from decimal import Decimal

    d = Decimal(str(value))
    return format(d.normalize(), "f") if d == d.to_integral() else format(d, "f")
