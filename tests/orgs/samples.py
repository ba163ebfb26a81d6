"""Route samples for the orgs app: objects inside subtree A of the standard cast."""

from datetime import date

from ronghe.orgs.models import Officer, PartyWorker
from tests.routes import api_sample, url_sample


def _org(cast):
    return {"code": cast.branch_a.code}


for _name in (
    "orgs:organization-detail",
    "orgs:organization-update",
    "orgs:organization-move",
    "orgs:officer-create",
    "orgs:worker-create",
):
    url_sample(_name)(_org)


@url_sample("orgs:officer-end")
def _officer(cast):
    officer, _ = Officer.objects.get_or_create(
        organization=cast.branch_a, member=cast.member_a_record, post="secretary", started_on=date(2024, 1, 1)
    )
    return {"code": officer.code}


@url_sample("orgs:worker-end")
def _worker(cast):
    worker, _ = PartyWorker.objects.get_or_create(
        organization=cast.branch_a, name="王专职", kind="full_time", started_on=date(2024, 1, 1)
    )
    return {"code": worker.code}


@api_sample("/api/v1/organizations/{code}")
def _api_org(cast):
    return {"code": cast.branch_a.code}
