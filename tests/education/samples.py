"""Route samples for the scope tests: a training class of A's branch with one session whose check-in is
open, and its enrolled member (张甲). B's users and plain members must see none of it; the check-in
page, like the meeting's, is the member's own (self-service)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ronghe.education import services
from ronghe.education.models import TrainingSession
from tests import routes
from tests.routes import api_sample, url_sample


def sample_session(cast) -> TrainingSession:  # noqa: ANN001
    if getattr(cast, "_education_session", None) is None:
        today = timezone.localdate()
        tc = services.create_class(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={
                "title": "样例培训班",
                "audience": "all",
                "starts_on": today,
                "ends_on": today + timedelta(days=2),
            },
        )
        services.enrol(actor=cast.secretary_a, training_class=tc, members=[cast.member_a_record])
        now = timezone.now()
        session = services.add_session(
            actor=cast.secretary_a,
            training_class=tc,
            title="样例课程",
            starts_at=now - timedelta(minutes=10),
            ends_at=now + timedelta(hours=2),
            hours="2",
        )
        cast._education_session = services.open_checkin(actor=cast.secretary_a, session=session)
    return cast._education_session


def _class(cast) -> dict:  # noqa: ANN001
    return {"code": sample_session(cast).training_class.code}


def _session(cast) -> dict:  # noqa: ANN001
    return {"code": sample_session(cast).code}


for name in ("education:class-detail", "education:class-enrol", "education:session-create"):
    url_sample(name)(_class)
for name in ("education:session-checkin-open", "education:session-attendance"):
    url_sample(name)(_session)


@url_sample("education:checkin")
def _checkin(cast) -> dict:  # noqa: ANN001
    return {"code": sample_session(cast).checkin_code}


api_sample("/api/v1/education/classes/{code}/attendance")(_class)


def sample_external(cast):  # noqa: ANN001
    """张甲's external training waiting for the branch."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    if getattr(cast, "_education_external", None) is None:
        today = timezone.localdate()
        cast._education_external = services.submit_external_training(
            actor=cast.member_a,
            member=cast.member_a_record,
            data={
                "title": "样例外部培训",
                "organiser": "县委党校",
                "starts_on": today - timedelta(days=3),
                "ends_on": today - timedelta(days=2),
                "hours": "8",
            },
            upload=SimpleUploadedFile("cert.pdf", b"%PDF-1.4 sample", content_type="application/pdf"),
        )
    return cast._education_external


for name in ("education:external-detail", "education:external-decide", "education:external-withdraw"):
    url_sample(name)(lambda cast: {"code": sample_external(cast).code})

routes.SELF_SERVICE.update(
    {
        "education:checkin",
        "education:my-learning",
        "education:external-create",
        "education:external-detail",
        "education:external-withdraw",
    }
)


def sample_ceremony(cast):  # noqa: ANN001
    """A 政治生日 ceremony of A's branch with 张甲."""
    if getattr(cast, "_education_ceremony", None) is None:
        member = cast.member_a_record
        cast._education_ceremony = services.hold_birthday_ceremony(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            held_on=timezone.localdate().replace(year=2025, month=member.joined_on.month, day=1),
            members=[member],
        )
    return cast._education_ceremony


url_sample("education:birthday-detail")(lambda cast: {"code": sample_ceremony(cast).code})


def sample_material(cast):  # noqa: ANN001
    """A 党课 material published to A's branch (a link), which 张甲 may open."""
    from ronghe.education import materials

    if getattr(cast, "_education_material", None) is None:
        cast._education_material = materials.publish_material(
            actor=cast.secretary_a,
            organization=cast.branch_a,
            data={"title": "样例党课", "kind": "lecture", "url": "https://example.org/lecture"},
        )
    return cast._education_material


for name in (
    "education:material-detail",
    "education:material-open",
    "education:material-file",
):
    url_sample(name)(lambda cast: {"code": sample_material(cast).code})

# a member opens a material published to their own branch (their reading is recorded, nobody else's shown)
routes.SELF_SERVICE.update({"education:material-open", "education:material-file"})
