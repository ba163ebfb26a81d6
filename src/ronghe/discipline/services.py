"""Discipline use-cases: receive a clue, move a case along `discipline.case`, record its 处分 or 处理;
discipline bodies and their members; 廉政风险点 and their periodic reviews.

Every write checks `discipline.manage` at the case's organization. A transition's comment is 纪检's own
text: the history keeps it, the audit row says only that one was given (the audit log is read outside 纪检).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at
from ronghe.core.workflow import services as workflow
from ronghe.discipline import facts, rules
from ronghe.discipline.choices import CaseAction, CommitteeKind, CommitteeTitle
from ronghe.discipline.models import Case, Committee, CommitteeSeat, Risk, RiskReview, Sanction
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization

HIDDEN = "已填写（内容仅纪检可见）"


class DisciplineError(DomainError):
    """A refused discipline change, with a Chinese message naming the field."""


def _not_own(actor: User | None, member: Member) -> None:
    # Nobody handles a clue about themselves (回避).
    if actor is not None and actor.member_id is not None and actor.member_id == member.pk:
        raise PermissionDenied("不能办理反映本人的问题线索")


def receive_clue(
    *,
    actor: User | None,
    member: Member,
    source: str,
    received_on: date,
    summary: str,
    today: date | None = None,
) -> Case:
    """受理: register a clue about a member of the actor's scope. The case belongs to the member's
    organization and starts in 受理."""
    today = today or timezone.localdate()
    if actor is not None:
        require_at(actor, rules.MANAGE, member.organization.path)
    _not_own(actor, member)
    if member.status not in ACTIVE_STATUSES:
        raise DisciplineError("被反映人：只能受理在册党员的问题线索", "member")
    if received_on > today:
        raise DisciplineError("受理日期：不能晚于今天", "received_on")
    if not summary.strip():
        raise DisciplineError("反映的主要问题：请填写", "summary")
    with transaction.atomic():
        case = Case.objects.create(
            organization=member.organization,
            member=member,
            source=source,
            received_on=received_on,
            summary=summary.strip(),
            created_by=actor,
        )
        workflow.start(rules.CASE_PROCESS, case, by=actor, effective_on=received_on)
        audit.record(
            "discipline.case_create",
            actor=actor,
            obj=case,
            org_path=member.organization.path,
            changes={"state": [None, case.state], "source": [None, source]},
        )
    return case


def advance_case(
    *,
    actor: User | None,
    case: Case,
    action: str,
    comment: str = "",
    on: date | None = None,
    kind: str = "",
    starts_on: date | None = None,
    ends_on: date | None = None,
    probation_years: int = 1,
    document_number: str = "",
    today: date | None = None,
) -> Case:
    """One step of `discipline.case`. 立案 dates the filing, 了结 and 结案 the end; 给予处分 and 予以处理
    record the sanction (its kind, start and end — the kind's period when no end is given) in the same
    transaction. A refused step writes nothing."""
    today = today or timezone.localdate()
    on = on or today
    _not_own(actor, case.member)
    workflow.check(rules.CASE_PROCESS, case, action, by=actor, comment=comment)
    if on > today:
        raise DisciplineError("日期：不能晚于今天", "on")
    if on < case.received_on:
        raise DisciplineError("日期：不能早于线索受理日期", "on")
    fields: dict[str, Any] = {}
    if action == CaseAction.FILE:
        fields["filed_on"] = on
    if action in (CaseAction.CONCLUDE, CaseAction.CLOSE):
        fields["finished_on"] = on
    if action in (CaseAction.CONCLUDE, CaseAction.SANCTION, CaseAction.HANDLE):
        fields["findings"] = (comment or "").strip()
    sanction: Sanction | None = None
    if action in rules.ACTION_CATEGORIES:
        refusal = rules.check_sanction(
            action=action,
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            received_on=case.received_on,
            probation_years=probation_years,
        )
        if refusal:
            raise DisciplineError(refusal[1], refusal[0])
        assert starts_on is not None  # checked above
        end = ends_on or rules.calculate_ends_on(kind, starts_on, probation_years=probation_years)
        sanction = Sanction(
            case=case,
            member=case.member,
            organization=case.organization,
            category=rules.KINDS[kind].category,
            kind=kind,
            starts_on=starts_on,
            ends_on=end,
            document_number=document_number.strip(),
        )
    with transaction.atomic():
        workflow.transition(
            rules.CASE_PROCESS,
            case,
            action,
            by=actor,
            comment=comment,
            fields=fields,
            effective_on=on,
            audit_changes={"comment": HIDDEN} if comment.strip() else {},
        )
        if sanction is not None:
            sanction.save()
            audit.record(
                "discipline.sanction_record",
                actor=actor,
                obj=sanction,
                org_path=case.organization.path,
                changes={
                    "kind": [None, sanction.kind],
                    "starts_on": [None, sanction.starts_on],
                    "ends_on": [None, sanction.ends_on],
                },
            )
            _sync_points_veto(sanction, actor, today)
    return case


def _sync_points_veto(sanction: Sanction, actor: User | None, today: date) -> None:
    """Points' `sanction` veto follows the fact at once (called explicitly, no signal — as orglife calls
    points after a meeting). A year already finalized in points stays as it was closed."""
    if sanction.category not in facts.DISCIPLINARY:
        return
    from ronghe.points import services as points

    last = min(sanction.ends_on or today, today).year
    for year in range(sanction.starts_on.year, last + 1):
        try:
            points.sync_sanction_vetoes(year=year, member_ids=[sanction.member_id], actor=actor)
        except points.PointsError:
            continue


def _sanction_action(sanction: Sanction) -> str:
    """The case action that records a sanction of this category (处分 → 给予处分, 处理 → 予以处理)."""
    return next(a for a, cats in rules.ACTION_CATEGORIES.items() if sanction.category in cats)


def _editable_sanction(actor: User | None, sanction: Sanction, reason: str) -> str:
    if actor is not None:
        require_at(actor, rules.MANAGE, sanction.organization.path)
    _not_own(actor, sanction.member)
    if sanction.revoked_on is not None:
        raise DisciplineError(
            f"该处分已于 {sanction.revoked_on.isoformat()} 撤销，不能再修改或撤销", "reason"
        )
    reason = (reason or "").strip()
    if not reason:
        raise DisciplineError("理由：请填写", "reason")
    if len(reason) > 2000:
        raise DisciplineError("理由：不能超过 2000 字", "reason")
    return reason


def _sync_years(sanction: Sanction, actor: User | None, today: date, years: set[int]) -> None:
    """Points' `sanction` veto follows the fact for every year the sanction touched before or after."""
    if sanction.category not in facts.DISCIPLINARY:
        return
    from ronghe.points import services as points

    for year in sorted(y for y in years if y <= today.year):
        try:
            points.sync_sanction_vetoes(year=year, member_ids=[sanction.member_id], actor=actor)
        except points.PointsError:
            continue


def _years(starts_on: date, ends_on: date | None, today: date) -> set[int]:
    return set(range(starts_on.year, min(ends_on or today, today).year + 1))


def update_sanction(
    *,
    actor: User | None,
    sanction: Sanction,
    starts_on: date | None,
    ends_on: date | None,
    document_number: str,
    reason: str,
    today: date | None = None,
) -> Sanction:
    """更正 a recorded 处分 or 处理: its start, the end of its effect and the decision's number, with a
    reason (纪检's own: the audit log records that one was given). The dates follow the rules of
    recording (`rules.check_sanction`); the facts other modules read follow at once."""
    today = today or timezone.localdate()
    reason = _editable_sanction(actor, sanction, reason)
    refusal = rules.check_sanction(
        action=_sanction_action(sanction),
        kind=sanction.kind,
        starts_on=starts_on,
        ends_on=ends_on,
        received_on=sanction.case.received_on,
        probation_years=1,
    )
    if refusal:
        raise DisciplineError(refusal[1], refusal[0])
    assert starts_on is not None  # checked above
    if starts_on > today:
        raise DisciplineError("生效日期：不能晚于今天", "starts_on")
    document_number = (document_number or "").strip()[:60]
    before = {
        "starts_on": sanction.starts_on,
        "ends_on": sanction.ends_on,
        "document_number": sanction.document_number,
    }
    after = {"starts_on": starts_on, "ends_on": ends_on, "document_number": document_number}
    if before == after:
        raise DisciplineError("没有需要更正的内容", "starts_on")
    years = _years(sanction.starts_on, sanction.ends_on, today) | _years(starts_on, ends_on, today)
    with transaction.atomic():
        for field, value in after.items():
            setattr(sanction, field, value)
        sanction.save(update_fields=list(after))
        audit.record(
            "discipline.sanction_update",
            actor=actor,
            obj=sanction,
            org_path=sanction.organization.path,
            changes=audit.diff(before, after) | {"reason": HIDDEN},
        )
        _sync_years(sanction, actor, today, years)
    return sanction


def revoke_sanction(
    *, actor: User | None, sanction: Sanction, reason: str, on: date | None = None, today: date | None = None
) -> Sanction:
    """撤销 a 处分 or 处理 (the decision annulled on 申诉 or 复查), with a reason. From then on it is no fact:
    it gates no nomination, vetoes no points and caps no rating, for any period. Only once; a
    concurrent second revocation is refused."""
    today = today or timezone.localdate()
    on = on or today
    reason = _editable_sanction(actor, sanction, reason)
    if on > today:
        raise DisciplineError("撤销日期：不能晚于今天", "on")
    if on < sanction.starts_on:
        raise DisciplineError("撤销日期：不能早于生效日期", "on")
    with transaction.atomic():
        done = Sanction.objects.filter(pk=sanction.pk, revoked_on__isnull=True).update(
            revoked_on=on, revoke_reason=reason, revoked_by=actor if getattr(actor, "pk", None) else None
        )
        if done != 1:
            raise DisciplineError("该处分已被他人撤销，请刷新后查看", "reason")
        sanction.refresh_from_db()
        audit.record(
            "discipline.sanction_revoke",
            actor=actor,
            obj=sanction,
            org_path=sanction.organization.path,
            changes={"revoked_on": [None, on], "reason": HIDDEN},
        )
        _sync_years(sanction, actor, today, _years(sanction.starts_on, sanction.ends_on, today))
    return sanction


def allowed_actions(case: Case) -> list[str]:
    """The actions declared from the case's state, in order."""
    return rules.CASE_PROCESS.actions_from(case.state)


def create_committee(*, actor: User | None, organization: Organization, kind: str, name: str) -> Committee:
    """Set up a unit's discipline body at its Party organization (机关纪委 at a 机关党委, 纪检组 at a 党组)."""
    if actor is not None:
        require_at(actor, rules.MANAGE, organization.path)
    if kind not in CommitteeKind.values:
        raise DisciplineError("类别：请选择纪检组织类别", "kind")
    if not name.strip():
        raise DisciplineError("名称：请填写纪检组织名称", "name")
    with transaction.atomic():
        committee = Committee.objects.create(organization=organization, kind=kind, name=name.strip())
        audit.record(
            "discipline.committee_create",
            actor=actor,
            obj=committee,
            org_path=organization.path,
            changes={"name": [None, committee.name], "kind": [None, kind]},
        )
    return committee


def add_seat(
    *, actor: User | None, committee: Committee, member: Member, title: str, started_on: date
) -> CommitteeSeat:
    """A member joins the discipline body (书记/副书记/委员); a member holds one open seat on it at a time."""
    path = committee.organization.path
    if actor is not None:
        require_at(actor, rules.MANAGE, path)
    if not member.organization.path.startswith(path):
        raise DisciplineError("党员：纪检委员应为本单位党员", "member")
    if title not in CommitteeTitle.values:
        raise DisciplineError("职务：请选择职务", "title")
    if CommitteeSeat.objects.filter(committee=committee, member=member, ended_on__isnull=True).exists():
        raise DisciplineError("党员：该党员已在本纪检组织任职", "member")
    with transaction.atomic():
        seat = CommitteeSeat.objects.create(
            committee=committee, member=member, title=title, started_on=started_on
        )
        audit.record(
            "discipline.seat_add",
            actor=actor,
            obj=seat,
            org_path=path,
            changes={"member": [None, member.pk], "title": [None, title]},
        )
    return seat


def create_risk(
    *,
    actor: User | None,
    organization: Organization,
    post: str,
    description: str,
    level: str,
    measures: str,
    owner: str,
    review_months: int,
    today: date | None = None,
) -> Risk:
    """Register a 廉政风险点 of a post; its first review falls `review_months` from today."""
    today = today or timezone.localdate()
    if actor is not None:
        require_at(actor, rules.MANAGE, organization.path)
    for field, value, label in (
        ("post", post, "岗位"),
        ("description", description, "风险点"),
        ("measures", measures, "防控措施"),
        ("owner", owner, "责任人"),
    ):
        if not value.strip():
            raise DisciplineError(f"{label}：请填写", field)
    if not 1 <= review_months <= 24:
        raise DisciplineError("复核周期：应为 1 至 24 个月", "review_months")
    with transaction.atomic():
        risk = Risk.objects.create(
            organization=organization,
            post=post.strip(),
            description=description.strip(),
            level=level,
            measures=measures.strip(),
            owner=owner.strip(),
            review_months=review_months,
            next_review_on=rules.next_review_on(today, review_months),
        )
        audit.record(
            "discipline.risk_create",
            actor=actor,
            obj=risk,
            org_path=organization.path,
            changes={"post": [None, risk.post], "level": [None, level]},
        )
    return risk


def review_risk(
    *, actor: User | None, risk: Risk, reviewed_on: date, level: str, note: str, today: date | None = None
) -> RiskReview:
    """Record a periodic review: the level may change; the next review falls one period later."""
    today = today or timezone.localdate()
    if actor is not None:
        require_at(actor, rules.MANAGE, risk.organization.path)
    if reviewed_on > today:
        raise DisciplineError("复核日期：不能晚于今天", "reviewed_on")
    if risk.last_reviewed_on and reviewed_on < risk.last_reviewed_on:
        raise DisciplineError("复核日期：不能早于上次复核日期", "reviewed_on")
    if not note.strip():
        raise DisciplineError("复核情况：请填写", "note")
    before = {"level": risk.level, "next_review_on": risk.next_review_on}
    with transaction.atomic():
        review = RiskReview.objects.create(
            risk=risk, reviewed_on=reviewed_on, level=level, note=note.strip(), reviewer=actor
        )
        risk.level = level
        risk.last_reviewed_on = reviewed_on
        risk.next_review_on = rules.next_review_on(reviewed_on, risk.review_months)
        risk.save(update_fields=["level", "last_reviewed_on", "next_review_on", "updated_at"])
        after = {"level": risk.level, "next_review_on": risk.next_review_on}
        audit.record(
            "discipline.risk_review",
            actor=actor,
            obj=risk,
            org_path=risk.organization.path,
            changes=audit.diff(before, after) | {"reviewed_on": [None, reviewed_on]},
        )
    return review
