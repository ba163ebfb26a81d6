import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from ronghe.accounts.models import User
from ronghe.core.idnumbers import parse_id_number
from ronghe.core.workflow.models import History
from ronghe.demo.generator import build_county
from ronghe.members.models import Member, Transfer
from ronghe.members.services import reveal_id_number
from ronghe.orgs.choices import BRANCH_KINDS, OrgKind
from ronghe.orgs.models import Organization

pytestmark = pytest.mark.django_db

DEMO_TODAY = date(2026, 11, 24)


def _fingerprint():
    return (
        list(Organization.objects.order_by("path").values_list("path", "name", "kind")),
        list(
            Member.objects.order_by("id").values_list(
                "name", "birth_date", "joined_on", "status", "organization__path"
            )
        ),
    )


def test_same_seed_same_county():
    build_county(400, seed=7, today=DEMO_TODAY)
    first = _fingerprint()
    from ronghe.orglife.models import Meeting

    Meeting.objects.all().delete()  # demo steps add meetings that protect members and organizations
    Transfer.objects.all().delete()  # and transfers and status changes (ronghe.demo.story)
    History.objects.all().delete()
    from ronghe.core.evidence.models import Evidence
    from ronghe.core.judging.models import Sheet
    from ronghe.core.rectification.models import Item

    Sheet.objects.all().delete()  # judges' sheets keep their judge's account (PROTECT)
    Evidence.objects.all().delete()  # evidence and 整改 items keep their organization (PROTECT)
    Item.objects.all().delete()
    from ronghe.core.jointreview.models import JointReview
    from ronghe.core.publicity.models import Publication
    from ronghe.core.scoring.models import Campaign
    from ronghe.integration.models import SyncReview, WorkPlan, WorkPoint

    SyncReview.objects.all().delete()  # plans, reviews and work points keep their units and organizations
    WorkPlan.objects.all().delete()
    WorkPoint.objects.all().delete()
    Publication.objects.all().delete()  # 公示, 联审 and campaigns (with their entries) keep theirs too
    JointReview.objects.all().delete()
    Campaign.objects.all().delete()
    from ronghe.notices.models import Notice

    Notice.objects.all().delete()  # 通知公告 keep their organization (PROTECT)
    from ronghe.assessment.models import DebriefRound, KpiDefinition, Vanguard
    from ronghe.core.voting.models import Ballot

    KpiDefinition.objects.all().delete()  # 融合考核 rows keep their unit's organization (PROTECT)
    DebriefRound.objects.all().delete()
    Vanguard.objects.all().delete()
    Ballot.objects.all().delete()
    from ronghe.core.models import ImportJob
    from ronghe.discipline.models import Case, Committee, Risk, Sanction
    from ronghe.recruitment.models import RecruitmentCase

    Sanction.objects.all().delete()  # 纪检 rows keep their member and organization (PROTECT)
    Case.objects.all().delete()
    Committee.objects.all().delete()
    Risk.objects.all().delete()

    from django.apps import apps
    from django.db.models import ProtectedError

    # 学习教育, 联系服务, 评选表彰 and 月度工作小结 rows keep their organizations and members (PROTECT): each app's
    # models emptied, later ones (which point at earlier ones) first, in as many passes as it takes.
    models = [
        m
        for label in ("selections", "outreach", "education", "reports")
        for m in apps.get_app_config(label).get_models()
    ]
    for _ in range(len(models)):
        blocked = False
        for model in reversed(models):
            try:
                model.objects.all().delete()
            except ProtectedError:
                blocked = True
        if not blocked:
            break
    RecruitmentCase.objects.all().delete()  # a case keeps the member its admission created (PROTECT)
    ImportJob.objects.all().delete()
    Member.objects.all().delete()
    User.objects.all().delete()
    Organization.objects.filter(depth__gt=0).order_by("-depth")
    for depth in sorted(set(Organization.objects.values_list("depth", flat=True)), reverse=True):
        Organization.objects.filter(depth=depth).delete()
    from ronghe.orgs.models import Unit

    Unit.objects.all().delete()
    build_county(400, seed=7, today=DEMO_TODAY)
    assert _fingerprint() == first


def test_county_is_realistic():
    county = build_county(600, seed=3, today=DEMO_TODAY, until="unit_profiles")  # the roster only
    members = Member.objects.filter(recruitment_case__isnull=True)  # not those the recruitment demo admitted
    assert members.count() == 600
    # valid IDs consistent with birth date and sex
    for m in members[:100]:
        info = parse_id_number(reveal_id_number(m))
        assert info.birth_date == m.birth_date
        assert info.sex == m.gender
        assert (m.joined_on.year - m.birth_date.year) >= 18
    probationary = members.filter(status="probationary").count()
    assert 0.05 * 600 <= probationary <= 0.16 * 600
    # branches respect the size rule: at most 50 members, a joint branch covers at most 5 units
    sizes = Organization.objects.filter(kind__in=BRANCH_KINDS).annotate(n=Count("members"))
    assert max(s.n for s in sizes) <= 50
    for joint in Organization.objects.filter(kind=OrgKind.JOINT_BRANCH):
        assert joint.joint_units.count() <= 5
    assert county.committee.kind == OrgKind.COMMITTEE
    assert any("交通运输局" in u.name for u in county.units)


def test_one_login_per_role():
    build_county(300, seed=1, today=DEMO_TODAY, until="demo_assessment")  # the last step adding logins
    roles = set(User.objects.filter(is_demo=True).values_list("role_assignments__role", flat=True))
    assert len(roles) == 11


def test_command_prints_logins_and_refuses_second_run():
    out = io.StringIO()
    call_command("demo", "--members", "200", "--today", "2026-11-24", stdout=out)
    assert "用户名 gwadmin" in out.getvalue()
    with pytest.raises(CommandError, match="已有党组织数据"):
        call_command("demo", "--members", "200", stdout=io.StringIO())
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "跳过生成" in out.getvalue()
    assert "用户名 secretary" in out.getvalue()


@pytest.mark.parametrize("members", [20, 120])
def test_smallest_counties_still_get_every_login(members):
    # given a county so small that its branches sit directly under the committee
    out = io.StringIO()
    # when it is built (120 members crashed with StopIteration looking for a unit's top organization)
    call_command("demo", "--members", str(members), "--today", "2026-11-24", stdout=out)
    # then every role has its login
    roles = set(User.objects.filter(is_demo=True).values_list("role_assignments__role", flat=True))
    assert len(roles) == 11
    assert "用户名 unitadmin" in out.getvalue()


def _meeting_days() -> list[date]:
    from django.utils import timezone

    from ronghe.orglife.models import Meeting

    return [timezone.localtime(t).date() for t in Meeting.objects.values_list("held_at", flat=True)]


def test_demo_follows_the_day_it_is_generated(time_machine):
    # given a demo generated in March 2031, with no date given (build_county's default was 2026-11-24)
    time_machine.move_to(datetime(2031, 3, 10, 9, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    call_command("demo", "--members", "200", stdout=io.StringIO())
    # then its year is 2031 up to that day: meetings held this year, none long before or after
    days = _meeting_days()
    assert days and min(days) >= date(2031, 1, 1)
    assert max(days) <= date(2031, 3, 10) + timedelta(days=14)  # the 近期会议 the story plans
    assert sum(d < date(2031, 3, 10) for d in days) > 20
    # the 工委 is within its five-year term, and no member joined after that day
    committee = Organization.objects.get(kind=OrgKind.COMMITTEE)
    assert date(2026, 3, 10) < committee.last_election_on < date(2031, 3, 10)
    assert max(Member.objects.values_list("joined_on", flat=True)) < date(2031, 3, 10)
    from ronghe.points.models import MemberYear

    assert MemberYear.objects.filter(year=2031).exists()


def test_demo_command_takes_today():
    # when the demo is generated with --today
    call_command("demo", "--members", "200", "--today", "2025-06-30", stdout=io.StringIO())
    # then its dates follow that day, not the clock
    days = _meeting_days()
    assert days and {d.year for d in days} == {2025}
    assert sum(d <= date(2025, 6, 30) for d in days) > 20
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("demo", "--today", "30.06.2025", stdout=io.StringIO())
