"""Floor work for each workload: the least the same job could cost (one indexed SQL query).

Floor views are mounted only by `bench.urls` (bench settings), never by the production URLconf.
They run through the same middleware (session, auth, CSP …) as the real pages, so a page's ratio
to its floor is the cost of its own queries, rendering and permission checks.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone

from ronghe.core.permissions import public
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orglife.models import Meeting

ROSTER_COLUMNS = ("id", "name", "gender", "birth_date", "status", "party_post", "organization__name")
PAGE_SIZE = 20


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime(year, 1, 1, tzinfo=tz), datetime(year + 1, 1, 1, tzinfo=tz)


def _table(rows: list[tuple[Any, ...]]) -> HttpResponse:
    body = "".join("<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in r) + "</tr>" for r in rows)
    return HttpResponse(f"<!doctype html><table>{body}</table>")


@public
def home_floor(request: HttpRequest) -> HttpResponse:
    """The home page's numbers in one aggregate: active members by birth year and status."""
    rows = list(
        Member.objects.filter(organization__path__startswith=request.GET["path"], status__in=ACTIVE_STATUSES)
        .values_list("birth_date__year", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return JsonResponse({"rows": rows})


def roster_rows(org_path: str, q: str, page: int) -> list[tuple[Any, ...]]:
    qs = Member.objects.filter(organization__path__startswith=org_path)
    if q:
        qs = qs.filter(name__contains=q)
    start = (page - 1) * PAGE_SIZE
    return list(
        qs.order_by("organization_id", "name", "id").values_list(*ROSTER_COLUMNS)[start : start + PAGE_SIZE]
    )


@public
def roster_floor(request: HttpRequest) -> HttpResponse:
    """One page of the roster (same filter, order and page) from one indexed query."""
    return _table(roster_rows(request.GET["path"], request.GET.get("q", ""), int(request.GET.get("page", 1))))


def compliance_rows(year: int) -> list[tuple[Any, ...]]:
    start, end = _year_bounds(year)
    return list(
        Meeting.objects.filter(held_at__gte=start, held_at__lt=end)
        .values_list("organization_id", "kind")
        .annotate(
            meetings=Count("id", distinct=True),
            present=Count("attendances", filter=Q(attendances__status="present")),
        )
        .order_by()
    )


@public
def compliance_floor(request: HttpRequest) -> HttpResponse:
    """Meetings and attendance per branch and kind for a year, in one aggregate."""
    return _table(compliance_rows(int(request.GET.get("year", 2026))))


def ledger_model() -> tuple[type[models.Model], str, str | None] | None:
    """The points ledger (model, amount field, date field), found by shape: a Member FK and a number."""
    try:
        config = apps.get_app_config("points")
    except LookupError:
        return None
    for model in config.get_models():
        fks = [f for f in model._meta.fields if f.is_relation and f.related_model is Member]
        numbers = [
            f
            for f in model._meta.fields
            if isinstance(f, models.DecimalField | models.IntegerField)
            and not f.primary_key
            and not f.is_relation
            and f.name not in ("year",)
        ]
        if not fks or not numbers:
            continue
        amount = next(
            (f for f in numbers if f.name in ("points", "amount", "delta", "score", "value")), numbers[0]
        )
        dates = [f for f in model._meta.fields if isinstance(f, models.DateField)]
        when = next((f.name for f in dates if f.name not in ("created_at", "updated_at")), None)
        if when is None and any(f.name == "year" for f in model._meta.fields):
            when = "year"
        return model, amount.name, when
    return None


def _ledger_year_filter(when: str | None, year: int) -> dict[str, Any]:
    if when is None:
        return {}
    return {"year": year} if when == "year" else {f"{when}__year": year}


def points_group_by(year: int) -> int:
    """Sum of a year's ledger per member: one GROUP BY."""
    found = ledger_model()
    if found is None:
        return 0
    model, amount, when = found
    rows = list(
        model.objects.filter(**_ledger_year_filter(when, year))
        .values_list("member_id")
        .annotate(total=Sum(amount))
        .order_by()
    )
    return len(rows)


@public
def my_points_floor(request: HttpRequest) -> HttpResponse:
    """A member's ledger rows for the year from one indexed query."""
    found = ledger_model()
    if found is None:
        return _table([])
    model, amount, when = found
    rows = list(
        model.objects.filter(member_id=int(request.GET["member"]), **_ledger_year_filter(when, 2026))
        .order_by("pk")
        .values_list("pk", amount)
    )
    return _table(rows)


urlpatterns = [
    path("home", home_floor, name="home-floor"),
    path("roster", roster_floor, name="roster-floor"),
    path("compliance", compliance_floor, name="compliance-floor"),
    path("my-points", my_points_floor, name="my-points-floor"),
]
