"""`transition()` on a real model: permission, applicant, comment, conflict, history and audit in one
transaction; deadlines in working days (holidays and 调休 included)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.errors import Conflict, DomainError, TransitionNotAllowed
from ronghe.core.models import AuditEntry
from ronghe.core.workflow import services as workflow
from ronghe.core.workflow.models import History
from ronghe.members.models import Member
from ronghe.members.rules import STATUS_PROCESS, TRANSFER_PROCESS
from ronghe.points import services as points
from ronghe.points.models import Claim
from ronghe.points.rules import CLAIM_PROCESS

pytestmark = pytest.mark.django_db
TZ = ZoneInfo("Asia/Shanghai")


def _suspend(cast, member, **over):
    kwargs = {"by": cast.secretary_a, "comment": "失联6个月", "effective_on": date(2026, 5, 1)}
    kwargs.update(over)
    return workflow.transition(STATUS_PROCESS, member, "suspend", **kwargs)


def test_transition_writes_state_history_and_audit_together(cast):
    # given a full member in branch A
    member = cast.member_a_record
    # when the branch secretary suspends them
    row = _suspend(cast, member, data={"approval_ref": "支委会决定"})
    # then the state, one history row and one audit entry
    assert Member.objects.get(pk=member.pk).status == "suspended"
    stored = History.objects.get(process="members.status", object_id=member.pk)
    assert (stored.pk, stored.from_state, stored.to_state, stored.action) == (
        row.pk,
        "full",
        "suspended",
        "suspend",
    )
    assert (stored.actor, stored.comment, stored.effective_on) == (
        cast.secretary_a,
        "失联6个月",
        date(2026, 5, 1),
    )
    assert stored.data == {"approval_ref": "支委会决定"}
    entry = AuditEntry.objects.get(event="member.status_change")
    assert entry.changes == {"status": ["full", "suspended"], "action": "suspend", "comment": "失联6个月"}


@pytest.mark.parametrize("who", ["outsider_b", "member_a"])
def test_actor_without_the_permission_is_refused_and_nothing_changes(cast, who):
    with pytest.raises(PermissionDenied, match="您没有执行此操作的权限"):
        _suspend(cast, cast.member_a_record, by=getattr(cast, who))
    assert Member.objects.get(pk=cast.member_a_record.pk).status == "full"
    assert not History.objects.exists()
    assert not AuditEntry.objects.filter(event="member.status_change").exists()


def test_stale_state_loses_to_the_first_actor(cast):
    # given two pages that loaded the member while full
    first, second = (Member.objects.get(pk=cast.member_a_record.pk) for _ in range(2))
    _suspend(cast, first)
    # when the second acts on what it saw
    with pytest.raises(Conflict, match="该党员的状态已被他人变更，请刷新后查看"):
        workflow.transition(STATUS_PROCESS, second, "expel", by=cast.committee_admin, comment="x")
    # then only the first step happened
    assert Member.objects.get(pk=first.pk).status == "suspended"
    assert list(History.objects.values_list("action", flat=True)) == ["suspend"]


def test_target_outside_the_step_is_refused(cast):
    _suspend(cast, cast.member_a_record)
    member = Member.objects.get(pk=cast.member_a_record.pk)
    with pytest.raises(TransitionNotAllowed, match="不能转到“死亡”状态"):
        workflow.transition(STATUS_PROCESS, member, "restore", by=cast.secretary_a, to="deceased")
    workflow.transition(STATUS_PROCESS, member, "restore", by=cast.secretary_a, to="probationary")
    assert Member.objects.get(pk=member.pk).status == "probationary"


def test_required_comment_names_its_field(cast, scheme_2026, claimable):
    claim = points.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=claimable,
        occurred_on=date(2026, 3, 1),
        points=claimable.points,  # the indicator's value (issue 16)
        description="读书心得",
    )
    with pytest.raises(DomainError) as err:
        workflow.transition(CLAIM_PROCESS, claim, "reject", by=cast.secretary_a, comment="  ")
    assert (err.value.message, err.value.field) == ("退回申报时请填写理由", "comment")
    assert Claim.objects.get(pk=claim.pk).state == "submitted"


def test_history_for_labels_each_row(cast):
    member = cast.member_a_record
    _suspend(cast, member)
    rows = workflow.history_for(STATUS_PROCESS, Member.objects.get(pk=member.pk))
    assert [(r.action_label, r.from_label, r.to_label) for r in rows] == [
        ("停止党籍", "正式党员", "停止党籍")
    ]
    assert workflow.history_for(TRANSFER_PROCESS, member) == []


# ---------------------------------------------------------------- deadlines


@pytest.fixture
def scheme_2026(cast):
    return points.seed_default_scheme(organization=cast.committee, year=2026)


@pytest.fixture
def claimable(scheme_2026):
    return scheme_2026.indicators.filter(claimable=True).order_by("id").first()


def _claim_at(cast, claimable, when, time_machine):
    time_machine.move_to(when)
    return points.submit_claim(
        actor=cast.member_a,
        member=cast.member_a_record,
        indicator=claimable,
        occurred_on=date(2026, 9, 1),
        points=claimable.points,  # the indicator's value (issue 16)
        description="志愿服务",
    )


def test_overdue_counts_working_days_across_national_day(cast, claimable, time_machine):
    # given claims waiting since 30 September and since the first minutes of 1 October (a holiday)
    wed = _claim_at(cast, claimable, datetime(2026, 9, 30, 10, tzinfo=TZ), time_machine)
    night = _claim_at(cast, claimable, datetime(2026, 10, 1, 0, 30, tzinfo=TZ), time_machine)
    decided = _claim_at(cast, claimable, datetime(2026, 9, 30, 11, tzinfo=TZ), time_machine)
    points.transition_claim(claim=decided, action="approve", actor=cast.secretary_a)
    # then ten working days run 8, 9, 10 (Saturday, 调休), 12–16, 19, 20 October
    assert workflow.due_on(CLAIM_PROCESS, "submitted", date(2026, 9, 30)) == date(2026, 10, 20)
    waiting = Claim.objects.all()
    assert list(workflow.overdue(CLAIM_PROCESS, waiting, today=date(2026, 10, 20))) == []
    late = workflow.overdue(CLAIM_PROCESS, waiting, today=date(2026, 10, 21)).order_by("id")
    assert [c.pk for c in late] == [wed.pk, night.pk]


def test_process_without_deadlines_has_nothing_overdue(cast):
    assert workflow.due_on(TRANSFER_PROCESS, "pending", date(2026, 1, 5)) is None
    assert list(workflow.overdue(TRANSFER_PROCESS, Member.objects.all(), today=date(2030, 1, 1))) == []
