"""统计与报告 under /api/v1/reports: the 党内统计 tables of an organization in the caller's scope."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.utils import timezone
from ninja import Router, Schema

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS
from ronghe.core.scope import get_for_user_or_404
from ronghe.orgs.models import Organization
from ronghe.reports import statistics

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
    tables: list[StatisticsTableOut]


@router.get("/statistics", response={200: PartyStatisticsOut, **ERRORS}, summary="党内统计")
def party_statistics(request: ApiRequest, org: UUID, year: int) -> dict[str, Any]:
    """截至 year 年 12 月 31 日的党内统计各表（首行为合计，其后为本级和各直属下级党组织）；年度未结束时返回 422。"""
    root = get_for_user_or_404(Organization, request.auth, perm="members.view", code=org)
    stats = statistics.party_statistics(root, year, timezone.localdate())
    return {
        "organization": root.code,
        "year": year,
        "reference_date": stats.on.isoformat(),
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
