"""Route samples for the scope tests: a publication over A's 总支 with one objection."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ronghe.core.publicity.models import Objection, Publication
from tests.routes import SELF_SERVICE, url_sample

# Members of the subtree read the 公示 and object to it; the list shows what the user may see.
SELF_SERVICE.update(
    {"publicity:publication-list", "publicity:publication-detail", "publicity:objection-create"}
)


def _publication_a(cast) -> Publication:
    if getattr(cast, "_publication_a", None) is None:
        today = timezone.localdate()
        cast._publication_a = Publication.objects.create(
            kind="tests.sample",
            object_id=1,
            organization=cast.org_a,
            title="公示样例",
            items=[{"key": "1", "label": "样例项", "detail": ""}],
            view_permission="ratings.view",
            handle_permission="ratings.manage",
            starts_on=today - timedelta(days=1),
            ends_on=today + timedelta(days=5),
            working_days=5,
        )
        cast._objection_a = Objection.objects.create(publication=cast._publication_a, text="样例异议")
    return cast._publication_a


for name in ("publicity:publication-detail", "publicity:objection-create", "publicity:publication-close"):
    url_sample(name)(lambda cast: {"code": _publication_a(cast).code})


@url_sample("publicity:objection-handle")
def _handle(cast):
    publication = _publication_a(cast)
    return {"code": publication.code, "pk": cast._objection_a.pk}
