"""Floor work for each workload: the least the same job could cost (one indexed SQL query).

Floor views are mounted only by `bench.urls` (bench settings), never by the production URLconf.
They run through the same middleware (session, auth, CSP …) as the real pages, so a page's ratio
to its floor is the cost of its own queries, rendering and permission checks.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import ExtractMonth, Substr
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone

from ronghe.core.permissions import public
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orglife.models import Meeting
from ronghe.orgs.models import Organization
from ronghe.points.models import Claim, PointsEntry

ROSTER_COLUMNS = (
    "code",
    "name",
    "gender",
    "birth_date",
    "status",
    "full_on",
    "phone_masked",
    "organization__name",
)
PAGE_SIZE = 30  # members:member-list shows 30 per page


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
    """The roster's filter (subtree, name contains, active statuses), order and page, as one query."""
    qs = Member.objects.filter(organization__path__startswith=org_path, status__in=ACTIVE_STATUSES)
    if q:
        qs = qs.filter(name__contains=q)
    start = (page - 1) * PAGE_SIZE
    return list(
        qs.order_by("organization__path", "name", "id").values_list(*ROSTER_COLUMNS)[
            start : start + PAGE_SIZE
        ]
    )


API_COLUMNS = (
    "code",
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number_masked",
    "phone_masked",
    "native_place",
    "education",
    "degree",
    "occupation",
    "work_position",
    "party_post",
    "joined_on",
    "full_on",
    "status",
    "organization__code",
    "organization__name",
    "work_started_on",
    "remarks",
)


@public
def api_members_floor(request: HttpRequest) -> HttpResponse:
    """`/api/v1/members?organization=<branch>&limit=20` as one indexed query: the subtree's active members
    in the API's order, 20 rows of the same columns, as JSON (no token, no count, no audit row)."""
    rows = list(
        Member.objects.filter(organization__path__startswith=request.GET["path"], status__in=ACTIVE_STATUSES)
        .order_by("organization__path", "name", "id")
        .values(*API_COLUMNS)[: int(request.GET.get("limit", 20))]
    )
    return JsonResponse({"items": rows})


@public
def roster_floor(request: HttpRequest) -> HttpResponse:
    """One page of the roster (same filter, order and page) from one indexed query."""
    return _table(roster_rows(request.GET["path"], request.GET.get("q", ""), int(request.GET.get("page", 1))))


def compliance_rows(year: int) -> list[tuple[Any, ...]]:
    """Meetings held per unit (the top node's children, as the table's rows), kind and month of the
    year: one aggregate over the meeting table, grouped in the database like the table's numbers.
    (Round 3 fetched one row per branch, kind and month: 1.3 M rows at 1M, which grew the server's
    heap to 3.7 GB and slowed the very page it was the floor of.)"""
    start, end = _year_bounds(year)
    unit = Organization.objects.filter(depth=1).values_list("path", flat=True).first() or ""
    return list(
        Meeting.objects.filter(held_at__gte=start, held_at__lt=end)
        .annotate(unit=Substr("organization__path", 1, len(unit)), month=ExtractMonth("held_at"))
        .values_list("unit", "kind", "month")
        .annotate(meetings=Count("id"))
        .order_by()
    )


@public
def compliance_floor(request: HttpRequest) -> HttpResponse:
    """The compliance table's raw numbers for a year, in one aggregate."""
    return _table(compliance_rows(int(request.GET.get("year", 2026))))


@public
def trends_floor(request: HttpRequest) -> HttpResponse:
    """The unit and organization pages' monthly trends for a subtree: meetings held and points entered per
    month, one grouped query each (the compliance rate's own floor is the compliance table's)."""
    org_path, year = request.GET["path"], int(request.GET.get("year", 2026))
    start, end = _year_bounds(year)
    meetings = list(
        Meeting.objects.filter(organization__path__startswith=org_path, held_at__gte=start, held_at__lt=end)
        .annotate(month=ExtractMonth("held_at"))
        .values_list("month")
        .annotate(n=Count("id"))
        .order_by()
    )
    points = list(
        PointsEntry.objects.filter(member__organization__path__startswith=org_path, year=year)
        .annotate(month=ExtractMonth("occurred_on"))
        .values_list("month")
        .annotate(total=Sum("points"))
        .order_by()
    )
    return _table(meetings + points)


def points_group_by(year: int) -> int:
    """The sums a recompute needs, in one GROUP BY over the ledger: per member, indicator and month."""
    rows = list(
        PointsEntry.objects.filter(year=year)
        .annotate(month=ExtractMonth("occurred_on"))
        .values_list("member_id", "indicator_id", "month")
        .annotate(total=Sum("points"), n=Count("id"))
        .order_by()
    )
    return len(rows)


@public
def my_points_floor(request: HttpRequest) -> HttpResponse:
    """A member's first page of ledger rows for the year (the page's order) from one indexed query."""
    rows = list(
        PointsEntry.objects.filter(member_id=int(request.GET["member"]), year=int(request.GET["year"]))
        .order_by("-occurred_on", "-id")
        .values_list("occurred_on", "indicator__name", "points", "note")[:20]
    )
    return _table(rows)


@public
def claim_review_floor(request: HttpRequest) -> HttpResponse:
    """The review queue's first page: submitted claims in the subtree, oldest first, one indexed query."""
    rows = list(
        Claim.objects.filter(state="submitted", member__organization__path__startswith=request.GET["path"])
        .order_by("created_at", "id")
        .values_list("code", "member__name", "member__organization__name", "indicator__name", "points")[:20]
    )
    return _table(rows)


EXPORT_VALUES = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number_masked",
    "native_place",
    "education",
    "degree",
    "occupation",
    "work_position",
    "party_post",
    "joined_on",
    "full_on",
    "status",
    "organization__name",
    "phone_masked",
    "work_started_on",
    "remarks",
)


def export_floor(org_path: str, out: str) -> int:
    """The export's rows from one query, written as text by xlsxwriter in constant-memory mode."""
    import xlsxwriter

    from ronghe.members.choices import MemberStatus
    from ronghe.members.exports import ROSTER_COLUMNS as HEADERS

    labels = dict(MemberStatus.choices)
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    qs = Member.objects.filter(organization__path__startswith=org_path).order_by(
        "organization__path", "name", "id"
    )
    n = 0
    for n, row in enumerate(qs.values_list(*EXPORT_VALUES).iterator(chunk_size=2000), start=1):
        for col, value in enumerate(row):
            if col == 13:
                value = labels.get(value, value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            sheet.write_string(n, col, value or "")
    book.close()
    return n


def ratings_facts(year: int) -> int:
    """What evaluating every branch must read, at least: meetings held per branch in the year, members'
    results per branch (count, sum, 5A), officers per branch — three GROUP BYs, no rules applied."""
    from ronghe.orgs.models import Officer
    from ronghe.points.models import MemberYear

    start, end = _year_bounds(year)
    meetings = list(
        Meeting.objects.filter(held_at__gte=start, held_at__lt=end)
        .values_list("organization_id", "kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    points = list(
        MemberYear.objects.filter(year=year)
        .values_list("organization_id", "grade")
        .annotate(n=Count("id"), total=Sum("total"))
        .order_by()
    )
    officers = list(
        Officer.objects.filter(ended_on__isnull=True)
        .values_list("organization_id", "post")
        .annotate(n=Count("id"))
        .order_by()
    )
    return len(meetings) + len(points) + len(officers)


@public
def recruitment_board_floor(request: HttpRequest) -> HttpResponse:
    """The pipeline board's numbers: people by stage in one aggregate, the columns the due/late rule
    reads for the open cases, and the first page of 20 cases in branch order."""
    from ronghe.recruitment.models import RecruitmentCase

    qs = RecruitmentCase.objects.filter(organization__path__startswith=request.GET["path"])
    tally = list(qs.values_list("stage").annotate(n=Count("id")).order_by())
    dates = list(
        qs.filter(archived_on__isnull=True).values_list("stage", "applied_on", "talked_on", "admitted_on")
    )
    first = list(qs.order_by("organization__path", "applied_on", "id").values_list("name", "stage")[:20])
    return HttpResponse(f"{len(tally)} {len(dates)} {len(first)}")


def ratings_campaign_floor(request: HttpRequest) -> HttpResponse:
    """The campaign page's numbers: entries by unit, state and level in one aggregate, plus the first
    page of 30 entries in path order."""
    from ronghe.ratings.models import Entry

    campaign = int(request.GET["campaign"])
    tally = list(
        Entry.objects.filter(campaign_id=campaign)
        .values_list("organization__unit__name", "state", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    first = list(
        Entry.objects.filter(campaign_id=campaign)
        .order_by("organization__path")
        .values_list("code", "organization__name", "organization__unit__name", "state", "total", "level")[:30]
    )
    return _table(tally + first)


@public
def assessment_quadrant_floor(request: HttpRequest) -> HttpResponse:
    """The quadrant page's data: every unit's name and two scores in one query."""
    from ronghe.assessment.models import Entry

    rows = list(
        Entry.objects.filter(campaign_id=int(request.GET["campaign"]), party_score__isnull=False).values_list(
            "unit__name", "party_score", "business_score", "grade", "quadrant", "code"
        )
    )
    return _table(rows)


@public
def selection_campaign_floor(request: HttpRequest) -> HttpResponse:
    """A selection's page: its nominations with their organization, state, score and place in one query."""
    from ronghe.selections.models import Nomination

    rows = list(
        Nomination.objects.filter(campaign_id=int(request.GET["campaign"]))
        .order_by("place", "id")
        .values_list("code", "title", "organization__name", "state", "total", "place", "winner")
    )
    return _table(rows)


@public
def plan_floor(request: HttpRequest) -> HttpResponse:
    """A unit's plan page's rows: the plan's tasks with their owners in one query."""
    from ronghe.integration.models import Task

    rows = list(
        Task.objects.filter(plan_id=int(request.GET["plan"]))
        .order_by("deadline", "id")
        .values_list(
            "code", "kind", "title", "state", "deadline", "percent", "department__name", "branch__name"
        )
    )
    return _table(rows)


def assessment_facts(year: int) -> int:
    """What assessing every unit must read, at least: the branch facts of the year (the three GROUP BYs
    of `ratings_facts`) and the KPI results of the year's definitions."""
    from ronghe.assessment.models import KpiResult

    kpis = list(
        KpiResult.objects.filter(definition__year=year)
        .values_list("definition_id", "period", "value")
        .order_by()
    )
    return ratings_facts(year) + len(kpis)


@public
def overdue_tasks_floor(request: HttpRequest) -> HttpResponse:
    """The overdue list's first page for the whole county: not done, past the deadline, 50 by deadline."""
    from ronghe.integration.models import Task

    today = timezone.localdate()
    rows = list(
        Task.objects.exclude(state="done")
        .filter(deadline__lt=today, organization__path__startswith=request.GET["path"])
        .order_by("deadline", "id")
        .values_list("code", "title", "plan__unit__name", "deadline", "percent", "state")[:50]
    )
    return _table(rows)


def dues_statement_rows(org_path: str, year: int) -> list[tuple[Any, ...]]:
    """The statement's numbers, at least: the subtree's 党费 records of the year grouped by month and state."""
    from ronghe.dues.models import DuesRecord

    return list(
        DuesRecord.objects.filter(organization__path__startswith=org_path, period__year=year)
        .values_list("period", "state")
        .annotate(n=Count("id"), paid=Sum("paid_amount"), due=Sum("amount_due"))
        .order_by()
    )


@public
def dues_statement_floor(request: HttpRequest) -> HttpResponse:
    return _table(dues_statement_rows(request.GET["path"], int(request.GET["year"])))


def dues_run_floor(org_path: str, period: str) -> int:
    """The monthly run's least work: read the subtree's active members without a record for the month
    and bulk-load one row each (a fixed amount, no rules), rolled back."""
    import uuid
    from datetime import date

    from django.db import transaction

    from ronghe.core.bulk import bulk_load
    from ronghe.dues.models import DuesRecord

    month = date.fromisoformat(period)
    rows = list(
        Member.objects.filter(organization__path__startswith=org_path, status__in=ACTIVE_STATUSES)
        .exclude(pk__in=DuesRecord.objects.filter(period=month).values("member_id"))
        .values_list("pk", "organization_id")
    )
    now = timezone.now()

    class _Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            bulk_load(
                DuesRecord,
                [
                    "code",
                    "member",
                    "organization",
                    "period",
                    "category",
                    "amount_due",
                    "state",
                    "timing",
                    "method",
                    "note",
                    "updated_at",
                ],
                (
                    (uuid.uuid4().hex, m, o, month, "in_service", "30.00", "due", "", "", "", now)
                    for m, o in rows
                ),
            )
            raise _Rollback
    except _Rollback:
        pass
    return len(rows)


@public
def education_hours_floor(request: HttpRequest) -> HttpResponse:
    """The 学时 page's least work for a subtree: each active member's hours of the year, one GROUP BY."""
    from ronghe.education.models import SessionAttendance

    rows = list(
        SessionAttendance.objects.filter(
            member__organization__path__startswith=request.GET["path"], year=int(request.GET["year"])
        )
        .values_list("member_id")
        .annotate(total=Sum("hours"))
        .order_by()[:50]
    )
    return _table(rows)


@public
def study_ranking_floor(request: HttpRequest) -> HttpResponse:
    """学习强国 among units: the year's points and participants grouped by unit, one query."""
    from ronghe.education.models import StudyScore

    rows = list(
        StudyScore.objects.filter(year=int(request.GET["year"]))
        .values_list("member__organization__unit_id")
        .annotate(total=Sum("points"), n=Count("member_id", distinct=True))
        .order_by()
    )
    return _table(rows)


@public
def party_statistics_floor(request: HttpRequest) -> HttpResponse:
    """党内统计's least work for a subtree: its members counted by gender, ethnicity, education, birth year,
    admission year and occupation in one GROUP BY (the page also reads the year's status and transfer
    history to count by the relation held on 31 December)."""
    rows = list(
        Member.objects.filter(organization__path__startswith=request.GET["path"])
        .values_list("gender", "ethnicity", "education", "birth_date__year", "joined_on__year", "occupation")
        .annotate(n=Count("id"))
        .order_by()
    )
    return _table(rows)


def annual_report_facts(org_path: str, year: int) -> int:
    """What drafting the 工委's annual report must read, at least: the facts behind its sections — meetings
    by unit and kind, the ledger's sums, the branch and unit assessment facts, the 党费 statement — one
    GROUP BY each, no rules, no text."""
    return (
        len(compliance_rows(year))
        + points_group_by(year)
        + assessment_facts(year)
        + len(dues_statement_rows(org_path, year))
    )


urlpatterns = [
    path("party-statistics", party_statistics_floor, name="party-statistics-floor"),
    path("education-hours", education_hours_floor, name="education-hours-floor"),
    path("study-ranking", study_ranking_floor, name="study-ranking-floor"),
    path("assessment-quadrant", assessment_quadrant_floor, name="assessment-quadrant-floor"),
    path("plan", plan_floor, name="plan-floor"),
    path("selection-campaign", selection_campaign_floor, name="selection-campaign-floor"),
    path("overdue-tasks", overdue_tasks_floor, name="overdue-tasks-floor"),
    path("dues-statement", dues_statement_floor, name="dues-statement-floor"),
    path("ratings-campaign", ratings_campaign_floor, name="ratings-campaign-floor"),
    path("recruitment-board", recruitment_board_floor, name="recruitment-board-floor"),
    path("home", home_floor, name="home-floor"),
    path("trends", trends_floor, name="trends-floor"),
    path("roster", roster_floor, name="roster-floor"),
    path("api-members", api_members_floor, name="api-members-floor"),
    path("compliance", compliance_floor, name="compliance-floor"),
    path("my-points", my_points_floor, name="my-points-floor"),
    path("claim-review", claim_review_floor, name="claim-review-floor"),
]


def dues_late_floor(year: int) -> int:
    """The daily 未按时交纳党费 sync's least work: read the year's 党费 records (member, month, state, date
    paid) and the year's existing deduction lines, one pass each, no rules."""
    from datetime import date

    from ronghe.dues.models import DuesRecord
    from ronghe.points.models import PointsEntry

    rows = sum(
        1
        for _ in DuesRecord.objects.filter(period__gte=date(year, 1, 1), period__lte=date(year, 12, 1))
        .values_list("member_id", "period", "state", "paid_on")
        .iterator(chunk_size=5000)
    )
    return rows + PointsEntry.objects.filter(source_type="dues", year=year).count()
