"""What a meeting decides: voters and their exclusions, decisions with their votes, the grades of 民主评议."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.scope import require_at
from ronghe.members.models import Member
from ronghe.orglife import rules
from ronghe.orglife.choices import (
    AttendanceStatus,
    MeetingKind,
)
from ronghe.orglife.models import (
    Attendance,
    Decision,
    Meeting,
    VoterExclusion,
)
from ronghe.orglife.services.meetings import OrgLifeError
from ronghe.points import services as points_services


def voters_of(meeting: Meeting) -> tuple[int, int]:
    """(voters expected, voters present) from the meeting's attendance.

    Voters are the members full on the meeting date, less those the higher organization approved
    leaving out of the expected voters (VoterExclusion, domain-rules §1.3 legacy guidance).
    """
    rows = list(
        meeting.attendances.filter(is_voter=True)
        .exclude(member_id__in=meeting.voter_exclusions.values("member_id"))
        .values_list("status", flat=True)
    )
    return len(rows), sum(1 for s in rows if s == AttendanceStatus.PRESENT)


def _require_higher(actor: User, meeting: Meeting) -> None:
    """Leaving a member out of the expected voters needs the higher organization's consent:
    it is recorded by someone with orglife.edit on the parent organization."""
    parent = meeting.organization.parent
    if parent is None:
        raise PermissionDenied("只有上级党组织可以登记不计入应到会人数的党员")
    require_at(actor, "orglife.edit", parent.path)


def add_voter_exclusion(
    *, actor: User, meeting: Meeting, member: Member, reason: str, approval_ref: str
) -> VoterExclusion:
    """Leave a full member out of a 党员大会's expected voters, with the reason and the approval."""
    _require_higher(actor, meeting)
    if meeting.kind != MeetingKind.GENERAL_MEETING:
        raise OrgLifeError("只有党员大会可以登记不计入应到会人数的党员", "member")
    if not reason.strip():
        raise OrgLifeError("请填写不计入应到会人数的原因", "reason")
    if not approval_ref.strip():
        raise OrgLifeError("请填写上级批准文号", "approval_ref")
    row = meeting.attendances.filter(member=member).first()
    if row is None or not row.is_voter:
        raise OrgLifeError(f"{member.name} 不是本次会议有表决权的党员", "member")
    if meeting.voter_exclusions.filter(member=member).exists():
        raise OrgLifeError(f"{member.name} 已登记为不计入应到会人数", "member")
    if meeting.decisions.exists():
        raise OrgLifeError("本次会议已有表决结果，须先删除决议再调整应到会人数", "member")
    with transaction.atomic():
        exclusion = VoterExclusion.objects.create(
            meeting=meeting,
            member=member,
            reason=reason.strip()[:200],
            approval_ref=approval_ref.strip()[:100],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit.record(
            "orglife.voter_exclusion.create",
            actor=actor,
            obj=exclusion,
            changes={
                "member": member.name,
                "reason": exclusion.reason,
                "approval_ref": exclusion.approval_ref,
            },
        )
    return exclusion


def remove_voter_exclusion(*, actor: User, exclusion: VoterExclusion) -> None:
    meeting = exclusion.meeting
    _require_higher(actor, meeting)
    if meeting.decisions.exists():
        raise OrgLifeError("本次会议已有表决结果，须先删除决议再调整应到会人数", "member")
    with transaction.atomic():
        audit.record(
            "orglife.voter_exclusion.delete",
            actor=actor,
            obj=exclusion,
            changes={"member": exclusion.member.name, "approval_ref": exclusion.approval_ref},
        )
        exclusion.delete()


def add_decision(
    *, actor: User, meeting: Meeting, text: str, method: str, yes: int, no: int, abstain: int
) -> Decision:
    """Record a decision and its votes. At a 党员大会, refuse it without quorum (§1.3)."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    if not rules.votes(meeting.kind):
        raise OrgLifeError(f"{meeting.get_kind_display()}不作决议表决，决议在党员大会或支委会上表决", "text")
    if not text.strip():
        raise OrgLifeError("请填写决议内容", "text")
    expected, present = voters_of(meeting)
    if meeting.kind != MeetingKind.GENERAL_MEETING:
        present = meeting.attendances.filter(status=AttendanceStatus.PRESENT).count()
        expected = meeting.attendances.count()
    if meeting.kind == MeetingKind.COMMITTEE_MEETING and not rules.committee_quorum(
        present=present, expected=expected
    ):
        reason = (
            f"到会委员 {present} 人，未超过支委会委员 {expected} 人的半数，会议不能进行，不能表决"
            if expected
            else "未登记会议当日的支委会委员，无法核对到会人数，不能表决"
        )
        audit.record("orglife.decision.create", obj=meeting, outcome="failure", changes={"reason": reason})
        raise OrgLifeError(reason, "yes")
    if yes + no + abstain > present:
        raise OrgLifeError(
            f"赞成、反对、弃权合计 {yes + no + abstain} 票，超过到会有表决权的 {present} 人", "yes"
        )
    if meeting.kind == MeetingKind.GENERAL_MEETING:
        outcome = rules.evaluate_general_meeting_vote(
            voters_expected=expected, voters_present=present, yes=yes
        )
        if not outcome.quorate:
            audit.record(
                "orglife.decision.create",
                obj=meeting,
                outcome="failure",
                changes={"reason": outcome.explanation},
            )
            raise OrgLifeError(outcome.explanation, "yes")
        passed = outcome.passed
    else:
        passed = rules.evaluate_simple_vote(voters_present=present, yes=yes)
    with transaction.atomic():
        decision = Decision.objects.create(
            meeting=meeting,
            text=text.strip(),
            method=method,
            voters_expected=expected,
            voters_present=present,
            yes=yes,
            no=no,
            abstain=abstain,
            passed=passed,
        )
        audit.record(
            "orglife.decision.create",
            obj=decision,
            changes={"yes": yes, "no": no, "abstain": abstain, "passed": passed},
        )
    return decision


def delete_decision(*, actor: User, decision: Decision) -> None:
    require_at(actor, "orglife.edit", decision.meeting.organization.path)
    with transaction.atomic():
        audit.record("orglife.decision.delete", obj=decision, changes={"text": decision.text})
        decision.delete()


def set_grades(*, actor: User, meeting: Meeting, grades: dict[int, str]) -> None:
    """民主评议: grade full members; probationary members stay ungraded; 优秀 ≤ 1/3 (§1.2)."""
    require_at(actor, "orglife.edit", meeting.organization.path)
    if meeting.kind != MeetingKind.DEMOCRATIC_APPRAISAL:
        raise OrgLifeError("只有民主评议党员会议可以评定等次", "grade")
    rows = list(meeting.attendances.select_related("member"))
    new: dict[int, str] = {}
    for row in rows:
        grade = grades.get(row.member_id, "")
        if grade and not row.is_voter:
            raise OrgLifeError(f"{row.member.name} 是预备党员，参加评议但不评定等次", "grade")
        new[row.pk] = grade
    reason = rules.check_grades(list(new.values()))
    if reason:
        raise OrgLifeError(reason, "grade")
    with transaction.atomic():
        changed = []
        for row in rows:
            if row.grade != new[row.pk]:
                changed.append((row.member.name, row.grade, new[row.pk]))
                row.grade = new[row.pk]
        Attendance.objects.bulk_update(rows, ["grade"])
        audit.record("orglife.appraisal.grade", obj=meeting, changes={"grades": changed})
        points_services.sync_meeting_points(meeting=meeting)
