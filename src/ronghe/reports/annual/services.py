"""Generating the 年度工作报告 and keeping the text users write in it.

`generate` reads every section's figures from the records and stores them on the report, leaving the
narrative as it was: regenerating after a correction updates the figures and keeps the edited text.
One generation at a time per report: `generating_since` is taken by a conditional UPDATE (or by
creating the row), and a second request meanwhile is refused; a lock older than `STALE_AFTER` (a
process killed while generating) is taken over. A refused year, an empty year or a failure leaves
the report as it was (a row created for it is removed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import Conflict, DomainError
from ronghe.core.types import Actor
from ronghe.orgs.models import Organization
from ronghe.reports import statistics
from ronghe.reports.annual.sections import SECTIONS, Context, Figure, ReportTable, Section, section
from ronghe.reports.models import AnnualReport

STALE_AFTER = timedelta(minutes=10)
NARRATIVE_MAX = 20000


class AnnualReportError(DomainError):
    """A report that cannot be generated or saved, with the reason in Chinese."""


class GenerationRunning(Conflict):
    """Another generation of the same report is running."""

    default_code = "generation_running"


def check_year(year: int, today: date) -> None:
    """A work report covers a whole year: one not yet started cannot be reported on, and one not yet ended
    only as a draft as at today from the 党内统计's draft month (its members are counted at 31 December)."""
    if year < 1949:
        raise AnnualReportError("年度：请填写 1949 年以后的年度", "year")
    if year > today.year:
        raise AnnualReportError(f"年度：{year}年尚未开始，不能生成年度工作报告", "year")
    if statistics.too_early(year, today):
        raise AnnualReportError(
            f"年度：{year}年尚未结束，{statistics.draft_month()}月1日起可生成截至当日的初稿，"
            f"{year}年12月31日之后重新生成即为全年数据",
            "year",
        )


def compute(organization: Organization, year: int, today: date) -> dict[str, Any]:
    """Every section's figures and tables for the organization's subtree (callers check the scope)."""
    check_year(year, today)
    stats = statistics.party_statistics(organization, year, today)
    previous = statistics.party_statistics(organization, year - 1, today) if year > 1949 else None
    ctx = Context(organization, year, today, stats, previous)
    sections: list[dict[str, Any]] = []
    activity = False
    for s in SECTIONS:
        figures: list[Figure] = []
        tables: list[ReportTable] = []
        if s.provider is not None:
            data = s.provider(ctx)
            figures, tables = data.figures, data.tables
        activity = activity or any(f.value for f in figures if not f.stock)
        sections.append(
            {
                "key": s.key,
                "figures": [f.as_json() for f in figures],
                "tables": [t.as_json() for t in tables],
            }
        )
    if not activity:
        raise AnnualReportError(
            f"{organization.name}{year}年没有组织生活、发展党员、培训、评星、表彰、考核等记录，"
            "无法生成年度工作报告；请先核对该年度的记录是否已录入",
            "year",
        )
    return {"as_at": stats.on.isoformat(), "sections": sections}


def _take(organization: Organization, year: int, now: Any) -> tuple[AnnualReport, bool]:
    """The report with its generation lock taken, and whether it was created for this generation."""
    report = AnnualReport.objects.filter(organization=organization, year=year).first()
    if report is None:
        try:
            with transaction.atomic():
                return AnnualReport.objects.create(
                    organization=organization, year=year, generating_since=now
                ), True
        except IntegrityError:  # created meanwhile by another generation
            report = AnnualReport.objects.get(organization=organization, year=year)
    free = Q(generating_since__isnull=True) | Q(generating_since__lt=now - STALE_AFTER)
    if not AnnualReport.objects.filter(free, pk=report.pk).update(generating_since=now):
        raise GenerationRunning(
            f"{organization.name}{year}年度工作报告正在由他人生成，请稍后刷新页面查看，不要重复提交"
        )
    return report, False


def generate(*, organization: Organization, year: int, actor: Actor | None, today: date) -> AnnualReport:
    """(Re)generate the figures of the organization's report for `year`; the narrative is kept."""
    check_year(year, today)
    now = timezone.now()
    report, created = _take(organization, year, now)
    try:
        figures = compute(organization, year, today)
        with transaction.atomic():
            report.figures = figures
            report.generated_at = timezone.now()
            report.generated_by_id = actor.pk if actor is not None and actor.is_authenticated else None
            report.generating_since = None
            report.save(
                update_fields=["figures", "generated_at", "generated_by", "generating_since", "updated_at"]
            )
            audit.record(
                "reports.annual.generate",
                actor=actor,
                obj=organization,
                changes={"year": year, "regenerated": not created},
            )
    except BaseException:
        if created:
            AnnualReport.objects.filter(pk=report.pk).delete()
        else:
            AnnualReport.objects.filter(pk=report.pk, generating_since=now).update(generating_since=None)
        raise
    return report


def save_narrative(*, report: AnnualReport, key: str, text: str, actor: Actor | None) -> AnnualReport:
    """Keep the text a user wrote for one section; the figures are not touched."""
    found = section(key)
    if found is None:
        raise AnnualReportError("没有这一部分", "section")
    text = text.replace("\r\n", "\n").strip()
    if len(text) > NARRATIVE_MAX:
        raise AnnualReportError(f"{found.title}：不能超过 {NARRATIVE_MAX} 字", "text")
    with transaction.atomic():
        locked = AnnualReport.objects.select_for_update().get(pk=report.pk)
        narrative = dict(locked.narrative)
        if text:
            narrative[key] = text
        else:
            narrative.pop(key, None)
        locked.narrative = narrative
        locked.save(update_fields=["narrative", "updated_at"])
        audit.record(
            "reports.annual.edit",
            actor=actor,
            obj=report.organization,
            changes={"year": report.year, "section": key, "chars": len(text)},
        )
    return locked


# ---- read side --------------------------------------------------------------------------------------


@dataclass
class SectionView:
    number: str
    section: Section
    figures: list[Figure]
    tables: list[ReportTable]
    text: str  # the users' text, "" when not written yet

    @property
    def key(self) -> str:
        return self.section.key

    @property
    def title(self) -> str:
        return self.section.title

    @property
    def has_figures(self) -> bool:
        return self.section.provider is not None


NUMERALS = "一二三四五六七八九十"


def sections_of(report: AnnualReport) -> list[SectionView]:
    """The report's sections in order, with their stored figures and the users' text."""
    stored = {s["key"]: s for s in report.figures.get("sections", [])}
    out = []
    for i, s in enumerate(SECTIONS):
        data = stored.get(s.key, {})
        out.append(
            SectionView(
                NUMERALS[i] if i < len(NUMERALS) else str(i + 1),
                s,
                [Figure.from_json(f) for f in data.get("figures", [])],
                [ReportTable(t["title"], t["columns"], t["rows"]) for t in data.get("tables", [])],
                report.narrative.get(s.key, ""),
            )
        )
    return out


def figure(report: AnnualReport, key: str) -> Figure | None:
    """A stored figure by key, from any section."""
    for s in report.figures.get("sections", []):
        for f in s["figures"]:
            if f["key"] == key:
                return Figure.from_json(f)
    return None
