"""三结对五联系 and leaders' grassroots contact points: partners of a branch, contact records, the issues
raised and their follow-up, closed with evidence (overdue ones on the to-do)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.evidence import services as evidence
from ronghe.core.evidence.models import Evidence
from ronghe.core.scope import require_at, scoped
from ronghe.core.types import Actor
from ronghe.orgs.models import Organization
from ronghe.outreach.choices import PartnerKind
from ronghe.outreach.models import ContactVisit, Pairing

VIEW, EDIT = "outreach.view", "outreach.edit"
MAX_PARTNERS = 3  # "三结对": each branch pairs with one to three partners


def add_pairing(*, actor: Actor, organization: Organization, data: dict[str, Any]) -> Pairing:
    require_at(actor, EDIT, organization.path)
    kind = data.get("kind")
    if kind not in PartnerKind.values:
        raise DomainError("请选择类型", "kind")
    partner = (data.get("partner") or "").strip()
    if not partner:
        raise DomainError("请填写结对对象或联系点", "partner")
    if kind != PartnerKind.CONTACT_POINT:
        current = (
            Pairing.objects.filter(organization=organization, ended_on__isnull=True)
            .exclude(kind=PartnerKind.CONTACT_POINT)
            .count()
        )
        if current >= MAX_PARTNERS:
            raise DomainError(
                f"每个党组织结对 1 至 {MAX_PARTNERS} 个对象，{organization.name}已有 {current} 个", "kind"
            )
    elif not (data.get("leader") or "").strip():
        raise DomainError("基层联系点请填写联系领导", "leader")
    with transaction.atomic():
        pairing = Pairing.objects.create(
            organization=organization,
            kind=kind,
            partner=partner[:200],
            leader=(data.get("leader") or "").strip()[:50],
            duties=(data.get("duties") or "").strip(),
            started_on=data.get("started_on") or timezone.localdate(),
        )
        audit.record(
            "outreach.pairing.create", actor=actor, obj=pairing, changes={"partner": pairing.partner}
        )
    return pairing


def record_visit(*, actor: Actor, pairing: Pairing, data: dict[str, Any]) -> ContactVisit:
    require_at(actor, EDIT, pairing.organization.path)
    visited_on, summary = data.get("visited_on"), (data.get("summary") or "").strip()
    if not isinstance(visited_on, date) or visited_on > timezone.localdate():
        raise DomainError("联系日期不能晚于今天", "visited_on")
    if not summary:
        raise DomainError("请填写联系情况", "summary")
    issue, due = (data.get("issue") or "").strip(), data.get("follow_up_due")
    if issue and not isinstance(due, date):
        raise DomainError("反映了问题，请填写办结期限", "follow_up_due")
    if isinstance(due, date) and due < visited_on:
        raise DomainError("办结期限不能早于联系日期", "follow_up_due")
    with transaction.atomic():
        visit = ContactVisit.objects.create(
            pairing=pairing,
            visited_on=visited_on,
            summary=summary,
            issue=issue,
            follow_up_due=due if issue else None,
            created_by=actor,  # type: ignore[misc]
        )
        audit.record("outreach.visit.create", actor=actor, obj=visit)
    return visit


VISIT_EVIDENCE = "outreach.visit"


def close_issue(
    *,
    actor: Actor,
    visit: ContactVisit,
    outcome: str,
    evidence_file: UploadedFile[bytes] | None,
    on: date | None = None,
) -> ContactVisit:
    """An issue raised at a contact is closed with its outcome and the evidence of it (a photo or a
    document, kept as 佐证材料); nothing changes when either is missing."""
    require_at(actor, EDIT, visit.pairing.organization.path)
    if not visit.issue:
        raise DomainError("这次联系没有需要办理的问题", "outcome")
    if visit.closed_on is not None:
        raise DomainError("该问题已办结", "outcome")
    if not (outcome or "").strip():
        raise DomainError("请填写办理结果", "outcome")
    if evidence_file is None:
        raise DomainError("请上传办结佐证（照片或文件）", "file")
    with transaction.atomic():
        visit.closed_on, visit.outcome = on or timezone.localdate(), outcome.strip()
        visit.save(update_fields=["closed_on", "outcome"])
        evidence.attach_file(
            actor=actor,
            kind=VISIT_EVIDENCE,
            object_id=visit.pk,
            organization=visit.pairing.organization,
            upload=evidence_file,
            permission=EDIT,
            note="办结佐证",
        )
        audit.record("outreach.visit.close", actor=actor, obj=visit, changes={"outcome": visit.outcome[:200]})
    return visit


def evidence_of_visits(visit_ids: list[int]) -> dict[int, list[Evidence]]:
    """The 办结佐证 of each visit, in one query, each with its download `url`."""
    out: dict[int, list[Evidence]] = {}
    for row in Evidence.objects.filter(kind=VISIT_EVIDENCE, object_id__in=visit_ids):
        row.url = reverse("evidence:download", kwargs={"code": row.code})
        out.setdefault(row.object_id, []).append(row)
    return out


def pairings_for_user(user: Actor | None) -> QuerySet[Pairing]:
    today = timezone.localdate()
    return (
        scoped(Pairing.objects.all(), user, VIEW)
        .select_related("organization")
        .annotate(
            n_visits=Count("visits"),
            n_open=Count("visits", filter=Q(visits__issue__gt="", visits__closed_on__isnull=True)),
            n_overdue=Count(
                "visits",
                filter=Q(
                    visits__issue__gt="", visits__closed_on__isnull=True, visits__follow_up_due__lt=today
                ),
            ),
        )
    )


def overdue_count(user: Actor | None, today: date, perm: str = EDIT) -> int:
    """Issues raised at contacts, past their deadline and not closed, in the user's scope (the to-do)."""
    pairings = scoped(Pairing.objects.all(), user, perm)
    return ContactVisit.objects.filter(
        pairing__in=pairings, issue__gt="", closed_on__isnull=True, follow_up_due__lt=today
    ).count()


def counts_by_kind(user: Actor | None, year: int) -> list[tuple[str, int, int]]:
    """For the 工委's overview: per kind, the partners in scope and the contacts recorded this year."""
    rows = dict(
        scoped(Pairing.objects.filter(ended_on__isnull=True), user, VIEW)
        .values("kind")
        .annotate(n=Count("pk"))
        .values_list("kind", "n")
    )
    visits = dict(
        ContactVisit.objects.filter(
            pairing__in=scoped(Pairing.objects.all(), user, VIEW), visited_on__year=year
        )
        .values("pairing__kind")
        .annotate(n=Count("pk"))
        .values_list("pairing__kind", "n")
    )
    return [(label, rows.get(kind, 0), visits.get(kind, 0)) for kind, label in PartnerKind.choices]
