"""The declared process of 联审 and the shape of its departments (pure, no ORM)."""

from __future__ import annotations

from typing import Any

from ronghe.core.errors import InvalidInput
from ronghe.core.jointreview.choices import ReviewAction, ReviewState
from ronghe.core.workflow import SYSTEM, Process, Step

REVIEW_PROCESS = Process(
    name="jointreview.review",
    noun="联审",
    state_field="state",
    steps={
        # taken by the service itself once every department has agreed
        (ReviewState.OPEN, ReviewAction.PASS): Step(ReviewState.PASSED, SYSTEM),
        (ReviewState.OPEN, ReviewAction.OVERRIDE): Step(
            ReviewState.OVERRIDDEN,
            permission_from="override_permission",
            comment_required="请填写不采纳异议的理由",
            denied="您没有不采纳联审异议的权限",
        ),
    },
    state_labels=dict(ReviewState.choices),
    action_labels=dict(ReviewAction.choices),
    audit_event="jointreview.review_{action}",
    comment_field="reason",
    conflict="该联审已结束，请刷新后查看",
)


def clean_departments(departments: Any) -> list[dict[str, str]]:
    """At least one department, each with a unique code, a name and a permission."""
    label = {"departments": "联审部门"}
    if not isinstance(departments, list | tuple) or not departments:
        raise InvalidInput({"departments": ["至少需要一个联审部门"]}, label)
    out: list[dict[str, str]] = []
    for dept in departments:
        code = str(dept.get("code") or "").strip() if isinstance(dept, dict) else ""
        name = str(dept.get("name") or "").strip() if isinstance(dept, dict) else ""
        perm = str(dept.get("permission") or "").strip() if isinstance(dept, dict) else ""
        if not code or not name or not perm:
            raise InvalidInput({"departments": ["每个联审部门都需要编号、名称和审核权限"]}, label)
        if len(code) > 40:
            raise InvalidInput({"departments": ["联审部门编号不能超过 40 个字符"]}, label)
        if any(d["code"] == code for d in out):
            raise InvalidInput({"departments": [f"联审部门编号“{code}”重复"]}, label)
        out.append({"code": code, "name": name, "permission": perm})
    return out
