"""Engine use-cases: evaluate and store, clone a scheme for a new year, activate, reproduce."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scoring import rules
from ronghe.core.scoring.choices import SchemeStatus
from ronghe.core.scoring.models import Dimension, Indicator, Result, Scheme
from ronghe.core.types import Actor, OrgNode


class SchemeError(DomainError):
    """A refused scheme change; the message is shown to the user."""


def evaluate_and_store(
    *,
    scheme: Scheme,
    organization: OrgNode,
    subject_type: str,
    subject_id: str,
    period: str,
    events: Iterable[rules.Event],
    scheme_rules: rules.SchemeRules | None = None,
) -> Result:
    """Evaluate a subject and store the result with the snapshot of the rules it used."""
    scheme_rules = scheme_rules or scheme.to_rules()
    evaluation = rules.evaluate(scheme_rules, events)
    result, _ = Result.objects.update_or_create(
        scheme=scheme,
        subject_type=subject_type,
        subject_id=subject_id,
        period=period,
        defaults={
            "organization_id": organization.pk,  # core names no Organization type: its key
            "total": evaluation.total,
            "grade": rules.grade_label(evaluation.grades, [d.code for d in scheme_rules.dimensions]),
            "breakdown": evaluation.to_dict(),
            "snapshot": scheme_rules.to_snapshot(),
        },
    )
    return result


def reproduce(result: Result, events: Iterable[rules.Event]) -> rules.Evaluation:
    """Re-evaluate with the stored snapshot (not the scheme's current rules)."""
    return rules.evaluate(rules.SchemeRules.from_snapshot(result.snapshot), events)


def next_version(*, purpose: str, organization: OrgNode, year: int) -> int:
    """The version number a new scheme of this purpose, node and year gets: one past the last."""
    last = (
        Scheme.objects.filter(purpose=purpose, organization_id=organization.pk, year=year)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (last or 0) + 1


def clone_scheme(
    *, scheme: Scheme, year: int, actor: Actor | None = None, organization: OrgNode | None = None
) -> Scheme:
    """Copy a scheme (dimensions and indicators) as a new draft for `year` (next free version)."""
    organization = organization or scheme.organization
    with transaction.atomic():
        copy = Scheme.objects.create(
            name=scheme.name if scheme.year == year else scheme.name.replace(str(scheme.year), str(year)),
            purpose=scheme.purpose,
            organization_id=organization.pk,
            year=year,
            version=next_version(purpose=scheme.purpose, organization=organization, year=year),
            status=SchemeStatus.DRAFT,
            floor=scheme.floor,
            ceiling=scheme.ceiling,
            allow_refine=scheme.allow_refine,
            refines=scheme if organization.pk != scheme.organization_id else scheme.refines,
            cloned_from=scheme,
            description=scheme.description,
            level_rules=scheme.level_rules,
        )
        dim_map: dict[int, Dimension] = {}
        for dim in scheme.dimensions.all():
            old_pk = dim.pk
            dim.pk = None
            dim.scheme = copy
            dim.save()
            dim_map[old_pk] = dim
        Indicator.objects.bulk_create(
            [
                Indicator(
                    scheme=copy,
                    dimension=dim_map[i.dimension_id],
                    code=i.code,
                    name=i.name,
                    kind=i.kind,
                    points=i.points,
                    weight=i.weight,
                    cap_month=i.cap_month,
                    cap_quarter=i.cap_quarter,
                    cap_year=i.cap_year,
                    floor=i.floor,
                    ceiling=i.ceiling,
                    sources=i.sources,
                    claimable=i.claimable,
                    order=i.order,
                )
                for i in scheme.indicators.all()
            ]
        )
        audit.record("scoring.scheme_cloned", actor=actor, obj=copy, changes={"from": str(scheme.code)})
    return copy


def activate_scheme(*, scheme: Scheme, actor: Actor | None = None) -> Scheme:
    """Make a draft the active version for its node and year; the previous active one is archived."""
    if scheme.status != SchemeStatus.DRAFT:
        raise SchemeError("只有草稿状态的方案可以启用")
    with transaction.atomic():
        previous = list(
            Scheme.objects.select_for_update().filter(
                purpose=scheme.purpose,
                organization=scheme.organization,
                year=scheme.year,
                status=SchemeStatus.ACTIVE,
            )
        )
        for old in previous:
            old.status = SchemeStatus.ARCHIVED
            old.save(update_fields=["status", "updated_at"])
        scheme.status = SchemeStatus.ACTIVE
        scheme.save(update_fields=["status", "updated_at"])
        audit.record(
            "scoring.scheme_activated",
            actor=actor,
            obj=scheme,
            changes={"archived": [str(s.code) for s in previous]},
        )
    return scheme
