"""What several points pages read from the request: the year asked for, the user's own member record."""

from __future__ import annotations

from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.accounts.models import User
from ronghe.members.models import Member
from ronghe.points.forms import (
    YearForm,
)


def requested_year(request: AuthenticatedRequest) -> int:
    form = YearForm(request.GET)
    if form.is_valid():
        year: int | None = form.cleaned_data["year"]
        if year:
            return year
    return timezone.localdate().year


def own_member(request: AuthenticatedRequest) -> Member | None:
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        return None
    user = request.user
    # read with the account (accounts.backends) unless the account came from elsewhere
    if User.member.is_cached(user) and user.member is not None and Member.organization.is_cached(user.member):
        return user.member
    return Member.objects.select_related("organization").get(pk=member_id)
