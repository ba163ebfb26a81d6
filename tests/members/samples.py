"""Route samples for the members app: objects inside subtree A of the standard cast."""

from datetime import date

from ronghe.members.models import Transfer
from tests.routes import API_SELF_SERVICE, SELF_SERVICE, api_sample, url_sample

# A plain member may open their own record (page and API); the sample is member_a's own.
SELF_SERVICE.add("members:member-detail")
API_SELF_SERVICE.add("/api/v1/members/{code}")


def _member(cast):
    return {"code": cast.member_a_record.code}


for _name in (
    "members:member-detail",
    "members:member-update",
    "members:member-unmask",
    "members:member-status",
    "members:member-transfer-internal",
    "members:member-transfer-outgoing",
):
    url_sample(_name)(_member)


@url_sample("members:transfer-transition")
def _transfer(cast):
    transfer, _ = Transfer.objects.get_or_create(
        member=cast.member_a_record,
        kind="outgoing",
        status="pending",
        organization=cast.branch_a,
        from_organization=cast.branch_a,
        counterpart="外省某党支部",
        issued_on=date(2026, 1, 5),
        validity_days=30,
    )
    return {"code": transfer.code}


@api_sample("/api/v1/members/{code}")
def _api_member(cast):
    return {"code": cast.member_a_record.code}
