"""What every points use-case asks first: which scheme is in force at a node, which years are frozen."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime

from django.core.cache import cache
from django.utils import timezone

from ronghe.core.errors import DomainError
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring.choices import SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Indicator, Scheme, rules_from_rows
from ronghe.orgs.models import Organization, ancestor_paths
from ronghe.points import rules
from ronghe.points.choices import YearStatus
from ronghe.points.models import YearClosing

BATCH = 2000


class PointsError(DomainError):
    """A refused points operation; the message is shown to the user as is."""


def local_date(value: datetime | date) -> date:
    return timezone.localtime(value).date() if isinstance(value, datetime) else value


class Resolver:
    """Caches, for one operation, which scheme applies at a node and which years are frozen."""

    def __init__(self) -> None:
        self._schemes: dict[tuple[str, int], Scheme | None] = {}
        self._active: dict[int, dict[str, Scheme]] = {}
        self._rules: dict[int, scoring.SchemeRules] = {}
        self._indicators: dict[int, list[Indicator]] = {}
        self._finalized: dict[str, set[int]] | None = None

    def active(self, year: int) -> dict[str, Scheme]:
        """The year's active member-points schemes by their node's path (one query per year)."""
        if year not in self._active:
            self._active[year] = {
                s.organization.path: s
                for s in Scheme.objects.filter(
                    purpose=SchemePurpose.MEMBER_POINTS, status=SchemeStatus.ACTIVE, year=year
                )
                .select_related("organization")
                .order_by("organization__depth", "pk")
            }
        return self._active[year]

    def scheme(self, org_path: str, year: int) -> Scheme | None:
        """The active scheme of the nearest node on the way up (one query per year, not per node)."""
        key = (org_path, year)
        if key not in self._schemes:
            active = self.active(year)
            self._schemes[key] = next(
                (active[p] for p in reversed(ancestor_paths(org_path)) if p in active), None
            )
        return self._schemes[key]

    def indicators(self, scheme: Scheme) -> list[Indicator]:
        if scheme.pk not in self._indicators:
            self._indicators[scheme.pk] = list(scheme.indicators.select_related("dimension"))
        return self._indicators[scheme.pk]

    def rules(self, scheme: Scheme) -> scoring.SchemeRules:
        if scheme.pk not in self._rules:
            self._rules[scheme.pk] = shared_rules(
                scheme,
                lambda: rules_from_rows(scheme, list(scheme.dimensions.all()), self.indicators(scheme)),
            )
        return self._rules[scheme.pk]

    def by_source(self, scheme: Scheme, source: str) -> list[Indicator]:
        return [i for i in self.indicators(scheme) if source in (i.sources or [])]

    def frozen(self, org_path: str, year: int) -> bool:
        if self._finalized is None:
            found: dict[str, set[int]] = defaultdict(set)
            for path, y in YearClosing.objects.filter(status=YearStatus.FINALIZED).values_list(
                "organization__path", "year"
            ):
                found[path].add(y)
            self._finalized = found
        return rules.is_frozen(year, self._finalized, org_path)


RULES_SECONDS = 3600


def shared_rules(scheme: Scheme, build: Callable[[], scoring.SchemeRules]) -> scoring.SchemeRules:
    """A scheme's rules, shared between requests once it has left draft: only drafts are edited (an
    active scheme changes by a new version, `core.scoring.editing`), so an active or archived scheme's
    dimensions and indicators never change. Keyed by the scheme's code (random), version, status and
    last save, so a status change or any save reads them afresh."""
    if scheme.status == SchemeStatus.DRAFT:
        return build()
    key = f"points:rules:{scheme.code}:{scheme.version}:{scheme.status}:{scheme.updated_at.isoformat()}"
    found: scoring.SchemeRules | None = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, RULES_SECONDS)
    return found


def scheme_for(organization: Organization, year: int) -> Scheme | None:
    """The active points scheme for a node and year: the nearest one up the tree."""
    return Resolver().scheme(organization.path, year)


FROZEN_MESSAGE = "{year} 年度积分已定稿，不能再修改；更正请在当前年度以调整记录计入"


def refuse_if_frozen(resolver: Resolver, org_path: str, year: int) -> None:
    if resolver.frozen(org_path, year):
        raise PointsError(FROZEN_MESSAGE.format(year=year), field="occurred_on")
