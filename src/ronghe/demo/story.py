"""Demo step: the few hand-placed rows that let every demo login see the product's story.

The bulk steps (orgs, orglife, points) give a year of history; they leave a few pages empty:
双重组织生活 (no 党组 posts), 申报审核 and 我的申报 (only approved claims), 近期会议 (no meeting
ahead), the transfer list and the status history. This step fills them for the demo logins
through the owning apps' services (so audit, ledger and history stay consistent). It runs after
the other steps (`generator.demo_steps` puts it last) and touches a bounded number of rows
whatever the size of the county.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ronghe.accounts.choices import Role
from ronghe.accounts.models import RoleAssignment, User
from ronghe.core.scoring.models import Indicator
from ronghe.core.workflow.models import History
from ronghe.demo.generator import County, step
from ronghe.members import services as member_services
from ronghe.members.choices import MemberStatus, StatusAction, TransferAction
from ronghe.members.models import Member
from ronghe.members.rules import add_years
from ronghe.orglife import rules as orglife_rules
from ronghe.orglife import services as orglife_services
from ronghe.orglife.choices import AttendanceStatus, MeetingKind
from ronghe.orgs import services as org_services
from ronghe.orgs.choices import OfficerPost, OrgKind
from ronghe.orgs.models import Organization
from ronghe.points import services as points_services
from ronghe.points.choices import ClaimAction
from ronghe.points.models import Claim
from ronghe.points.rules import CLAIM_PROCESS

LEADING_GROUPS_MAX = 12  # 党组 given posts (bounded: a few hundred rows at most)
LIFE_MEETINGS = 3  # 党组 with a 民主生活会 held this year; the first one below two thirds


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=timezone.get_current_timezone())


@step
def story(county: County, rng: random.Random) -> None:
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    admin, secretary = users.get("gwadmin"), users.get("secretary")
    if admin is None or secretary is None:
        return
    assignment = (
        RoleAssignment.objects.filter(user=secretary, role=Role.BRANCH_SECRETARY)
        .select_related("organization__unit")
        .first()
    )
    assert assignment is not None  # the generator gives the secretary login its branch
    branch = assignment.organization
    leaders = _leading_groups(county, rng, admin, branch)
    member_user = users.get("member")
    own = member_user.member if member_user and member_user.member_id else None
    reserved = {secretary.member_id, own.pk if own else None} | leaders
    plain = [
        m
        for m in Member.objects.filter(organization=branch, status=MemberStatus.FULL, party_post="").order_by(
            "id"
        )
        if m.pk not in reserved
    ]
    rng.shuffle(plain)
    _transfers(county, secretary, plain[:2])
    _status_change(county, admin, secretary, branch)
    _claims(county, rng, branch, secretary, member_user, own, plain[2:5])
    _upcoming_meetings(county, secretary, branch)


def _leading_groups(county: County, rng: random.Random, admin: User, branch: Organization) -> set[int]:
    """The secretary's unit gets a 党组 if it has none (the generator only gives one to large
    units). Each 党组 gets the unit's leading cadres as its members (the branch secretaries first);
    a few held this year's 民主生活会, the second of them with attendance below two thirds."""
    today, year = county.today, county.today.year
    groups = Organization.objects.filter(kind=OrgKind.LEADING_GROUP, unit__isnull=False, is_active=True)
    own = groups.filter(unit=branch.unit_id).first()
    if own is None and branch.unit is not None:
        own = org_services.create_organization(
            actor=admin,
            parent=county.committee,
            name=f"中共{branch.unit.name}党组",
            kind=OrgKind.LEADING_GROUP,
            unit=branch.unit,
            founded_on=date(1990, 1, 1),
        )
    if own is not None:
        groups = groups.exclude(pk=own.pk)
    others = list(groups.order_by("path")[: LEADING_GROUPS_MAX - 1])
    chosen: set[int] = set()
    held = 0
    for group in ([own] if own else []) + others:
        cadres = sorted(
            org_services.officer_candidates(group).exclude(party_post="").filter(status=MemberStatus.FULL),
            key=lambda m: (m.party_post != "书记", m.pk),
        )[: rng.randint(5, 7)]
        if len(cadres) < 3:
            continue
        started = date(year - rng.randint(1, 4), rng.randint(1, 12), 1)
        for i, m in enumerate(cadres):
            post = OfficerPost.SECRETARY if i == 0 else OfficerPost.DEPUTY if i == 1 else OfficerPost.MEMBER
            org_services.appoint_officer(actor=admin, org=group, member=m, post=post, started_on=started)
            chosen.add(m.pk)
        day = min(date(year, 11, rng.randint(3, 20)), today - timedelta(days=3))
        if held >= LIFE_MEETINGS or day.year != year:
            continue
        n = len(cadres)
        present = n - 1
        if held == 1:  # the second one falls short: the largest count below two thirds
            present = max(p for p in range(n) if not orglife_rules.meets_two_thirds(present=p, expected=n))
        attendance = {
            m.pk: orglife_services.AttendanceEntry(AttendanceStatus.PRESENT)
            if i < present
            else orglife_services.AttendanceEntry(AttendanceStatus.EXCUSED, rng.choice(("出差", "参加培训")))
            for i, m in enumerate(cadres)
        }
        orglife_services.record_meeting(
            actor=admin,
            organization=group,
            data={
                "kind": MeetingKind.LEADERSHIP_LIFE_MEETING,
                "title": f"{year}年度党组领导班子民主生活会",
                "held_at": _at(day, 9),
                "ends_at": _at(day, 12),
                "place": "机关三楼会议室",
                "agenda": "1. 通报上年度民主生活会整改落实情况\n2. 班子成员对照检查、开展批评和自我批评",
            },
            attendance=attendance,
            now=_at(day, 17),
        )
        held += 1
    return chosen


def _transfers(county: County, secretary: User, members: list[Member]) -> None:
    """One outgoing 介绍信 still waiting for its receipt past its validity, one confirmed."""
    today = county.today
    plan = [
        ("中共聊城市东昌府区委组织部", 45, None, "工作调动"),
        ("中共济南市历下区委组织部", 40, today - timedelta(days=22), "考录至外地机关"),
    ]
    for (counterpart, days_ago, confirmed_on, reason), member in zip(plan, members, strict=False):
        transfer = member_services.issue_outgoing_letter(
            actor=secretary,
            member=member,
            counterpart=counterpart,
            issued_on=today - timedelta(days=days_ago),
            validity_days=30,
            letter_number=f"介字〔{today.year}〕{days_ago}号",
            dues_paid_until=f"{today.year}-{max(1, today.month - 2):02d}",
            reason=reason,
        )
        if confirmed_on:
            member_services.transition_transfer(
                actor=secretary, transfer=transfer, action=TransferAction.CONFIRM, on_date=confirmed_on
            )


def _status_change(county: County, admin: User, secretary: User, branch: Organization) -> None:
    """转正 of a probationary member whose year of probation ends within the next 30 days (the
    branch meeting decides shortly before; it takes effect the day probation ends, 党章 第七条):
    in the secretary's branch if one falls due there, else in the unit, else in the county."""
    today = county.today
    due = [
        m
        for m in Member.objects.filter(
            status=MemberStatus.PROBATIONARY, joined_on__lte=add_years(today, -1) + timedelta(days=30)
        ).order_by("joined_on", "id")
        if today <= add_years(m.joined_on, 1) <= today + timedelta(days=30)
    ]
    member = next(
        (m for m in due if m.organization_id == branch.pk),
        next((m for m in due if branch.unit_id and m.organization.unit_id == branch.unit_id), None),
    ) or (due[0] if due else None)
    if member is None:
        return
    member_services.change_status(
        actor=secretary if member.organization_id == branch.pk else admin,
        member=member,
        action=StatusAction.MAKE_FULL,
        effective_on=add_years(member.joined_on, 1),
        reason="预备期满，经支部大会讨论通过，同意按期转为正式党员",
        approval_ref=f"支部大会决议（{today:%Y年%m月%d日}）",
    )


def _claims(
    county: County,
    rng: random.Random,
    branch: Organization,
    secretary: User,
    member_user: User | None,
    own: Member | None,
    others: list[Member],
) -> None:
    """Claims waiting for the secretary; the member login's own claims in every state."""
    year = county.today.year
    scheme = points_services.scheme_for(branch, year)
    if scheme is None:
        return
    indicators = list(Indicator.objects.filter(scheme=scheme, claimable=True).order_by("code"))
    if not indicators:
        return
    latest = min(county.today, timezone.localdate())

    def submit(actor: User, member: Member, text: str) -> Claim:
        ind = rng.choice(indicators)
        return points_services.submit_claim(
            actor=actor,
            member=member,
            indicator=ind,
            occurred_on=latest - timedelta(days=rng.randint(3, 40)),
            points=ind.points,
            description=f"{text}（{ind.name}）",
        )

    for m in others:
        claim = submit(
            secretary, m, rng.choice(("参加社区志愿服务", "参加县直机关专题培训", "撰写理论学习心得"))
        )
        # filed the day after the activity, so the older ones are past the review deadline (已超期)
        filed = timezone.make_aware(datetime.combine(claim.occurred_on + timedelta(days=1), time(10)))
        Claim.objects.filter(pk=claim.pk).update(created_at=filed, updated_at=filed)
        History.objects.filter(process=CLAIM_PROCESS.name, object_id=claim.pk).update(at=filed)
    if own is None or member_user is None:
        return
    approved = submit(member_user, own, "参加“党员进社区”志愿服务")
    points_services.transition_claim(
        claim=approved, action=ClaimAction.APPROVE, actor=secretary, comment="情况属实，同意"
    )
    rejected = submit(member_user, own, "参加单位读书分享会")
    points_services.transition_claim(
        claim=rejected,
        action=ClaimAction.REJECT,
        actor=secretary,
        comment="未附活动照片或签到记录，请补充后重新申报",
    )
    submit(member_user, own, "结对帮扶走访困难群众")


def _upcoming_meetings(county: County, secretary: User, branch: Organization) -> None:
    """Three meetings of the secretary's branch in the next two weeks (近期会议), recorded ahead as
    planned (已安排): everyone expected is listed unmarked, for check-in and the secretary to mark."""
    today = county.today
    plan = [
        (7, 9, MeetingKind.COMMITTEE_MEETING, "支委会：研究年度组织生活会筹备工作", "支部办公室"),
        (9, 15, MeetingKind.THEME_DAY, "主题党日：重温入党誓词", "党员活动室"),
        (13, 9, MeetingKind.PARTY_LECTURE, "书记讲党课：学习贯彻全会精神", "三楼会议室"),
    ]
    for days, hour, kind, title, place in plan:
        day = today + timedelta(days=days)
        orglife_services.record_meeting(
            actor=secretary,
            organization=branch,
            data={
                "kind": kind,
                "title": title,
                "held_at": _at(day, hour),
                "ends_at": _at(day, hour + 2),
                "place": place,
                "agenda": f"1. {title}\n2. 其他事项",
            },
            attendance={},
            now=_at(today, 8),  # planned as of the demo's day, whatever the clock says
        )
