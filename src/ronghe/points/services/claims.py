"""Claims: a member reports an activity with evidence; the branch decides (rules.CLAIM_PROCESS)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.scope import has_perm_at
from ronghe.core.scoring.models import Indicator
from ronghe.core.workflow import services as workflow
from ronghe.members.models import Member
from ronghe.points import rules
from ronghe.points.choices import ClaimAction, ClaimState, SourceType
from ronghe.points.models import Claim, PointsEntry
from ronghe.points.services.ledger import check_indicator
from ronghe.points.services.resolve import (
    PointsError,
    Resolver,
    refuse_if_frozen,
)
from ronghe.points.services.results import refresh_member_years

# The same claim submitted again within this window is the same tap, not a second activity.
REPEAT_WINDOW = timedelta(minutes=2)


def submit_claim(
    *,
    actor: User,
    member: Member,
    indicator: Indicator,
    occurred_on: date,
    points: Decimal | str,
    description: str,
    photo: UploadedFile[bytes] | None = None,
) -> Claim:
    """A member reports an activity with evidence; it waits for the branch's decision."""
    own = getattr(actor, "member_id", None) == member.pk
    if not own and not has_perm_at(actor, "points.edit", member.organization.path):
        raise PermissionDenied("只能为本人申报积分")
    try:
        rules.check_claim_date(occurred_on, timezone.localdate())
    except ValueError as exc:
        raise PointsError(str(exc), field="occurred_on") from exc
    description = (description or "").strip()
    if not description:
        raise PointsError("请填写活动说明", field="description")
    resolver = Resolver()
    refuse_if_frozen(resolver, member.organization.path, occurred_on.year)
    check_indicator(resolver, member, indicator, occurred_on.year)
    if not indicator.claimable:
        raise PointsError("该指标由系统自动采集，不能申报", field="indicator")
    try:
        value = rules.claim_points(kind=indicator.kind, per_event=indicator.points, requested=points)
    except ValueError as exc:
        raise PointsError(str(exc), field="points") from exc
    photo_type = ""
    if photo:
        head = photo.read(16)
        photo.seek(0)
        try:
            photo_type = rules.check_photo(
                size=photo.size or 0, head=head, max_bytes=settings.RONGHE_CLAIM_PHOTO_MAX_BYTES
            )
        except ValueError as exc:
            raise PointsError(str(exc), field="photo") from exc
    with transaction.atomic():
        # A double tap sends the same claim twice: the repeat returns the first instead of a second claim
        # and audit row (issue 22). The member's row lock makes the two requests take turns (PostgreSQL;
        # SQLite's IMMEDIATE transactions already do).
        Member.objects.select_for_update().filter(pk=member.pk).exists()
        now = timezone.now()
        repeat = Claim.objects.filter(
            member=member,
            indicator=indicator,
            occurred_on=occurred_on,
            points=value,
            description=description,
            submitted_by=actor,
            state=ClaimState.SUBMITTED,
            # just before this tap, not "later" (a clock set back)
            created_at__range=(now - REPEAT_WINDOW, now),
        ).first()
        if repeat is not None:
            return repeat
        claim = Claim(
            member=member,
            indicator=indicator,
            occurred_on=occurred_on,
            points=value,
            description=description,
            photo_type=photo_type,
            submitted_by=actor,
        )
        if photo:
            claim.photo.save(f"{claim.code}.{photo_type.split('/')[1]}", photo, save=False)
        claim.save()
        workflow.start(rules.CLAIM_PROCESS, claim, by=actor)
        audit.record(
            "points.claim_submitted",
            actor=actor,
            obj=claim,
            changes={"indicator": indicator.code, "points": str(value), "on": str(occurred_on)},
        )
    return claim


def indicator_month_sums(member_id: int, indicator: Indicator, year: int) -> dict[tuple[int, int], Decimal]:
    """The member's ledger of one indicator in a year, summed per month (as the engine counts it)."""
    months: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for day, value in PointsEntry.objects.filter(
        member_id=member_id, indicator=indicator, year=year
    ).values_list("occurred_on", "points"):
        months[(day.year, day.month)] += value
    return months


def counted_under_cap(
    resolver: Resolver, member_id: int, indicator: Indicator, on: date, points: Decimal
) -> Decimal:
    """What a claim's `points` on `on` add to the member's counted total of the indicator, its caps applied."""
    rule = next(i for i in resolver.rules(indicator.scheme).indicators if i.code == indicator.code)
    if rule.weight != 1 and rule.kind == "entered":  # weighted scores are not the ledger's unit: as claimed
        return points
    return rules.added_under_caps(rule, indicator_month_sums(member_id, indicator, on.year), on, points)


def transition_claim(*, claim: Claim, action: str, actor: User, comment: str = "") -> Claim:
    """Apply one step of the declared claim process (rules.CLAIM_PROCESS on core/workflow).

    Approval writes the ledger entry (source = the claim). Refused: an undeclared step, deciding
    one's own claim, rejecting without a reason, a finalized year, a claim someone decided first.
    """
    workflow.check(rules.CLAIM_PROCESS, claim, action, by=actor, comment=comment)
    resolver = Resolver()
    if action == ClaimAction.APPROVE:
        refuse_if_frozen(resolver, claim.member.organization.path, claim.occurred_on.year)
    comment = (comment or "").strip()
    decided = action != ClaimAction.WITHDRAW
    with transaction.atomic():
        workflow.transition(
            rules.CLAIM_PROCESS,
            claim,
            action,
            by=actor,
            comment=comment,
            fields={
                "decided_by": actor if decided else None,
                "decided_at": timezone.now(),
                "decision_reason": comment[:200],
            },
        )
        if action == ClaimAction.APPROVE:
            # the ledger shows what counts: a claim past the indicator's cap is entered with what is left
            counted = counted_under_cap(
                resolver, claim.member_id, claim.indicator, claim.occurred_on, claim.points
            )
            note = claim.description
            if counted != claim.points:
                note = (
                    f"（申报 {claim.points.normalize():f} 分，超出上限，计 {counted.normalize():f} 分）{note}"
                )
            PointsEntry.objects.create(
                member_id=claim.member_id,
                indicator_id=claim.indicator_id,
                points=counted,
                occurred_on=claim.occurred_on,
                year=claim.occurred_on.year,
                source_type=SourceType.CLAIM,
                source_id=str(claim.pk),
                note=note[:200],
                created_by=actor,
            )
            refresh_member_years(member_ids=[claim.member_id], year=claim.occurred_on.year, resolver=resolver)
    return claim
