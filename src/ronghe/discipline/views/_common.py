"""What the 纪检 pages share: the members and organizations a 纪检 user may act on."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ronghe.core.scope import paths_with
from ronghe.core.types import Actor
from ronghe.discipline import rules
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

AREA = "纪检监察"


def _under(field: str, user: Actor | None, perm: str) -> Q:
    q = Q(pk__in=[])
    for path in paths_with(user, perm):
        q |= Q(**{f"{field}__startswith": path})
    return q


def members_for(user: Actor | None) -> QuerySet[Member]:
    """Active members of the organizations where the user handles discipline."""
    return (
        Member.objects.filter(_under("organization__path", user, rules.MANAGE), status__in=ACTIVE_STATUSES)
        .select_related("organization")
        .order_by("organization__path", "name")
    )


def organizations_for(user: Actor | None) -> QuerySet[Organization]:
    return Organization.objects.filter(_under("path", user, rules.MANAGE), is_active=True).order_by("path")
