"""The ledger: meeting points idempotent under edit and delete, totals maintained = recomputed, frozen years."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from django.core.management import call_command

from ronghe.core.models import AuditEntry
from ronghe.orglife import services as orglife_services
from ronghe.orglife.models import Attendance
from ronghe.points import services
from ronghe.points.models import MemberYear, PointsEntry, YearClosing
from tests.factories import MemberFactory
from tests.points.conftest import TZ, YEAR

pytestmark = pytest.mark.django_db


def totals_snapshot(year=YEAR):
    return sorted(
        MemberYear.objects.filter(year=year).values_list(
            "member_id", "total", "grade", "grades", "dimensions"
        )
    )


def test_meeting_points_follow_attendance_and_are_idempotent(cast, scheme, make_meeting):
    # given a theme day with member A present
    other = MemberFactory(organization=cast.branch_a)
    meeting = make_meeting(attendees=[cast.member_a_record])
    # when synced twice
    services.sync_meeting_points(meeting=meeting)
    services.sync_meeting_points(meeting=meeting)
    # then one entry of +2 and the yearly total moved from 60 to 62
    entry = PointsEntry.objects.get(member=cast.member_a_record)
    assert (entry.points, entry.indicator.code, entry.source_id) == (D("2"), "theme_day", str(meeting.pk))
    assert MemberYear.objects.get(member=cast.member_a_record, year=YEAR).total == D("62")
    # when attendance changes: A excused, other present
    Attendance.objects.filter(meeting=meeting, member=cast.member_a_record).update(status="excused")
    Attendance.objects.create(meeting=meeting, member=other, status="present")
    services.sync_meeting_points(meeting=meeting)
    # then A's entry is gone and A's total is back to the base; other earned 2
    assert not PointsEntry.objects.filter(member=cast.member_a_record).exists()
    assert MemberYear.objects.get(member=cast.member_a_record, year=YEAR).total == D("60")
    assert MemberYear.objects.get(member=other, year=YEAR).total == D("62")
    # when the meeting is about to be deleted
    services.remove_meeting_points(meeting=meeting)
    assert PointsEntry.objects.count() == 0
    assert MemberYear.objects.get(member=other, year=YEAR).total == D("60")


def test_meeting_earns_nothing_until_it_is_held(cast, scheme, make_meeting, time_machine):
    # given a theme day next week, planned, with A and B already marked present and absent
    time_machine.move_to(datetime(YEAR, 3, 3, 9, 0, tzinfo=TZ), tick=False)
    other = MemberFactory(organization=cast.branch_a)
    meeting = make_meeting(attendees=[cast.member_a_record], absent=[other], state="planned")
    # when synced before the meeting starts
    services.sync_meeting_points(meeting=meeting)
    # then nobody gains or loses points
    assert not PointsEntry.objects.exists()
    # when it has started but is still planned: the state, not the clock, says it was held
    time_machine.move_to(datetime(YEAR, 3, 10, 9, 30, tzinfo=TZ), tick=False)
    services.sync_meeting_points(meeting=meeting)
    assert not PointsEntry.objects.exists()
    # when it is moved on (the daily task or the next page view), with nobody unmarked
    assert orglife_services.advance_meetings() == 1
    # then the attendance counts, without an edit
    assert MemberYear.objects.get(member=cast.member_a_record, year=YEAR).total == D("62")
    assert PointsEntry.objects.filter(member=other).count() == 1


def test_absence_deducts_and_excused_does_nothing(cast, scheme, make_meeting):
    excused = MemberFactory(organization=cast.branch_a)
    meeting = make_meeting(kind="general_meeting", absent=[cast.member_a_record])
    Attendance.objects.create(meeting=meeting, member=excused, status="excused")
    services.sync_meeting_points(meeting=meeting)
    assert MemberYear.objects.get(member=cast.member_a_record, year=YEAR).total == D("58")
    assert not PointsEntry.objects.filter(member=excused).exists()


def test_moving_a_meeting_date_moves_its_entries(cast, scheme, make_meeting):
    meeting = make_meeting(attendees=[cast.member_a_record])
    services.sync_meeting_points(meeting=meeting)
    meeting.held_at = meeting.held_at.replace(month=5)
    meeting.save()
    services.sync_meeting_points(meeting=meeting)
    assert PointsEntry.objects.get(member=cast.member_a_record).occurred_on == date(YEAR, 5, 10)


def test_year_cap_for_meetings_exactly_at_and_one_over(cast, scheme, make_meeting):
    # theme day: 2 per meeting, capped at 8 a year → the 5th meeting adds nothing
    for month in range(1, 5):
        services.sync_meeting_points(
            meeting=make_meeting(when=datetime(YEAR, month, 5, 9), attendees=[cast.member_a_record])
        )
    assert MemberYear.objects.get(member=cast.member_a_record).total == D("68")
    services.sync_meeting_points(
        meeting=make_meeting(when=datetime(YEAR, 6, 5, 9), attendees=[cast.member_a_record])
    )
    assert MemberYear.objects.get(member=cast.member_a_record).total == D("68")
    assert PointsEntry.objects.filter(member=cast.member_a_record).count() == 5


def test_month_cap_for_three_meetings(cast, scheme, make_meeting):
    # 三会: 1 per meeting, at most 3 a month
    for day in (1, 2, 3, 4):
        services.sync_meeting_points(
            meeting=make_meeting(
                kind="group_meeting", when=datetime(YEAR, 2, day, 9), attendees=[cast.member_a_record]
            )
        )
    year = MemberYear.objects.get(member=cast.member_a_record, year=YEAR)
    assert year.dimensions["orglife"] == "13.00"
    assert year.dimension_points()["orglife"] == D("13")


def test_recompute_equals_maintained_totals(cast, scheme, make_meeting, ind):
    # given a mix of meetings, training, volunteering, adjustments across members
    members = [cast.member_a_record, *MemberFactory.create_batch(3, organization=cast.branch_a)]
    for month in range(1, 13):
        services.sync_meeting_points(
            meeting=make_meeting(
                kind=["theme_day", "group_meeting", "study_day"][month % 3],
                when=datetime(YEAR, month, 8, 9),
                attendees=members[: 1 + month % 4],
                absent=members[1 + month % 4 :],
            )
        )
        services.record_activity_points(
            source_type="volunteering",
            source_id=f"v{month}",
            member_ids=[m.pk for m in members[:2]],
            on=date(YEAR, month, 20),
        )
    services.adjust_points(
        actor=cast.secretary_a,
        member=members[1],
        indicator=ind("conduct"),
        points="-5",
        on=date(YEAR, 4, 1),
        reason="迟到早退",
    )
    maintained = totals_snapshot()
    # when recomputed from SQL aggregates
    out = io.StringIO()
    call_command("recompute_points", "--year", str(YEAR), stdout=out)
    # then exactly the same totals
    now = totals_snapshot()
    assert now[0] == maintained[0], (now[0], maintained[0])
    assert now[1] == maintained[1]
    assert "重算" in out.getvalue()
    assert len(maintained[0]) == 5  # every active member (incl. member_b) has a yearly result


def test_recompute_dry_run_writes_nothing(cast, scheme):
    MemberYear.objects.all().delete()
    out = io.StringIO()
    call_command("recompute_points", "--year", str(YEAR), "--dry-run", stdout=out)
    assert MemberYear.objects.count() == 0
    assert "2 名党员（未保存）" in out.getvalue()


def _finalize(cast, year=YEAR):
    services.start_publicity(
        actor=cast.committee_admin, organization=cast.committee, year=year, until=date.today()
    )
    return services.finalize_year(actor=cast.committee_admin, organization=cast.committee, year=year)


def test_finalized_year_cannot_change(cast, scheme, make_meeting, ind):
    meeting = make_meeting(attendees=[cast.member_a_record])
    services.sync_meeting_points(meeting=meeting)
    closing = _finalize(cast)
    assert closing.status == "finalized"
    assert AuditEntry.objects.filter(event="points.year_finalized").count() == 1
    before = totals_snapshot()
    # a changed attendance, a removal, an adjustment dated in the year: all refused, nothing written
    Attendance.objects.filter(meeting=meeting).update(status="absent")
    with pytest.raises(services.PointsError, match="2026 年度积分已定稿"):
        services.sync_meeting_points(meeting=meeting)
    with pytest.raises(services.PointsError, match="已定稿"):
        services.remove_meeting_points(meeting=meeting)
    with pytest.raises(services.PointsError, match="已定稿"):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="2",
            on=date(YEAR, 5, 1),
            reason="补记",
        )
    assert totals_snapshot() == before
    assert PointsEntry.objects.count() == 1


def test_finalized_results_reproduce_from_their_snapshot(cast, scheme, make_meeting, ind):
    from ronghe.core.scoring import rules as scoring
    from ronghe.core.scoring.models import Result

    services.sync_meeting_points(meeting=make_meeting(attendees=[cast.member_a_record]))
    _finalize(cast)
    # the scheme changes afterwards (a new draft version with other points)
    result = Result.objects.get(subject_id=str(cast.member_a_record.pk), period=str(YEAR))
    ind("theme_day").__class__.objects.filter(scheme=scheme).update(points=D("9"))
    events = [
        scoring.Event(e.indicator.code, e.occurred_on, e.points, f"{e.source_type}:{e.source_id}")
        for e in PointsEntry.objects.filter(member=cast.member_a_record)
    ]
    again = scoring.evaluate(scoring.SchemeRules.from_snapshot(result.snapshot), events)
    assert again.to_dict() == result.breakdown
    assert result.total == D("62")
    assert result.breakdown["indicators"][8]["refs"] == [f"attendance:{PointsEntry.objects.get().source_id}"]


def test_finalize_needs_publicity_first(cast, scheme):
    with pytest.raises(services.PointsError, match="须先公示"):
        services.finalize_year(actor=cast.committee_admin, organization=cast.committee, year=YEAR)
    assert not YearClosing.objects.filter(status="finalized").exists()


def test_finalize_refused_before_publicity_ends(cast, scheme):
    services.start_publicity(
        actor=cast.committee_admin, organization=cast.committee, year=YEAR, until=date(2099, 1, 1)
    )
    with pytest.raises(services.PointsError, match="期满后才能定稿"):
        services.finalize_year(actor=cast.committee_admin, organization=cast.committee, year=YEAR)


def test_adjustment_rules(cast, scheme, ind):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(services.PointsError, match="请填写调整原因"):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="2",
            on=date(YEAR, 1, 2),
            reason=" ",
        )
    with pytest.raises(services.PointsError, match="分值必须是数字"):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="两分",
            on=date(YEAR, 1, 2),
            reason="x",
        )
    with pytest.raises(PermissionDenied):
        services.adjust_points(
            actor=cast.outsider_b,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="2",
            on=date(YEAR, 1, 2),
            reason="x",
        )
    assert PointsEntry.objects.count() == 0
    entry = services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=ind("task"),
        points="2",
        on=date(YEAR, 1, 2),
        reason="抢险",
    )
    assert entry.source_type == "adjustment"
    assert MemberYear.objects.get(member=cast.member_a_record).total == D("62")
    assert AuditEntry.objects.filter(event="points.adjusted").count() == 1


def test_unit_refinement_needs_permission_from_the_committee(cast, scheme):
    from ronghe.core.scoring.services import clone_scheme

    scheme.allow_refine = False
    scheme.save()
    refined = clone_scheme(scheme=scheme, year=YEAR, organization=cast.org_a)
    with pytest.raises(services.PointsError, match="不允许下级细化"):
        services.activate_points_scheme(scheme=refined, actor=cast.committee_admin)
    scheme.allow_refine = True
    scheme.save()
    services.activate_points_scheme(scheme=refined, actor=cast.committee_admin)
    assert services.scheme_for(cast.branch_a, YEAR) == refined
    assert services.scheme_for(cast.branch_b, YEAR) == scheme


def test_new_version_moves_entries_and_recomputes(cast, scheme, make_meeting):
    from ronghe.core.scoring.models import Indicator
    from ronghe.core.scoring.services import clone_scheme

    services.sync_meeting_points(meeting=make_meeting(attendees=[cast.member_a_record]))
    v2 = clone_scheme(scheme=scheme, year=YEAR)
    Indicator.objects.filter(scheme=v2, code="theme_day").update(points=D("3"))
    services.activate_points_scheme(scheme=v2, actor=cast.committee_admin)
    scheme.refresh_from_db()
    assert (scheme.status, v2.version) == ("archived", 2)
    entry = PointsEntry.objects.get()
    assert entry.indicator.scheme == v2
    # the entry keeps its recorded points; the new version applies to new events
    assert MemberYear.objects.get(member=cast.member_a_record).total == D("62")
