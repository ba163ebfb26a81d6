"""Route samples for the scope tests: a selection run at A's 总支 with A's nominee, A's brand, a site and
an innovation case not yet published. B's users and plain members must see none of it."""

from __future__ import annotations

from datetime import date

from ronghe.core.judging.models import Panel
from ronghe.core.scoring.choices import SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Campaign, Dimension, Indicator, Scheme
from ronghe.selections.models import Brand, DemonstrationSite, InnovationCase, Nomination, Selection
from ronghe.selections.rules import CAMPAIGN
from tests.routes import SELF_SERVICE, api_sample, url_sample

# the member's own honours, and the published case library every user of the county browses
SELF_SERVICE.update({"selections:my-honours", "selections:case-list"})


def _selection_a(cast) -> Nomination:
    if getattr(cast, "_selection_nomination_a", None) is None:
        scheme = Scheme.objects.create(
            name="样例评选标准",
            purpose=SchemePurpose.SELECTION,
            organization=cast.org_a,
            year=2025,
            status=SchemeStatus.ACTIVE,
        )
        campaign = Campaign.objects.create(
            purpose=SchemePurpose.SELECTION,
            name="样例评选",
            year=2025,
            scheme=scheme,
            organization=cast.org_a,
            state="announced",
        )
        dim = Dimension.objects.create(scheme=scheme, code="judged", name="评委评分")
        cast._selection_criterion_a = Indicator.objects.create(
            scheme=scheme, dimension=dim, code="deeds", name="事迹与成效", kind="entered", ceiling=40
        )
        Selection.objects.create(
            campaign=campaign,
            category="worker",
            category_name="优秀党务工作者",
            subject_kind="member",
            places=1,
            unit_quota=1,
        )
        Panel.objects.create(
            kind=CAMPAIGN,
            object_id=campaign.pk,
            organization=cast.org_a,
            title="样例评审组",
            indicators=[{"code": "deeds", "name": "事迹与成效", "min": "0", "max": "40"}],
            manage_permission="selections.manage",
        )
        cast._selection_brand_a = Brand.objects.create(
            organization=cast.branch_a, name="样例品牌", meaning="内涵"
        )
        cast._selection_case_a = InnovationCase.objects.create(
            organization=cast.branch_a, title="样例案例", summary="内容", tags=",数字化,"
        )
        DemonstrationSite.objects.create(
            organization=cast.branch_a,
            name="样例示范点",
            level="county",
            named_by="县委组织部",
            starts_on=date(2025, 1, 1),
        )
        cast._selection_nomination_a = Nomination.objects.create(
            campaign=campaign,
            unit=cast.unit_a,
            organization=cast.branch_a,
            member=cast.member_a_record,
            title=cast.member_a_record.name,
            summary="事迹",
            state="awarded",
            winner=True,
            place=1,
        )
    return cast._selection_nomination_a


for name in (
    "selections:campaign-detail",
    "selections:nomination-create",
    "selections:campaign-judge",
    "selections:campaign-start-judging",
    "selections:campaign-propose",
    "selections:campaign-publish",
    "selections:campaign-announce",
    "selections:honours-docx",
    "selections:honours-pdf",
    "selections:criterion-list",
):
    url_sample(name)(lambda cast: {"code": _selection_a(cast).campaign.code})

for name in (
    "selections:nomination-detail",
    "selections:nomination-withdraw",
    "selections:nomination-set-aside",
    "selections:nomination-replace",
    "selections:certificate",
    "selections:certificate-pdf",
):
    url_sample(name)(lambda cast: {"code": _selection_a(cast).code})

for name in ("selections:criterion-update", "selections:criterion-delete"):
    url_sample(name)(
        lambda cast: {"code": _selection_a(cast).campaign.code, "pk": cast._selection_criterion_a.pk}
    )

for name in ("selections:brand-detail", "selections:brand-logo"):
    url_sample(name)(lambda cast: {"code": (_selection_a(cast), cast._selection_brand_a)[1].code})

url_sample("selections:case-detail")(
    lambda cast: {"code": (_selection_a(cast), cast._selection_case_a)[1].code}
)

api_sample("/api/v1/selections/campaigns/{code}/results")(
    lambda cast: {"code": _selection_a(cast).campaign.code}
)
