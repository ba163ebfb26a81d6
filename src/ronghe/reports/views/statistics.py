"""党内统计 page and workbook: an organization in the user's scope and a year that has ended."""

from __future__ import annotations

from uuid import UUID

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import XLSX, generated
from ronghe.core.errors import DomainError
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, paths_with, scoped
from ronghe.orgs.models import Organization
from ronghe.reports import exports, statistics

PERM = "members.view"


def _choices(request: AuthenticatedRequest) -> list[Organization]:
    """The user's top organizations and their direct children; deeper ones are reached from a table row."""
    roots = paths_with(request.user, PERM)
    qs = scoped(Organization.objects.filter(is_active=True), request.user, PERM)
    tops = list(qs.filter(path__in=roots).order_by("path"))
    children = list(qs.filter(parent__in=tops).order_by("path"))
    return sorted([*tops, *children], key=lambda o: o.path)


@require(PERM)
def party_statistics(request: AuthenticatedRequest) -> HttpResponse:
    today = timezone.localdate()
    choices = _choices(request)
    if not choices:
        raise Http404
    try:
        code = UUID(request.GET["org"]) if request.GET.get("org") else None
    except ValueError as exc:  # a malformed code reads as a missing one
        raise Http404 from exc
    org = get_for_user_or_404(Organization, request.user, perm=PERM, code=code) if code else choices[0]
    last = statistics.default_year(today)
    raw = request.GET.get("year", "")
    error = ""
    stats = None
    year = last
    if raw:
        try:
            year = int(raw)
        except ValueError:
            error = "统计年度：请填写四位数字的年份"
    if not error:
        try:
            stats = statistics.party_statistics(org, year, today)
        except DomainError as exc:
            error = exc.message
    if stats is not None and request.GET.get("format") == "xlsx":
        audit.record("reports.statistics.export", obj=org, changes={"year": year})
        return generated(exports.statistics_xlsx(stats), XLSX, f"{org.name}{year}年党内统计.xlsx")
    if org not in choices:
        choices = sorted([*choices, org], key=lambda o: o.path)
    return render(
        request,
        "reports/statistics.html",
        {
            "org": org,
            "year": year,
            "years": range(last, last - 6, -1),
            "choices": choices,
            "stats": stats,
            "error": error,
        },
    )
