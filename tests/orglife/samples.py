"""Route samples for orglife: objects inside subtree A of the standard cast."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ronghe.orglife.models import (
    Attachment,
    Attendance,
    Decision,
    Meeting,
    MeetingRequirement,
    VoterExclusion,
)
from tests import routes
from tests.routes import api_sample, url_sample


def sample_meeting(cast) -> Meeting:  # noqa: ANN001
    meeting = Meeting.objects.filter(organization=cast.branch_a, title="样例党员大会").first()
    if meeting is None:
        now = timezone.now()
        meeting = Meeting.objects.create(
            organization=cast.branch_a,
            kind="general_meeting",
            title="样例党员大会",
            held_at=now,
            ends_at=now + timedelta(hours=1),
            checkin_code="SAMPLEA1",
            checkin_expires_at=now + timedelta(minutes=10),
        )
        Attendance.objects.create(meeting=meeting, member=cast.member_a_record)
    return meeting


def _meeting(cast):  # noqa: ANN001, ANN202
    return {"code": sample_meeting(cast).code}


for _name in (
    "orglife:meeting-detail",
    "orglife:meeting-update",
    "orglife:meeting-delete",
    "orglife:decision-create",
    "orglife:grades-update",
    "orglife:attachment-upload",
    "orglife:checkin-open",
    "orglife:checkin-projector",
    "orglife:meeting-docx",
    "orglife:exclusion-create",
):
    url_sample(_name)(_meeting)


@url_sample("orglife:decision-delete")
def _decision(cast):  # noqa: ANN001, ANN202
    m = sample_meeting(cast)
    d = Decision.objects.create(
        meeting=m, text="样例决议", voters_expected=1, voters_present=1, yes=1, no=0, abstain=0, passed=True
    )
    return {"code": m.code, "pk": d.pk}


@url_sample("orglife:exclusion-delete")
def _exclusion(cast):  # noqa: ANN001, ANN202
    m = sample_meeting(cast)
    e = VoterExclusion.objects.filter(meeting=m).first() or VoterExclusion.objects.create(
        meeting=m, member=cast.member_a_record, reason="样例", approval_ref="样例1号"
    )
    return {"code": m.code, "pk": e.pk}


@url_sample("orglife:attendance-correct")
def _attendance(cast):  # noqa: ANN001, ANN202
    m = sample_meeting(cast)
    return {"code": m.code, "pk": m.attendances.get().pk}


@url_sample("orglife:attachment-download")
def _attachment(cast):  # noqa: ANN001, ANN202
    m = sample_meeting(cast)
    a = Attachment.objects.create(
        meeting=m,
        original_name="样例.pdf",
        stored_name="sample-a.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
    )
    return {"code": a.code}


@url_sample("orglife:checkin")
def _checkin(cast):  # noqa: ANN001, ANN202
    return {"code": sample_meeting(cast).checkin_code}


@url_sample("orglife:org-calendar")
def _calendar(cast):  # noqa: ANN001, ANN202
    return {"code": cast.branch_a.code}


url_sample("orglife:ledger-xlsx")(_calendar)


@url_sample("orglife:requirement-update")
def _requirement(cast):  # noqa: ANN001, ANN202
    found = MeetingRequirement.objects.order_by("-year").first()
    if found is None:  # a transactional test flushed the seeded requirements: seed them again
        from ronghe.orglife.requirements_seed import DEFAULT_REQUIREMENTS, SEED_YEARS

        MeetingRequirement.objects.bulk_create(
            MeetingRequirement(
                year=y,
                coverage=spec.get("coverage", False),
                **{k: v for k, v in spec.items() if k != "coverage"},
            )
            for y in SEED_YEARS
            for spec in DEFAULT_REQUIREMENTS
        )
        found = MeetingRequirement.objects.order_by("-year").first()
    return {"pk": found.pk}


@api_sample("/api/v1/orglife/meetings/{code}")
def _api_meeting(cast):  # noqa: ANN001, ANN202
    return {"code": sample_meeting(cast).code}


api_sample("/api/v1/orglife/meetings/{code}/attendance")(_api_meeting)

routes.SELF_SERVICE.update({"orglife:checkin", "orglife:checkin-enter"})
