"""Exports: a meeting record as Word, an organization's year ledger (台账) as .xlsx."""

from __future__ import annotations

import io
from datetime import date

import xlsxwriter
from django.utils import timezone
from docx import Document
from docx.shared import Pt

from ronghe.core.spreadsheets import safe_cells
from ronghe.orglife import compliance, queries
from ronghe.orglife.choices import AttendanceStatus
from ronghe.orglife.models import Meeting
from ronghe.orgs.models import Organization


def meeting_docx(meeting: Meeting) -> bytes:
    """The usual layout: header, attendance, agenda, remarks, decisions and votes, signatures."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.add_heading(f"{meeting.organization.name}{meeting.get_kind_display()}记录", level=1)
    start = timezone.localtime(meeting.held_at)
    end = timezone.localtime(meeting.ends_at) if meeting.ends_at else None
    rows = list(meeting.attendances.select_related("member").order_by("member__name"))
    present = [r for r in rows if r.status == AttendanceStatus.PRESENT]
    header = [
        ("会议名称", meeting.title + ("（补录）" if meeting.entered_late else "")),
        ("时间", f"{start:%Y年%m月%d日 %H:%M}" + (f"—{end:%H:%M}" if end else "")),
        ("地点", meeting.place or "—"),
        ("主持人", meeting.host.name if meeting.host else "—"),
        ("记录人", meeting.recorder.name if meeting.recorder else "—"),
        ("应到", f"{len(rows)} 人（有表决权 {sum(1 for r in rows if r.is_voter)} 人）"),
        ("实到", f"{len(present)} 人：{'、'.join(r.member.name for r in present) or '—'}"),
        (
            "请假/缺席",
            "；".join(
                f"{r.member.name}（{r.get_status_display()}{'：' + r.reason if r.reason else ''}）"
                for r in rows
                if r.status != AttendanceStatus.PRESENT
            )
            or "无",
        ),
        (
            "列席人员",
            "、".join(
                f"{s.name}{'（' + s.affiliation + '）' if s.affiliation else ''}"
                for s in meeting.sitting_ins.all()
            )
            or "无",
        ),
    ]
    table = doc.add_table(rows=len(header), cols=2)
    table.style = "Table Grid"
    for i, (k, v) in enumerate(header):
        table.cell(i, 0).text, table.cell(i, 1).text = k, v
    for title, text in (
        ("议程", meeting.agenda),
        ("会议内容", meeting.minutes),
        ("发言情况", meeting.remarks),
    ):
        doc.add_heading(title, level=2)
        doc.add_paragraph(text or "—")
    doc.add_heading("决议及表决情况", level=2)
    decisions = list(meeting.decisions.all())
    if not decisions:
        doc.add_paragraph("无")
    for n, d in enumerate(decisions, 1):
        doc.add_paragraph(
            f"{n}. {d.text}（{d.get_method_display()}；应到会有表决权 {d.voters_expected} 人，实到 {d.voters_present} 人；"
            f"赞成 {d.yes}，反对 {d.no}，弃权 {d.abstain}；{'通过' if d.passed else '未通过'}）"
        )
    doc.add_paragraph("散会。")
    doc.add_paragraph("主持人（签字）：____________        记录人（签字）：____________")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def ledger_xlsx(org: Organization, year: int, today: date) -> bytes:
    """An organization's year 台账: its meetings with attendance, and its obligations with states."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    bold = wb.add_format({"bold": True})
    ws = wb.add_worksheet("会议台账")
    head = ["日期", "会议类型", "会议名称", "地点", "应到", "实到", "请假", "缺席", "补录"]
    ws.write_row(0, 0, head, bold)
    meetings = queries.meetings_for_year(org, year)
    for i, m in enumerate(meetings, 1):
        ws.write_row(
            i,
            0,
            safe_cells(
                [
                    f"{timezone.localtime(m.held_at):%Y-%m-%d %H:%M}",
                    m.get_kind_display(),
                    m.title,
                    m.place,
                    m.n_expected,
                    m.n_present,
                    m.n_excused,
                    m.n_absent,
                    "是" if m.entered_late else "",
                ]
            ),
        )
    ws.set_column(0, 0, 17)
    ws.set_column(2, 2, 30)
    ws2 = wb.add_worksheet("落实情况")
    ws2.write_row(0, 0, ["会议类型", "周期", "起", "止", "应开", "已开", "状态"], bold)
    results = compliance.compute_compliance(Organization.objects.filter(pk=org.pk), year, today)
    r = 1
    for oc in results:
        for ob in oc.obligations:
            ws2.write_row(
                r,
                0,
                safe_cells(
                    [
                        ob.kind_label,
                        ob.slot.label,
                        f"{ob.slot.start}",
                        f"{ob.slot.end}",
                        ob.required,
                        ob.held,
                        ob.state_label,
                    ]
                ),
            )
            r += 1
    wb.close()
    return buf.getvalue()
