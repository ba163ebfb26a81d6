"""同步点评: opening, commenting, grading, 整改 items, the 党组's opinion, finalizing; and the refusals."""

import pytest
from django.urls import reverse

from ronghe.core.rectification import services as rectification
from ronghe.core.rectification.models import Item
from ronghe.integration.models import SyncReview, TaskComment
from tests.integration.conftest import make_plan, make_review, make_task

pytestmark = pytest.mark.django_db


def test_committee_reviews_a_quarter_with_a_rectification(client_for, cast, today):
    task = make_task(make_plan(cast))
    client = client_for(cast.committee_admin)
    # open the third quarter's review
    client.post(reverse("integration:review-create"), {"unit": cast.unit_a.code, "year": 2026, "quarter": 3})
    review = SyncReview.objects.get(unit=cast.unit_a)
    assert (review.organization, review.plan.pk) == (cast.org_a, task.plan.pk)
    # comments per area and per task, and the grade
    client.post(
        reverse("integration:review-save", args=[review.code]),
        {
            "party_comment": "三会一课落实到位",
            "business_comment": "重点任务推进有力",
            "integrated_comment": "党建引领作用明显",
            "grade": "fairly_good",
            f"task_{task.pk}": "按月召开，记录完整",
        },
    )
    # a problem found becomes a 整改 item the unit rectifies and the 工委 checks
    client.post(
        reverse("integration:review-rectify", args=[review.code]),
        {"title": "支部学习记录不完整", "owner": "支部书记", "due_on": "2026-12-31"},
    )
    item = Item.objects.get(kind="integration.review", object_id=review.pk)
    assert (item.organization, item.owner_permission, item.issuer_permission) == (
        cast.org_a,
        "integration.plan",
        "integration.manage",
    )
    assert rectification.allowed_actions(cast.secretary_a, item) == ["submit"]
    # the unit's 党组 adds its opinion
    client_for(cast.secretary_a).post(
        reverse("integration:review-opinion", args=[review.code]), {"opinion": "认真整改"}
    )
    client = client_for(cast.committee_admin)
    client.post(reverse("integration:review-finalize", args=[review.code]))
    review.refresh_from_db()
    assert (review.state, review.grade, review.opinion) == ("finalized", "fairly_good", "认真整改")
    assert TaskComment.objects.get(review=review).text == "按月召开，记录完整"
    # the unit page shows the quarter in its history
    body = client.get(reverse("orgs:unit-detail", args=[cast.unit_a.code])).content.decode()
    assert 'id="unit-reviews-2026"' in body and "较好" in body


def test_a_quarter_not_yet_started_is_refused(client_for, cast, today):
    response = client_for(cast.committee_admin).post(
        reverse("integration:review-create"), {"unit": cast.unit_a.code, "year": 2027, "quarter": 1}
    )
    assert response.status_code == 422
    assert "2027年第1季度尚未开始，不能点评" in response.content.decode()
    assert not SyncReview.objects.exists()


def test_a_second_review_of_the_same_quarter_is_refused(client_for, cast, today):
    make_review(cast, quarter=2)
    response = client_for(cast.committee_admin).post(
        reverse("integration:review-create"), {"unit": cast.unit_a.code, "year": 2026, "quarter": 2}
    )
    assert response.status_code == 422
    assert "该单位2026年第2季度已有同步点评" in response.content.decode()
    assert SyncReview.objects.count() == 1


def test_a_finalized_review_is_read_only(client_for, cast, today):
    review = make_review(cast, state="finalized", grade="good", party_comment="好")
    client = client_for(cast.committee_admin)
    response = client.post(
        reverse("integration:review-save", args=[review.code]), {"party_comment": "改", "grade": "poor"}
    )
    assert response.status_code == 422
    assert "点评已定稿，不能修改" in response.content.decode()
    response = client.post(
        reverse("integration:review-rectify", args=[review.code]), {"title": "问题", "due_on": "2026-12-31"}
    )
    assert "点评已定稿，不能修改" in response.content.decode()
    review.refresh_from_db()
    assert (review.party_comment, review.grade) == ("好", "good")
    assert not Item.objects.exists()


def test_finalizing_needs_a_grade(client_for, cast, today):
    review = make_review(cast)
    response = client_for(cast.committee_admin).post(
        reverse("integration:review-finalize", args=[review.code]), follow=True
    )
    assert "请先评定等次再定稿" in response.content.decode()
    review.refresh_from_db()
    assert review.state == "draft"


def test_unit_staff_cannot_review_their_own_unit(client_for, cast, today):
    review = make_review(cast)
    response = client_for(cast.secretary_a).post(
        reverse("integration:review-save", args=[review.code]), {"grade": "good"}
    )
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.grade == ""


def test_outsider_gets_404_on_a_review(client_for, cast, today):
    review = make_review(cast)
    client = client_for(cast.outsider_b)
    assert client.get(reverse("integration:review-detail", args=[review.code])).status_code == 404
    response = client.post(reverse("integration:review-opinion", args=[review.code]), {"opinion": "x"})
    assert response.status_code == 404
    review.refresh_from_db()
    assert review.opinion == ""


def test_api_reviews(client_for, cast, today):
    review = make_review(cast, quarter=2, grade="good", state="finalized")
    make_review(cast, unit=cast.unit_b, quarter=2)
    client = client_for(cast.secretary_a)
    rows = client.get("/api/v1/integration/reviews?year=2026").json()
    assert [(r["unit"], r["quarter"], r["grade"]) for r in rows] == [("甲局", 2, "good")]
    assert client.get(f"/api/v1/integration/reviews/{review.code}").json()["state"] == "finalized"


def test_the_opinion_is_the_units_not_the_committees(client_for, cast, today):
    review = make_review(cast)
    response = client_for(cast.committee_admin).post(
        reverse("integration:review-opinion", args=[review.code]), {"opinion": "代写"}
    )
    assert response.status_code == 422
    assert "单位党组（党委）意见由单位填写" in response.content.decode()
    review.refresh_from_db()
    assert review.opinion == ""
