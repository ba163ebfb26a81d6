"""Demo step: people at every stage of 发展党员 in the demo county, some late, and an import waiting
for its commit with one row whose dates break a rule.

Everything goes through the services (history, audit, the Member record at admission, 转正 on the
members status flow), dated back from the county's `today` so the dates read like real cases.
"""

from __future__ import annotations

import io
import random
import uuid
from datetime import date, timedelta
from typing import Any

import xlsxwriter

from ronghe.accounts.models import RoleAssignment, User
from ronghe.core import workdays
from ronghe.core.idnumbers import make_id_number
from ronghe.core.imports import jobs
from ronghe.core.models import ImportJob, ImportStatus
from ronghe.demo import names
from ronghe.demo.generator import County, step
from ronghe.members.choices import MemberStatus
from ronghe.members.models import Member
from ronghe.members.rules import add_years
from ronghe.orgs.models import Organization
from ronghe.points.services import refresh_member_years
from ronghe.recruitment import rules, services
from ronghe.recruitment.choices import Action, FullOutcome, ReviewResult, Stage
from ronghe.recruitment.imports import preview
from ronghe.recruitment.imports.columns import TEMPLATE_HEADER
from ronghe.recruitment.models import RecruitmentCase

AREA = "371599"
BRANCHES = 6  # branches with a pipeline, the secretary's first
# (how far back the application was, in days; the stage to reach; whether the next step is left late)
PLAN: tuple[tuple[int, str, bool], ...] = (
    (12, Stage.APPLICANT, False),
    (50, Stage.APPLICANT, True),  # no talk within the month
    (200, Stage.ACTIVIST, False),
    (330, Stage.ACTIVIST, True),  # no 考察 for more than six months
    (560, Stage.CANDIDATE, False),
    (640, "admitted", True),  # 支部大会 passed, the 党委 has not approved in three months
    (760, Stage.PROBATIONARY, False),
    (1000, Stage.FULL, False),
)


class Clock:
    """Dates of one case, counted forward from its application, never past `today`."""

    def __init__(self, applied_on: date, today: date, table: workdays.Table) -> None:
        self.applied_on, self.today, self.table = applied_on, today, table

    def publicity(self, start: date) -> tuple[date, date]:
        return start, rules.publicity_end(start, services.policy(), self.table)


def _person(rng: random.Random, applied_on: date, seq: int) -> tuple[str, str]:
    sex = rng.choice(["男", "女"])
    born = date(applied_on.year - rng.randint(22, 35), rng.randint(1, 12), rng.randint(1, 28))
    given = rng.choice(["思远", "雨桐", "浩然", "欣怡", "子涵", "俊杰", "佳怡", "明轩", "诗琪", "志强"])
    # an area code of no demo member, so an applicant never collides with someone already in the roster
    return rng.choice(names.SURNAMES) + given, make_id_number(AREA, born, seq, sex)


def _drive(
    case: RecruitmentCase,
    target: str,
    late: bool,
    clock: Clock,
    actor: User,
    full_members: list[Member],
    branch_size: int,
) -> None:
    a = clock.applied_on
    today = clock.today

    def record(action: str, **kwargs: Any) -> None:
        nonlocal case
        case = services.record_step(actor=actor, case=case, action=action, today=today, **kwargs)

    if target == Stage.APPLICANT and late:
        return
    record(Action.TALK, values={"talked_on": a + timedelta(days=7), "talker": full_members[0].name})
    if target == Stage.APPLICANT:
        return
    activist_on = a + timedelta(days=75)
    record(
        Action.ACTIVIST,
        values={"activist_on": activist_on, "activist_filed_on": activist_on + timedelta(days=6)},
        contacts=full_members[:2],
        publicity=clock.publicity(activist_on + timedelta(days=1)),
    )
    if target == Stage.ACTIVIST:
        if not late:
            services.add_observation(
                actor=actor,
                case=case,
                kind="assessment",
                on=today - timedelta(days=30),
                content="学习认真，工作积极，能发挥骨干作用。",
                today=today,
            )
            services.add_observation(
                actor=actor,
                case=case,
                kind="report",
                on=today - timedelta(days=20),
                content="本季度学习党的创新理论的体会。",
                today=today,
            )
        return
    candidate_on = add_years(activist_on, 1) + timedelta(days=7)
    record(
        Action.CANDIDATE,
        values={"candidate_on": candidate_on, "candidate_filed_on": candidate_on + timedelta(days=5)},
        introducers=full_members[:2],
        publicity=clock.publicity(candidate_on + timedelta(days=1)),
    )
    if target == Stage.CANDIDATE:
        return
    c = candidate_on
    record(
        Action.REVIEW,
        values={
            "political_review_on": c + timedelta(days=20),
            "political_review_result": ReviewResult.PASSED,
            "training_start": c + timedelta(days=27),
            "training_end": c + timedelta(days=29),
            "training_hours": 24,
        },
    )
    record(
        Action.PRE_REVIEW,
        values={
            "committee_review_on": c + timedelta(days=35),
            "pre_review_on": c + timedelta(days=40),
            "form_issued_on": c + timedelta(days=42),
        },
    )
    admitted = c + timedelta(days=60)
    expected = max(branch_size, 3)
    record(
        Action.MEETING,
        values={
            "admitted_on": admitted,
            "voters_expected": expected,
            "voters_present": expected - 1,
            "votes_yes": expected - 1,
            "written_yes": 0,
        },
    )
    if target == "admitted":
        return
    approver = Organization.objects.filter(path=case.organization.path.split(".")[0] + ".").get()
    approved = admitted + timedelta(days=30)
    record(
        Action.APPROVE,
        values={
            "higher_talk_on": admitted + timedelta(days=14),
            "approved_on": approved,
            "approver": approver,
            "filed_on": approved + timedelta(days=3),
        },
        publicity=clock.publicity(admitted + timedelta(days=2)),
    )
    record(Action.OATH, values={"oath_on": approved + timedelta(days=20)})
    if target == Stage.PROBATIONARY:
        services.add_observation(
            actor=actor,
            case=case,
            kind="report",
            on=today - timedelta(days=40),
            content="预备期思想汇报。",
            today=today,
        )
        return
    end = rules.probation_end(admitted)
    meeting = end + timedelta(days=3)
    record(
        Action.FULL,
        values={
            "full_applied_on": end - timedelta(days=25),
            "full_meeting_on": meeting,
            "full_outcome": FullOutcome.FULL,
            "full_voters_expected": expected,
            "full_voters_present": expected - 1,
            "full_votes_yes": expected - 1,
            "full_approved_on": meeting + timedelta(days=20),
        },
        publicity=clock.publicity(meeting + timedelta(days=1)),
    )
    record(Action.ARCHIVE, values={"archived_on": meeting + timedelta(days=26)})


@step
def recruitment(county: County, rng: random.Random) -> None:
    actor = User.objects.filter(username="gwadmin").first()
    if actor is None:
        return
    today = county.today
    table = workdays.load_table()
    secretary_branch = (
        RoleAssignment.objects.filter(user__username="secretary")
        .values_list("organization_id", flat=True)
        .first()
    )
    branches = sorted(county.branches, key=lambda b: (b.pk != secretary_branch, b.pk))[:BRANCHES]
    seq = 0
    for branch in branches:
        full_members = list(
            Member.objects.filter(organization=branch, status=MemberStatus.FULL).order_by("id")[:2]
        )
        if len(full_members) < 2:
            continue
        size = Member.objects.filter(organization=branch, status=MemberStatus.FULL).count()
        for days_back, target, late in PLAN:
            seq += 1
            applied = today - timedelta(days=days_back + rng.randint(0, 10))
            name, number = _person(rng, applied, seq)
            case = services.create_case(
                actor=actor,
                organization=branch,
                name=name,
                id_number=number,
                applied_on=applied,
                education=rng.choice(["大学本科", "研究生", "大学专科"]),
                work_position=f"{branch.name}科员",
                today=today,
            )
            _drive(case, target, late, Clock(applied, today, table), actor, full_members, size)
    # the people admitted join the year's points like every member (points gives each active member a year)
    admitted = RecruitmentCase.objects.filter(member__isnull=False).values_list("member_id", flat=True)
    refresh_member_years(member_ids=[m for m in admitted if m is not None], year=today.year)
    if branches:
        _import_waiting(branches[0], actor, today, rng)


def _import_waiting(branch: Organization, actor: User, today: date, rng: random.Random) -> None:
    """A previewed import at the secretary's branch: two good rows and one whose activist was made a
    发展对象 before a year of cultivation — flagged with the rule, waiting for the secretary's decision."""
    contacts = list(Member.objects.filter(organization=branch, status=MemberStatus.FULL).order_by("id")[:2])
    applied = today - timedelta(days=400)
    rows = [
        {
            "姓名": "林导入",
            "公民身份号码": make_id_number(AREA, date(1996, 4, 2), 901, "男"),
            "申请入党日期": today - timedelta(days=20),
        },
        {
            "姓名": "何导入",
            "公民身份号码": make_id_number(AREA, date(1994, 8, 9), 902, "女"),
            "申请入党日期": today - timedelta(days=200),
            "谈话日期": today - timedelta(days=190),
            "确定积极分子日期": today - timedelta(days=100),
            "积极分子备案日期": today - timedelta(days=95),
            "培养联系人": contacts[0].name,
            "积极分子公示开始": today - timedelta(days=99),
            "积极分子公示结束": today - timedelta(days=90),
        },
        {
            "姓名": "罗提前",
            "公民身份号码": make_id_number(AREA, date(1993, 2, 3), 903, "男"),
            "申请入党日期": applied,
            "谈话日期": applied + timedelta(days=10),
            "确定积极分子日期": applied + timedelta(days=60),
            "积极分子备案日期": applied + timedelta(days=65),
            "培养联系人": contacts[0].name,
            "积极分子公示开始": applied + timedelta(days=61),
            "积极分子公示结束": applied + timedelta(days=72),
            "确定发展对象日期": applied + timedelta(days=300),
            "发展对象备案日期": applied + timedelta(days=305),
            "入党介绍人": "、".join(m.name for m in contacts),
            "发展对象公示开始": applied + timedelta(days=301),
            "发展对象公示结束": applied + timedelta(days=315),
        },
    ]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("发展党员")
    for col, name in enumerate(TEMPLATE_HEADER):
        sheet.write_string(0, col, name)
    for r, row in enumerate(rows, start=1):
        for col, name in enumerate(TEMPLATE_HEADER):
            if name in row:
                value = row[name]
                sheet.write_string(r, col, value.isoformat() if isinstance(value, date) else str(value))
    book.close()
    stored = f"{uuid.uuid4().hex}.upload"
    path = jobs.storage_dir() / stored
    jobs.write_private(path, [buffer.getvalue()])
    outcome = preview(path=path, kind="xlsx", target=branch, user=actor)
    ImportJob.objects.create(
        kind="recruitment",
        organization=branch,
        created_by=User.objects.filter(username="secretary").first() or actor,
        original_name="在培养人员名单.xlsx",
        stored_name=stored,
        file_kind="xlsx",
        status=ImportStatus.VALIDATED,
        processed_rows=outcome.total,
        total_rows=outcome.total,
        valid_count=outcome.valid,
        invalid_count=outcome.invalid_rows,
        errors=[e.as_dict() for e in outcome.invalid],
    )
