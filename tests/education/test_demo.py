"""The demo county has a year of training, 学习强国, volunteering and one finished survey with results."""

from datetime import date

import pytest

from ronghe.demo.generator import build_county
from ronghe.education import queries
from ronghe.education.models import SessionAttendance, StudyScore, TrainingClass
from ronghe.outreach import queries as outreach_queries
from ronghe.outreach.models import Survey, VolunteerRecord

pytestmark = pytest.mark.django_db


def test_demo_county_has_a_year_of_education_and_outreach():
    build_county(300, seed=5, today=date(2026, 11, 24))
    assert TrainingClass.objects.filter(year=2026).count() >= 2
    assert SessionAttendance.objects.filter(year=2026).count() > 100
    from ronghe.accounts.models import User

    ranked = queries.study_ranking(User.objects.get(username="gwadmin"), 2026)
    counted = [u for rank, u in ranked if rank]
    assert len(counted) >= 8 and ranked[0][0] == 1 and counted[0].per_capita > counted[-1].per_capita
    assert StudyScore.objects.values("month").distinct().count() == 3
    # 学习强国 fed the points scheme, the member's external training, the branches' 政治生日
    from ronghe.education.models import BirthdayCeremony, ExternalTraining
    from ronghe.points.models import PointsEntry

    assert PointsEntry.objects.filter(source_type="study").values("source_id").distinct().count() == 3
    assert sorted(ExternalTraining.objects.values_list("state", flat=True)) == ["approved", "submitted"]
    ceremony = BirthdayCeremony.objects.order_by("held_on").first()
    assert ceremony is not None and all(
        m.joined_on.month == ceremony.held_on.month for m in ceremony.attendees.all()
    )
    assert VolunteerRecord.objects.filter(checked_in_at__isnull=False).exists()
    finished = Survey.objects.get(state="closed")
    results = outreach_queries.results(finished)
    assert results.visible and results.respondents >= 5
    assert Survey.objects.filter(state="open").count() == 1
    # the study materials with who opened them, a 先锋队 with members, issues closed with evidence
    from ronghe.core.evidence.models import Evidence
    from ronghe.education.models import MaterialOpen, StudyMaterial
    from ronghe.outreach.models import ContactVisit, TeamMembership

    assert StudyMaterial.objects.filter(kind="lecture").count() == 1
    assert StudyMaterial.objects.count() == 4 and MaterialOpen.objects.count() > 50
    assert TeamMembership.objects.filter(is_captain=True).count() == 2
    closed = ContactVisit.objects.filter(closed_on__isnull=False).values_list("pk", flat=True)
    assert closed and set(
        Evidence.objects.filter(kind="outreach.visit").values_list("object_id", flat=True)
    ) == set(closed)
