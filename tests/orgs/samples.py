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
    "orgs:organization-dissolve",
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
@api_sample("/api/v1/organizations/{code}/dissolve")
def _api_org(cast):
    return {"code": cast.branch_a.code}


def _unit(cast):
    return {"code": cast.unit_a.code}


for _name in ("orgs:unit-detail", "orgs:unit-update", "orgs:leader-create", "orgs:department-create"):
    url_sample(_name)(_unit)


@url_sample("orgs:leader-update")
@url_sample("orgs:leader-remove")
def _leader(cast):
    from ronghe.orgs.models import Leader

    leader, _ = Leader.objects.get_or_create(unit=cast.unit_a, name="王局长", title="局长")
    return {"code": leader.code}


@url_sample("orgs:department-update")
@url_sample("orgs:department-remove")
def _department(cast):
    from ronghe.orgs.models import Department

    department, _ = Department.objects.get_or_create(unit=cast.unit_a, name="办公室")
    return {"code": department.code}


@api_sample("/api/v1/units/{code}")
def _api_unit(cast):
    return {"code": cast.unit_a.code}


def _unit_job(cast):
    from ronghe.core.models import ImportJob

    job, _ = ImportJob.objects.get_or_create(
        kind="units", organization=cast.committee, original_name="单位.xlsx", defaults={"status": "validated"}
    )
    return {"code": job.code}


for _name in ("orgs:unit-import-job", "orgs:unit-import-commit", "orgs:unit-import-cancel"):
    url_sample(_name)(_unit_job)
