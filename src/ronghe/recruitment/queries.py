"""Read side of 发展党员: scoped cases, the pipeline board (counts by stage, who is due or late), the
工委's county view by unit, and the annual statistics by stage, age, education and sex."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Max, Q, QuerySet

from ronghe.accounts.models import User
from ronghe.core.scope import scoped
from ronghe.members.rules import age_band, is_college_or_above
from ronghe.recruitment import process, rules
from ronghe.recruitment.choices import PIPELINE, ObservationKind, Stage
from ronghe.recruitment.models import RecruitmentCase

VIEW = "recruitment.view"
# The columns the due/late rule reads (the board reads only these, never whole rows).
FACT_FIELDS = (
    "applied_on",
    "talked_on",
    "activist_on",
    "political_review_on",
    "training_start",
    "form_issued_on",
    "admitted_on",
    "approved_on",
    "oath_on",
    "extension_months",
    "archived_on",
)


def cases_for_user(user: User | None, perm: str = VIEW) -> QuerySet[RecruitmentCase]:
    return scoped(RecruitmentCase.objects.all(), user, perm)


def with_observations(qs: QuerySet[RecruitmentCase]) -> QuerySet[RecruitmentCase]:
    """Annotate the latest 考察 and 思想汇报 dates (one query with the list)."""
    return qs.annotate(
        last_assessment=Max("observations__on", filter=Q(observations__kind=ObservationKind.ASSESSMENT)),
        last_report=Max("observations__on", filter=Q(observations__kind=ObservationKind.REPORT)),
    )


def next_action_of(row: Any, today: date) -> process.NextAction:
    """The next action of a case (a model or a values() dict with FACT_FIELDS and the annotations)."""
    get = row.get if isinstance(row, dict) else (lambda n, d=None: getattr(row, n, d))
    values: dict[str, Any] = {n: get(n) for n in FACT_FIELDS}
    facts = rules.Facts(**values)
    return process.next_action(
        str(get("stage")),
        facts,
        today,
        last_assessment=get("last_assessment"),
        last_report=get("last_report"),
    )


DUE_DAYS = 30  # "有到期事项": a dated next step within the next 30 days, not yet late


def is_due(nxt: process.NextAction, today: date) -> bool:
    return nxt.due_on is not None and not nxt.late and nxt.due_on <= today + timedelta(days=DUE_DAYS)


@dataclass
class Board:
    counts: dict[str, int]  # stage → people
    due: int  # people with a dated next action
    late: int  # people past their deadline
    total: int


def board(qs: QuerySet[RecruitmentCase], today: date) -> Board:
    """Counts by stage (one GROUP BY) and who is due or late (the deadline rule over the rule's columns)."""
    counts: dict[str, int] = dict.fromkeys([str(s) for s in [*PIPELINE, Stage.CANCELLED]], 0)
    for row in qs.order_by().values("stage").annotate(n=Count("id")):
        counts[row["stage"]] = row["n"]
    due = late = 0
    open_rows = with_observations(qs.exclude(archived_on__isnull=False)).values(
        "stage", *FACT_FIELDS, "last_assessment", "last_report"
    )
    for row in open_rows.order_by():
        nxt = next_action_of(row, today)
        late += nxt.late
        due += is_due(nxt, today)
    return Board(counts=counts, due=due, late=late, total=sum(counts.values()))


def late_cases(qs: QuerySet[RecruitmentCase], today: date, *, late: bool = True) -> list[int]:
    """Ids of the cases past a deadline (`late=False`: those with a dated step not yet late)."""
    rows = with_observations(qs.exclude(archived_on__isnull=False)).values(
        "id", "stage", *FACT_FIELDS, "last_assessment", "last_report"
    )
    out = []
    for r in rows.order_by():
        nxt = next_action_of(r, today)
        if nxt.late if late else is_due(nxt, today):
            out.append(r["id"])
    return out


@dataclass
class CountyRow:
    unit: str
    counts: dict[str, int]
    late: int
    total: int


def county_rows(qs: QuerySet[RecruitmentCase], today: date) -> list[CountyRow]:
    """The 工委's view: per unit, people by stage and how many are late (two queries)."""
    by_unit: dict[str, CountyRow] = {}
    rows = with_observations(qs).values(
        "id", "stage", "organization__unit__name", *FACT_FIELDS, "last_assessment", "last_report"
    )
    for r in rows.order_by("organization__unit__name"):
        unit = r["organization__unit__name"] or "（未关联单位）"
        row = by_unit.setdefault(unit, CountyRow(unit, dict.fromkeys([*PIPELINE, Stage.CANCELLED], 0), 0, 0))
        row.counts[r["stage"]] += 1
        row.total += 1
        if r["archived_on"] is None and next_action_of(r, today).late:
            row.late += 1
    return sorted(by_unit.values(), key=lambda x: x.unit)


def statistics(qs: QuerySet[RecruitmentCase], year: int) -> dict[str, Any]:
    """For the annual report: people admitted (支部大会) in `year`, by age band, education and sex,
    and everyone in the pipeline by stage."""
    admitted = list(
        qs.filter(admitted_on__year=year).values("birth_date", "admitted_on", "education", "gender")
    )
    ages: Counter[str] = Counter()
    for r in admitted:
        if r["admitted_on"] is not None:
            ages[age_band(rules.age_on(r["birth_date"], r["admitted_on"]))] += 1
    return {
        "admitted": len(admitted),
        "by_age": sorted(ages.items()),
        "by_education": sorted(Counter(r["education"] or "未填写" for r in admitted).items()),
        "college": sum(1 for r in admitted if is_college_or_above(r["education"])),
        "by_sex": sorted(Counter(r["gender"] for r in admitted).items()),
        "by_stage": [
            (Stage(s).label, n) for s, n in Counter(qs.values_list("stage", flat=True).order_by()).items()
        ],
    }
