"""The declared processes of 公示 and the rules of its items (pure, no ORM)."""

from __future__ import annotations

from typing import Any

from ronghe.core.errors import InvalidInput
from ronghe.core.publicity.choices import ObjectionAction, ObjectionState, PublicationAction, PublicationState
from ronghe.core.workflow import Process, Step

# Closing is for whoever handles the publication's objections: each module names that permission.
PUBLICATION_PROCESS = Process(
    name="publicity.publication",
    noun="公示",
    state_field="state",
    steps={
        (PublicationState.OPEN, PublicationAction.CLOSE): Step(
            PublicationState.CLOSED, permission_from="handle_permission", denied="您没有结束该公示的权限"
        ),
    },
    state_labels=dict(PublicationState.choices),
    action_labels=dict(PublicationAction.choices),
    audit_event="publicity.publication_{action}",
    conflict="该公示已被他人结束，请刷新后查看",
)

OBJECTION_PROCESS = Process(
    name="publicity.objection",
    noun="异议",
    state_field="state",
    steps={
        (ObjectionState.PENDING, action): Step(
            target,
            permission_from="publication__handle_permission",
            comment_required="请填写处理意见",
            denied="您没有处理该公示异议的权限",
        )
        for action, target in (
            (ObjectionAction.UPHOLD, ObjectionState.UPHELD),
            (ObjectionAction.DISMISS, ObjectionState.DISMISSED),
        )
    },
    state_labels=dict(ObjectionState.choices),
    action_labels=dict(ObjectionAction.choices),
    audit_event="publicity.objection_{action}",
    comment_field="reason",
    conflict="该异议已被他人处理，请刷新后查看",
)

MAX_TEXT = 2000


def clean_items(items: Any, *, field: str = "items") -> list[dict[str, str]]:
    """The list as stored: each item a dict with a unique non-empty "key", a "label" and a "detail".
    Shared by 公示 and 联审 (both show a module's list)."""

    def refuse(message: str) -> InvalidInput:
        return InvalidInput({field: [message]}, {field: "名单"})

    if not isinstance(items, list | tuple) or not items:
        raise refuse("名单不能为空")
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in items:
        if not isinstance(item, dict):
            raise refuse("名单格式有误")
        key = str(item.get("key") or "").strip()
        label = str(item.get("label") or "").strip()
        if not key or not label:
            raise refuse("名单中的每一项都需要编号和名称")
        if len(key) > 64:
            raise refuse("名单项的编号不能超过 64 个字符")
        if key in seen:
            raise refuse(f"名单中的编号“{key}”重复")
        seen.add(key)
        out.append({"key": key, "label": label, "detail": str(item.get("detail") or "")})
    return out
