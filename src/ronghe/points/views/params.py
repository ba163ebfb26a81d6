"""What several points pages read from the request: the year asked for, the user's own member record."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone

from ronghe.members.models import Member
from ronghe.points.forms import (
    YearForm,
)


def requested_year(request: HttpRequest) -> int:
    form = YearForm(request.GET)
    if form.is_valid() and form.cleaned_data["year"]:
        return form.cleaned_data["year"]
    return timezone.localdate().year


def own_member(request: HttpRequest) -> Member | None:
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        return None
    return Member.objects.select_related("organization").get(pk=member_id)
