"""Route samples for the scope tests: a star-rating campaign run at A's 总支, its entry for A's branch,
its judges' panel and a re-check. B's users and plain members must see none of it."""

from __future__ import annotations

from decimal import Decimal

from ronghe.core.judging.models import Panel, PanelSubject
from ronghe.core.scoring.choices import SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Scheme
from ronghe.ratings import defaults
from ronghe.ratings.models import Entry, Recheck
from ronghe.ratings.rules import CAMPAIGN
from tests.routes import api_sample, url_sample


def _rating_a(cast) -> Entry:
    if getattr(cast, "_rating_entry_a", None) is None:
        scheme = Scheme.objects.create(
            name="样例评星方案",
            purpose=SchemePurpose.BRANCH_STARS,
            organization=cast.org_a,
            year=2026,
            status=SchemeStatus.ACTIVE,
            ceiling=Decimal("110"),
            level_rules=defaults.LEVEL_RULES.to_dict(),
        )
        campaign = Campaign.objects.create(
            purpose=SchemePurpose.BRANCH_STARS,
            name="样例评星",
            year=2026,
            scheme=scheme,
            organization=cast.org_a,
            state="open",
        )
        entry = Entry.objects.create(campaign=campaign, organization=cast.branch_a)
        panel = Panel.objects.create(
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=cast.org_a,
            title="样例评审组",
            indicators=[{"code": "brand", "name": "党建品牌", "min": "0", "max": "10"}],
            manage_permission="ratings.manage",
        )
        PanelSubject.objects.create(
            panel=panel, key=str(entry.pk), label=cast.branch_a.name, organization=cast.branch_a
        )
        cast._rating_recheck_a = Recheck.objects.create(
            campaign=campaign, previous=entry, organization=cast.branch_a
        )
        cast._rating_panel_a = panel
        cast._rating_entry_a = entry
    return cast._rating_entry_a


for name in (
    "ratings:campaign-detail",
    "ratings:campaign-propose",
    "ratings:campaign-publish",
    "ratings:campaign-name",
    "ratings:campaign-what-if",
    "ratings:campaign-judge",
    "ratings:list-xlsx",
    "ratings:list-docx",
):
    url_sample(name)(lambda cast: {"code": _rating_a(cast).campaign.code})

for name in (
    "ratings:entry-detail",
    "ratings:entry-self-assess",
    "ratings:entry-check",
    "ratings:entry-evaluate",
    "ratings:entry-set-aside",
    "ratings:entry-follow-up",
    "ratings:entry-remove-star",
    "ratings:certificate",
):
    url_sample(name)(lambda cast: {"code": _rating_a(cast).code})


@url_sample("ratings:recheck-decide")
def _recheck(cast):
    _rating_a(cast)
    return {"code": cast._rating_recheck_a.code}


@url_sample("judging:panel-detail")
def _panel(cast):
    _rating_a(cast)
    return {"code": cast._rating_panel_a.code}


@url_sample("judging:sheet")
def _sheet(cast):
    entry = _rating_a(cast)
    return {"code": cast._rating_panel_a.code, "key": str(entry.pk)}


api_sample("/api/v1/ratings/campaigns/{code}/results")(lambda cast: {"code": _rating_a(cast).campaign.code})
for path in (
    "/api/v1/ratings/entries/{code}/self-assessment",
    "/api/v1/ratings/entries/{code}/check",
    "/api/v1/ratings/entries/{code}/evaluate",
):
    api_sample(path)(lambda cast: {"code": _rating_a(cast).code})


for name in ("ratings:scheme-detail", "ratings:scheme-copy", "ratings:scheme-activate"):
    url_sample(name)(lambda cast: {"code": _rating_a(cast).campaign.scheme.code})


def _scheme_parts_a(cast) -> tuple[Scheme, Dimension, Indicator]:
    """A's sample scheme with one dimension and one indicator, for the scheme-editing routes."""
    scheme = _rating_a(cast).campaign.scheme
    dimension, _ = Dimension.objects.get_or_create(scheme=scheme, code="solid", defaults={"name": "支部过硬"})
    indicator, _ = Indicator.objects.get_or_create(
        scheme=scheme, code="brand", defaults={"name": "党建品牌", "dimension": dimension, "kind": "entered"}
    )
    return scheme, dimension, indicator


url_sample("ratings:indicator-create")(lambda cast: {"code": _scheme_parts_a(cast)[0].code})
for name in ("ratings:indicator-update", "ratings:indicator-delete"):
    url_sample(name)(lambda cast: {"code": _scheme_parts_a(cast)[0].code, "pk": _scheme_parts_a(cast)[2].pk})
url_sample("ratings:dimension-update")(
    lambda cast: {"code": _scheme_parts_a(cast)[0].code, "pk": _scheme_parts_a(cast)[1].pk}
)
