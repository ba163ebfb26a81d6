"""Route samples for the scope tests: 党费 objects inside subtree A of the standard cast."""

from __future__ import annotations

from datetime import date

from ronghe.dues.choices import ReliefKind
from ronghe.dues.models import ArrearsCase, Relief
from tests.routes import API_ANY_LOGIN, API_SELF_SERVICE, SELF_SERVICE, api_sample, url_sample

SELF_SERVICE.update({"dues:my-dues"})
API_SELF_SERVICE.update({"/api/v1/dues/me"})
API_ANY_LOGIN.update({"/api/v1/dues/calculate"})  # arithmetic on the caller's input, no records


def _member(cast):
    return {"code": cast.member_a_record.code}


for name in (
    "dues:member",
    "dues:member-base",
    "dues:member-pay",
    "dues:member-difference",
    "dues:member-voluntary",
    "dues:member-relief",
    "dues:member-reason",
):
    url_sample(name)(_member)


@url_sample("dues:relief-decide")
def _relief(cast):
    relief = Relief.objects.create(
        member=cast.member_a_record,
        organization=cast.branch_a,
        kind=ReliefKind.EXEMPT,
        from_period=date(2026, 1, 1),
        to_period=date(2026, 3, 1),
        reason="困难",
    )
    return {"code": relief.code}


@url_sample("dues:case-close")
def _case(cast):
    case = ArrearsCase.objects.create(
        member=cast.member_a_record,
        organization=cast.branch_a,
        opened_on=date(2026, 7, 1),
        months=6,
        since=date(2026, 1, 1),
    )
    return {"code": case.code}


api_sample("/api/v1/dues/members/{code}/payments")(_member)
api_sample("/api/v1/dues/members/{code}/differences")(_member)
