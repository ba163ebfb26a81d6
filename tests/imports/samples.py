"""Route samples for the roster import/export routes (objects in subtree A)."""

from __future__ import annotations

from ronghe.core.models import ImportJob, ImportStatus
from tests.routes import url_sample


def _job(cast) -> ImportJob:  # noqa: ANN001
    job, _ = ImportJob.objects.get_or_create(
        kind="members",
        organization=cast.branch_a,
        original_name="甲局名册.xlsx",
        defaults={"status": ImportStatus.VALIDATED, "created_by": cast.secretary_a, "valid_count": 1},
    )
    return job


@url_sample("member_io:import-job")
@url_sample("member_io:import-columns")
@url_sample("member_io:import-commit")
@url_sample("member_io:import-cancel")
@url_sample("member_io:import-retry")
@url_sample("member_io:import-rejected")
def job_sample(cast):  # noqa: ANN001, ANN201
    return {"code": _job(cast).code}


@url_sample("member_io:member-card")
def member_sample(cast):  # noqa: ANN001, ANN201
    return {"code": cast.member_a_record.code}
