"""The star-rating flow for tests: the cast's people, and steps driven through the services."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from django.core.files.uploadedfile import SimpleUploadedFile

from ronghe.core.evidence import services as evidence
from ronghe.core.judging import services as judging
from ronghe.core.scoring import levels
from ronghe.ratings import services
from ronghe.ratings.models import Entry

YEAR = 2026
TODAY = date(2026, 3, 2)  # a Monday
PDF = b"%PDF-1.4\n%test\n"

# Scores that earn each of the four judged stars (the fifth, 支部过硬星, is derived from records)
HIGH = {
    "political_study": "14",
    "style": "14",
    "satisfaction": "95",
    "work_results": "18",
    "brand": "9",
    "innovation": "1",
}
MID = {
    "political_study": "13",
    "style": "10",
    "satisfaction": "85",
    "work_results": "17",
    "brand": "5",
    "innovation": "0",
}
LOW = {
    "political_study": "8",
    "style": "8",
    "satisfaction": "50",
    "work_results": "10",
    "brand": "3",
    "innovation": "0",
}


def open_campaign(cast, year=YEAR, quota=None):
    scheme = services.seed_default_scheme(organization=cast.committee, year=year, actor=cast.committee_admin)
    return services.open_campaign(
        actor=cast.committee_admin,
        organization=cast.committee,
        year=year,
        scheme=scheme,
        timetable={"apply": date(year, 3, 20), "check": date(year, 3, 31), "evaluate": date(year, 4, 30)},
        quotas=[levels.Quota(5, D(quota))] if quota is not None else None,
        publicity_days=5,
    )


def attach(entry, actor):
    upload = SimpleUploadedFile("自评材料.pdf", PDF, content_type="application/pdf")
    return evidence.attach_file(
        actor=actor,
        kind="ratings.entry",
        object_id=entry.pk,
        organization=entry.organization,
        upload=upload,
        permission="ratings.apply",
    )


def self_assess(entry, actor, level=4):
    services.save_self_assessment(
        actor=actor, entry=entry, applied_level=level, self_scores={}, summary="全年工作情况"
    )


def to_checked(entry, applicant, checker):
    self_assess(entry, applicant)
    attach(entry, applicant)
    services.apply(actor=applicant, entry=entry)
    services.check(actor=checker, entry=entry, approve=True)


def score(campaign, entry, judges, scores):
    panel = services.panel_of(campaign)
    subject = panel.subjects.get(key=str(entry.pk))
    for judge in judges:
        services.add_judge(actor=campaign.created_by, campaign=campaign, judge=judge)
        judging.submit_sheet(actor=judge, panel=panel, subject=subject, scores=scores, comment="材料齐全")


def entry_of(campaign, org) -> Entry:
    return Entry.objects.get(campaign=campaign, organization=org)


def evaluated(cast, people, campaign, org, applicant, checker, scores, vetoes=None):
    entry = entry_of(campaign, org)
    to_checked(entry, applicant, checker)
    score(campaign, entry, [people["judges"][2]] if org == cast.branch_a else [people["judges"][0]], scores)
    services.evaluate(actor=cast.committee_admin, entry=entry, vetoes=vetoes or {})
    return entry
