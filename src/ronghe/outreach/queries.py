"""Read side of surveys: lists, results under the group-size rule, and 群众满意度 per organization
(read by ratings' derived indicator). No query here returns anything that ties an answer to a person."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet

from ronghe.core.scope import scoped
from ronghe.core.types import Actor
from ronghe.members.models import Member
from ronghe.orgs.models import Organization, ancestor_paths, subtrees_filter
from ronghe.outreach import rules
from ronghe.outreach.choices import QuestionKind, SurveyState
from ronghe.outreach.models import Question, Respondent, Survey, Tally, TextBag

VIEW = "outreach.view"


def surveys_for_user(user: Actor | None) -> QuerySet[Survey]:
    return (
        scoped(Survey.objects.all(), user, VIEW)
        .select_related("organization")
        .annotate(n_respondents=Count("respondents"))
    )


def open_for_member(member: Member) -> list[Survey]:
    """Open surveys the member is asked to answer: those of their organization or one above it."""
    path = member.organization.path
    prefixes = [path[: i + 1] for i, ch in enumerate(path) if ch == "."]
    return list(
        Survey.objects.filter(state=SurveyState.OPEN, organization__path__in=prefixes)
        .select_related("organization")
        .order_by("-opened_at")
    )


def unanswered_for_member(member: Member, user: Actor) -> int:
    """How many open surveys ask the member and have no answer from this account (the to-do count)."""
    surveys = open_for_member(member)
    answered = set(
        Respondent.objects.filter(survey__in=surveys, user_id=getattr(user, "pk", None) or 0).values_list(
            "survey_id", flat=True
        )
    )
    return sum(1 for s in surveys if s.pk not in answered)


@dataclass
class OptionResult:
    label: str
    count: int
    percent: Decimal


@dataclass
class QuestionResult:
    order: int
    text: str
    kind: str
    options: list[OptionResult] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    satisfaction: Decimal | None = None


@dataclass
class GroupResult:
    name: str
    respondents: int
    satisfaction: Decimal | None


@dataclass
class Results:
    respondents: int
    visible: bool
    message: str
    questions: list[QuestionResult] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)
    groups_message: str = ""


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part * 100) / whole).quantize(Decimal("0.1")) if whole else Decimal(0)


def results(survey: Survey) -> Results:
    """The survey's results, if it may show them: after it closed, and (anonymous) only with five
    respondents or more; by group only for groups of five or more (`rules.group_results`)."""
    per_group = dict(
        Respondent.objects.filter(survey=survey)
        .values("group")
        .annotate(n=Count("pk"))
        .values_list("group", "n")
    )
    total = sum(per_group.values())
    if survey.state != SurveyState.CLOSED:
        return Results(total, False, "问卷结束后显示结果")
    if survey.anonymous and not rules.shown(total):
        return Results(total, False, f"答卷人数不足 {rules.MIN_GROUP} 人，为保护匿名不显示结果")
    questions = list(survey.questions.all())
    counts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    by_group: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))  # group → scale option → n
    for qid, group, option, n in Tally.objects.filter(question__survey=survey).values_list(
        "question_id", "group_id", "option", "count"
    ):
        counts[qid][option] += n
        if next((q.kind for q in questions if q.pk == qid), "") == QuestionKind.SCALE:
            by_group[group][option] += n
    bags: dict[int, list[str]] = defaultdict(list)
    for qid, texts in TextBag.objects.filter(question__survey=survey).values_list("question_id", "texts"):
        bags[qid].extend(texts)
    out = Results(total, True, "")
    for q in questions:
        qr = QuestionResult(q.order, q.text, q.kind)
        if q.kind == QuestionKind.TEXT:
            texts = list(bags[q.pk])
            random.shuffle(texts)  # the groups' lists joined: shown in no particular order
            qr.texts = texts
        else:
            qr.options = [
                OptionResult(label, counts[q.pk].get(i, 0), _percent(counts[q.pk].get(i, 0), total))
                for i, label in enumerate(q.options)
            ]
            if q.kind == QuestionKind.SCALE:
                qr.satisfaction = rules.satisfaction_percent(counts[q.pk])
        out.questions.append(qr)
    grouping = rules.group_results(per_group)
    if grouping.withheld:
        out.groups_message = f"部分党组织答卷人数不足 {rules.MIN_GROUP} 人，合并后仍不足，不按党组织分组显示"
    else:
        names = dict(Organization.objects.filter(pk__in=per_group).values_list("pk", "name"))
        for gid in grouping.shown:
            out.groups.append(
                GroupResult(names.get(gid, ""), per_group[gid], rules.satisfaction_percent(by_group[gid]))
            )
        if grouping.merged:
            merged: dict[int, int] = defaultdict(int)
            for gid in grouping.merged:
                for option, n in by_group[gid].items():
                    merged[option] += n
            out.groups.append(
                GroupResult(
                    "其他（人数较少的党组织合并）",
                    sum(per_group[g] for g in grouping.merged),
                    rules.satisfaction_percent(merged),
                )
            )
    return out


@dataclass(frozen=True)
class Satisfaction:
    respondents: int
    percent: Decimal | None  # None when fewer than five answered


def satisfaction_by_organization(organization_ids: Sequence[int], year: int) -> dict[int, Satisfaction]:
    """群众满意度 of each organization for `year`: the 满意度 answers of closed satisfaction surveys,
    counted for the respondents whose group lies in the organization's subtree; withheld (None) below
    five respondents. Three queries."""
    orgs = list(Organization.objects.filter(pk__in=list(organization_ids)).only("pk", "path"))
    if not orgs:
        return {}
    # The subtrees' groups, or a superset (`subtrees_filter`): each row is attributed by its path below.
    q = subtrees_filter([org.path for org in orgs], "group__path")
    surveys = Survey.objects.filter(year=year, satisfaction=True, state=SurveyState.CLOSED)
    people = list(
        Respondent.objects.filter(q, survey__in=surveys)
        .values("group__path")
        .annotate(n=Count("pk"))
        .values_list("group__path", "n")
    )
    tallies = list(
        Tally.objects.filter(q, question__survey__in=surveys, question__kind=QuestionKind.SCALE).values_list(
            "group__path", "option", "count"
        )
    )
    # Each row added to the organizations on its group's path (a walk up it), not tested against each.
    asked = {org.path for org in orgs}
    n_of: dict[str, int] = defaultdict(int)
    counts_of: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p, c in people:
        for path in ancestor_paths(p):
            if path in asked:
                n_of[path] += c
    for p, option, c in tallies:
        for path in ancestor_paths(p):
            if path in asked:
                counts_of[path][option] += c
    out: dict[int, Satisfaction] = {}
    for org in orgs:
        n, counts = n_of.get(org.path, 0), counts_of.get(org.path, {})
        out[org.pk] = Satisfaction(n, rules.satisfaction_percent(counts) if rules.shown(n) else None)
    return out


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.all())
