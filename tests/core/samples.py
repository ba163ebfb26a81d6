"""Route samples for core's own pages: an export job of secretary A (nobody else's to open)."""

from __future__ import annotations

from ronghe.core.exports import jobs
from ronghe.core.models import ExportJob, ExportState
from tests.routes import ANY_LOGIN, url_sample

ANY_LOGIN.add("exports:job-list")  # 我的导出: the user's own jobs only


def _export_a(cast) -> dict[str, str]:
    """A finished ledger export secretary A asked for, its file on disk."""
    if getattr(cast, "_export_a", None) is None:
        stored = "route-sample.xlsx"
        (jobs.storage_dir() / stored).write_bytes(cast.branch_a.name.encode())
        cast._export_a = ExportJob.objects.create(
            kind="points.ledger",
            title=f"{cast.branch_a.name}积分台账.xlsx",
            parameters={"year": 2025},
            organization=cast.branch_a,
            requested_by=cast.secretary_a,
            state=ExportState.DONE,
            stored_name=stored,
        )
    return {"code": cast._export_a.code}


url_sample("exports:job-detail")(_export_a)
url_sample("exports:job-download")(_export_a)
