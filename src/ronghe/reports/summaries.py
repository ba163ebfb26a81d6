"""月度工作小结 (issue 20 item 5): for each unit, last month's work against the month before, delivered on
the first working day of the month as a notice to the unit's Party-affairs staff with the PDF attached.

Figures come from the owning apps' own read sides (MeetingTally as the 看板 reads it, orglife compliance,
integration's task summary and overdue rule) or one grouped query over their records; every figure is
scoped to the subtree of the organization that answers for the unit (`orgs.queries.lead_organizations`).
A constant number of queries per unit, whatever its size.

Delivery is idempotent per (unit, month) (`MonthlySummary` is unique on them) and one transaction per unit:
a unit that fails is reported and rolled back (its PDF file removed), the others are delivered.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from ronghe.core import audit, pdf, workdays
from ronghe.core.evidence import files as evidence_files
from ronghe.core.evidence import services as evidence_services
from ronghe.core.scope import has_perm_at
from ronghe.education.models import TrainingSession
from ronghe.integration import queries as integration_queries
from ronghe.integration.models import Task
from ronghe.members.choices import TransferStatus
from ronghe.members.models import Member, Transfer
from ronghe.notices import rules as notice_rules
from ronghe.notices import services as notice_services
from ronghe.orglife import compliance
from ronghe.orglife.choices import ComplianceState, MeetingKind
from ronghe.orglife.models import MeetingTally
from ronghe.orgs.models import Organization, Unit
from ronghe.orgs.queries import lead_organizations
from ronghe.points.choices import ClaimState
from ronghe.points.models import Claim
from ronghe.reports.models import MonthlySummary

log = logging.getLogger(__name__)

AUDIENCE = "reports.view"  # the unit's Party-affairs staff, secretaries and leaders; not every member
OVERDUE_LIST_MAX = 40  # items named in the PDF; the count covers them all


def first_of(month: date) -> date:
    return month.replace(day=1)


def previous_month(month: date) -> date:
    return (first_of(month) - timedelta(days=1)).replace(day=1)


def next_month(month: date) -> date:
    return (first_of(month) + timedelta(days=32)).replace(day=1)


def month_label(month: date) -> str:
    return f"{month.year}年{month.month}月"


def first_working_day(year: int, month: int) -> date:
    """The first working day (调休-aware, `core.workdays`) of the month."""
    day = date(year, month, 1)
    while not workdays.is_working_day(day)[0]:
        day += timedelta(days=1)
    return day


def is_summary_day(today: date) -> bool:
    return today == first_working_day(today.year, today.month)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    current: int | Decimal
    previous: int | Decimal | None  # None: not known for last month

    @property
    def change(self) -> str:
        if self.previous is None:
            return "—"
        diff = self.current - self.previous
        return f"+{diff}" if diff > 0 else str(diff)


@dataclass
class Summary:
    unit: Unit
    organization: Organization
    month: date
    rows: list[Row] = field(default_factory=list)
    overdue_items: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{month_label(self.month)}工作小结（{self.unit.name}）"

    def row(self, key: str) -> Row:
        return next(r for r in self.rows if r.key == key)

    def as_json(self) -> dict[str, Any]:
        return {
            "rows": [
                [r.key, r.label, str(r.current), None if r.previous is None else str(r.previous)]
                for r in self.rows
            ],
            "overdue_items": self.overdue_items,
        }


def _bounds(month: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(first_of(month), time.min, tzinfo=tz),
        datetime.combine(next_month(month), time.min, tzinfo=tz),
    )


def _overdue_obligations(organization: Organization, month: date) -> list[compliance.Obligation]:
    """Organizational-life obligations of the subtree whose period ended by the month's end unmet."""
    orgs = Organization.objects.filter(path__startswith=organization.path)
    end = next_month(month) - timedelta(days=1)
    results = compliance.compute_compliance(orgs, month.year, next_month(month))
    return [
        ob
        for oc in results
        for ob in oc.obligations
        if ob.state == ComplianceState.OVERDUE and ob.slot.end <= end
    ]


def compute(unit: Unit, organization: Organization, month: date) -> Summary:
    """The summary of `unit` for `month` (any day of it) against the month before."""
    month, prev = first_of(month), previous_month(month)
    subtree = Q(organization__path__startswith=organization.path)
    summary = Summary(unit, organization, month)
    rows = summary.rows

    # Meetings held, by kind (the tallies the meeting services keep: held meetings only).
    held: dict[tuple[date, str], int] = {}
    for year, m, kind, n in (
        MeetingTally.objects.filter(subtree)
        .filter(Q(year=month.year, month=month.month) | Q(year=prev.year, month=prev.month))
        .values_list("year", "month", "kind")
        .annotate(n=Sum("held"))
        .order_by()
    ):
        held[(date(year, m, 1), kind)] = n or 0
    for kind in MeetingKind:
        now, before = held.get((month, kind.value), 0), held.get((prev, kind.value), 0)
        if now or before:
            rows.append(Row(f"meetings.{kind.value}", f"召开{kind.label}（次）", now, before))
    rows.append(
        Row(
            "meetings",
            "召开会议合计（次）",
            sum(n for (m, _k), n in held.items() if m == month),
            sum(n for (m, _k), n in held.items() if m == prev),
        )
    )

    # Organizational life overdue at each month's end.
    overdue_now = _overdue_obligations(organization, month)
    overdue_before = _overdue_obligations(organization, prev)
    rows.append(Row("orglife_overdue", "组织生活逾期事项（月末）", len(overdue_now), len(overdue_before)))
    names = dict(
        Organization.objects.filter(pk__in={ob.organization_id for ob in overdue_now}).values_list(
            "pk", "name"
        )
    )
    summary.overdue_items = [
        f"{names.get(ob.organization_id, '')}：{ob.slot.label}{ob.kind_label}，应 {ob.required} 已 {ob.held}"
        for ob in overdue_now
    ]

    # Points claims reviewed and points awarded (decided in the month).
    (start, end), (pstart, pend) = _bounds(month), _bounds(prev)
    decided = ~Q(state__in=[ClaimState.SUBMITTED, ClaimState.WITHDRAWN])
    approved = Q(state=ClaimState.APPROVED)
    claims = Claim.objects.filter(
        Q(member__organization__path__startswith=organization.path), decided
    ).aggregate(
        reviewed=Count("id", filter=Q(decided_at__gte=start, decided_at__lt=end)),
        reviewed_before=Count("id", filter=Q(decided_at__gte=pstart, decided_at__lt=pend)),
        awarded=Sum("points", filter=approved & Q(decided_at__gte=start, decided_at__lt=end)),
        awarded_before=Sum("points", filter=approved & Q(decided_at__gte=pstart, decided_at__lt=pend)),
    )
    rows.append(Row("claims_reviewed", "审核积分申报（件）", claims["reviewed"], claims["reviewed_before"]))
    rows.append(
        Row(
            "points_awarded",
            "通过申报积分（分）",
            claims["awarded"] or Decimal("0"),
            claims["awarded_before"] or Decimal("0"),
        )
    )

    # New members (入党日期 in the month) and completed transfers.
    joined = Member.objects.filter(subtree).aggregate(
        now=Count("id", filter=Q(joined_on__gte=month, joined_on__lt=next_month(month))),
        before=Count("id", filter=Q(joined_on__gte=prev, joined_on__lt=month)),
    )
    rows.append(Row("new_members", "新入党党员（人）", joined["now"], joined["before"]))
    moved = Transfer.objects.filter(subtree, status=TransferStatus.COMPLETED).aggregate(
        now=Count("id", filter=Q(completed_on__gte=month, completed_on__lt=next_month(month))),
        before=Count("id", filter=Q(completed_on__gte=prev, completed_on__lt=month)),
    )
    rows.append(Row("transfers", "完成组织关系转接（人次）", moved["now"], moved["before"]))

    # Integration tasks of the unit's plan: done this year (now) and overdue at the month's end.
    done, _total, late = integration_queries.task_summary([unit.pk], month.year, next_month(month))[unit.pk]
    _d, _t, late_before = integration_queries.task_summary([unit.pk], prev.year, month)[unit.pk]
    last = MonthlySummary.objects.filter(unit=unit, month=prev).values_list("figures", flat=True).first()
    done_before = _figure(last, "tasks_done")
    rows.append(Row("tasks_done", "融合任务已完成（本年累计）", done, done_before))
    rows.append(Row("tasks_overdue", "融合任务逾期（月末）", late, late_before))
    tasks = Task.objects.filter(plan__unit=unit, plan__year=month.year)
    for task in integration_queries.overdue(tasks, next_month(month)).order_by("deadline", "id")[
        :OVERDUE_LIST_MAX
    ]:
        summary.overdue_items.append(f"融合任务：{task.title}（{task.deadline:%m月%d日} 到期）")

    # Training sessions of classes run in the subtree.
    sessions = TrainingSession.objects.filter(
        training_class__organization__path__startswith=organization.path
    ).aggregate(
        now=Count("id", filter=Q(starts_at__gte=start, starts_at__lt=end)),
        before=Count("id", filter=Q(starts_at__gte=pstart, starts_at__lt=pend)),
    )
    rows.append(Row("training_sessions", "培训课程（次）", sessions["now"], sessions["before"]))
    return summary


def _figure(figures: dict[str, Any] | None, key: str) -> int | None:
    for row in (figures or {}).get("rows", []):
        if row[0] == key:
            return int(row[2])
    return None


# --- PDF --------------------------------------------------------------------------------------------


def render_pdf(summary: Summary) -> bytes:
    """The summary as a PDF (`core.pdf`): title, month, the table 本月/上月/变化, the overdue items."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer

    style = pdf.styles()
    prev = previous_month(summary.month)
    data: list[list[object]] = [
        ["项目", f"本月（{summary.month.month}月）", f"上月（{prev.month}月）", "变化"]
    ]
    for row in summary.rows:
        data.append([row.label, row.current, "—" if row.previous is None else row.previous, row.change])
    story: list[Any] = [
        Paragraph(pdf.escape(summary.title), style["title"]),
        Paragraph(
            pdf.escape(f"统计月份：{month_label(summary.month)}　接收党组织：{summary.organization.name}"),
            style["normal"],
        ),
        Paragraph(f"生成时间：{timezone.localtime():%Y-%m-%d %H:%M}（数据截至生成时）", style["normal"]),
        Spacer(1, 4 * mm),
        pdf.table(data, [80, 30, 30, 25]),
        Paragraph("逾期事项", style["heading"]),
    ]
    items = summary.overdue_items[:OVERDUE_LIST_MAX]
    if items:
        story += [Paragraph(f"{i}. {pdf.escape(text)}", style["normal"]) for i, text in enumerate(items, 1)]
        if len(summary.overdue_items) > len(items):
            story.append(
                Paragraph(
                    f"另有 {len(summary.overdue_items) - len(items)} 项，见平台相应页面。", style["normal"]
                )
            )
    else:
        story.append(Paragraph("无。", style["normal"]))
    return pdf.build(story, title=summary.title)


# --- delivery -------------------------------------------------------------------------------------------


def notice_body(summary: Summary) -> str:
    lines = [
        f"{summary.unit.name}{month_label(summary.month)}工作小结已生成，详见附件 PDF。主要数据（本月 / 上月）："
    ]
    for row in summary.rows:
        before = "—" if row.previous is None else row.previous
        lines.append(f"· {row.label}：{row.current} / {before}")
    if summary.overdue_items:
        lines.append(f"逾期事项 {len(summary.overdue_items)} 项，详见附件。")
    return "\n".join(lines)


@dataclass
class RunResult:
    delivered: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # delivered before, or no organization answers for it
    failed: list[tuple[str, str]] = field(default_factory=list)


def deliver(
    unit: Unit, organization: Organization, month: date, *, force: bool = False
) -> MonthlySummary | None:
    """Compute, render and deliver one unit's summary; None when it was delivered before (and not `force`).
    One transaction: the notice, its PDF and the record appear together or not at all."""
    month = first_of(month)
    if not force and MonthlySummary.objects.filter(unit=unit, month=month).exists():
        return None
    summary = compute(unit, organization, month)
    pdf = render_pdf(summary)
    stored: str | None = None
    try:
        with transaction.atomic():
            if force:
                MonthlySummary.objects.filter(unit=unit, month=month).delete()
            notice = notice_services.publish_system(
                organization=organization,
                title=summary.title,
                body=notice_body(summary),
                audience_permission=AUDIENCE,
            )
            evidence = evidence_services.attach_generated(
                kind=notice_rules.ATTACHMENT_KIND,
                object_id=notice.pk,
                organization=organization,
                filename=f"{month.year}年{month.month:02d}月工作小结-{unit.name}.pdf",
                content=pdf,
                view_permission=AUDIENCE,
                note="月度工作小结",
            )
            stored = evidence.stored_name
            record = MonthlySummary.objects.create(
                unit=unit,
                month=month,
                organization=organization,
                notice=notice,
                evidence=evidence,
                figures=summary.as_json(),
            )
            audit.record(
                "reports.monthly_summary",
                obj=record,
                org_path=organization.path,
                changes={"unit": unit.name, "month": f"{month:%Y-%m}", "force": force},
            )
    except IntegrityError:
        # another run delivered the same (unit, month) meanwhile: theirs stands
        _discard(stored)
        return None
    except Exception:
        _discard(stored)
        raise
    return record


def _discard(stored_name: str | None) -> None:
    if stored_name:
        evidence_files.discard(evidence_services.FOLDER, stored_name)


def run(month: date, *, units: Iterable[Unit] | None = None, force: bool = False) -> RunResult:
    """Deliver `month`'s summaries of every unit (or `units`); one unit's failure is logged and reported,
    the others go on."""
    unit_list = list(units) if units is not None else list(Unit.objects.order_by("name"))
    leads = lead_organizations([u.pk for u in unit_list])
    result = RunResult()
    for unit in unit_list:
        organization = leads.get(unit.pk)
        if organization is None:
            result.skipped.append(unit.name)
            continue
        try:
            record = deliver(unit, organization, month, force=force)
        except Exception as exc:  # noqa: BLE001 — one unit's failure must not lose the others
            log.exception("monthly summary of %s failed", unit.name)
            result.failed.append((unit.name, str(exc) or exc.__class__.__name__))
            continue
        (result.delivered if record is not None else result.skipped).append(unit.name)
    return result


def run_if_due(today: date) -> RunResult | None:
    """The daily task's call: on the first working day of the month, last month's summaries."""
    if not is_summary_day(today):
        return None
    return run(previous_month(today))


def unit_section(request: HttpRequest, unit: Unit) -> dict[str, Any] | None:
    """The unit page's 月度工作小结 section: the summaries delivered, each with its PDF (the evidence download,
    which checks `reports.view` at the organization and is audited); shown to holders of `reports.view` there."""
    organization = lead_organizations([unit.pk]).get(unit.pk)
    if organization is None or not has_perm_at(request.user, AUDIENCE, organization.path):
        return None
    rows = [
        {
            "month": s.month,
            "label": month_label(s.month),
            "pdf_url": reverse("evidence:download", kwargs={"code": s.evidence.code}) if s.evidence else "",
            "notice_code": s.notice.code if s.notice else None,
            "created_at": s.created_at,
        }
        for s in MonthlySummary.objects.filter(unit=unit)
        .select_related("evidence", "notice")
        .order_by("-month")[:24]
    ]
    return {"summaries": rows}
