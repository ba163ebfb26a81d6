from datetime import timedelta
from io import BytesIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from ronghe.core.models import AuditEntry
from ronghe.orglife import services
from ronghe.orglife.models import Attachment, Attendance, Decision, Meeting, MeetingRequirement, OrgLifePolicy
from tests.factories import MemberFactory
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def test_attendance_is_proposed_from_active_members_with_voting_rights(cast, branch_members, record):
    MemberFactory(organization=cast.branch_a, name="已转出", status="transferred_out")
    meeting = record(present=12)
    rows = {a.member.name: a for a in meeting.attendances.select_related("member")}
    assert len(rows) == 12
    assert "已转出" not in rows
    assert rows["预备0"].is_voter is False
    assert rows["正式0"].is_voter is True


def test_excused_needs_a_reason(cast, branch_members):
    with pytest.raises(services.OrgLifeError, match="请假的党员须填写请假原因"):
        services.record_meeting(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={"kind": "general_meeting", "title": "x", "held_at": at(2026, 11, 1, 9, 0)},
            attendance={cast.member_a_record.pk: services.AttendanceEntry("excused", " ")},
            now=at(2026, 11, 1, 9, 0),
        )
    assert Meeting.objects.count() == 0


def test_outsider_cannot_record_in_a(cast, branch_members):
    with pytest.raises(PermissionDenied):
        services.record_meeting(
            actor=cast.outsider_b,
            organization=cast.branch_a,
            data={"kind": "general_meeting", "title": "x", "held_at": at(2026, 11, 1, 9, 0)},
            attendance={},
        )


@pytest.mark.parametrize(("present", "ok"), [(5, False), (6, True)])
def test_decision_quorum_at_exactly_half_and_one_above(branch_members, record, cast, present, ok):
    # 10 full members expected to vote; probationary members present do not count
    meeting = record(present=present)
    Attendance.objects.filter(meeting=meeting, is_voter=False).update(status="present")
    if ok:
        d = services.add_decision(
            actor=cast.secretary_a,
            meeting=meeting,
            text="接收预备党员",
            method="hands",
            yes=present,
            no=0,
            abstain=0,
        )
        assert (d.voters_expected, d.voters_present, d.passed) == (10, 6, True)
    else:
        with pytest.raises(services.OrgLifeError) as exc:
            services.add_decision(
                actor=cast.secretary_a,
                meeting=meeting,
                text="接收预备党员",
                method="hands",
                yes=5,
                no=0,
                abstain=0,
            )
        assert exc.value.message.startswith("到会有表决权的党员 5 人，未超过应到会有表决权党员 10 人的半数")
        assert Decision.objects.count() == 0
        assert AuditEntry.objects.filter(event="orglife.decision.create", outcome="failure").count() == 1


def test_motion_with_exactly_half_yes_fails(branch_members, record, cast):
    meeting = record(present=8)
    d = services.add_decision(
        actor=cast.secretary_a, meeting=meeting, text="议题", method="ballot", yes=5, no=2, abstain=1
    )
    assert d.passed is False
    d = services.add_decision(
        actor=cast.secretary_a, meeting=meeting, text="议题2", method="ballot", yes=6, no=2, abstain=0
    )
    assert d.passed is True


def test_votes_cannot_exceed_present_voters(branch_members, record, cast):
    meeting = record(present=6)
    with pytest.raises(services.OrgLifeError, match="合计 7 票，超过到会有表决权的 6 人"):
        services.add_decision(
            actor=cast.secretary_a, meeting=meeting, text="x", method="hands", yes=6, no=1, abstain=0
        )


def test_appraisal_grades_third_rule_and_probationary(branch_members, record, cast):
    full, prob = branch_members
    meeting = record(kind="democratic_appraisal")
    grades = {m.pk: "excellent" if i < 4 else "qualified" for i, m in enumerate(full)}
    with pytest.raises(
        services.OrgLifeError, match="评为优秀的 4 人，超过参评正式党员 10 人的三分之一（最多 3 人）"
    ):
        services.set_grades(actor=cast.secretary_a, meeting=meeting, grades=grades)
    assert not Attendance.objects.exclude(grade="").exists()
    with pytest.raises(services.OrgLifeError, match="预备0 是预备党员，参加评议但不评定等次"):
        services.set_grades(actor=cast.secretary_a, meeting=meeting, grades={prob[0].pk: "qualified"})
    grades = {m.pk: "excellent" if i < 3 else "qualified" for i, m in enumerate(full)}
    services.set_grades(actor=cast.secretary_a, meeting=meeting, grades=grades)
    assert Attendance.objects.filter(meeting=meeting, grade="excellent").count() == 3
    assert Attendance.objects.filter(meeting=meeting, is_voter=False, grade="").count() == 2


def test_late_entry_is_marked_by_default(branch_members, record):
    meeting = record(held=at(2026, 3, 1, 9), now=at(2026, 3, 9, 9))
    assert meeting.entered_late is True
    assert record(held=at(2026, 3, 1, 9), now=at(2026, 3, 8, 9)).entered_late is False


def test_late_entry_refused_when_policy_forbids(branch_members, record):
    OrgLifePolicy.objects.update_or_create(id=1, defaults={"late_entry_mode": "refuse", "late_after_days": 3})
    with pytest.raises(services.OrgLifeError, match="会议已过去 4 天，超过 3 天的补录期限，不允许补录"):
        record(held=at(2026, 3, 1, 9), now=at(2026, 3, 5, 9))
    assert Meeting.objects.count() == 0
    assert record(held=at(2026, 3, 1, 9), now=at(2026, 3, 4, 9)).entered_late is False


class TestCheckin:
    def _open(self, cast, record, **kw):
        meeting = record(present=0, held=at(2026, 11, 20, 9), ends_at=at(2026, 11, 20, 11), **kw)
        return services.open_checkin(actor=cast.secretary_a, meeting=meeting, now=at(2026, 11, 20, 8, 50))

    def test_member_checks_in_once(self, cast, branch_members, record):
        meeting = self._open(cast, record)
        row = services.check_in(user=cast.member_a, code=meeting.checkin_code, now=at(2026, 11, 20, 8, 55))
        assert (row.status, row.source) == ("present", "checkin")
        with pytest.raises(services.OrgLifeError, match="您已签到，不能重复签到"):
            services.check_in(user=cast.member_a, code=meeting.checkin_code, now=at(2026, 11, 20, 8, 56))

    def test_other_organization_member_is_refused(self, cast, branch_members, record):
        from tests.factories import UserFactory

        meeting = self._open(cast, record)
        user_b = UserFactory(member=cast.member_b_record)
        with pytest.raises(services.OrgLifeError, match="您不是该党组织的党员，不能签到"):
            services.check_in(user=user_b, code=meeting.checkin_code, now=at(2026, 11, 20, 8, 55))
        assert not Attendance.objects.filter(member=cast.member_b_record).exists()

    def test_expired_code_is_refused(self, cast, branch_members, record):
        meeting = self._open(cast, record)  # code lives 15 minutes: until 9:05
        with pytest.raises(services.OrgLifeError, match="签到码已过期"):
            services.check_in(user=cast.member_a, code=meeting.checkin_code, now=at(2026, 11, 20, 9, 5, 1))
        assert Attendance.objects.get(meeting=meeting, member=cast.member_a_record).status == "absent"

    def test_outside_the_window_is_refused(self, cast, branch_members, record):
        meeting = self._open(cast, record)
        with pytest.raises(services.OrgLifeError, match="不在会议签到时间内"):
            services.check_in(user=cast.member_a, code=meeting.checkin_code, now=at(2026, 11, 20, 8, 29))

    def test_sign_out_where_asked(self, cast, branch_members, record):
        meeting = self._open(cast, record, requires_sign_out=True)
        code = meeting.checkin_code
        with pytest.raises(services.OrgLifeError, match="您尚未签到，不能签退"):
            services.check_out(user=cast.member_a, code=code, now=at(2026, 11, 20, 9))
        services.check_in(user=cast.member_a, code=code, now=at(2026, 11, 20, 9))
        row = services.check_out(user=cast.member_a, code=code, now=at(2026, 11, 20, 10, 59))
        assert row.checked_out_at == at(2026, 11, 20, 10, 59)

    def test_new_code_replaces_old(self, cast, branch_members, record):
        meeting = self._open(cast, record)
        old = meeting.checkin_code
        services.open_checkin(actor=cast.secretary_a, meeting=meeting, now=at(2026, 11, 20, 9, 0))
        with pytest.raises(services.OrgLifeError, match="签到码无效"):
            services.check_in(user=cast.member_a, code=old, now=at(2026, 11, 20, 9, 1))


def test_correction_needs_a_reason_and_is_audited(cast, branch_members, record):
    meeting = record(present=12)
    row = Attendance.objects.get(meeting=meeting, member=cast.member_a_record)
    with pytest.raises(services.OrgLifeError, match="请填写更正理由"):
        services.correct_attendance(
            actor=cast.secretary_a, attendance=row, status="excused", reason="出差", note=""
        )
    services.correct_attendance(
        actor=cast.secretary_a, attendance=row, status="excused", reason="出差", note="误点签到"
    )
    row.refresh_from_db()
    assert (row.status, row.reason, row.source) == ("excused", "出差", "corrected")
    entry = AuditEntry.objects.get(event="orglife.attendance.correct")
    assert entry.changes["note"] == "误点签到"
    assert entry.changes["status"] == ["present", "excused"]


def test_attachment_type_size_and_checksum(cast, branch_members, record, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    meeting = record()
    with pytest.raises(services.OrgLifeError, match="附件类型不支持"):
        services.add_attachment(
            actor=cast.secretary_a, meeting=meeting, upload=SimpleUploadedFile("x.exe", b"MZ\x90\x00")
        )
    with pytest.raises(services.OrgLifeError, match="附件内容与文件类型不符"):
        services.add_attachment(
            actor=cast.secretary_a, meeting=meeting, upload=SimpleUploadedFile("x.pdf", b"<html>")
        )
    settings.RONGHE_UPLOAD_MAX_BYTES = 10
    with pytest.raises(services.OrgLifeError, match="附件过大"):
        services.add_attachment(
            actor=cast.secretary_a,
            meeting=meeting,
            upload=SimpleUploadedFile("x.pdf", b"%PDF-1.4 more than ten"),
        )
    settings.RONGHE_UPLOAD_MAX_BYTES = 1000
    att = services.add_attachment(
        actor=cast.secretary_a, meeting=meeting, upload=SimpleUploadedFile("会议照片.pdf", b"%PDF-1.4 hello")
    )
    import hashlib

    assert att.sha256 == hashlib.sha256(b"%PDF-1.4 hello").hexdigest()
    stored = tmp_path / "orglife" / att.stored_name
    assert stored.read_bytes() == b"%PDF-1.4 hello"
    assert att.stored_name != "会议照片.pdf"
    assert Attachment.objects.count() == 1


def test_delete_meeting_removes_attendance(cast, branch_members, record):
    meeting = record()
    services.delete_meeting(actor=cast.secretary_a, meeting=meeting)
    assert Meeting.objects.count() == 0
    assert Attendance.objects.count() == 0


def test_copy_requirements_keeps_past_years(cast):
    before = list(MeetingRequirement.objects.filter(year=2025).values_list("kind", "period", "min_count"))
    with pytest.raises(services.OrgLifeError, match="2027 年已有组织生活要求，不能覆盖"):
        services.copy_requirements(actor=cast.committee_admin, from_year=2026, to_year=2027)
    req = MeetingRequirement.objects.get(year=2027, kind="party_lecture")
    services.update_requirement(
        actor=cast.committee_admin, requirement=req, data={"period": "year", "min_count": 2}
    )
    assert services.copy_requirements(actor=cast.committee_admin, from_year=2027, to_year=2028) == 10
    assert MeetingRequirement.objects.get(year=2028, kind="party_lecture").period == "year"
    assert (
        list(MeetingRequirement.objects.filter(year=2025).values_list("kind", "period", "min_count"))
        == before
    )
    with pytest.raises(PermissionDenied):
        services.copy_requirements(actor=cast.secretary_a, from_year=2027, to_year=2029)


def test_seeded_requirements_match_the_rules(db):
    reqs = {r.kind: (r.period, r.min_count, r.coverage) for r in MeetingRequirement.objects.filter(year=2026)}
    assert reqs["general_meeting"] == ("quarter", 1, False)
    assert reqs["committee_meeting"] == ("month", 1, False)
    assert reqs["group_meeting"] == ("month", 1, False)
    assert reqs["theme_day"] == ("month", 1, False)
    assert reqs["party_lecture"] == ("quarter", 1, False)
    assert reqs["life_meeting"] == ("year", 1, False)
    assert reqs["democratic_appraisal"] == ("year", 1, False)
    assert reqs["heart_talk"] == ("year", 1, True)
    _ = BytesIO, timedelta


def test_a_double_tap_on_check_in_records_one_check_in(cast, branch_members, record, monkeypatch):
    """Both requests of a double tap read the attendance before either wrote it (issue 22)."""
    from ronghe.core.models import AuditEntry
    from ronghe.orglife.services import evidence

    meeting = record(present=0, held=at(2026, 11, 20, 9), ends_at=at(2026, 11, 20, 11))
    meeting = services.open_checkin(actor=cast.secretary_a, meeting=meeting, now=at(2026, 11, 20, 8, 50))
    stale = evidence._checkin_target(
        user=cast.member_a, code=meeting.checkin_code, now=at(2026, 11, 20, 8, 55)
    )
    services.check_in(user=cast.member_a, code=meeting.checkin_code, now=at(2026, 11, 20, 8, 55))
    monkeypatch.setattr(evidence, "_checkin_target", lambda **kw: stale)
    with pytest.raises(services.OrgLifeError, match="您已签到"):
        services.check_in(user=cast.member_a, code=meeting.checkin_code, now=at(2026, 11, 20, 8, 55))
    assert AuditEntry.objects.filter(event="orglife.checkin").count() == 1
    assert meeting.attendances.filter(member=cast.member_a_record, checked_in_at__isnull=False).count() == 1
