"""Process declarations: pure data, no ORM. See the package docstring."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ronghe.core.errors import TransitionNotAllowed

# The permission of a step only the subject's own member may take (withdraw one's own claim).
OWNER = "owner"
# The permission of a step only the system takes (`by=None`): a service moves the object on its own
# once a rule holds (a joint review passes when every department has agreed). No account may take it.
SYSTEM = "system"


@dataclass(frozen=True)
class Step:
    """What one action does from one state.

    `to` is the next state; `also_to` lists other targets a service may choose by a dated rule
    (恢复党籍 returns to 预备党员 when the member was never made full). `permission` is held at the
    object's organization, `OWNER` or `SYSTEM`. `permission_from` names, instead, a field of the object
    (lookups joined by "__") holding the permission: a mechanism configured per object (公示: the
    publication's handle permission) declares one step for every module using it. `comment_required` is the message shown when the comment is
    missing (empty: optional). `forbid_owner` is the message when the subject's own member acts
    (nobody approves their own claim; empty: allowed).
    """

    to: str
    permission: str = ""
    comment_required: str = ""
    forbid_owner: str = ""
    also_to: tuple[str, ...] = ()
    denied: str = "您没有执行此操作的权限"
    permission_from: str = ""

    def __post_init__(self) -> None:
        if bool(self.permission) == bool(self.permission_from):
            raise ValueError("a step declares either `permission` or `permission_from`")

    def permission_for(self, obj: object) -> str:
        """The permission to hold for this step on `obj`."""
        if not self.permission_from:
            return self.permission
        target = obj
        for part in self.permission_from.split("__"):
            target = getattr(target, part)
        return str(target)

    def targets(self) -> tuple[str, ...]:
        return (self.to, *self.also_to)


PROCESSES: dict[str, Process] = {}  # by name, as each app's rules declare them (audit event labels)


@dataclass(frozen=True)
class Process:
    """A declared state machine over one model's state field.

    `name` keys the history rows ("points.claim"); `audit_event` is formatted with the action
    ("points.claim_{action}"). `deadlines` maps a state to the working days an object may wait in it.
    """

    name: str
    noun: str
    state_field: str
    steps: Mapping[tuple[str, str], Step]
    state_labels: Mapping[str, str]
    action_labels: Mapping[str, str]
    audit_event: str
    comment_field: str = "comment"
    conflict: str = "该记录已被他人处理，请刷新后查看"
    deadlines: Mapping[str, int] = field(default_factory=dict)
    refusal: str = "“{state}”状态的{noun}不能{action}"

    def __post_init__(self) -> None:
        PROCESSES[self.name] = self

    def step(self, state: str, action: str) -> Step:
        """The declared step, or TransitionNotAllowed naming the state and the action in Chinese."""
        try:
            return self.steps[(state, action)]
        except KeyError:
            state_label = self.state_labels.get(state, state)
            action_label = self.action_labels.get(action, action)
            message = self.refusal.format(state=state_label, noun=self.noun, action=action_label)
            raise TransitionNotAllowed(message) from None

    def actions_from(self, state: str) -> list[str]:
        """The actions declared from a state, in declaration order."""
        return [action for (s, action) in self.steps if s == state]

    def event(self, action: str) -> str:
        return self.audit_event.format(action=action)
