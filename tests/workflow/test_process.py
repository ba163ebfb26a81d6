"""A declared process is plain data: its steps, refusals and targets, without a database."""

from __future__ import annotations

import pytest

from ronghe.core.errors import DomainError, TransitionNotAllowed
from ronghe.core.workflow import OWNER, Process, Step
from ronghe.members.rules import STATUS_PROCESS, TRANSFER_PROCESS
from ronghe.points.rules import CLAIM_PROCESS

DOOR = Process(
    name="test.door",
    noun="门",
    state_field="state",
    steps={
        ("closed", "open"): Step("open", "doors.use"),
        ("open", "close"): Step("closed", "doors.use", also_to=("ajar",)),
        ("closed", "lock"): Step("locked", OWNER),
    },
    state_labels={"closed": "关闭", "open": "打开", "locked": "锁定"},
    action_labels={"open": "开启", "close": "关上", "lock": "上锁"},
    audit_event="door.{action}",
)


def test_declared_step_is_found():
    assert DOOR.step("closed", "open") == Step("open", "doors.use")
    assert DOOR.step("open", "close").targets() == ("closed", "ajar")


@pytest.mark.parametrize(
    ("_case", "process", "state", "action", "message"),
    [
        ("generic", DOOR, "open", "open", "“打开”状态的门不能开启"),
        ("unknown_state", DOOR, "broken", "open", "“broken”状态的门不能开启"),
        ("claim", CLAIM_PROCESS, "rejected", "approve", "“未通过”状态的申报不能通过"),
        ("member", STATUS_PROCESS, "full", "make_full", "当前状态为“正式党员”，不能办理“转正”"),
        ("transfer", TRANSFER_PROCESS, "completed", "cancel", "转接状态为“已完成”，不能撤回"),
    ],
)
def test_undeclared_step_is_refused_in_chinese(_case, process, state, action, message):
    with pytest.raises(TransitionNotAllowed) as err:
        process.step(state, action)
    assert err.value.message == message
    assert isinstance(err.value, DomainError) and err.value.code == "transition_not_allowed"


def test_actions_from_a_state_in_declared_order():
    assert DOOR.actions_from("closed") == ["open", "lock"]
    assert STATUS_PROCESS.actions_from("probationary") == [
        "make_full",
        "extend_probation",
        "cancel_probation",
        "suspend",
        "decease",
    ]
    assert STATUS_PROCESS.actions_from("left") == []


def test_audit_event_names_the_action():
    assert CLAIM_PROCESS.event("approve") == "points.claim_approve"
    assert STATUS_PROCESS.event("suspend") == "member.status_change"
    assert TRANSFER_PROCESS.event("confirm") == "member.transfer_confirm"


def test_claim_steps_forbid_the_applicant_and_need_a_reason_to_reject():
    approve, reject = CLAIM_PROCESS.step("submitted", "approve"), CLAIM_PROCESS.step("submitted", "reject")
    assert approve.forbid_owner == reject.forbid_owner == "不能审核本人的申报"
    assert (approve.comment_required, reject.comment_required) == ("", "退回申报时请填写理由")
    assert CLAIM_PROCESS.step("submitted", "withdraw").permission == OWNER
