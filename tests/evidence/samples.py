"""Route samples for core.evidence: a file in subtree A, attached to a rectification item of branch A."""

from __future__ import annotations

from ronghe.core.evidence.models import Evidence
from tests.rectification.samples import sample_item
from tests.routes import url_sample


def sample_evidence(cast) -> Evidence:  # noqa: ANN001
    item = sample_item(cast)
    evidence = Evidence.objects.filter(kind="rectification.item", object_id=item.pk).first()
    if evidence is None:
        evidence = Evidence.objects.create(
            kind="rectification.item",
            object_id=item.pk,
            organization=cast.branch_a,
            view_permission="ratings.view",
            original_name="样例.pdf",
            stored_name="sample-evidence-a.pdf",
            content_type="application/pdf",
            size=1,
            sha256="0" * 64,
        )
    return evidence


def _evidence(cast):  # noqa: ANN001, ANN202
    return {"code": sample_evidence(cast).code}


url_sample("evidence:download")(_evidence)
url_sample("evidence:remove")(_evidence)
