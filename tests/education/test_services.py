from datetime import date, timedelta
from decimal import Decimal

import pytest

from ronghe.core.errors import DomainError
from ronghe.education import queries, services
from ronghe.education.models import EducationPolicy, Enrolment, SessionAttendance
from ronghe.orgs.models import Officer
from tests.education.conftest import START

pytestmark = pytest.mark.django_db


def test_enrolling_the_audience_takes_the_branchs_active_members(cast, training):
    tc, _session, others = training
    # given / then: 张甲 and the four others of the branch; nobody of B
    names = set(Enrolment.objects.filter(training_class=tc).values_list("member__name", flat=True))
    assert names == {"张甲", *(m.name for m in others)}
    assert services.enrol(actor=cast.secretary_a, training_class=tc) == 0  # again: nobody new


def test_a_secretary_class_enrols_only_secretaries(cast):
    Officer.objects.create(
        organization=cast.branch_a, member=cast.member_a_record, post="secretary", started_on=date(2025, 1, 1)
    )
    tc = services.create_class(
        actor=cast.secretary_a,
        organization=cast.org_a,
        data={
            "title": "书记示范培训",
            "audience": "secretaries",
            "starts_on": date(2026, 4, 1),
            "ends_on": date(2026, 4, 3),
        },
    )
    assert services.enrol(actor=cast.secretary_a, training_class=tc) == 1
    assert tc.enrolments.get().member == cast.member_a_record


def test_check_in_credits_the_sessions_hours_once(cast, training):
    _tc, session, _ = training
    services.open_checkin(actor=cast.secretary_a, session=session, now=START - timedelta(minutes=5))
    # when
    row = services.check_in(user=cast.member_a, code=session.checkin_code, now=START)
    # then
    assert SessionAttendance.objects.get(member=cast.member_a_record).hours == Decimal("3.0")
    assert row.source == "checkin" and row.year == 2026
    assert queries.hours_of([cast.member_a_record.pk], 2026) == {cast.member_a_record.pk: Decimal("3.0")}
    with pytest.raises(DomainError, match="您已签到，不能重复签到"):
        services.check_in(user=cast.member_a, code=session.checkin_code, now=START + timedelta(minutes=1))
    assert SessionAttendance.objects.count() == 1


@pytest.mark.parametrize(
    ("_case", "minutes", "message"),
    [
        ("an hour early", -60, "不在课程签到时间内"),
        ("after the end", 181, "不在课程签到时间内"),
        ("the code expired", 30, "签到码已过期，请向培训组织者索取新的签到码"),
    ],
)
def test_check_in_outside_the_window_or_after_the_code_is_refused(cast, training, _case, minutes, message):
    _tc, session, _ = training
    services.open_checkin(actor=cast.secretary_a, session=session, now=START - timedelta(minutes=5))
    with pytest.raises(DomainError, match=message):
        services.check_in(
            user=cast.member_a, code=session.checkin_code, now=START + timedelta(minutes=minutes)
        )
    assert not SessionAttendance.objects.exists()


def test_someone_not_enrolled_cannot_check_in(cast, training):
    from tests.factories import UserFactory

    _tc, session, _ = training
    services.open_checkin(actor=cast.secretary_a, session=session, now=START)
    b_user = UserFactory(username="mem_b", member=cast.member_b_record)
    with pytest.raises(DomainError, match="您不是本培训班的学员，不能签到"):
        services.check_in(user=b_user, code=session.checkin_code, now=START)


def test_a_session_cannot_credit_more_hours_than_it_lasts(cast, training):
    tc, _session, _ = training
    with pytest.raises(DomainError, match=r"学时不能超过课程时长（1\.0 小时）"):
        services.add_session(
            actor=cast.secretary_a,
            training_class=tc,
            title="短课",
            starts_at=START,
            ends_at=START + timedelta(hours=1),
            hours="2",
        )
    assert tc.sessions.count() == 1


def test_recorded_hours_outside_the_session_are_refused(cast, training):
    _tc, session, _ = training
    with pytest.raises(DomainError, match=r"学时应在 0\.1 至 3\.0 之间（本课程学时）"):
        services.record_attendance(
            actor=cast.secretary_a, session=session, member=cast.member_a_record, hours="4", note="补录"
        )
    with pytest.raises(DomainError, match="请填写补录理由"):
        services.record_attendance(
            actor=cast.secretary_a, session=session, member=cast.member_a_record, hours="2", note=" "
        )
    assert not SessionAttendance.objects.exists()
    row = services.record_attendance(
        actor=cast.secretary_a, session=session, member=cast.member_a_record, hours="1.5", note="迟到补录"
    )
    assert row.hours == Decimal("1.5") and row.source == "entered"


def test_an_outsider_cannot_run_the_class(cast, training):
    from django.core.exceptions import PermissionDenied

    _tc, session, _ = training
    with pytest.raises(PermissionDenied):
        services.open_checkin(actor=cast.outsider_b, session=session, now=START)
    assert session.checkin_code is None


def test_requirement_is_56_for_officers_and_completion_counts_who_reached_it(cast, training):
    _tc, session, others = training
    Officer.objects.create(
        organization=cast.branch_a, member=others[0], post="secretary", started_on=date(2025, 1, 1)
    )
    policy = EducationPolicy.current()
    policy.member_hours = Decimal(3)  # configurable: a small requirement makes the sums readable
    policy.officer_hours = Decimal(6)
    policy.save()
    for m in (cast.member_a_record, others[0]):
        services.record_attendance(actor=cast.secretary_a, session=session, member=m, hours="3", note="补录")
    rows = {
        r.name: r
        for r in queries.member_hours(queries.members_in(cast.branch_a.path), 2026, date(2026, 6, 1))
    }
    assert (rows["张甲"].hours, rows["张甲"].required, rows["张甲"].behind) == (Decimal(3), Decimal(3), False)
    assert (rows["学员0"].required, rows["学员0"].missing) == (Decimal(6), Decimal(3))
    done = queries.completion_by_organization(
        [cast.branch_a.pk, cast.org_a.pk, cast.branch_b.pk], 2026, date(2026, 6, 1)
    )
    assert (done[cast.branch_a.pk].members, done[cast.branch_a.pk].completed) == (5, 1)
    assert done[cast.branch_a.pk].percent == Decimal("20.00")
    # the 总支 above counts its whole subtree; a branch elsewhere none of them
    assert (done[cast.org_a.pk].members, done[cast.org_a.pk].completed, done[cast.org_a.pk].hours) == (
        5,
        1,
        Decimal(6),
    )
    assert (done[cast.branch_b.pk].members, done[cast.branch_b.pk].hours) == (1, Decimal(0))
    assert queries.behind_count(cast.secretary_a, 2026, date(2026, 6, 1)) == 4


def test_the_policy_is_the_committees_and_refuses_officers_below_members(cast):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(DomainError, match="书记、委员学时要求不能低于党员学时要求"):
        services.update_policy(actor=cast.committee_admin, member_hours="40", officer_hours="30")
    with pytest.raises(PermissionDenied):
        services.update_policy(actor=cast.secretary_a, member_hours="40", officer_hours="60")
    services.update_policy(actor=cast.committee_admin, member_hours="40", officer_hours="60")
    assert (EducationPolicy.current().member_hours, EducationPolicy.current().officer_hours) == (40, 60)


def test_training_feeds_the_ratings_indicator(cast, training):
    from ronghe.ratings.derived import branch_values

    _tc, session, _ = training
    services.record_attendance(
        actor=cast.secretary_a, session=session, member=cast.member_a_record, hours="3", note="补录"
    )
    EducationPolicy.current()
    EducationPolicy.objects.update(member_hours=3, officer_hours=6)
    value = branch_values(2026, [cast.branch_a.pk], today=date(2026, 12, 31))[cast.branch_a.pk][
        "education.hours_completion"
    ]
    assert value.value == Decimal("20.00")
    assert value.detail == "在册党员 5 人，1 人达到年度学时要求（共 3.0 学时）"
