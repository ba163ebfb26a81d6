"""The 纪检 reviewer's 联审 queue: each subject's sanctions shown to 纪检, and to nobody else."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from ronghe.core.jointreview import services as jointreview
from ronghe.ratings import services as ratings
from tests.discipline.test_gates import _sanctioned_officer
from tests.ratings.conftest import people, travel  # noqa: F401 — the rating tests' fixtures
from tests.ratings.flow import HIGH, MID, TODAY, evaluated, open_campaign

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(cast, people):  # noqa: F811
    _sanctioned_officer(cast)  # 严重警告 from 2026-02-02 on a 班子成员 of branch A
    campaign = open_campaign(cast)
    a = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], HIGH)
    b = evaluated(cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], MID)
    ratings.propose(actor=cast.committee_admin, campaign=campaign, due_on=TODAY + timedelta(days=5))
    return ratings.review_of(campaign), a, b


def test_the_discipline_reviewer_sees_the_queue_and_each_subjects_sanctions(client, people, review):  # noqa: F811
    joint, a, b = review
    client.force_login(people["jijian"])
    # the queue lists the rating's review as waiting for 纪检
    queue = client.get(reverse("jointreview:review-list")).content.decode()
    assert joint.title in queue
    # the review shows, beside each branch, what 纪检 knows
    body = client.get(reverse("jointreview:review-detail", args=[joint.code])).content.decode()
    assert "纪检：班子成员赵委员受严重警告（2026-02-02 至 2027-08-01）" in body
    assert f'id="item-{b.pk}-note-1">纪检：期间内无处分，无正在审查的案件' in body


def test_the_reviewer_answers_the_item(people, review):  # noqa: F811
    joint, a, _b = review
    jointreview.give_opinion(
        actor=people["jijian"],
        review=joint,
        department="discipline",
        verdict="object",
        reason="班子成员受处分",
        objected_items=[str(a.pk)],
    )
    assert jointreview.outcome(joint).objections == {str(a.pk): [("纪检", "班子成员受处分")]}


def test_others_reading_the_review_see_no_discipline_note(client, cast, review):
    joint, _a, _b = review
    client.force_login(cast.committee_admin)
    body = client.get(reverse("jointreview:review-detail", args=[joint.code])).content.decode()
    assert joint.title in body
    assert "纪检：" not in body
    assert "严重警告" not in body
