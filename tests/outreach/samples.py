"""Route samples for the scope tests: an open survey of A's 总支. Answering it is the member's own
(self-service); B's users get 404 for every survey page."""

from __future__ import annotations

from ronghe.outreach import services
from ronghe.outreach.models import Survey
from tests import routes
from tests.routes import api_sample, url_sample


def sample_survey(cast) -> Survey:  # noqa: ANN001
    if getattr(cast, "_outreach_survey", None) is None:
        survey = services.create_survey(
            actor=cast.secretary_a,
            organization=cast.org_a,
            data={
                "title": "样例问卷",
                "year": 2026,
                "questions": "满意度|您对支部工作是否满意\n文字|意见建议",
            },
        )
        cast._outreach_survey = services.publish(actor=cast.secretary_a, survey=survey)
    return cast._outreach_survey


def _survey(cast) -> dict:  # noqa: ANN001
    return {"code": sample_survey(cast).code}


for name in (
    "outreach:survey-detail",
    "outreach:survey-state",
    "outreach:survey-export",
    "outreach:survey-answer",
):
    url_sample(name)(_survey)
api_sample("/api/v1/outreach/surveys/{code}/results")(_survey)

routes.SELF_SERVICE.update({"outreach:survey-answer", "outreach:my-surveys"})
