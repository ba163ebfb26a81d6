"""The development process reads the candidate's education records for its ≥ 24 学时 rule (细则 第十七条)
when the candidate is in the system as a person with records."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.core.errors import InvalidInput
from ronghe.education.models import (
    ExternalTraining,
    SessionAttendance,
    TrainingClass,
    TrainingSession,
)
from ronghe.recruitment import services
from ronghe.recruitment.choices import Action, ReviewResult
from ronghe.recruitment.models import RecruitmentCase
from tests.factories import MemberFactory
from tests.recruitment import flow

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")
REVIEW = {
    "political_review_on": date(2024, 7, 1),
    "political_review_result": ReviewResult.PASSED,
    "training_start": date(2024, 7, 8),
    "training_end": date(2024, 7, 9),  # two days: the 学时 decide
}


def _candidate_with_records(cast, external_hours: str):  # noqa: ANN001
    """A 发展对象 (since 2024-06-03) linked to a person with 8 学时 of a class attended in July 2024 and
    `external_hours` of approved external training."""
    case = flow.through(cast, flow.apply(cast), Action.CANDIDATE)
    person = MemberFactory(name="赵申请", organization=cast.branch_a)
    RecruitmentCase.objects.filter(pk=case.pk).update(member=person)
    tc = TrainingClass.objects.create(
        organization=cast.branch_a,
        title="发展对象培训班",
        audience="candidates",
        year=2024,
        starts_on=date(2024, 7, 8),
        ends_on=date(2024, 7, 9),
    )
    session = TrainingSession.objects.create(
        training_class=tc,
        title="党的基本知识",
        starts_at=datetime(2024, 7, 8, 8, 0, tzinfo=TZ),
        ends_at=datetime(2024, 7, 8, 17, 0, tzinfo=TZ),
        hours=Decimal(8),
    )
    SessionAttendance.objects.create(
        session=session, member=person, hours=Decimal(8), source="entered", year=2024
    )
    ExternalTraining.objects.create(
        member=person,
        title="网络学院发展对象专题",
        organiser="县委组织部",
        starts_on=date(2024, 7, 9),
        ends_on=date(2024, 7, 10),
        hours=Decimal(external_hours),
        year=2024,
        state="approved",
    )
    # rejected or older than the 发展对象 date: not counted
    ExternalTraining.objects.create(
        member=person,
        title="退回的",
        organiser="x",
        starts_on=date(2024, 7, 9),
        ends_on=date(2024, 7, 9),
        hours=Decimal(8),
        year=2024,
        state="rejected",
    )
    ExternalTraining.objects.create(
        member=person,
        title="更早的",
        organiser="x",
        starts_on=date(2024, 5, 9),
        ends_on=date(2024, 5, 9),
        hours=Decimal(8),
        year=2024,
        state="approved",
    )
    return RecruitmentCase.objects.get(pk=case.pk)


def test_23_and_a_half_recorded_hours_are_refused(cast):
    # given: 8 + 15.5 = 23.5 学时 recorded, two days of training, no figure typed
    case = _candidate_with_records(cast, "15.5")
    # when / then
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.secretary_a, case=case, action=Action.REVIEW, values=REVIEW, today=flow.TODAY
        )
    assert "现为 2 天、23.5 学时（培训记录 23.5 学时）" in exc.value.message
    assert RecruitmentCase.objects.get(pk=case.pk).training_start is None


def test_24_recorded_hours_pass_and_the_page_shows_the_sources(cast, client_for):
    case = _candidate_with_records(cast, "16")
    services.record_step(
        actor=cast.secretary_a, case=case, action=Action.REVIEW, values=REVIEW, today=flow.TODAY
    )
    assert RecruitmentCase.objects.get(pk=case.pk).training_start == date(2024, 7, 8)
    page = client_for(cast.secretary_a).get(reverse("recruitment:case-detail", args=[case.code]))
    text = page.content.decode()
    assert "<strong>24 学时</strong>" in text
    assert "培训记录 24.0 学时：培训班 8.0 学时（1 次课）、外部培训 16.0 学时（1 项）" in text


def test_without_a_person_the_typed_figure_counts(cast):
    case = flow.through(cast, flow.apply(cast), Action.CANDIDATE)
    with pytest.raises(InvalidInput) as exc:
        services.record_step(
            actor=cast.secretary_a,
            case=case,
            action=Action.REVIEW,
            values=REVIEW | {"training_hours": 23},
            today=flow.TODAY,
        )
    assert "现为 2 天、23 学时" in exc.value.message and "培训记录" not in exc.value.message
