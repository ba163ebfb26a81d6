"""党员先锋岗、突击队、责任区 and key projects on business work: set up by a branch on a business task
or KPI, members assigned, milestones kept, the result recorded. A completed post gives its members
the points of the scheme's indicators sourced from "vanguard" and counts for the branch's rating."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from ronghe.assessment.choices import VanguardKind, VanguardState
from ronghe.assessment.models import KpiDefinition, Milestone, Vanguard
from ronghe.core import audit
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.scope import require_at, scoped
from ronghe.core.types import Actor
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

EDIT = "assessment.vanguard"
VIEW = "assessment.view"
LABELS = {
    "kind": "类型",
    "name": "名称",
    "year": "年度",
    "kpi": "对应业务指标",
    "members": "党员",
    "goal": "目标与承诺",
}


def create(
    *, actor: Actor, organization: Organization, data: dict[str, Any], member_ids: Sequence[int] = ()
) -> Vanguard:
    """Set up a post on a business task or KPI with the members who carry it."""
    require_at(actor, EDIT, organization.path)
    errors: dict[str, list[str]] = {}
    kind = str(data.get("kind") or "")
    if kind not in VanguardKind.values:
        errors["kind"] = ["请选择类型"]
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = ["请填写名称"]
    year = int(data.get("year") or timezone.localdate().year)
    kpi: KpiDefinition | None = data.get("kpi")
    task = str(data.get("business_task") or "").strip()
    if kpi is None and not task:
        errors["kpi"] = ["请选择对应的业务指标，或填写对应的业务任务"]
    if kpi is not None and (kpi.year != year or kpi.unit_id != organization.unit_id):
        errors["kpi"] = ["业务指标应为本单位同一年度的指标"]
    members = list(
        Member.objects.filter(
            pk__in=list(member_ids),
            status__in=ACTIVE_STATUSES,
            organization__path__startswith=organization.path,
        )
    )
    if len(members) != len(set(member_ids)):
        errors["members"] = ["只能选择本组织的在册党员"]
    if not members:
        errors.setdefault("members", []).append("请至少选择一名党员")
    if errors:
        raise InvalidInput(errors, LABELS)
    with transaction.atomic():
        vanguard = Vanguard.objects.create(
            kind=kind,
            name=name[:100],
            organization=organization,
            year=year,
            kpi=kpi,
            business_task=task[:200],
            goal=str(data.get("goal") or "").strip(),
            created_by_id=actor.pk,
        )
        vanguard.members.set(members)
        audit.record(
            "assessment.vanguard_create",
            actor=actor,
            obj=vanguard,
            changes={"kind": kind, "name": name, "members": len(members), "kpi": kpi.code if kpi else ""},
        )
    return vanguard


def _require_active(actor: Actor, vanguard: Vanguard) -> None:
    require_at(actor, EDIT, vanguard.organization.path)
    if vanguard.state != VanguardState.ACTIVE:
        raise DomainError("该先锋岗已结项，不能再修改")


def add_milestone(*, actor: Actor, vanguard: Vanguard, title: str, due_on: date | None) -> Milestone:
    _require_active(actor, vanguard)
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["请填写节点"]
    if due_on is None:
        errors["due_on"] = ["请填写计划完成日期"]
    elif due_on.year != vanguard.year:
        errors["due_on"] = [f"计划完成日期应在 {vanguard.year} 年内"]
    if errors:
        raise InvalidInput(errors, {"title": "节点", "due_on": "计划完成"})
    assert due_on is not None
    with transaction.atomic():
        milestone = Milestone.objects.create(vanguard=vanguard, title=title[:100], due_on=due_on)
        audit.record(
            "assessment.milestone_add", actor=actor, obj=vanguard, changes={"title": title, "due_on": due_on}
        )
    return milestone


def complete_milestone(*, actor: Actor, milestone: Milestone, done_on: date, note: str = "") -> Milestone:
    _require_active(actor, milestone.vanguard)
    if milestone.done_on is not None:
        raise DomainError("该节点已完成")
    if done_on > timezone.localdate():
        raise DomainError("完成日期不能晚于今天", field="done_on")
    with transaction.atomic():
        milestone.done_on, milestone.note = done_on, (note or "").strip()[:200]
        milestone.save(update_fields=["done_on", "note"])
        audit.record(
            "assessment.milestone_done",
            actor=actor,
            obj=milestone.vanguard,
            changes={"title": milestone.title},
        )
    return milestone


def close(
    *, actor: Actor, vanguard: Vanguard, achieved: bool, result: str, on: date | None = None
) -> Vanguard:
    """结项: the result in words; when achieved, the members earn their points (idempotent per post)."""
    from ronghe.points.choices import SourceType
    from ronghe.points.services import ledger

    _require_active(actor, vanguard)
    result = (result or "").strip()
    if not result:
        raise DomainError("请填写成效", field="result")
    on = on or timezone.localdate()
    if achieved and vanguard.milestones.filter(done_on__isnull=True).exists():
        raise DomainError("还有未完成的节点，不能以“已完成”结项", field="achieved")
    with transaction.atomic():
        vanguard.state = VanguardState.ACHIEVED if achieved else VanguardState.MISSED
        vanguard.result, vanguard.closed_on = result, on
        vanguard.save(update_fields=["state", "result", "closed_on"])
        if achieved:
            ledger.record_activity_points(
                source_type=SourceType.VANGUARD,
                source_id=str(vanguard.code),
                member_ids=list(vanguard.members.values_list("pk", flat=True)),
                on=on,
                note=f"{vanguard.get_kind_display()}：{vanguard.name}",
                actor=actor,  # type: ignore[arg-type]
            )
        audit.record(
            "assessment.vanguard_close",
            actor=actor,
            obj=vanguard,
            changes={"state": vanguard.state, "result": result[:200]},
        )
    return vanguard


def visible(user: Actor | None) -> QuerySet[Vanguard]:
    return (
        scoped(Vanguard.objects.all(), user, VIEW)
        .select_related("organization", "kpi")
        .annotate(n_members=Count("members", distinct=True))
    )


def achieved_by_organization(organization_ids: Sequence[int], year: int) -> dict[int, int]:
    """Per organization: its posts achieved in `year` (for the branch's rating). One GROUP BY query."""
    rows = (
        Vanguard.objects.filter(organization_id__in=list(organization_ids), year=year)
        .values_list("organization_id")
        .annotate(n=Count("id", filter=Q(state=VanguardState.ACHIEVED)))
        .values_list("organization_id", "n")
    )
    return dict(rows)
