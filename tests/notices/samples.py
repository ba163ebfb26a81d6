"""Route samples for notices: a notice published at branch A (it reaches 张甲, a plain member there)."""

from __future__ import annotations

from django.utils import timezone

from ronghe.core.evidence.models import Evidence
from ronghe.notices import rules
from ronghe.notices.models import Notice
from tests.routes import API_SELF_SERVICE, SELF_SERVICE, api_sample, url_sample

# A member opens the notices that reach them: their own reading, never another subtree's.
SELF_SERVICE.update({"notices:notice-list", "notices:notice-detail", "notices:notice-attachment"})
API_SELF_SERVICE.update({"/api/v1/notices", "/api/v1/notices/{code}"})


def sample_notice(cast) -> Notice:  # noqa: ANN001
    found = Notice.objects.filter(organization=cast.branch_a).first()
    return found or Notice.objects.create(
        organization=cast.branch_a, title="甲支部通知", body="请按时参加主题党日", published_at=timezone.now()
    )


@url_sample("notices:notice-remind")
@url_sample("notices:notice-detail")
def _notice(cast):  # noqa: ANN001, ANN202
    return {"code": sample_notice(cast).code}


api_sample("/api/v1/notices/{code}")(_notice)


@url_sample("notices:notice-attachment")
def _attachment(cast):  # noqa: ANN001, ANN202
    notice = sample_notice(cast)
    evidence = Evidence.objects.filter(kind=rules.ATTACHMENT_KIND, object_id=notice.pk).first()
    evidence = evidence or Evidence.objects.create(
        kind=rules.ATTACHMENT_KIND,
        object_id=notice.pk,
        organization=cast.branch_a,
        view_permission="notices.publish",
        original_name="安排.pdf",
        stored_name="not-stored.pdf",
    )
    return {"code": notice.code, "file": evidence.code}
