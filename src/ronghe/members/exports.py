"""Roster exports: the scoped roster as .xlsx, a member's record card and political-birthday cards as .docx.

Every value goes into the workbook with `write_string` under `strings_to_formulas=False`, so a
name like "=HYPERLINK(...)" stays text, and with a leading apostrophe (core.spreadsheets) so it stays
text when edited or copied elsewhere (security.md FILE-7). ID numbers are masked unless the
exporter holds members.view_sensitive there and asks for them; every export is audited.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import date
from typing import IO, Any

import xlsxwriter
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Pt

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import has_perm_at, paths_with, scoped
from ronghe.core.spreadsheets import safe_text
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.members.services import reveal_id_number, reveal_phone
from ronghe.orgs.models import Organization

ROSTER_COLUMNS = (
    "姓名",
    "性别",
    "民族",
    "出生日期",
    "公民身份号码",
    "籍贯",
    "学历",
    "学位",
    "职业/人员类别",
    "工作单位及职务",
    "党内职务",
    "入党日期",
    "转正日期",
    "党员状态",
    "所在党组织",
    "手机号码",
    "参加工作时间",
    "备注",
)
WORKBOOK_OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def roster_values(member: Member, *, full: bool) -> list[str]:
    """One roster row as text, in ROSTER_COLUMNS order; ID and phone masked unless `full`."""
    id_number = reveal_id_number(member) if full and member.id_number_encrypted else member.id_number_masked
    phone = reveal_phone(member) if full and member.phone_encrypted else member.phone_masked
    return [
        member.name,
        member.gender,
        member.ethnicity,
        _day(member.birth_date),
        id_number,
        member.native_place,
        member.education,
        member.degree,
        member.occupation,
        member.work_position,
        member.party_post,
        _day(member.joined_on),
        _day(member.full_on),
        member.get_status_display(),
        member.organization.name,
        phone,
        _day(member.work_started_on),
        member.remarks,
    ]


def roster_queryset(*, user: User, organization: Organization | None) -> QuerySet[Member]:
    qs = scoped(Member.objects.select_related("organization"), user, "members.export")
    if organization is not None:
        qs = qs.filter(organization__path__startswith=organization.path)
    return qs.order_by("organization__path", "name", "id")


def can_export_full(user: User, organization: Organization | None) -> bool:
    """Full numbers need members.view_sensitive over everything exported."""
    if organization is not None:
        return has_perm_at(user, "members.view_sensitive", organization.path)
    export_paths = paths_with(user, "members.export")
    return bool(export_paths) and all(has_perm_at(user, "members.view_sensitive", p) for p in export_paths)


def export_roster(*, user: User, organization: Organization | None, full: bool) -> IO[bytes]:
    """Write the scoped roster to an anonymous temporary file (deleted when closed) and audit it."""
    if full and not can_export_full(user, organization):
        raise PermissionDenied("您没有导出完整身份证号的权限")
    members = roster_queryset(user=user, organization=organization)
    fh = tempfile.TemporaryFile()  # noqa: SIM115 — handed to FileResponse, which closes it
    count = write_roster(fh, members.iterator(chunk_size=2000), full=full)
    fh.seek(0)
    audit.record(
        "member.export",
        actor=user,
        object_type="orgs.organization",
        object_id=str(organization.code) if organization else "",
        object_repr=organization.name if organization else "全部管理范围",
        org_path=organization.path if organization else "",
        changes={
            "format": "xlsx",
            "scope": [organization.path] if organization else paths_with(user, "members.export"),
            "rows": count,
            "full_numbers": full,
        },
    )
    return fh


ROSTER = "members.roster"  # the export kind (core.exports.jobs), registered in MembersConfig.ready


def roster_rows(*, target: Organization, params: dict[str, Any]) -> int:
    """Members in `target`'s subtree: what decides whether its roster is built in the background."""
    return Member.objects.filter(organization__path__startswith=target.path).count()


def roster_filename(*, target: Organization, params: dict[str, Any]) -> str:
    return f"{target.name}_党员名册.xlsx"


def build_roster(
    *, target: Organization, user: User, params: dict[str, Any], out: IO[bytes], progress: Any
) -> None:
    """The masked roster of `target` as core.exports.jobs builds it in the background. A roster with
    full ID numbers is never queued (it would lie on disk until it expires): it is built at once."""
    if params.get("full"):
        raise DomainError("完整身份证号的名册不在后台生成，请在导出页面直接下载")
    progress(
        write_roster(
            out, roster_queryset(user=user, organization=target).iterator(chunk_size=2000), full=False
        )
    )


def register_roster_export() -> None:
    from ronghe.core.exports import jobs

    jobs.register(
        ROSTER,
        perm="members.export",
        event="member.export",
        rows=roster_rows,
        filename=roster_filename,
        build=build_roster,
    )


def write_roster(fh: IO[bytes], members: Iterable[Member], *, full: bool) -> int:
    workbook = xlsxwriter.Workbook(fh, WORKBOOK_OPTIONS)
    sheet = workbook.add_worksheet("党员名册")
    bold = workbook.add_format({"bold": True})
    text = workbook.add_format({"num_format": "@"})
    sheet.set_column(0, len(ROSTER_COLUMNS) - 1, 14, text)
    for col, title in enumerate(ROSTER_COLUMNS):
        sheet.write_string(0, col, title, bold)
    count = 0
    for count, member in enumerate(members, start=1):
        for col, value in enumerate(roster_values(member, full=full)):
            sheet.write_string(count, col, safe_text(value or ""))
    workbook.close()
    return count


def import_template() -> IO[bytes]:
    """An empty roster with the import headers; the ID column is formatted as text (FILE-5)."""
    fh = tempfile.TemporaryFile()  # noqa: SIM115 — handed to FileResponse, which closes it
    write_roster(fh, [], full=False)
    fh.seek(0)
    return fh


def _set_font(document: Any) -> None:
    style = document.styles["Normal"]
    style.font.name = "SimSun"
    style.font.size = Pt(12)


def member_card(*, user: User, member: Member) -> IO[bytes]:
    """A printable record card (.docx) with the roster fields, masked numbers; audited."""
    document = Document()
    _set_font(document)
    heading = document.add_heading("党员信息卡", level=1)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    values = roster_values(member, full=False)
    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    pairs = list(zip(ROSTER_COLUMNS, values, strict=True))
    for i in range(0, len(pairs), 2):
        cells = table.add_row().cells
        for j, (label, value) in enumerate(pairs[i : i + 2]):
            cells[j * 2].text = label
            cells[j * 2 + 1].text = value
    document.add_paragraph()
    document.add_paragraph("（本卡由融合党建平台生成，身份证号和手机号已隐去部分数字）")
    audit.record("member.export", actor=user, obj=member, changes={"format": "docx", "kind": "record_card"})
    return _save(document)


def birthday_queryset(*, user: User, month: int) -> QuerySet[Member]:
    """Active members in scope whose political birthday (入党日期's month) falls in `month`."""
    qs = scoped(Member.objects.select_related("organization"), user, "members.view")
    return qs.filter(joined_on__month=month, status__in=ACTIVE_STATUSES).order_by(
        "joined_on__day", "organization__path", "name", "id"
    )


def birthday_cards(*, user: User, month: int, year: int) -> IO[bytes]:
    """One greeting card per member (one page each), for the month's political birthdays; audited."""
    members = list(
        birthday_queryset(user=user, month=month).filter(
            pk__in=scoped(Member.objects.all(), user, "members.export").values("pk")
        )
    )
    document = Document()
    _set_font(document)
    for index, member in enumerate(members):
        title = document.add_heading("政治生日贺卡", level=1)
        title.alignment = WD_ALIGN_PARAGRAPH.CENTER
        document.add_paragraph(f"{member.name}同志：")
        years = year - member.joined_on.year
        document.add_paragraph(
            f"您于{member.joined_on.year}年{member.joined_on.month}月{member.joined_on.day}日"
            f"光荣加入中国共产党，今年是您入党 {years} 周年。"
            "值此政治生日之际，谨向您致以诚挚的祝贺！希望您不忘初心、牢记使命，"
            "在本职岗位上继续发挥先锋模范作用。"
        )
        closing = document.add_paragraph(f"{member.organization.name}\n{year}年{month}月")
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if index < len(members) - 1:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    if not members:
        document.add_paragraph(f"{month}月没有过政治生日的党员。")
    audit.record(
        "member.export",
        actor=user,
        object_type="members.member",
        object_repr=f"{year}年{month}月政治生日贺卡",
        changes={"format": "docx", "kind": "birthday_cards", "month": month, "rows": len(members)},
    )
    return _save(document)


def _save(document: Any) -> IO[bytes]:
    fh = tempfile.TemporaryFile()  # noqa: SIM115 — handed to FileResponse, which closes it
    document.save(fh)
    fh.seek(0)
    return fh
