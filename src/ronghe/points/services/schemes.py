"""The points scheme: seed the default one, activate a version (moving the year's ledger to it).
Editing schemes is `core.scoring.editing`."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.scoring import editing
from ronghe.core.scoring.choices import SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Dimension, Indicator, Scheme
from ronghe.core.scoring.services import next_version
from ronghe.members.models import Member
from ronghe.orgs.models import Organization, ancestor_paths
from ronghe.points import defaults
from ronghe.points.models import PointsEntry
from ronghe.points.services.resolve import (
    FROZEN_MESSAGE,
    PointsError,
    Resolver,
)
from ronghe.points.services.results import recompute_year


def seed_default_scheme(
    *,
    organization: Organization,
    year: int,
    actor: User | None = None,
    activate: bool = True,
    recompute: bool = True,
) -> Scheme:
    """Create the default members' points scheme (defaults.py) at a node for a year."""
    with transaction.atomic():
        scheme = Scheme.objects.create(
            name=f"{year}年度{defaults.DEFAULT_NAME}",
            purpose=SchemePurpose.MEMBER_POINTS,
            organization=organization,
            year=year,
            version=next_version(purpose=SchemePurpose.MEMBER_POINTS, organization=organization, year=year),
            status=SchemeStatus.DRAFT,
            floor=Decimal("0"),
            ceiling=None,
            allow_refine=True,
            description="基础分 60 分，加分、扣分按细则计算，各项按上限封顶，年度清零，最低 0 分。",
        )
        dims = {}
        for order, (code, name, base, a, b) in enumerate(defaults.DIMENSIONS):
            dims[code] = Dimension.objects.create(
                scheme=scheme, code=code, name=name, order=order, base=base, threshold_a=a, threshold_b=b
            )
        Indicator.objects.bulk_create(
            [
                Indicator(
                    scheme=scheme,
                    dimension=dims[dim],
                    code=code,
                    name=name,
                    kind=kind,
                    points=points,
                    cap_month=cm,
                    cap_quarter=cq,
                    cap_year=cy,
                    sources=sources,
                    claimable=claimable,
                    order=order,
                )
                for order, (code, dim, name, kind, points, cm, cq, cy, sources, claimable) in enumerate(
                    defaults.INDICATORS
                )
            ]
        )
        audit.record("scoring.scheme_seeded", actor=actor, obj=scheme, changes={"year": year})
        if activate:
            from ronghe.core.scoring.services import activate_scheme

            activate_scheme(scheme=scheme, actor=actor)
            if recompute:
                recompute_year(year=year, organization=organization)
    return scheme


def activate_points_scheme(*, scheme: Scheme, actor: User) -> Scheme:
    """Activate a draft version; the year's ledger entries move to its indicators (by code).

    Refused for a finalized year and for a unit's refinement the 工委's scheme does not allow.
    """
    from ronghe.core.scoring.services import SchemeError, activate_scheme

    editing.require_manage(actor, scheme)
    resolver = Resolver()
    if resolver.frozen(scheme.organization.path, scheme.year):
        raise PointsError(FROZEN_MESSAGE.format(year=scheme.year))
    parent_paths = ancestor_paths(scheme.organization.path)[:-1]
    parent = (
        Scheme.objects.filter(
            purpose=scheme.purpose,
            status=SchemeStatus.ACTIVE,
            year=scheme.year,
            organization__path__in=parent_paths,
        )
        .order_by("-organization__depth")
        .first()
    )
    if parent is not None and not parent.allow_refine:
        raise PointsError(f"上级方案“{parent.name}”不允许下级细化")
    with transaction.atomic():
        try:
            activate_scheme(scheme=scheme, actor=actor)
        except SchemeError as exc:
            raise PointsError(str(exc)) from exc
        new_by_code = {i.code: i.pk for i in scheme.indicators.all()}
        members = Member.objects.filter(organization__path__startswith=scheme.organization.path)
        entries = PointsEntry.objects.filter(year=scheme.year, member__in=members).exclude(
            indicator__scheme=scheme
        )
        for old_code, new_pk in new_by_code.items():
            entries.filter(indicator__code=old_code).update(indicator_id=new_pk)
        recompute_year(year=scheme.year, organization=scheme.organization)
    return scheme
