"""Demo step: a year of organizational life for every branch and group, bulk-inserted."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ronghe.core.bulk import bulk_load
from ronghe.demo.generator import County, step
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orglife import rules, tallies
from ronghe.orglife.choices import MeetingKind
from ronghe.orglife.compliance import requirements_for_year, study_days_by_month
from ronghe.orglife.models import Attendance, Meeting, MeetingRequirement
from ronghe.orgs.models import Organization

TITLES: dict[str, list[str]] = {
    MeetingKind.GENERAL_MEETING: ["{q}支部党员大会", "{q}党员大会：传达学习上级精神"],
    MeetingKind.COMMITTEE_MEETING: ["{m}支委会", "{m}支部委员会会议"],
    MeetingKind.GROUP_MEETING: ["{m}党小组会"],
    MeetingKind.THEME_DAY: ["{m}主题党日：集中学习", "{m}主题党日：志愿服务", "{m}主题党日：重温入党誓词"],
    MeetingKind.PARTY_LECTURE: ["{q}专题党课", "{q}书记讲党课"],
    MeetingKind.LIFE_MEETING: ["年度组织生活会"],
    MeetingKind.DEMOCRATIC_APPRAISAL: ["年度民主评议党员"],
    MeetingKind.HEART_TALK: ["年度谈心谈话"],
    MeetingKind.STUDY_DAY: ["{m}双周学习日：集体学习", "{m}双周学习日：专题研讨"],
}
ALL_MEMBER_KINDS = {
    MeetingKind.GENERAL_MEETING,
    MeetingKind.PARTY_LECTURE,
    MeetingKind.LIFE_MEETING,
    MeetingKind.DEMOCRATIC_APPRAISAL,
    MeetingKind.HEART_TALK,
    MeetingKind.THEME_DAY,
    MeetingKind.STUDY_DAY,
}
RECENT_ONLY = {MeetingKind.THEME_DAY, MeetingKind.STUDY_DAY}  # attendance for the last quarter only
REASONS = ["出差", "病假", "参加培训", "公务外出", "事假"]


def _when(rng: random.Random, slot: rules.PeriodSlot, today: date) -> datetime | None:
    last = min(slot.end, today - timedelta(days=1))
    if last < slot.start:
        return None
    day = slot.start + timedelta(days=rng.randint(0, (last - slot.start).days))
    return datetime.combine(day, time(rng.choice((9, 10, 15)), 0), tzinfo=timezone.get_current_timezone())


ORG_CHUNK = 1000  # organizations per batch: bounded memory at a million members


@step
def year_of_meetings(county: County, rng: random.Random) -> None:
    """Meetings per requirement slot for every branch and group; attendance for all-member meetings.

    85 % of organizations hold every finished slot (the rest 70 % of them). Attendance rows are
    written for every all-member meeting and committee meeting, except 主题党日 older than three
    months and 党小组会 (sampled out to keep a million-member county loadable; compliance of those
    kinds counts meetings, not attendance). Meetings go in with bulk_create per batch of
    organizations, attendance through `bulk_load` (COPY on PostgreSQL).
    """
    today = county.today
    year = today.year
    reqs = requirements_for_year(year)
    orgs = list(
        Organization.objects.filter(kind__in={k for r in reqs for k in r.org_kinds}, is_active=True).order_by(
            "pk"
        )
    )
    members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    for mid, org_id, status, post in (
        Member.objects.filter(status__in=ACTIVE_STATUSES)
        .order_by("pk")
        .values_list("id", "organization_id", "status", "party_post")
        .iterator(chunk_size=20000)
    ):
        members[org_id].append((mid, status, post))
    slots = {r.kind: rules.period_slots(r.period, year) for r in reqs}
    study = [d for days in study_days_by_month(year).values() for d in days if d < today]
    for i in range(0, len(orgs), ORG_CHUNK):
        meetings = _meetings(orgs[i : i + ORG_CHUNK], reqs, slots, study, rng, today)
        Meeting.objects.bulk_create(meetings, batch_size=2000)  # no signals: counted below
        bulk_load(
            Attendance,
            ("meeting", "member", "status", "reason", "is_voter", "source", "grade"),
            _attendance(meetings, members, rng, today),
        )
    tallies.rebuild()


def _meetings(
    orgs: list[Organization],
    reqs: list[MeetingRequirement],
    slots: dict[str, list[rules.PeriodSlot]],
    study: list[date],
    rng: random.Random,
    today: date,
) -> list[Meeting]:
    out: list[Meeting] = []
    tz = timezone.get_current_timezone()
    for org in orgs:
        compliant = rng.random() < 0.85
        for r in reqs:
            if org.kind not in r.org_kinds or r.kind == MeetingKind.LEADERSHIP_LIFE_MEETING:
                continue
            if r.kind == MeetingKind.STUDY_DAY:
                for day in study:
                    if compliant or rng.random() < 0.7:
                        when = datetime.combine(day, time(15, 0), tzinfo=tz)
                        out.append(
                            Meeting(
                                organization=org,
                                kind=r.kind,
                                title=rng.choice(TITLES[r.kind]).format(m=f"{day.month}月"),
                                held_at=when,
                                ends_at=when + timedelta(hours=2),
                                place="党员活动室",
                                agenda="1. 集体学习\n2. 交流研讨",
                            )
                        )
                continue
            for slot in slots[r.kind]:
                finished = slot.end < today
                if finished:
                    hold = compliant or rng.random() < 0.7
                else:
                    hold = rng.random() < (0.55 if compliant else 0.3)
                held_at = _when(rng, slot, today) if hold else None
                if held_at is None:
                    continue
                q, m = f"第{'一二三四'[(held_at.month - 1) // 3]}季度", f"{held_at.month}月"
                title = rng.choice(TITLES[r.kind]).format(q=q, m=m)
                late = rng.random() < 0.04
                out.append(
                    Meeting(
                        organization=org,
                        kind=r.kind,
                        title=title,
                        held_at=held_at,
                        ends_at=held_at + timedelta(hours=rng.choice((1, 2))),
                        place=rng.choice(("党员活动室", "三楼会议室", "党建阵地", "一楼会议室")),
                        agenda=f"1. 学习上级文件精神\n2. {title}有关事项",
                        entered_late=late,
                    )
                )
    return out


def _attendance(
    meetings: list[Meeting], members: dict[int, list[tuple[int, str, str]]], rng: random.Random, today: date
) -> Iterator[tuple[int, int, str, str, bool, str, str]]:
    recent = today - timedelta(days=92)
    for mt in meetings:
        if mt.kind in RECENT_ONLY and mt.held_at.date() < recent:
            continue
        people = members.get(mt.organization_id, [])
        if mt.kind == MeetingKind.COMMITTEE_MEETING:
            people = [p for p in people if p[2]]
        elif mt.kind not in ALL_MEMBER_KINDS:
            continue
        for mid, status, _ in people:
            x = rng.random()
            if mt.kind == MeetingKind.HEART_TALK or x < 0.88:
                state, reason = "present", ""
            elif x < 0.96:
                state, reason = "excused", rng.choice(REASONS)
            else:
                state, reason = "absent", ""
            yield (mt.pk, mid, state, reason, status == "full", "recorded", "")
