"""What organizational life requires: the yearly requirements and the policy, set by the 工委."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.scope import has_perm_anywhere
from ronghe.orglife.models import (
    MeetingRequirement,
    OrgLifePolicy,
)
from ronghe.orglife.services.meetings import OrgLifeError


def update_requirement(
    *, actor: User, requirement: MeetingRequirement, data: dict[str, Any]
) -> MeetingRequirement:
    _require_manager(actor)
    before = {k: getattr(requirement, k) for k in data}
    with transaction.atomic():
        for k, v in data.items():
            setattr(requirement, k, v)
        requirement.save()
        audit.record("orglife.requirement.update", obj=requirement, changes=audit.diff(before, data))
    return requirement


def copy_requirements(*, actor: User, from_year: int, to_year: int) -> int:
    """Copy one year's requirements to another year that has none yet (past years keep theirs)."""
    _require_manager(actor)
    if MeetingRequirement.objects.filter(year=to_year).exists():
        raise OrgLifeError(f"{to_year} 年已有组织生活要求，不能覆盖", "to_year")
    source = list(MeetingRequirement.objects.filter(year=from_year))
    if not source:
        raise OrgLifeError(f"{from_year} 年没有可复制的要求", "from_year")
    with transaction.atomic():
        for r in source:
            r.pk, r.year = None, to_year
        MeetingRequirement.objects.bulk_create(source)
        audit.record(
            "orglife.requirement.copy",
            object_type="orglife.meetingrequirement",
            object_id=str(to_year),
            changes={"from": from_year, "to": to_year, "count": len(source)},
        )
    return len(source)


def update_policy(*, actor: User, data: dict[str, Any]) -> OrgLifePolicy:
    _require_manager(actor)
    policy = OrgLifePolicy.current()
    before = {k: getattr(policy, k) for k in data}
    with transaction.atomic():
        for k, v in data.items():
            setattr(policy, k, v)
        policy.save()
        audit.record("orglife.policy.update", obj=policy, changes=audit.diff(before, data))
    return policy


def _require_manager(actor: User) -> None:
    if not has_perm_anywhere(actor, "orglife.manage_requirements"):
        raise PermissionDenied("您没有设置组织生活要求的权限")
