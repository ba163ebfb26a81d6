"""Demo step: a year of training and 学习强国 in the demo county.

Each of the first branches ran this year's 党员集中轮训 (a class for all members, a session most
months up to today, members checked in with their phones); the 工委 ran a 书记 class. The classes,
enrolments and sessions go through the services; the check-ins of past sessions are written in bulk
(the same rows a phone check-in writes) and the training points synced once per session. 学习强国:
every member's figures for the last three complete months, so the ranking among units has data, and
they feed the 工委 scheme's 学习强国 indicator. The demo member's external training (one approved, one
waiting) and the first branches' monthly 政治生日 ceremonies.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from ronghe.accounts.models import User
from ronghe.demo.generator import County, step
from ronghe.education import services
from ronghe.education.choices import AttendanceSource, Audience
from ronghe.education.models import SessionAttendance, StudyScore, TrainingClass
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member

TZ = ZoneInfo("Asia/Shanghai")
BRANCHES = 12  # bounded: the demo stays quick at any county size
TOPICS = (
    "学习党章党规",
    "习近平新时代中国特色社会主义思想专题",
    "党史学习教育",
    "党纪学习教育",
    "廉洁文化教育",
    "业务能力与作风建设",
    "意识形态工作",
    "保密教育",
    "法治教育",
    "二十届全会精神",
)


def _session_start(day: date) -> datetime:
    return datetime.combine(day, time(14, 30), tzinfo=TZ)


def _held(
    county: County,
    rng: random.Random,
    tc: TrainingClass,
    actor: User,
    days: list[date],
    hours: Decimal,
    share: float,
) -> None:
    members = list(tc.enrolments.values_list("member_id", flat=True))
    for i, day in enumerate(days):
        start = _session_start(day)
        session = services.add_session(
            actor=actor,
            training_class=tc,
            title=TOPICS[i % len(TOPICS)],
            starts_at=start,
            ends_at=start + timedelta(hours=float(hours) + 0.5),
            hours=hours,
        )
        if day >= county.today:
            continue  # ahead: the secretary will open the check-in on the day
        SessionAttendance.objects.bulk_create(
            SessionAttendance(
                session=session,
                member_id=m,
                hours=hours,
                source=AttendanceSource.CHECKIN,
                checked_in_at=start - timedelta(minutes=rng.randint(0, 15)),
                year=day.year,
            )
            for m in members
            if rng.random() < share
        )
        services.sync_session_points(session, actor)


@step
def demo_education(county: County, rng: random.Random) -> None:
    admin = User.objects.filter(username="gwadmin").first()
    if admin is None or not county.branches:
        return
    year = county.today.year
    for branch in county.branches[:BRANCHES]:
        tc = services.create_class(
            actor=admin,
            organization=branch,
            data={
                "title": f"{year}年党员集中轮训",
                "audience": Audience.ALL,
                "starts_on": date(year, 1, 15),
                "ends_on": date(year, 12, 20),
                "description": "每月一次集中学习，扫码签到计学时。",
            },
        )
        services.enrol(actor=admin, training_class=tc)
        days = [date(year, month, 15) for month in range(1, 13) if month not in (2, 8)]
        _held(county, rng, tc, admin, days, Decimal("3.5"), rng.uniform(0.7, 0.95))
    probe = TrainingClass(
        organization=county.committee, audience=Audience.SECRETARIES, starts_on=date(year, 4, 8)
    )
    if services.audience_members(probe):  # unsaved: only to find who the class would enrol
        tc = services.create_class(
            actor=admin,
            organization=county.committee,
            data={
                "title": f"{year}年党支部书记示范培训班",
                "audience": Audience.SECRETARIES,
                "starts_on": date(year, 4, 8),
                "ends_on": date(year, 4, 10),
                "description": "县直机关工委举办，书记全员轮训。",
            },
        )
        services.enrol(actor=admin, training_class=tc)
        _held(
            county, rng, tc, admin, [date(year, 4, 8), date(year, 4, 9), date(year, 4, 10)], Decimal(8), 0.9
        )
    months = _study_scores(county, rng)
    _study_points(county, months)
    _external_training(county)
    _birthdays(county, admin)
    _materials(county, rng, admin)


def _study_scores(county: County, rng: random.Random) -> list[str]:
    """学习强国: the last three complete months, each unit with its own habit of study."""
    first = county.today.replace(day=1)
    months = []
    for _ in range(3):
        first = (first - timedelta(days=1)).replace(day=1)
        months.append(f"{first:%Y-%m}")
    members = list(
        Member.objects.filter(status__in=ACTIVE_STATUSES).values_list("pk", "organization__unit_id")
    )
    habit: dict[int | None, float] = {}
    rows = []
    for member_id, unit_id in members:
        keen = habit.setdefault(unit_id, rng.uniform(0.55, 0.98))
        for month in months:
            active = rng.random() < keen
            days = rng.randint(8, 31) if active else 0
            rows.append(
                StudyScore(
                    member_id=member_id,
                    month=month,
                    year=int(month[:4]),
                    points=days * rng.randint(25, 48) if active else 0,
                    active_days=days,
                )
            )
    StudyScore.objects.bulk_create(rows, batch_size=2000)
    return months


def _study_points(county: County, months: list[str]) -> None:
    """The 工委's points scheme of the year gets a 学习强国 indicator (1 point a month with learning
    points, at most 12), and the imported months feed it."""
    from ronghe.core.scoring.models import Indicator
    from ronghe.points.services import scheme_for

    scheme = scheme_for(county.committee, county.today.year)
    template = Indicator.objects.filter(scheme=scheme, code="training").first() if scheme else None
    if template is None:
        return
    template.pk = None
    template.code, template.name, template.sources = "xuexi", "学习强国月度学习", ["study"]
    template.points, template.cap_year, template.order = Decimal(1), Decimal(12), template.order + 1
    template.save()
    # An active scheme's rules are shared by its last save (points.services.resolve.shared_rules): the demo
    # adds an indicator in place, so the scheme is saved too and nothing reads the rules without it.
    template.scheme.save(update_fields=["updated_at"])
    for month in months:
        services.sync_study_points(month=month, actor=None)


def _external_training(county: County) -> None:
    """The demo member recorded two trainings outside the platform: one approved by the branch's
    secretary, one waiting."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    member_user = (
        User.objects.filter(username="member", member__isnull=False).select_related("member").first()
    )
    secretary = User.objects.filter(username="secretary").first()
    if member_user is None or secretary is None or member_user.member is None:
        return
    day = county.today - timedelta(days=40)
    for title, organiser, start, days, hours in (
        ("县委党校党员轮训班", "中共县委党校", day, 2, "12"),
        ("网络学院“党纪学习教育”专题", "干部网络学院", county.today - timedelta(days=6), 1, "4"),
    ):
        record = services.submit_external_training(
            actor=member_user,
            member=member_user.member,
            data={
                "title": title,
                "organiser": organiser,
                "starts_on": start,
                "ends_on": start + timedelta(days=days - 1),
                "hours": hours,
            },
            upload=SimpleUploadedFile("结业证书.pdf", b"%PDF-1.4 demo certificate", "application/pdf"),
        )
        if start == day:
            services.decide_external_training(actor=secretary, record=record, action="approve")


def _birthdays(county: County, admin: User) -> None:
    """政治生日: the first branches held the month's ceremony in every month so far this year."""
    today = county.today
    for branch in county.branches[:4]:
        for month in range(1, today.month + 1):
            held_on = date(today.year, month, 1)
            if held_on > today or not services.birthday_members(branch, month):
                continue
            services.hold_birthday_ceremony(
                actor=admin,
                organization=branch,
                held_on=held_on,
                oath_retaken=month % 3 != 0,
                note="重温入党誓词，赠送政治生日贺卡",
            )


MATERIALS = (
    ("study_day", "双周学习日：学习《中国共产党纪律处分条例》", "https://www.12371.cn/"),
    ("study_day", "双周学习日：学习党的二十届四中全会精神", "https://www.12371.cn/"),
    ("lecture", "书记讲党课：以学正风 以学促干", "https://www.12371.cn/"),
    ("document", "党员教育管理工作条例", "https://www.12371.cn/"),
)


def _materials(county: County, rng: random.Random, admin: User) -> None:
    """学习资料: the committee's 双周学习日 topics and a branch's recorded 党课, each opened by about
    two members in three (the first open kept, as the phone records it)."""
    from ronghe.education import materials
    from ronghe.education.models import MaterialOpen

    year = county.today.year
    branch = county.branches[0]
    for n, (kind, title, url) in enumerate(MATERIALS):
        org = branch if kind == "lecture" else county.committee
        published = county.today - timedelta(days=10 + 25 * n)
        material = materials.publish_material(
            actor=admin,
            organization=org,
            data={"title": title, "kind": kind, "url": url, "summary": "请各党支部组织党员学习。"},
            today=published if published.year == year else county.today,
        )
        readers = Member.objects.filter(
            organization__path__startswith=org.path, status__in=ACTIVE_STATUSES
        ).values_list("pk", flat=True)[:400]
        start = datetime.combine(material.published_on, time(20, 0), tzinfo=TZ)
        MaterialOpen.objects.bulk_create(
            MaterialOpen(
                material=material, member_id=m, opened_at=start + timedelta(hours=rng.randint(0, 96))
            )
            for m in readers
            if rng.random() < 0.65
        )
