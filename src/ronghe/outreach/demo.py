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
