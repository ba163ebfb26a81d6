"""Survey use-cases: draft, publish, answer on the phone (once, stored without the person), close."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at
from ronghe.core.types import Actor
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.outreach import rules
from ronghe.outreach.choices import QuestionKind, SurveyState
from ronghe.outreach.models import Question, Respondent, Survey, Tally, TextBag

VIEW, EDIT = "outreach.view", "outreach.edit"
KIND_BY_LABEL = {
    "单选": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "满意度": QuestionKind.SCALE,
    "文字": QuestionKind.TEXT,
}


def parse_questions(raw: str) -> list[dict[str, Any]]:
    """One question a line: `单选|题目|选项1/选项2`, `多选|题目|选项…`, `满意度|题目`, `文字|题目`."""
    out: list[dict[str, Any]] = []
    for n, line in enumerate((raw or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        kind = KIND_BY_LABEL.get(parts[0])
        if kind is None or len(parts) < 2 or not parts[1]:
            raise DomainError(
                f"第 {n} 行格式不对：应为“题型|题目|选项1/选项2”，题型为单选、多选、满意度或文字", "questions"
            )
        options = [o.strip() for o in parts[2].split("/") if o.strip()] if len(parts) > 2 else []
        if kind == QuestionKind.SCALE:
            options = list(rules.SCALE)
        elif kind == QuestionKind.TEXT:
            options = []
        if problem := rules.options_problem(kind, options):
            raise DomainError(f"第 {n} 行：{problem}", "questions")
        out.append({"kind": kind, "text": parts[1][:300], "options": options})
    if not out:
        raise DomainError("请至少填写一道题目", "questions")
    if len(out) > rules.MAX_QUESTIONS:
        raise DomainError(f"题目不能超过 {rules.MAX_QUESTIONS} 道", "questions")
    return out


def create_survey(*, actor: Actor, organization: Organization, data: Mapping[str, Any]) -> Survey:
    require_at(actor, EDIT, organization.path)
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError("请填写问卷名称", "title")
    questions = parse_questions(data.get("questions") or "")
    if data.get("satisfaction") and not any(q["kind"] == QuestionKind.SCALE for q in questions):
        raise DomainError("计入群众满意度的问卷至少要有一道满意度题", "satisfaction")
    with transaction.atomic():
        survey = Survey.objects.create(
            organization=organization,
            title=title[:200],
            description=(data.get("description") or "").strip(),
            year=int(data.get("year") or timezone.localdate().year),
            anonymous=bool(data.get("anonymous", True)),
            satisfaction=bool(data.get("satisfaction")),
            created_by=actor,  # type: ignore[misc]
        )
        Question.objects.bulk_create(
            Question(survey=survey, order=i, kind=q["kind"], text=q["text"], options=q["options"])
            for i, q in enumerate(questions, start=1)
        )
        audit.record("outreach.survey.create", actor=actor, obj=survey, changes={"questions": len(questions)})
    return survey


def _set_state(actor: Actor, survey: Survey, from_state: str, to_state: str, event: str) -> Survey:
    require_at(actor, EDIT, survey.organization.path)
    now = timezone.now()
    stamp = {"opened_at": now} if to_state == SurveyState.OPEN else {"closed_at": now}
    # a conditional update: two clicks at once change the state once
    if not Survey.objects.filter(pk=survey.pk, state=from_state).update(state=to_state, **stamp):
        raise DomainError(
            "问卷不是草稿，不能发布" if to_state == SurveyState.OPEN else "问卷不在答题中，不能结束", "state"
        )
    survey.refresh_from_db()
    audit.record(event, actor=actor, obj=survey)
    return survey


def publish(*, actor: Actor, survey: Survey) -> Survey:
    return _set_state(actor, survey, SurveyState.DRAFT, SurveyState.OPEN, "outreach.survey.publish")


def close(*, actor: Actor, survey: Survey) -> Survey:
    return _set_state(actor, survey, SurveyState.OPEN, SurveyState.CLOSED, "outreach.survey.close")


def respondent_member(user: Actor, survey: Survey) -> Member | None:
    """The member the account answers as: active, inside the survey's organization."""
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return None
    return (
        Member.objects.select_related("organization")
        .filter(
            pk=member_id, status__in=ACTIVE_STATUSES, organization__path__startswith=survey.organization.path
        )
        .first()
    )


def has_answered(survey: Survey, user: Actor) -> bool:
    return Respondent.objects.filter(survey=survey, user_id=getattr(user, "pk", None) or 0).exists()


def _choices(question: Question, raw: object) -> list[int]:
    values = raw if isinstance(raw, list) else ([] if raw in (None, "") else [raw])
    try:
        picked = sorted({int(str(v)) for v in values})
    except ValueError:
        raise DomainError(f"第 {question.order} 题的选项无效", f"q{question.order}") from None
    if any(not (0 <= p < len(question.options)) for p in picked):
        raise DomainError(f"第 {question.order} 题的选项无效", f"q{question.order}")
    if not picked:
        raise DomainError(f"请回答第 {question.order} 题", f"q{question.order}")
    if question.kind != QuestionKind.MULTIPLE and len(picked) > 1:
        raise DomainError(f"第 {question.order} 题只能选一项", f"q{question.order}")
    return picked


def _prepare_group(questions: list[Question], group: Organization) -> None:
    """Every count and text list of the group exists before its first answer is added: rows created
    on demand would show, by their order, what the group's first respondent chose."""
    Tally.objects.bulk_create(
        [
            Tally(question=q, group=group, option=i)
            for q in questions
            if q.kind != QuestionKind.TEXT
            for i in range(len(q.options))
        ],
        ignore_conflicts=True,
    )
    TextBag.objects.bulk_create(
        [TextBag(question=q, group=group) for q in questions if q.kind == QuestionKind.TEXT],
        ignore_conflicts=True,
    )


def answer(*, user: Actor, survey: Survey, answers: Mapping[int, object]) -> None:
    """Answer once. `answers` maps a question's order to an option index (single, scale), a list of
    indexes (multiple) or a text. The person is recorded apart from the answers (see models)."""
    if survey.state != SurveyState.OPEN:
        raise DomainError("问卷不在答题时间内", "survey")
    member = respondent_member(user, survey)
    if member is None:
        raise DomainError("您不在本问卷的调查范围内", "survey")
    if has_answered(survey, user):
        raise DomainError("您已提交过本问卷，不能重复作答", "survey")
    questions = list(survey.questions.all())
    picked: dict[int, list[int]] = {}
    texts: dict[int, str] = {}
    for q in questions:
        raw = answers.get(q.order)
        if q.kind == QuestionKind.TEXT:
            text = str(raw or "").strip()
            if len(text) > rules.MAX_TEXT:
                raise DomainError(f"第 {q.order} 题不能超过 {rules.MAX_TEXT} 字", f"q{q.order}")
            if text:
                texts[q.pk] = text
        else:
            picked[q.pk] = _choices(q, raw)
    group = member.organization
    try:
        with transaction.atomic():
            Respondent.objects.create(survey=survey, user_id=user.pk or 0, group=group)
            _prepare_group(questions, group)
            for qid, options in picked.items():
                Tally.objects.filter(question_id=qid, group=group, option__in=options).update(
                    count=F("count") + 1
                )
            for qid, text in texts.items():
                bag = TextBag.objects.select_for_update().get(question_id=qid, group=group)
                bag.texts.insert(secrets.randbelow(len(bag.texts) + 1), text)
                bag.save(update_fields=["texts"])
            # the audit row names the survey, never the answers
            audit.record("outreach.survey.answer", actor=user, obj=survey)
    except IntegrityError:
        raise DomainError("您已提交过本问卷，不能重复作答", "survey") from None
