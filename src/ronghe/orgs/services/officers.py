"""The posts of an organization: its committee officers and its party workers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models, transaction

from ronghe.core import audit
from ronghe.core.scope import require_at
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.choices import OfficerPost, OrgKind
from ronghe.orgs.models import Officer, Organization, PartyWorker
from ronghe.orgs.services.errors import OrganizationError

if TYPE_CHECKING:
    from ronghe.accounts.models import User


def officer_candidates(org: Organization) -> models.QuerySet[Member]:
    """Who may hold a post in `org`: the active members of its subtree. A 党组 has no members of its
    own: its posts are held by the unit's leading cadres, members of the unit's Party organizations."""
    members = Member.objects.filter(status__in=ACTIVE_STATUSES)
    if org.kind == OrgKind.LEADING_GROUP:
        return members.filter(organization__unit_id=org.unit_id) if org.unit_id else members.none()
    return members.filter(
        organization__in=Organization.objects.filter(path__startswith=org.path).values("pk")
    )


@transaction.atomic
def appoint_officer(
    *, actor: User, org: Organization, member: Member, post: str, started_on: date
) -> Officer:
    """Record a committee post. The member must be one of `officer_candidates(org)`;
    only one current 书记 per organization."""
    require_at(actor, "orgs.edit", org.path)
    if not officer_candidates(org).filter(pk=member.pk).exists():
        if org.kind == OrgKind.LEADING_GROUP:
            raise OrganizationError("党员：党组成员须为本单位党组织的在册党员")
        raise OrganizationError("党员：须为本组织（含下级）的在册党员")
    current = Officer.objects.filter(organization=org, ended_on__isnull=True)
    if current.filter(member=member, post=post).exists():
        raise OrganizationError("职务：该党员已担任此职务")
    if post == OfficerPost.SECRETARY and current.filter(post=OfficerPost.SECRETARY).exists():
        raise OrganizationError("职务：本组织已有书记，请先办理原书记离任")
    officer = Officer.objects.create(organization=org, member=member, post=post, started_on=started_on)
    audit.record(
        "org.officer_appoint",
        actor=actor,
        obj=officer,
        changes={"post": [None, officer.get_post_display()], "member": [None, member.name]},
    )
    return officer


@transaction.atomic
def end_officer(*, actor: User, officer: Officer, ended_on: date) -> Officer:
    require_at(actor, "orgs.edit", officer.organization.path)
    if officer.ended_on is not None:
        raise OrganizationError("该职务已离任")
    if ended_on < officer.started_on:
        raise OrganizationError("离任日期：不能早于任职日期")
    officer.ended_on = ended_on
    officer.save(update_fields=["ended_on"])
    audit.record("org.officer_end", actor=actor, obj=officer, changes={"ended_on": [None, str(ended_on)]})
    return officer


@transaction.atomic
def add_party_worker(
    *, actor: User, org: Organization, name: str, kind: str, started_on: date, member: Member | None = None
) -> PartyWorker:
    require_at(actor, "orgs.edit", org.path)
    if org.unit_id is None:
        raise OrganizationError("本组织未登记所在单位，无法登记党务干部")
    worker = PartyWorker.objects.create(
        organization=org, name=name, kind=kind, started_on=started_on, member=member
    )
    audit.record(
        "org.worker_add", actor=actor, obj=worker, changes={"name": [None, name], "kind": [None, kind]}
    )
    return worker


@transaction.atomic
def end_party_worker(*, actor: User, worker: PartyWorker, ended_on: date) -> PartyWorker:
    require_at(actor, "orgs.edit", worker.organization.path)
    if worker.ended_on is not None:
        raise OrganizationError("该党务干部已离任")
    if ended_on < worker.started_on:
        raise OrganizationError("离任日期：不能早于任职日期")
    worker.ended_on = ended_on
    worker.save(update_fields=["ended_on"])
    audit.record("org.worker_end", actor=actor, obj=worker, changes={"ended_on": [None, str(ended_on)]})
    return worker
