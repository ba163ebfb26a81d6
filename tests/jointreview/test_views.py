"""The 联审 page: each department answers for itself, the overrider overrides, others get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ronghe.core.jointreview import services
from ronghe.core.jointreview.models import JointReview, Opinion

pytestmark = pytest.mark.django_db


def _url(name, review):
    return reverse(f"jointreview:{name}", kwargs={"code": review.code})


def test_department_sees_the_list_and_its_form_only(client_for, open_review, discipline):
    review = open_review()
    body = client_for(discipline).get(_url("review-detail", review)).content.decode()
    assert "2026年度评星定级联审" in body and "甲局第二党支部" in body
    assert 'id="opinion-form"' in body and 'id="override-form"' not in body
    assert 'name="department" value="discipline"' in body  # its one department, preset
    listing = client_for(discipline).get(reverse("jointreview:review-list")).content.decode()
    assert 'id="awaiting"' in listing and str(review.code) in listing


def test_objection_without_reason_shows_the_error(client_for, open_review, discipline):
    review = open_review()
    response = client_for(discipline).post(
        _url("opinion-give", review),
        {"department": "discipline", "verdict": "object", "objected_items": ["b1"]},
    )
    assert response.status_code == 422
    assert "提出异议时请填写理由" in response.content.decode()
    assert not Opinion.objects.exists()


def test_opinion_recorded_and_shown(client_for, open_review, discipline, unit_admin):
    review = open_review()
    client = client_for(discipline)
    response = client.post(
        _url("opinion-give", review),
        {"department": "discipline", "verdict": "object", "objected_items": ["b1"], "reason": "有违纪线索"},
    )
    assert response.status_code == 302
    body = client_for(unit_admin).get(_url("review-detail", review)).content.decode()
    assert "有违纪线索" in body and "异议对象：甲局第一党支部" in body


def test_department_cannot_answer_for_another(client_for, open_review, discipline):
    review = open_review()
    response = client_for(discipline).post(
        _url("opinion-give", review), {"department": "organization", "verdict": "agree"}
    )
    assert response.status_code == 403
    assert "您不是该联审部门的审核人" in response.content.decode()
    assert not Opinion.objects.exists()


def test_override_from_the_page(client_for, cast, open_review):
    review = open_review()
    client = client_for(cast.committee_admin)
    assert 'id="override-form"' in client.get(_url("review-detail", review)).content.decode()
    response = client.post(_url("review-override", review), {"reason": ""})
    assert response.status_code == 422 and "请填写不采纳异议的理由" in response.content.decode()
    assert client.post(_url("review-override", review), {"reason": "时间紧，经研究通过"}).status_code == 302
    assert JointReview.objects.get(pk=review.pk).state == "overridden"


@pytest.mark.parametrize("who", ["outsider_b", "member_a", "discipline_b", "unit_admin"])
def test_others_cannot_open_answer_or_override(request, client_for, cast, open_review, who):
    user = getattr(cast, who, None) or request.getfixturevalue(who)
    review = open_review()
    client = client_for(user)
    if who != "unit_admin":  # the 组织 department: reads, cannot override
        assert client.get(_url("review-detail", review)).status_code == 404
    response = client.post(_url("opinion-give", review), {"department": "discipline", "verdict": "agree"})
    assert response.status_code in (403, 404)
    assert client.post(_url("review-override", review), {"reason": "x"}).status_code in (403, 404)
    assert not Opinion.objects.filter(department="discipline").exists()
    assert JointReview.objects.get(pk=review.pk).state == "open"
    assert review not in services.visible(JointReview.objects.all(), user) or who == "unit_admin"
