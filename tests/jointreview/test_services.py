"""联审 services: department permissions, objections with reasons, revision, auto-pass, override, outcome."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.jointreview import services
from ronghe.core.jointreview.models import JointReview, Opinion
from ronghe.core.models import AuditEntry
from ronghe.core.workflow.models import History
from tests.jointreview.conftest import DUE

pytestmark = pytest.mark.django_db


def _state(review):
    return JointReview.objects.get(pk=review.pk).state


def test_open_review_needs_departments_with_unique_codes(open_review):
    with pytest.raises(InvalidInput, match="至少需要一个联审部门"):
        open_review(departments=[])
    dup = [{"code": "d", "name": "纪检", "permission": "review.discipline"}] * 2
    with pytest.raises(InvalidInput, match="联审部门编号“d”重复"):
        open_review(departments=dup)
    assert not JointReview.objects.exists()


def test_open_review_needs_the_override_permission(cast, open_review):
    with pytest.raises(PermissionDenied):
        open_review(actor=cast.secretary_a)
    assert not JointReview.objects.exists()


def test_open_review_is_recorded(open_review):
    review = open_review()
    assert review.state == "open"
    assert History.objects.filter(process="jointreview.review", object_id=review.pk).count() == 1
    assert AuditEntry.objects.filter(event="jointreview.open").exists()


def test_only_the_department_answers_for_itself(cast, open_review, discipline, unit_admin, discipline_b):
    review = open_review()
    for user, dept in (
        (unit_admin, "discipline"),
        (discipline, "organization"),
        (discipline_b, "discipline"),
    ):
        with pytest.raises(PermissionDenied, match="您不是该联审部门的审核人"):
            services.give_opinion(actor=user, review=review, department=dept, verdict="agree")
    with pytest.raises(PermissionDenied, match="您不是该联审部门的审核人"):
        services.give_opinion(actor=discipline, review=review, department="finance", verdict="agree")
    assert not Opinion.objects.exists()


def test_objection_needs_a_reason_and_known_items(open_review, discipline):
    review = open_review()
    with pytest.raises(DomainError, match="提出异议时请填写理由") as no_reason:
        services.give_opinion(actor=discipline, review=review, department="discipline", verdict="object")
    assert no_reason.value.field == "reason"
    with pytest.raises(DomainError, match="联审名单中没有该项"):
        services.give_opinion(
            actor=discipline,
            review=review,
            department="discipline",
            verdict="object",
            reason="有违纪线索",
            objected_items=["zz"],
        )
    assert not Opinion.objects.exists()


def test_passes_automatically_when_every_department_agrees(open_review, discipline, unit_admin):
    review = open_review()
    services.give_opinion(actor=discipline, review=review, department="discipline", verdict="agree")
    assert _state(review) == "open"
    assert not services.outcome(review).passed
    services.give_opinion(actor=unit_admin, review=review, department="organization", verdict="agree")
    assert _state(review) == "passed"
    row = History.objects.get(process="jointreview.review", action="pass")
    assert (row.actor, row.from_state, row.to_state) == (None, "open", "passed")
    assert AuditEntry.objects.filter(event="jointreview.review_pass").count() == 1
    result = services.outcome(JointReview.objects.get(pk=review.pk))
    assert (result.passed, result.pending, result.objections) == (True, [], {})
    with pytest.raises(DomainError, match="联审已结束"):
        services.give_opinion(actor=discipline, review=review, department="discipline", verdict="agree")


def test_an_objection_holds_the_review_and_can_be_revised(open_review, discipline, unit_admin):
    review = open_review()
    services.give_opinion(
        actor=discipline,
        review=review,
        department="discipline",
        verdict="object",
        reason="该支部书记受到党内警告处分",
        objected_items=["b1"],
    )
    services.give_opinion(actor=unit_admin, review=review, department="organization", verdict="agree")
    assert _state(review) == "open"
    result = services.outcome(review)
    assert result.objections == {"b1": [("纪检", "该支部书记受到党内警告处分")]}
    assert (result.passed, result.pending) == (False, [])
    # the department revises its opinion: one row, the revision audited, and the review passes
    services.give_opinion(actor=discipline, review=review, department="discipline", verdict="agree")
    assert Opinion.objects.filter(review=review, department="discipline").count() == 1
    revision = AuditEntry.objects.get(event="jointreview.opinion_revise")
    assert revision.changes["verdict"] == ["object", "agree"]
    assert revision.changes["objected_items"] == [["b1"], []]
    assert _state(review) == "passed"


def test_objection_to_the_whole_list_is_the_empty_key(open_review, discipline):
    review = open_review()
    services.give_opinion(
        actor=discipline, review=review, department="discipline", verdict="object", reason="程序不当"
    )
    assert services.outcome(review).objections == {"": [("纪检", "程序不当")]}


def test_override_needs_the_permission_and_a_reason(cast, open_review, discipline, unit_admin):
    review = open_review()
    services.give_opinion(
        actor=discipline,
        review=review,
        department="discipline",
        verdict="object",
        reason="有信访件",
        objected_items=["b2"],
    )
    with pytest.raises(PermissionDenied):
        services.override(actor=unit_admin, review=review, reason="已核实")
    with pytest.raises(DomainError, match="请填写不采纳异议的理由"):
        services.override(actor=cast.committee_admin, review=review, reason="  ")
    assert _state(review) == "open"
    services.override(actor=cast.committee_admin, review=review, reason="信访件经核实不属实")
    assert _state(review) == "overridden"
    row = History.objects.get(process="jointreview.review", action="override")
    assert (row.actor, row.comment) == (cast.committee_admin, "信访件经核实不属实")
    result = services.outcome(JointReview.objects.get(pk=review.pk))
    # passed, the objection kept on record, the silent department still listed
    assert (
        result.passed
        and result.objections == {"b2": [("纪检", "有信访件")]}
        and result.pending == ["organization"]
    )


def test_overdue_lists_the_silent_departments_after_the_due_date(open_review, discipline):
    review = open_review()
    services.give_opinion(actor=discipline, review=review, department="discipline", verdict="agree")
    assert services.outcome(review, today=DUE).overdue == []
    assert services.outcome(review, today=date(2026, 11, 21)).overdue == ["organization"]


def test_awaiting_lists_open_reviews_for_the_users_unanswered_departments(
    cast, open_review, discipline, unit_admin, discipline_b
):
    review = open_review()
    other = open_review(object_id=8, organization=cast.org_b)
    assert set(services.awaiting(discipline)) == {review, other}
    assert list(services.awaiting(discipline_b)) == [other]
    assert list(services.awaiting(unit_admin)) == [review]
    assert not services.awaiting(cast.member_a).exists()
    services.give_opinion(actor=discipline, review=review, department="discipline", verdict="agree")
    assert list(services.awaiting(discipline)) == [other]
    assert list(services.for_object("ratings.campaign", 7)) == [review]
