"""What the 党费 pages read from the request: the organization, the month, the year."""

from __future__ import annotations

from datetime import date

from django.http import Http404
from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.scope import OutOfScope
from ronghe.dues import queries, rules
from ronghe.members.models import Member
from ronghe.orgs.models import Organization


def requested_org(request: AuthenticatedRequest, perm: str = "dues.view") -> Organization:
    """?org=<code> among the organizations the user may see for `perm`; default the top one
    (a write names its organization: a POST without one is refused)."""
    orgs = queries.organizations_for(request.user, perm)
    code = request.GET.get("org") or request.POST.get("org")
    if not code and request.method == "POST":
        raise Http404("未找到或无权访问")
    try:
        org = orgs.filter(code=code).first() if code else orgs.order_by("path").first()
    except Exception as exc:  # a malformed code: as if absent from the user's tree
        raise OutOfScope("未找到或无权访问") from exc
    if org is None:
        raise Http404("未找到或无权访问")
    return org


def requested_period(request: AuthenticatedRequest) -> date:
    text = request.GET.get("period") or request.POST.get("period") or ""
    try:
        year, month = (int(p) for p in text.split("-")[:2])
        return date(year, month, 1)
    except ValueError:
        return rules.first_of_month(timezone.localdate())


def requested_year(request: AuthenticatedRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def own_member(request: AuthenticatedRequest) -> Member | None:
    member_id = getattr(request.user, "member_id", None)
    if not member_id:
        return None
    return Member.objects.select_related("organization").get(pk=member_id)
