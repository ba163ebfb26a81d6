"""Route samples for reports: the 年度工作报告 of an organization inside subtree A of the standard cast."""

from __future__ import annotations

from tests.routes import url_sample


def _annual(cast):  # noqa: ANN001, ANN202
    return {"code": cast.org_a.code, "year": 2025}


for _name in ("reports:annual-detail", "reports:annual-generate", "reports:annual-docx"):
    url_sample(_name)(_annual)


@url_sample("reports:annual-section")
def _annual_section(cast):  # noqa: ANN001, ANN202
    return {**_annual(cast), "key": "basic"}
