"""Route samples for the scope tests: a case in A's branch. B's users and plain members see none of it."""

from __future__ import annotations

from datetime import date

from ronghe.core.models import ImportJob
from ronghe.recruitment.models import RecruitmentCase
from tests.factories import valid_id_number
from tests.routes import api_sample, url_sample


def _case_a(cast) -> RecruitmentCase:  # noqa: ANN001
    if getattr(cast, "_recruitment_case_a", None) is None:
        from ronghe.recruitment import services

        cast._recruitment_case_a = services.create_case(
            actor=None,
            organization=cast.branch_a,
            name="样例申请人",
            id_number=valid_id_number(date(1999, 1, 1)),
            applied_on=date(2025, 3, 1),
        )
    return cast._recruitment_case_a


for name in (
    "recruitment:case-detail",
    "recruitment:observation-create",
    "recruitment:dossier",
    "recruitment:dossier-pdf",
):
    url_sample(name)(lambda cast: {"code": _case_a(cast).code})


@url_sample("recruitment:case-step")
def _step(cast):  # noqa: ANN001, ANN202
    return {"code": _case_a(cast).code, "action": "talk"}


def _job_a(cast) -> ImportJob:  # noqa: ANN001
    if getattr(cast, "_recruitment_job_a", None) is None:
        cast._recruitment_job_a = ImportJob.objects.create(
            kind="recruitment",
            organization=cast.branch_a,
            created_by=cast.secretary_a,
            original_name="a.xlsx",
            status="validated",
        )
    return cast._recruitment_job_a


for name in ("recruitment:import-job", "recruitment:import-commit"):
    url_sample(name)(lambda cast: {"code": _job_a(cast).code})

api_sample("/api/v1/recruitment/cases/{code}")(lambda cast: {"code": _case_a(cast).code})
