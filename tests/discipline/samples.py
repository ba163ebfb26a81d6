"""Route samples for the scope tests: a case, a risk and a discipline body in A. Nobody of the standard
cast is 纪检, so every one of these answers 404 to them."""

from __future__ import annotations

from datetime import date

from ronghe.discipline.choices import CaseSource, CommitteeKind, RiskLevel
from ronghe.discipline.models import Case, Committee, Risk, Sanction
from tests.routes import api_sample, url_sample


def case_a(cast) -> Case:  # noqa: ANN001
    if getattr(cast, "_discipline_case_a", None) is None:
        cast._discipline_case_a = Case.objects.create(
            organization=cast.branch_a,
            member=cast.member_a_record,
            source=CaseSource.LETTER,
            received_on=date(2026, 3, 2),
            summary="样例线索：反映违规收受礼金",
        )
    return cast._discipline_case_a


def sanction_a(cast) -> Sanction:  # noqa: ANN001
    if getattr(cast, "_discipline_sanction_a", None) is None:
        case = case_a(cast)
        cast._discipline_sanction_a = Sanction.objects.create(
            case=case,
            member=case.member,
            organization=case.organization,
            category="party",
            kind="warning",
            starts_on=date(2026, 3, 10),
        )
    return cast._discipline_sanction_a


def risk_a(cast) -> Risk:  # noqa: ANN001
    if getattr(cast, "_discipline_risk_a", None) is None:
        cast._discipline_risk_a = Risk.objects.create(
            organization=cast.branch_a,
            post="财务审核岗",
            description="报销审核把关不严",
            level=RiskLevel.HIGH,
            measures="双人复核",
            owner="张甲",
            next_review_on=date(2026, 6, 30),
        )
    return cast._discipline_risk_a


def committee_a(cast) -> Committee:  # noqa: ANN001
    if getattr(cast, "_discipline_committee_a", None) is None:
        cast._discipline_committee_a = Committee.objects.create(
            organization=cast.org_a, kind=CommitteeKind.COMMISSIONER, name="甲局总支纪检委员"
        )
    return cast._discipline_committee_a


url_sample("discipline:case-detail")(lambda cast: {"code": case_a(cast).code})
url_sample("discipline:case-step")(lambda cast: {"code": case_a(cast).code, "action": "verify"})
url_sample("discipline:sanction-update")(lambda cast: {"code": case_a(cast).code, "pk": sanction_a(cast).pk})
url_sample("discipline:sanction-revoke")(lambda cast: {"code": case_a(cast).code, "pk": sanction_a(cast).pk})
url_sample("discipline:risk-detail")(lambda cast: {"code": risk_a(cast).code})
url_sample("discipline:risk-review")(lambda cast: {"code": risk_a(cast).code})
url_sample("discipline:seat-add")(lambda cast: {"code": committee_a(cast).code})
api_sample("/api/v1/discipline/cases/{code}")(lambda cast: {"code": case_a(cast).code})
