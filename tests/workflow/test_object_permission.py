"""Steps whose permission comes from the object (`permission_from`) or that only the system takes (`SYSTEM`)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.workflow import SYSTEM, Process, Step
from ronghe.core.workflow import services as workflow

PROCESS = Process(
    name="tests.thing",
    noun="事项",
    state_field="state",
    steps={
        ("open", "close"): Step("closed", permission_from="parent__perm"),
        ("open", "pass"): Step("passed", SYSTEM),
    },
    state_labels={},
    action_labels={},
    audit_event="tests.{action}",
)


def test_a_step_declares_exactly_one_source_of_permission():
    with pytest.raises(ValueError):
        Step("x")
    with pytest.raises(ValueError):
        Step("x", "a.b", permission_from="perm")


def test_permission_from_follows_the_lookups():
    thing = SimpleNamespace(parent=SimpleNamespace(perm="ratings.manage"))
    assert PROCESS.step("open", "close").permission_for(thing) == "ratings.manage"
    assert PROCESS.step("open", "pass").permission_for(thing) == SYSTEM


@pytest.mark.django_db
def test_check_uses_the_objects_permission_at_its_organization(cast, monkeypatch):
    monkeypatch.setattr(workflow, "org_path_of", lambda obj: cast.org_a.path)
    thing = SimpleNamespace(state="open", parent=SimpleNamespace(perm="ratings.manage"))
    workflow.check(PROCESS, thing, "close", by=cast.committee_admin)
    with pytest.raises(PermissionDenied):
        workflow.check(PROCESS, thing, "close", by=cast.secretary_a)
    thing.parent.perm = "points.approve"  # another object of the same process names another permission
    workflow.check(PROCESS, thing, "close", by=cast.secretary_a)


@pytest.mark.django_db
def test_only_the_system_takes_a_system_step(cast):
    thing = SimpleNamespace(state="open", parent=None)
    workflow.check(PROCESS, thing, "pass", by=None)
    with pytest.raises(PermissionDenied):
        workflow.check(PROCESS, thing, "pass", by=cast.committee_admin)
