"""Route samples for the scope tests: an assessment run at A's 总支 (unit A only), A's KPI and a
述职评议 round of A. B's users and plain members must see none of it.

The vote page (`voting:vote`) is for anyone signed in who holds the code shown in the meeting room,
like the meeting check-in link: it is listed with the routes any login may open."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from ronghe.assessment import debriefs, kpis, services
from ronghe.assessment.models import Entry, KpiDefinition
from tests.routes import ANY_LOGIN, url_sample

ANY_LOGIN.add("voting:vote")


def _assessment_a(cast) -> Entry:
    if getattr(cast, "_assessment_entry_a", None) is None:
        campaign = services.open_assessment(
            actor=cast.committee_admin, organization=cast.org_a, year=2026, party_weight=Decimal(30)
        )
        cast._assessment_entry_a = Entry.objects.get(campaign=campaign)
        cast._assessment_kpi_a = kpis.define_kpi(
            actor=cast.committee_admin,
            unit=cast.unit_a,
            year=2026,
            data={"code": "revenue", "name": "营业收入", "target": "100", "weight": "1"},
        )
        cast._assessment_round_a = debriefs.create_round(
            actor=cast.committee_admin,
            organization=cast.org_a,
            year=2026,
            title="样例述职评议",
            held_on=date(2026, 12, 1),
            secretaries=[(cast.unit_a, "王书记", "党组书记")],
        )
    return cast._assessment_entry_a


for name in (
    "assessment:campaign-detail",
    "assessment:campaign-evaluate",
    "assessment:campaign-finalize",
    "assessment:campaign-settings",
    "assessment:quadrant",
):
    url_sample(name)(lambda cast: {"code": _assessment_a(cast).campaign.code})

url_sample("assessment:campaign-export")(
    lambda cast: {"code": _assessment_a(cast).campaign.code, "fmt": "xlsx"}
)
url_sample("assessment:entry-detail")(lambda cast: {"code": _assessment_a(cast).code})


def _kpi_a(cast) -> KpiDefinition:
    _assessment_a(cast)
    return cast._assessment_kpi_a


def _round_a(cast):
    _assessment_a(cast)
    return cast._assessment_round_a


url_sample("assessment:kpi-detail")(lambda cast: {"pk": _kpi_a(cast).pk})
url_sample("assessment:round-detail")(lambda cast: {"code": _round_a(cast).code})
url_sample("assessment:round-action")(lambda cast: {"code": _round_a(cast).code, "action": "open"})
url_sample("assessment:debrief-materials")(lambda cast: {"code": _round_a(cast).debriefs.get().code})
url_sample("assessment:debrief-grade")(lambda cast: {"code": _round_a(cast).debriefs.get().code})


def _vanguard_a(cast):
    if getattr(cast, "_vanguard_a", None) is None:
        from ronghe.assessment import vanguards

        cast._vanguard_a = vanguards.create(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={"kind": "post", "name": "样例先锋岗", "year": 2026, "business_task": "窗口服务"},
            member_ids=[cast.member_a_record.pk],
        )
        cast._milestone_a = vanguards.add_milestone(
            actor=cast.secretary_a, vanguard=cast._vanguard_a, title="节点", due_on=date(2026, 6, 1)
        )
    return cast._vanguard_a


for name in ("assessment:vanguard-detail", "assessment:vanguard-milestone", "assessment:vanguard-close"):
    url_sample(name)(lambda cast: {"code": _vanguard_a(cast).code})
url_sample("assessment:milestone-done")(
    lambda cast: {"code": _vanguard_a(cast).code, "pk": cast._milestone_a.pk}
)
url_sample("voting:vote")(lambda cast: {"token": "no-such-code"})
