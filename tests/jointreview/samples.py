"""Route samples for the scope tests: a joint review at A's 总支."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ronghe.core.jointreview.models import JointReview
from tests.routes import SELF_SERVICE, url_sample

# The list is the user's own to-do (reviews waiting for their departments): empty for a plain member.
SELF_SERVICE.add("jointreview:review-list")


def _review_a(cast) -> JointReview:
    if getattr(cast, "_review_a", None) is None:
        cast._review_a = JointReview.objects.create(
            kind="tests.sample",
            object_id=1,
            organization=cast.org_a,
            title="联审样例",
            items=[{"key": "1", "label": "样例项", "detail": ""}],
            departments=[{"code": "discipline", "name": "纪检", "permission": "review.discipline"}],
            due_on=timezone.localdate() + timedelta(days=5),
            override_permission="ratings.manage",
            view_permission="ratings.view",
        )
    return cast._review_a


for name in ("jointreview:review-detail", "jointreview:opinion-give", "jointreview:review-override"):
    url_sample(name)(lambda cast: {"code": _review_a(cast).code})
