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


def to_review(cast, people, *, places: int = 1):
    """A campaign with three scored nominees, proposed to the joint review: 王一 (A, 30), 王二 (A, 20)
    and 李一 (B, 36). With one place 李一 wins; 王一 is next in line, then 王二."""
    from datetime import timedelta

    campaign = open_campaign(cast, places=places)
    for judge in people["judges"]:
        services.add_judge(actor=cast.committee_admin, campaign=campaign, judge=judge)
    a1 = nominate_member(campaign, people["unit_a"], cast.branch_a, "王一")
    a2 = nominate_member(campaign, people["unit_a"], cast.branch_a, "王二")
    b1 = nominate_member(campaign, people["unit_b"], cast.branch_b, "李一")
    services.start_judging(actor=cast.committee_admin, campaign=campaign)
    _j0, j1, j2 = people["judges"]
    for judge in (j1, j2):
        score(campaign, judge, a1, sheet(30, 10))
        score(campaign, judge, a2, sheet(20, 10))
        score(campaign, judge, b1, sheet(36, 10))
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=TODAY + timedelta(days=7))
    for n in (a1, a2, b1):
        n.refresh_from_db()
    return campaign, a1, a2, b1


def agree_all(campaign, people) -> None:
    from ronghe.core.jointreview import services as jointreview
    from ronghe.core.jointreview.choices import ReviewState

    for review in jointreview.for_object(rules.CAMPAIGN, campaign.pk).filter(state=ReviewState.OPEN):
        jointreview.give_opinion(
            actor=people["jijian"], review=review, department="discipline", verdict="agree"
        )


def close_publicity(campaign, cast, travel) -> None:
    from datetime import timedelta

    from ronghe.core.publicity import services as publicity
    from ronghe.core.publicity.choices import PublicationState

    pubs = list(publicity.for_object(rules.CAMPAIGN, campaign.pk).exclude(state=PublicationState.CLOSED))
    travel.move_to(max(p.ends_on for p in pubs) + timedelta(days=1))
    for publication in pubs:
        publicity.close(actor=cast.committee_admin, publication=publication)
