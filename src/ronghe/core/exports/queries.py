"""Read side of export jobs: a user sees and downloads only the exports they asked for."""

from __future__ import annotations

from django.db.models import QuerySet

from ronghe.core.models import ExportJob
from ronghe.core.types import Actor


def exports_for_user(user: Actor) -> QuerySet[ExportJob]:
    """The user's own export jobs, newest first (another user's job is not found: 404)."""
    if not user.is_authenticated:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by_id=user.pk).select_related("organization")
