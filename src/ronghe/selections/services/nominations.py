"""Nominating: eligibility from the records, the unit quota, withdrawals; the nominees in play."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import QuerySet

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import InvalidInput
from ronghe.core.scope import require_at
from ronghe.core.scoring.models import Campaign
from ronghe.core.workflow import services as workflow
from ronghe.discipline import facts as discipline
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.selections import rules
from ronghe.selections.choices import CampaignState, NominationState, SubjectKind
from ronghe.selections.models import Brand, Nomination, Selection
from ronghe.selections.rules import NOMINATION_PROCESS
from ronghe.selections.services.errors import SelectionError

SUBJECT_TYPE = "selections.nomination"


def period_of(campaign: Campaign) -> tuple[date, date]:
    """The period a selection looks back on: its year."""
    return date(campaign.year, 1, 1), date(campaign.year, 12, 31)


def facts_for(campaign: Campaign, *, member: Member | None, organization: Organization) -> rules.Facts:
    """What the records say about a nominee: status, 处分 in force, the branch's stars, the points grade."""
    from ronghe.points.queries import grades_of
    from ronghe.ratings.queries import current_stars

    named = current_stars(organization.pk)
    stars = named.current_level if named is not None else None
    if member is None:
        return rules.Facts(stars=stars)
    start, end = period_of(campaign)
    return rules.Facts(
        status=member.status,
        sanctions=tuple(discipline.sanctions_in_force([member.pk], start, end).get(member.pk, [])),
        under_review=member.pk in discipline.members_with_cases([member.pk], start, end),
        stars=stars,
        grade=grades_of([member.pk], campaign.year).get(member.pk, ""),
    )


def check_eligibility(
    campaign: Campaign, *, member: Member | None, organization: Organization
) -> list[rules.Failure]:
    selection = campaign.selection
    start, end = period_of(campaign)
    period = f"{start.year}年度"
    facts = facts_for(campaign, member=member, organization=organization)
    return rules.eligibility_failures(
        rules.Eligibility.from_dict(selection.eligibility), facts, period=period
    )


def _subject(
    selection: Selection,
    *,
    member: Member | None,
    organization: Organization | None,
    brand: Brand | None,
    title: str,
) -> tuple[Organization, str]:
    """The nominee's organization and the name shown, by the selection's subject kind."""
    kind = selection.subject_kind
    if kind == SubjectKind.MEMBER:
        if member is None:
            raise SelectionError("请选择推荐的党员", field="member")
        if member.status not in ACTIVE_STATUSES:
            raise SelectionError(f"“{member.name}”不是在册党员，不能推荐", field="member")
        return member.organization, member.name
    if kind == SubjectKind.BRAND:
        if brand is None:
            raise SelectionError("请选择推荐的党建品牌", field="brand")
        return brand.organization, brand.name
    if organization is None:
        raise SelectionError("请选择党组织", field="organization")
    if kind == SubjectKind.ORGANIZATION:
        return organization, organization.name
    title = (title or "").strip()
    if not title:
        noun = "党课题目" if kind == SubjectKind.LECTURE else "阵地名称"
        raise SelectionError(f"请填写{noun}", field="title")
    if len(title) > 100:
        raise SelectionError("名称不能超过 100 字", field="title")
    return organization, title


def nominate(
    *,
    actor: User,
    campaign: Campaign,
    summary: str,
    member: Member | None = None,
    organization: Organization | None = None,
    brand: Brand | None = None,
    title: str = "",
) -> Nomination:
    """A unit recommends one nominee: in the nominating step, within the unit's quota, after every
    eligibility rule has passed (each failed one named). Nothing is written when any check fails."""
    if campaign.fresh_state() != CampaignState.NOMINATING:
        raise SelectionError("推荐已截止，不能再推荐")
    selection = campaign.selection
    subject_org, label = _subject(
        selection, member=member, organization=organization, brand=brand, title=title
    )
    require_at(actor, "selections.nominate", subject_org.path)
    if not subject_org.path.startswith(campaign.organization.path):
        raise SelectionError("推荐对象不在本次评选的范围内")
    if subject_org.unit_id is None:
        raise SelectionError(f"“{subject_org.name}”不属于任何单位，不能推荐", field="organization")
    summary = (summary or "").strip()
    if not summary:
        raise SelectionError("请填写推荐理由和主要事迹", field="summary")
    if len(summary) > 4000:
        raise SelectionError("推荐理由和主要事迹不能超过 4000 字", field="summary")
    failures = check_eligibility(campaign, member=member, organization=subject_org)
    if failures:
        raise InvalidInput({"__all__": [f.message for f in failures]})
    with transaction.atomic():
        # the unit's nominations, locked so two secretaries cannot both take the last place
        active = (
            Nomination.objects.select_for_update()
            .filter(campaign=campaign, unit_id=subject_org.unit_id)
            .exclude(state=NominationState.WITHDRAWN)
        )
        taken = list(active.values_list("member_id", "organization_id", "brand_id", "title"))
        unit_name = subject_org.unit.name if subject_org.unit else ""
        problem = rules.quota_problem(len(taken), selection.unit_quota, unit_name)
        if problem:
            raise SelectionError(problem)
        same = (
            (member is not None and any(t[0] == member.pk for t in taken))
            or (brand is not None and any(t[2] == brand.pk for t in taken))
            or (
                selection.subject_kind == SubjectKind.ORGANIZATION
                and any(t[1] == subject_org.pk for t in taken)
            )
            or (
                selection.subject_kind in (SubjectKind.LECTURE, SubjectKind.SITE)
                and any(t[3] == label and t[1] == subject_org.pk for t in taken)
            )
        )
        if same:
            raise SelectionError(f"“{label}”已经推荐过")
        nomination = Nomination.objects.create(
            campaign=campaign,
            unit_id=subject_org.unit_id,
            organization=subject_org,
            member=member,
            brand=brand,
            title=label,
            summary=summary,
            eligibility=rules.passed_rules(rules.Eligibility.from_dict(selection.eligibility)),
            created_by=actor,
        )
        workflow.start(NOMINATION_PROCESS, nomination, by=actor)
        audit.record(
            "selections.nominated",
            actor=actor,
            obj=nomination,
            changes={"campaign": str(campaign.code), "title": label, "unit": unit_name},
        )
    return nomination


def withdraw(*, actor: User, nomination: Nomination, comment: str) -> Nomination:
    if nomination.campaign.fresh_state() != CampaignState.NOMINATING:
        raise SelectionError("推荐已截止，不能再撤回")
    workflow.transition(NOMINATION_PROCESS, nomination, "withdraw", by=actor, comment=comment)
    return nomination


def unit_usage(campaign: Campaign, unit_id: int) -> int:
    return (
        Nomination.objects.filter(campaign=campaign, unit_id=unit_id)
        .exclude(state=NominationState.WITHDRAWN)
        .count()
    )


def nominees(campaign: Campaign) -> QuerySet[Nomination]:
    return Nomination.objects.filter(campaign=campaign).exclude(state=NominationState.WITHDRAWN)
