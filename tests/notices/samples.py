"""Route samples for notices: a notice published at branch A (it reaches 张甲, a plain member there)."""

from __future__ import annotations

from django.utils import timezone

from ronghe.notices.models import Notice
from tests.routes import API_SELF_SERVICE, SELF_SERVICE, api_sample, url_sample

# A member opens the notices that reach them: their own reading, never another subtree's.
SELF_SERVICE.update({"notices:notice-list", "notices:notice-detail"})
API_SELF_SERVICE.update({"/api/v1/notices", "/api/v1/notices/{code}"})


def sample_notice(cast) -> Notice:  # noqa: ANN001
    found = Notice.objects.filter(organization=cast.branch_a).first()
    return found or Notice.objects.create(
        organization=cast.branch_a, title="甲支部通知", body="请按时参加主题党日", published_at=timezone.now()
    )


@url_sample("notices:notice-detail")
def _notice(cast):  # noqa: ANN001, ANN202
    return {"code": sample_notice(cast).code}


api_sample("/api/v1/notices/{code}")(_notice)
