"""Demo step: one finished 群众满意度 survey and one open survey of members' thinking.

The first unit's Party organization asked its members; respondents answer through the same service
as the phone page (so nothing ties an answer to a person). Members without an account get a demo
member account (no usable password) to answer with, as they would on their phones.
"""

from __future__ import annotations

import random

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment, User
from ronghe.demo.generator import County, step
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization, subtree_filter
from ronghe.outreach import services

SATISFACTION = (
    "满意度|您对本支部“三会一课”开展情况是否满意\n"
    "满意度|您对党员联系服务群众工作是否满意\n"
    "单选|您最希望支部改进的方面|学习形式/服务群众/关心党员/作风建设\n"
    "文字|您对支部工作的意见建议"
)
THINKING = (
    "单选|您平时主要通过什么方式学习|学习强国/集中学习/个人自学/线上课程\n"
    "多选|您最关注的学习内容|党的理论/党史/政策法规/业务知识\n"
    "满意度|您对本年度党员教育培训是否满意\n"
    "文字|您在思想、工作、生活上有什么困难和建议"
)
SUGGESTIONS = ("希望多组织现场教学", "学习内容可以更贴近业务", "建议增加线上课程", "")


def _account(member: Member, branch: Organization) -> User:
    user = User.objects.filter(member=member).first()
    if user is None:
        user = User(
            username=f"survey-{member.code.hex[:10]}", display_name=member.name, member=member, is_demo=True
        )
        user.set_unusable_password()
        user.save()
        RoleAssignment.objects.create(user=user, role=Role.MEMBER, organization=branch)
    return user


@step
def demo_outreach(county: County, rng: random.Random) -> None:
    admin = User.objects.filter(username="gwadmin").first()
    member_login = User.objects.filter(username="member").select_related("member__organization").first()
    if admin is None or member_login is None or member_login.member is None:
        return
    branch = member_login.member.organization
    top = branch.parent if branch.parent_id and branch.parent_id != county.committee.pk else branch
    assert top is not None
    year = county.today.year
    done = services.create_survey(
        actor=admin,
        organization=top,
        data={
            "title": f"{year}年度党员和群众满意度调查",
            "year": year,
            "anonymous": True,
            "satisfaction": True,
            "questions": SATISFACTION,
            "description": "匿名填写，结果只在答卷人数不少于 5 人时显示。",
        },
    )
    services.publish(actor=admin, survey=done)
    people = list(
        Member.objects.filter(subtree_filter(top.path, "organization__path"), status__in=ACTIVE_STATUSES)
        .exclude(pk=member_login.member.pk)
        .select_related("organization")
        .order_by("id")[:40]
    )
    for member in people:
        user = _account(member, member.organization)
        scale = rng.choices([4, 3, 2, 1], weights=[55, 30, 10, 5])[0]
        services.answer(
            user=user,
            survey=done,
            answers={
                1: str(scale),
                2: str(max(scale - rng.randint(0, 1), 0)),
                3: str(rng.randrange(4)),
                4: rng.choice(SUGGESTIONS),
            },
        )
    services.close(actor=admin, survey=done)
    thinking = services.create_survey(
        actor=admin,
        organization=top,
        data={"title": f"{year}年党员思想状况调查", "year": year, "anonymous": True, "questions": THINKING},
    )
    services.publish(actor=admin, survey=thinking)  # open: the demo member can answer it on the phone
    _volunteering(county, rng, admin, branch)
    _teams(county, admin, branch)
    _pairings(county, rng, admin, branch)


def _teams(county: County, admin: User, branch: Organization) -> None:
    """党员志愿服务先锋队: one in the demo member's branch (the member in it) and one a unit level up."""
    from ronghe.outreach import volunteering

    top = branch.parent if branch.parent_id and branch.parent_id != county.committee.pk else branch
    assert top is not None
    for org, name, focus in (
        (branch, f"{branch.name}党员志愿服务先锋队", "社区环境整治、文明交通劝导"),
        (top, f"{top.name}党员志愿服务先锋队", "结对帮扶、应急值守"),
    ):
        if volunteering.teams_for_user(admin).filter(organization=org).exists():
            continue
        team = volunteering.create_team(actor=admin, organization=org, name=name, focus=focus)
        members = list(
            Member.objects.filter(subtree_filter(org.path, "organization__path"), status__in=ACTIVE_STATUSES)
            .select_related("organization")
            .order_by("id")[:12]
        )
        if members:
            volunteering.add_team_members(actor=admin, team=team, members=members, captain=members[0])


PARTNERS = (
    ("community", "城关镇幸福社区"),
    ("grassroots", "石桥村党支部"),
    ("service_target", "县特殊教育学校"),
    ("key_project", "城区老旧小区改造项目"),
)
ISSUES = ("小区路灯损坏，夜间出行不便", "村里缺少党员活动场地", "希望提供就业技能培训", "")


def _pairings(county: County, rng: random.Random, admin: User, branch: Organization) -> None:
    """三结对五联系 for the demo branch and a few others, a leader's contact point, a year of visits:
    most issues closed, one left overdue for the to-do."""
    from datetime import date, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile

    from ronghe.outreach import pairing
    from ronghe.outreach.models import ContactVisit

    year = county.today.year
    branches = [branch, *[b for b in county.branches[:5] if b.pk != branch.pk]]
    for n, org in enumerate(branches):
        for kind, partner in (PARTNERS[n % 4], PARTNERS[(n + 1) % 4]):
            p = pairing.add_pairing(
                actor=admin,
                organization=org,
                data={"kind": kind, "partner": partner, "started_on": date(year, 1, 10)},
            )
            for month in range(2, county.today.month + 1, 3):
                on = date(year, month, rng.randint(3, 25))
                if on > county.today:
                    continue
                issue = rng.choice(ISSUES)
                visit = pairing.record_visit(
                    actor=admin,
                    pairing=p,
                    data={
                        "visited_on": on,
                        "summary": "走访座谈，了解需求",
                        "issue": issue,
                        "follow_up_due": on + timedelta(days=30),
                    },
                )
                if issue and on + timedelta(days=30) < county.today and rng.random() < 0.85:
                    pairing.close_issue(
                        actor=admin,
                        visit=visit,
                        outcome="已协调有关部门解决",
                        evidence_file=SimpleUploadedFile("办结情况说明.pdf", b"%PDF-1.4 demo"),
                        on=on + timedelta(days=rng.randint(5, 28)),
                    )
    top = branch.parent if branch.parent_id and branch.parent_id != county.committee.pk else branch
    assert top is not None
    point = pairing.add_pairing(
        actor=admin,
        organization=top,
        data={
            "kind": "contact_point",
            "partner": "城关镇幸福社区",
            "leader": "单位主要负责人",
            "duties": "每季度至少走访一次，帮助解决实际困难",
            "started_on": date(year, 1, 5),
        },
    )
    on = max(county.today - timedelta(days=45), date(year, 1, 6))
    pairing.record_visit(
        actor=admin,
        pairing=point,
        data={
            "visited_on": on,
            "summary": "到联系点调研",
            "issue": "社区养老服务站缺少志愿者",
            "follow_up_due": on + timedelta(days=20),
        },
    )  # left open past its deadline: it shows on the to-do
    assert ContactVisit.objects.exists()


ACTIVITIES = (
    ("社区环境整治志愿服务", "城关镇幸福社区"),
    ("“学雷锋”便民服务", "县政务服务中心广场"),
    ("文明交通劝导", "人民路与解放路口"),
    ("关爱空巢老人走访", "城关镇敬老院"),
    ("防汛值守与巡查", "县城河堤"),
    ("义务植树", "城北林场"),
)


def _volunteering(county: County, rng: random.Random, admin: User, branch: Organization) -> None:
    """A year of 志愿服务 in the demo member's branch and a few others: an activity most months with
    check-ins (written as the phone check-in writes them), hours and points; one ahead to sign up for."""
    from datetime import datetime, time, timedelta
    from decimal import Decimal
    from zoneinfo import ZoneInfo

    from ronghe.outreach import volunteering
    from ronghe.outreach.models import VolunteerRecord

    tz = ZoneInfo("Asia/Shanghai")
    year = county.today.year
    branches = [branch, *[b for b in county.branches[:6] if b.pk != branch.pk]]
    for n, org in enumerate(branches):
        members = list(
            Member.objects.filter(organization=org, status__in=ACTIVE_STATUSES).values_list("pk", flat=True)
        )
        for month in range(3 + n % 2, 13, 2):
            day = datetime.combine(
                county.today.replace(year=year, month=month, day=1) + timedelta(days=rng.randint(5, 24)),
                time(8, 30),
                tzinfo=tz,
            )
            title, place = ACTIVITIES[(month + n) % len(ACTIVITIES)]
            activity = volunteering.create_activity(
                actor=admin,
                organization=org,
                data={
                    "title": title,
                    "place": place,
                    "starts_at": day,
                    "ends_at": day + timedelta(hours=3),
                    "hours": Decimal(3),
                },
            )
            if day.date() >= county.today:
                continue
            VolunteerRecord.objects.bulk_create(
                VolunteerRecord(
                    activity=activity,
                    member_id=m,
                    signed_up_at=day - timedelta(days=3),
                    checked_in_at=day + timedelta(minutes=rng.randint(0, 20)),
                    hours=Decimal(3),
                    year=year,
                )
                for m in members
                if rng.random() < 0.45
            )
            volunteering.sync_points(activity, admin)
