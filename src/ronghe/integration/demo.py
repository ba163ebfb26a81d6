"""Demo step: 同步部署 and 同步点评 in the demo county.

The 工委 publishes the year's eight work points (through the services). Every unit has this year's plan of
6–12 tasks of all three kinds — some done, some overdue, some still ahead — with progress reports, and four
finalized quarterly reviews of last year plus this year's ended quarters. A few reviews found problems:
整改 items, some closed and checked, some open, some past their deadline. Plans, tasks, progress and reviews
are bulk-inserted with their history rows (a county has up to ~80 units: a constant, small demo time); the
整改 items go through `core.rectification` so their steps and history are real.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.rectification import services as rectification
from ronghe.core.rectification.models import Item
from ronghe.core.workflow.models import History
from ronghe.demo.generator import County, step
from ronghe.integration import rules
from ronghe.integration.choices import OwnerKind, PlanState, ReviewGrade, ReviewState, TaskState, WorkKind
from ronghe.integration.models import SyncReview, Task, TaskProgress, WorkPlan, WorkPoint
from ronghe.integration.services import plans as services
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.models import Department, Organization, Unit
from ronghe.orgs.queries import lead_organizations

WORK_POINTS = (
    (
        WorkKind.PARTY,
        "强化政治机关建设",
        "深入学习贯彻党的创新理论，落实“第一议题”制度，开展主题党日和双周学习日。",
    ),
    (WorkKind.PARTY, "建强基层党组织", "推进支部标准化规范化建设，开展评星定级，抓好按期换届和党员发展。"),
    (
        WorkKind.INTEGRATED,
        "推进党建与业务深度融合",
        "同步部署、同步点评、同步考核，每个单位打造一个融合品牌。",
    ),
    (WorkKind.INTEGRATED, "党员先锋作用发挥", "在重点项目和窗口岗位设立党员先锋岗、党员突击队。"),
    (WorkKind.BUSINESS, "优化营商环境", "政务服务事项“一网通办”，企业诉求限时办结。"),
    (WorkKind.BUSINESS, "重点项目攻坚", "全县重点项目按节点推进，年度投资计划完成率不低于95%。"),
    (WorkKind.PARTY, "全面从严治党", "落实主体责任清单，开展廉政风险排查和警示教育。"),
    (WorkKind.INTEGRATED, "机关作风建设", "开展“走流程、解难题”活动，群众满意度测评不低于90分。"),
)
PARTY_TASKS = (
    ("落实“三会一课”和主题党日", "全年支部党员大会不少于4次、主题党日每月1次", Decimal("12"), "次"),
    ("开展党员积分管理", "党员积分登记率100%", Decimal("100"), "%"),
    ("支部标准化建设", "所有支部达到标准化要求", None, ""),
    ("书记讲党课", "书记讲党课不少于2次", Decimal("2"), "次"),
    ("廉政风险点排查", "完成全部岗位风险排查", None, ""),
)
BUSINESS_TASKS = (
    ("政务服务事项网上可办", "网办率达到95%", Decimal("95"), "%"),
    ("年度重点项目推进", "完成年度投资计划", Decimal("100"), "%"),
    ("企业诉求限时办结", "办结率不低于98%", Decimal("98"), "%"),
    ("业务培训", "全员培训不少于40学时", Decimal("40"), "学时"),
    ("信息化系统上线", "系统按期上线运行", None, ""),
)
INTEGRATED_TASKS = (
    ("设立党员先锋岗", "窗口岗位先锋岗3个", Decimal("3"), "个"),
    ("组建党员突击队攻坚重点项目", "项目节点按期完成", None, ""),
    ("打造“一支部一特色”融合品牌", "形成1个融合品牌案例", Decimal("1"), "个"),
    ("开展“走流程、解难题”", "解决群众难题20件", Decimal("20"), "件"),
)
COMMENTS: dict[str, tuple[str, str, str]] = {
    ReviewGrade.GOOD: (
        "党建工作扎实，学习教育常态化。",
        "重点任务推进有力，指标完成好。",
        "党建引领作用明显，融合品牌有特色。",
    ),
    ReviewGrade.FAIRLY_GOOD: (
        "组织生活规范，个别支部记录不够完整。",
        "主要业务目标按序时推进。",
        "先锋岗作用发挥较好，融合点还可更具体。",
    ),
    ReviewGrade.AVERAGE: (
        "“三会一课”存在以会代学。",
        "部分业务任务滞后于序时进度。",
        "党建和业务仍有“两张皮”现象。",
    ),
    ReviewGrade.POOR: ("组织生活落实不到位。", "重点任务明显滞后。", "党建与业务脱节。"),
}
PROBLEMS = (
    "支部学习记录不完整，部分会议以会代学",
    "重点任务进度滞后，未按序时推进",
    "党员先锋岗职责不清、作用发挥不明显",
)
RECTIFIED_MAX = 18  # 整改 items through the services, whatever the county's size


def _at(day: date, hour: int = 9) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _grade(rng: random.Random) -> str:
    return rng.choices(
        [ReviewGrade.GOOD, ReviewGrade.FAIRLY_GOOD, ReviewGrade.AVERAGE, ReviewGrade.POOR],
        weights=[35, 40, 20, 5],
    )[0]


def _tasks_for(
    plan: WorkPlan,
    rng: random.Random,
    today: date,
    points: dict[str, list[WorkPoint]],
    departments: list[Department],
    branches: list[Organization],
) -> list[Task]:
    year = plan.year
    n = rng.randint(6, 12)
    kinds = [WorkKind.PARTY, WorkKind.BUSINESS, WorkKind.INTEGRATED]
    kinds += [rng.choice(kinds) for _ in range(n - 3)]
    out = []
    for kind in kinds:
        title, target, value, measure = rng.choice(
            {
                WorkKind.PARTY: PARTY_TASKS,
                WorkKind.BUSINESS: BUSINESS_TASKS,
                WorkKind.INTEGRATED: INTEGRATED_TASKS,
            }[kind]
        )
        deadline = date(year, rng.randint(1, 12), 28)
        department, branch, person = None, None, ""
        if kind == WorkKind.BUSINESS and departments:
            owner_kind, department = OwnerKind.DEPARTMENT, rng.choice(departments)
        elif kind == WorkKind.PARTY and branches:
            owner_kind, branch = OwnerKind.BRANCH, rng.choice(branches)
        else:
            owner_kind, person = OwnerKind.PERSON, "分管领导"
        if deadline < today:
            state = (
                TaskState.DONE
                if rng.random() < 0.75
                else rng.choice([TaskState.IN_PROGRESS, TaskState.NOT_STARTED])
            )
        else:
            state = rng.choice(
                [TaskState.NOT_STARTED, TaskState.IN_PROGRESS, TaskState.IN_PROGRESS, TaskState.DONE]
            )
        percent = (
            100
            if state == TaskState.DONE
            else (rng.choice([20, 40, 50, 60, 80]) if state == TaskState.IN_PROGRESS else 0)
        )
        candidates = points.get(kind, [])
        out.append(
            Task(
                plan=plan,
                kind=kind,
                title=title,
                work_point=rng.choice(candidates) if candidates and rng.random() < 0.7 else None,
                owner_kind=owner_kind,
                department=department,
                branch=branch,
                person=person,
                organization=branch or plan.organization,
                deadline=deadline,
                target=target,
                target_value=value,
                measure=measure,
                state=state,
                percent=percent,
                value_reached=(value * percent / 100).quantize(Decimal("0.01"))
                if value is not None
                else None,
            )
        )
    return out


@step
def demo_integration(county: County, rng: random.Random) -> None:
    admin = User.objects.filter(username="gwadmin").first()
    if admin is None:
        return
    today = county.today
    year, last_year = today.year, today.year - 1

    # ---- the 工委's work points, published through the services
    for number, (kind, title, content) in enumerate(WORK_POINTS, start=1):
        services.save_work_point(
            actor=admin,
            organization=county.committee,
            year=year,
            number=number,
            title=title,
            kind=kind,
            content=content,
        )
    services.publish_work_points(actor=admin, organization=county.committee, year=year)
    points: dict[str, list[WorkPoint]] = {}
    for point in WorkPoint.objects.filter(organization=county.committee, year=year):
        points.setdefault(point.kind, []).append(point)

    # ---- every unit's plan for this year, its tasks and progress
    units = list(Unit.objects.order_by("id"))
    leads = lead_organizations([u.pk for u in units])
    units = [u for u in units if u.pk in leads]
    departments: dict[int, list[Department]] = {}
    for d in Department.objects.all():
        departments.setdefault(d.unit_id, []).append(d)
    branches: dict[str, list[Organization]] = {}
    for org in Organization.objects.filter(kind__in=BRANCH_KINDS):
        for lead in leads.values():
            if org.path.startswith(lead.path):
                branches.setdefault(lead.path, []).append(org)
    plans = []
    for i, unit in enumerate(units):
        state = (
            PlanState.ACKNOWLEDGED
            if i % 10 < 8
            else (PlanState.SUBMITTED if i % 10 == 8 else PlanState.DRAFT)
        )
        plans.append(
            WorkPlan(
                unit=unit,
                year=year,
                organization=leads[unit.pk],
                state=state,
                summary="坚持党建引领，把党建任务和业务目标一同部署、一同推进、一同点评。",
            )
        )
    WorkPlan.objects.bulk_create(plans)
    plans = list(WorkPlan.objects.filter(year=year).select_related("organization").order_by("id"))
    tasks: list[Task] = []
    for plan in plans:
        tasks += _tasks_for(
            plan,
            rng,
            today,
            points,
            departments.get(plan.unit_id, []),
            branches.get(plan.organization.path, []),
        )
    Task.objects.bulk_create(tasks, batch_size=2000)
    tasks = list(Task.objects.filter(plan__year=year).order_by("id"))
    progress = []
    for task in tasks:
        if task.state == TaskState.NOT_STARTED:
            continue
        first = min(today, date(year, max(1, task.deadline.month - 2), 15))
        progress.append(
            TaskProgress(
                task=task,
                reported_on=first,
                text="已制定方案、明确责任人和时间节点，按计划推进。",
                percent=min(task.percent, 50),
                by=admin,
            )
        )
        if task.state == TaskState.DONE:
            progress.append(
                TaskProgress(
                    task=task,
                    reported_on=min(today, task.deadline),
                    text="已按目标完成，佐证材料已归档。",
                    percent=100,
                    value_reached=task.value_reached,
                    by=admin,
                )
            )
    TaskProgress.objects.bulk_create(progress, batch_size=2000)
    start = _at(date(year, 1, 10))
    history = [
        History(process=rules.PLAN, object_id=p.pk, to_state=PlanState.DRAFT, actor=admin, at=start)
        for p in plans
    ]
    for p in plans:
        if p.state != PlanState.DRAFT:
            history.append(
                History(
                    process=rules.PLAN,
                    object_id=p.pk,
                    from_state=PlanState.DRAFT,
                    to_state=PlanState.SUBMITTED,
                    action="submit",
                    at=_at(date(year, 1, 20)),
                )
            )
        if p.state == PlanState.ACKNOWLEDGED:
            history.append(
                History(
                    process=rules.PLAN,
                    object_id=p.pk,
                    from_state=PlanState.SUBMITTED,
                    to_state=PlanState.ACKNOWLEDGED,
                    action="acknowledge",
                    actor=admin,
                    at=_at(date(year, 1, 25)),
                )
            )
    history += [
        History(process=rules.TASK, object_id=t.pk, to_state=TaskState.NOT_STARTED, actor=admin, at=start)
        for t in tasks
    ]
    History.objects.bulk_create(history, batch_size=2000)

    # ---- quarterly reviews: all of last year, this year's ended quarters
    plan_of = {p.unit_id: p for p in plans}
    reviews = []
    quarters = [(last_year, q) for q in (1, 2, 3, 4)] + [(year, q) for q in rules.ended_quarters(year, today)]
    for unit in units:
        for y, q in quarters:
            grade = _grade(rng)
            party, business, integrated = COMMENTS[grade]
            done_on = min(today, rules.quarter_end(y, q) + timedelta(days=10))
            reviews.append(
                SyncReview(
                    unit=unit,
                    year=y,
                    quarter=q,
                    organization=leads[unit.pk],
                    plan=plan_of.get(unit.pk) if y == year else None,
                    party_comment=party,
                    business_comment=business,
                    integrated_comment=integrated,
                    opinion="党组已专题研究，逐项抓好落实。",
                    grade=grade,
                    state=ReviewState.FINALIZED,
                    created_by=admin,
                    finalized_at=_at(done_on, 16),
                )
            )
    SyncReview.objects.bulk_create(reviews, batch_size=2000)
    saved = list(SyncReview.objects.filter(state=ReviewState.FINALIZED).order_by("id"))
    History.objects.bulk_create(
        [
            History(
                process=rules.REVIEW,
                object_id=r.pk,
                from_state=ReviewState.DRAFT,
                to_state=ReviewState.FINALIZED,
                action="finalize",
                actor=admin,
                at=r.finalized_at or timezone.now(),
            )
            for r in saved
        ],
        batch_size=2000,
    )

    # ---- problems found by the latest reviews: 整改 items, some closed, some open, some late
    latest = max(quarters)
    weak = [
        r
        for r in saved
        if (r.year, r.quarter) == latest and r.grade in (ReviewGrade.AVERAGE, ReviewGrade.POOR)
    ]
    weak += [r for r in saved if (r.year, r.quarter) == latest and r not in weak]
    for n, review in enumerate(weak[:RECTIFIED_MAX]):
        item = rectification.create_item(
            actor=admin,
            kind=rules.REVIEW,
            object_id=review.pk,
            organization=review.organization,
            title=PROBLEMS[n % len(PROBLEMS)],
            measures="制定整改清单，明确责任人和时限，按月报告进展。",
            owner="支部书记",
            leader="分管副局长",
            due_on=max(today, timezone.localdate()) + timedelta(days=45),
            owner_permission=rules.PLAN_PERMISSION,
            issuer_permission=rules.MANAGE,
        )
        if n % 3 == 0:
            rectification.add_progress(actor=admin, item=item, text="已完成整改，补齐学习记录。")
            rectification.submit(actor=admin, item=item, note="已逐项整改到位。")
            rectification.accept(actor=admin, item=item, comment="经核查，整改到位，予以销号。")
        elif n % 3 == 1:
            Item.objects.filter(pk=item.pk).update(due_on=today - timedelta(days=12))  # late
