"""The selection flow for tests: steps driven through the services."""

from __future__ import annotations

from datetime import date

from ronghe.core.judging import services as judging
from ronghe.core.scoring import levels
from ronghe.selections import rules, services
from tests.factories import MemberFactory

YEAR = 2025
TODAY = date(2026, 3, 2)  # a Monday
NO_RULES = rules.Eligibility()
SCORES_HIGH = {"deeds": "38", "exemplary": "28", "innovation": "18", "recognition": "9"}


def open_campaign(
    cast,
    *,
    category: str = "worker",
    places: int = 1,
    unit_quota: int = 2,
    tie_rule: str = levels.TIES_EXCLUDE,
    aggregation: str = levels.TRIMMED_MEAN,
    eligibility: rules.Eligibility | None = NO_RULES,
):
    return services.open_campaign(
        actor=cast.committee_admin,
        organization=cast.committee,
        year=YEAR,
        category=category,
        places=places,
        unit_quota=unit_quota,
        timetable={"nominate": date(2026, 3, 10), "judge": date(2026, 3, 20)},
        aggregation=aggregation,
        tie_rule=tie_rule,
        eligibility=eligibility,
    )


def nominate_member(campaign, actor, organization, name: str, **member_fields):
    member = MemberFactory(name=name, organization=organization, **member_fields)
    return services.nominate(actor=actor, campaign=campaign, member=member, summary=f"{name}的主要事迹")


def score(campaign, judge, nomination, total_each: dict[str, str]):
    panel = services.panel_of(campaign)
    subject = panel.subjects.get(key=str(nomination.pk))
    return judging.submit_sheet(actor=judge, panel=panel, subject=subject, scores=total_each)


def sheet(deeds: int, rest: int = 0) -> dict[str, str]:
    """A sheet scoring `deeds` on 事迹与成效 and `rest` on each other criterion."""
    return {
        "deeds": str(deeds),
        "exemplary": str(rest),
        "innovation": str(min(rest, 20)),
        "recognition": str(min(rest, 10)),
    }
