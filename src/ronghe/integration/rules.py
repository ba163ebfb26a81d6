"""同步部署 and 同步点评 rules (issue 14 items 2–3; domain.md §2 "同步部署、同步点评、同步考核"): the processes of
work points, plans, tasks and reviews, and the plain checks on deadlines, progress and quarters."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from ronghe.core.workflow.process import Process, Step
from ronghe.integration.choices import PlanState, ReviewState, TaskState, WorkPointState

WORK_POINT = "integration.work_point"
PLAN = "integration.plan"
TASK = "integration.task"
REVIEW = "integration.review"  # also the 整改 items' kind: object_id is the review
PROGRESS_EVIDENCE = "integration.progress"

MANAGE = "integration.manage"  # the 工委: work points, acknowledging plans, reviews
PLAN_PERMISSION = "integration.plan"  # the unit (and the branches taking tasks)

WORK_POINT_PROCESS = Process(
    name=WORK_POINT,
    noun="工作要点",
    state_field="state",
    steps={(WorkPointState.DRAFT, "publish"): Step(WorkPointState.PUBLISHED, MANAGE)},
    state_labels=dict(WorkPointState.choices),
    action_labels={"publish": "发布"},
    audit_event="integration.work_point_{action}",
)

PLAN_PROCESS = Process(
    name=PLAN,
    noun="工作计划",
    state_field="state",
    steps={
        (PlanState.DRAFT, "submit"): Step(PlanState.SUBMITTED, PLAN_PERMISSION),
        (PlanState.SUBMITTED, "acknowledge"): Step(PlanState.ACKNOWLEDGED, MANAGE),
        (PlanState.SUBMITTED, "return"): Step(PlanState.DRAFT, MANAGE, comment_required="退回时请填写理由"),
        (PlanState.ACKNOWLEDGED, "revise"): Step(
            PlanState.DRAFT, PLAN_PERMISSION, comment_required="请说明调整计划的原因"
        ),
    },
    state_labels=dict(PlanState.choices),
    action_labels={"submit": "报送工委", "acknowledge": "确认", "return": "退回修改", "revise": "调整计划"},
    audit_event="integration.plan_{action}",
)

TASK_PROCESS = Process(
    name=TASK,
    noun="任务",
    state_field="state",
    steps={
        (TaskState.NOT_STARTED, "start"): Step(TaskState.IN_PROGRESS, PLAN_PERMISSION),
        (TaskState.IN_PROGRESS, "complete"): Step(TaskState.DONE, PLAN_PERMISSION),
        (TaskState.DONE, "reopen"): Step(
            TaskState.IN_PROGRESS, PLAN_PERMISSION, comment_required="请说明重新办理的原因"
        ),
    },
    state_labels=dict(TaskState.choices),
    action_labels={"start": "开始办理", "complete": "标记完成", "reopen": "重新办理"},
    audit_event="integration.task_{action}",
)

REVIEW_PROCESS = Process(
    name=REVIEW,
    noun="同步点评",
    state_field="state",
    steps={(ReviewState.DRAFT, "finalize"): Step(ReviewState.FINALIZED, MANAGE)},
    state_labels=dict(ReviewState.choices),
    action_labels={"finalize": "定稿"},
    audit_event="integration.review_{action}",
)


def is_overdue(state: str, deadline: date, today: date) -> bool:
    """逾期: a task not done whose deadline has passed. Due today is not overdue."""
    return state != TaskState.DONE and deadline < today


def deadline_problem(deadline: date, year: int) -> str:
    """A plan's task is due within the plan's year (1 January to 31 December, both included)."""
    if deadline.year != year:
        return f"完成时限须在计划年度（{year}年）内"
    return ""


def progress_problem(
    *, state: str, reported_on: date, today: date, percent: int | None, value: Decimal | None
) -> tuple[str, str]:
    """(field, message) refusing a progress report, or ("", ""): no report on a finished task, none dated
    in the future, the share between 0 and 100, the value not negative."""
    if state == TaskState.DONE:
        return "__all__", "任务已完成，不能再填报进展；如需继续办理，请先“重新办理”"
    if reported_on > today:
        return "reported_on", "日期不能晚于今天"
    if percent is not None and not 0 <= percent <= 100:
        return "percent", "完成进度应在0到100之间"
    if value is not None and value < 0:
        return "value_reached", "已完成值不能为负数"
    return "", ""


def quarter_start(year: int, quarter: int) -> date:
    return date(year, 3 * quarter - 2, 1)


def quarter_end(year: int, quarter: int) -> date:
    """The last day of the quarter."""
    return date(year, 12, 31) if quarter == 4 else date(year, 3 * quarter + 1, 1) - timedelta(days=1)


def review_quarter_problem(year: int, quarter: int, today: date) -> str:
    """A quarter is reviewed once it has started (its first day included); quarters are 1–4."""
    if quarter not in (1, 2, 3, 4):
        return "季度应为1至4"
    if quarter_start(year, quarter) > today:
        return f"{year}年第{quarter}季度尚未开始，不能点评"
    return ""


def ended_quarters(year: int, today: date) -> list[int]:
    """The quarters of `year` that have ended before `today`."""
    return [q for q in (1, 2, 3, 4) if quarter_end(year, q) < today]
