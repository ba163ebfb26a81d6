"""统计与报告 under /api/v1/reports: the 党内统计 tables of an organization in the caller's scope."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS
from ronghe.core.scope import get_for_user_or_404
from ronghe.orgs.models import Organization
from ronghe.reports import statistics
from ronghe.reports.annual import services as annual
from ronghe.reports.models import AnnualReport

router = Router(tags=["统计与报告"])


class StatisticsRowOut(Schema):
    label: str
    organization: UUID | None
    values: list[int]


class StatisticsTableOut(Schema):
    key: str
    title: str
    columns: list[str]
    rows: list[StatisticsRowOut]
    notes: list[str]


class PartyStatisticsOut(Schema):
    organization: UUID
    year: int
    reference_date: str
    draft: bool
    tables: list[StatisticsTableOut]


@router.get("/statistics", response={200: PartyStatisticsOut, **ERRORS}, summary="党内统计")
def party_statistics(request: ApiRequest, org: UUID, year: int) -> dict[str, Any]:
    """截至 year 年 12 月 31 日的党内统计各表（首行为合计，其后为本级和各直属下级党组织）。年度未结束时返回 422，
    自 12 月 1 日（RONGHE_YEAR_END_DRAFT_MONTH）起为截至当日的草稿（draft 为 true，reference_date 为当日）。"""
    root = get_for_user_or_404(Organization, request.auth, perm="members.view", code=org)
    stats = statistics.party_statistics(root, year, timezone.localdate())
    return {
        "organization": root.code,
        "year": year,
        "reference_date": stats.on.isoformat(),
        "draft": stats.draft,
        "tables": [_table(t) for t in stats.tables],
    }


def _table(t: statistics.Table) -> dict[str, Any]:
    return {
        "key": t.key,
        "title": t.title,
        "columns": t.columns,
        "notes": t.notes,
        "rows": [
            {
                "label": r.label,
                "organization": r.organization.code if r.organization else None,
                "values": r.values,
            }
            for r in t.rows
        ],
    }


class AnnualFigureOut(Schema):
    key: str
    label: str
    value: int
    unit: str
    previous: int | None
    url: str


class AnnualTableOut(Schema):
    title: str
    columns: list[str]
    rows: list[list[str | int]]


class AnnualSectionOut(Schema):
    key: str
    title: str
    figures: list[AnnualFigureOut]
    tables: list[AnnualTableOut]
    text: str


class AnnualReportOut(Schema):
    organization: UUID
    year: int
    generated_at: str | None
    as_at: str
    draft: bool
    sections: list[AnnualSectionOut]


@router.get("/annual", response={200: AnnualReportOut, **ERRORS}, summary="年度工作报告")
def annual_report(request: ApiRequest, org: UUID, year: int) -> dict[str, Any]:
    """年度工作报告各部分的数据、表格和已填写的文字（最近一次生成的结果）；尚未生成时返回 404，
    年度未结束时返回 422。"""
    root = get_for_user_or_404(Organization, request.auth, perm="reports.view", code=org)
    annual.check_year(year, timezone.localdate())
    report = AnnualReport.objects.filter(organization=root, year=year, generated_at__isnull=False).first()
    if report is None:
        raise Http404("该年度工作报告尚未生成")
    return {
        "organization": root.code,
        "year": year,
        "generated_at": report.generated_at.isoformat() if report.generated_at else None,
        "as_at": report.as_at.isoformat(),
        "draft": report.draft,
        "sections": [
            {
                "key": s.key,
                "title": s.title,
                "figures": [
                    {
                        "key": f.key,
                        "label": f.label,
                        "value": f.value,
                        "unit": f.unit,
                        "previous": f.previous,
                        "url": f.url,
                    }
                    for f in s.figures
                ],
                "tables": [{"title": t.title, "columns": t.columns, "rows": t.rows} for t in s.tables],
                "text": s.text,
            }
            for s in annual.sections_of(report)
        ],
    }
