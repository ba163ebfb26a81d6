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


def sample_activity(cast):  # noqa: ANN001, ANN201
    if getattr(cast, "_outreach_activity", None) is None:
        from datetime import timedelta

        from django.utils import timezone

        from ronghe.outreach import volunteering

        now = timezone.now()
        activity = volunteering.create_activity(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={
                "title": "样例志愿服务",
                "starts_at": now - timedelta(minutes=5),
                "ends_at": now + timedelta(hours=2),
                "hours": "2",
            },
        )
        cast._outreach_activity = volunteering.open_checkin(actor=cast.secretary_a, activity=activity)
    return cast._outreach_activity


for name in ("outreach:activity-detail", "outreach:activity-checkin-open", "outreach:activity-sign-up"):
    url_sample(name)(lambda cast: {"code": sample_activity(cast).code})
url_sample("outreach:checkin")(lambda cast: {"code": sample_activity(cast).checkin_code})
routes.SELF_SERVICE.update({"outreach:checkin", "outreach:my-volunteering", "outreach:activity-sign-up"})


def sample_pairing(cast):  # noqa: ANN001, ANN201
    if getattr(cast, "_outreach_pairing", None) is None:
        from datetime import date

        from ronghe.outreach import pairing

        p = pairing.add_pairing(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={"kind": "community", "partner": "样例社区", "started_on": date(2026, 1, 1)},
        )
        cast._outreach_visit = pairing.record_visit(
            actor=cast.secretary_a,
            pairing=p,
            data={
                "visited_on": date(2026, 3, 1),
                "summary": "走访",
                "issue": "路灯损坏",
                "follow_up_due": date(2026, 3, 31),
            },
        )
        cast._outreach_pairing = p
    return cast._outreach_pairing


url_sample("outreach:pairing-detail")(lambda cast: {"code": sample_pairing(cast).code})
url_sample("outreach:visit-close")(
    lambda cast: {"code": sample_pairing(cast).code, "pk": cast._outreach_visit.pk}
)


def sample_team(cast):  # noqa: ANN001
    """A 党员志愿服务先锋队 of A's branch with 张甲 as its captain."""
    from ronghe.outreach import volunteering

    if getattr(cast, "_outreach_team", None) is None:
        team = volunteering.create_team(actor=cast.secretary_a, organization=cast.branch_a, name="样例先锋队")
        volunteering.add_team_members(
            actor=cast.secretary_a, team=team, members=[cast.member_a_record], captain=cast.member_a_record
        )
        cast._outreach_team = team
    return cast._outreach_team


url_sample("outreach:team-detail")(lambda cast: {"code": sample_team(cast).code})
