"""Route samples for the scope tests: objects inside subtree A of the standard cast."""

from __future__ import annotations

from datetime import date

from ronghe.core.scoring.models import Indicator
from ronghe.points import services
from ronghe.points.models import Claim, PointsEntry
from tests.routes import API_SELF_SERVICE, SELF_SERVICE, api_sample, url_sample

SELF_SERVICE.update(
    {
        "points:my-points",
        "points:claim-list",
        "points:claim-create",
        "points:claim-detail",
        "points:claim-photo",
        "points:claim-withdraw",
        "points:member-statement",
        "points:member-statement-docx",
        "points:entry-detail",
    }
)
API_SELF_SERVICE.update(
    {"/api/v1/points/me", "/api/v1/points/claims", "/api/v1/points/claims/{code}", "/api/v1/points/entries"}
)


def _scheme_a(cast):
    """A points scheme made by A's 总支 (so it is not visible from B) and a claim of member A."""
    if getattr(cast, "_points_scheme_a", None) is None:
        cast._points_scheme_a = services.seed_default_scheme(organization=cast.org_a, year=date.today().year)
    return cast._points_scheme_a


def _claim_a(cast) -> Claim:
    scheme = _scheme_a(cast)
    if getattr(cast, "_points_claim_a", None) is None:
        cast._points_claim_a = Claim.objects.create(
            member=cast.member_a_record,
            indicator=Indicator.objects.get(scheme=scheme, code="article"),
            occurred_on=date.today(),
            points=3,
            description="心得体会",
        )
    return cast._points_claim_a


def _member(cast):
    return {"code": cast.member_a_record.code}


for name in (
    "points:member-points",
    "points:member-adjust",
    "points:member-statement",
    "points:member-statement-docx",
):
    url_sample(name)(_member)

for name in (
    "points:claim-detail",
    "points:claim-photo",
    "points:claim-decide",
    "points:claim-withdraw",
):
    url_sample(name)(lambda cast: {"code": _claim_a(cast).code})

for name in (
    "points:scheme-detail",
    "points:scheme-update",
    "points:scheme-clone",
    "points:scheme-activate",
    "points:scheme-archive",
    "points:scheme-settings",
    "points:indicator-create",
):
    url_sample(name)(lambda cast: {"code": _scheme_a(cast).code})


def _indicator_a(cast):
    scheme = _scheme_a(cast)
    return {"code": scheme.code, "pk": Indicator.objects.get(scheme=scheme, code="task").pk}


for name in ("points:indicator-update", "points:indicator-delete"):
    url_sample(name)(_indicator_a)

url_sample("points:ledger-export")(lambda cast: {"code": cast.branch_a.code})

api_sample("/api/v1/points/members/{code}")(_member)
api_sample("/api/v1/points/claims/{code}")(lambda cast: {"code": _claim_a(cast).code})
api_sample("/api/v1/points/claims/{code}/decision")(lambda cast: {"code": _claim_a(cast).code})


def _entry_a(cast):
    scheme = _scheme_a(cast)
    entry = PointsEntry.objects.filter(member=cast.member_a_record).first()
    if entry is None:
        entry = PointsEntry.objects.create(
            member=cast.member_a_record,
            indicator=Indicator.objects.get(scheme=scheme, code="task"),
            points=2,
            occurred_on=date.today(),
            year=date.today().year,
            source_type="adjustment",
            source_id="sample",
            note="样例",
        )
    return {"code": entry.code}


url_sample("points:entry-detail")(_entry_a)
