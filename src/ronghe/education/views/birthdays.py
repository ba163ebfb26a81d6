"""政治生日: the month's ceremony of an organization (who celebrated, the oath retaken, the photo)."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.evidence import services as evidence
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.education import queries, rules, services
from ronghe.education.forms import BirthdayForm
from ronghe.education.models import BirthdayCeremony
from ronghe.orgs.models import Organization


@require(services.VIEW)
def birthday_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(
        request, queries.ceremonies_for_user(request.user).order_by("-held_on", "-id"), per_page=20
    )
    return render_page_or_partial(
        request,
        "education/birthday_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "can_hold": scoped(Organization.objects.all(), request.user, services.EDIT).exists(),
        },
    )


@require(services.EDIT)
def birthday_create(request: AuthenticatedRequest) -> HttpResponse:
    """Choose the organization and the date; the members whose anniversary falls in that month are
    listed, all ticked; the secretary unticks who did not take part."""
    nodes = list(
        scoped(Organization.objects.filter(is_active=True), request.user, services.EDIT).order_by("path")[
            :200
        ]
    )
    data = request.POST if request.method == "POST" else request.GET
    wanted = data.get("org", "")
    # an organization named but not among the user's is refused, never swapped for another one
    org = next((n for n in nodes if str(n.code) == wanted), None if wanted else (nodes[0] if nodes else None))
    try:
        held_on = BirthdayForm.base_fields["held_on"].clean(data.get("held_on")) or timezone.localdate()
    except ValidationError:
        held_on = timezone.localdate()  # the bound form reports the bad date
    # the date chosen above the list is the ceremony's date in the form (the listed members are its month's)
    form = BirthdayForm(request.POST or None, request.FILES or None, initial={"held_on": held_on})
    eligible = services.birthday_members(org, held_on.month) if org is not None else []
    if request.method == "POST" and form.is_valid():
        chosen = set(request.POST.getlist("members"))
        picked = [m for m in eligible if str(m.pk) in chosen]
        if org is None or not has_perm_at(request.user, services.EDIT, org.path):
            form.add_error(None, "请选择您有权登记的党组织")
        elif not picked:
            form.add_error(None, "请至少选择一名过政治生日的党员")
        else:
            try:
                ceremony = services.hold_birthday_ceremony(
                    actor=request.user,
                    organization=org,
                    held_on=form.cleaned_data["held_on"],
                    members=picked,
                    oath_retaken=form.cleaned_data["oath_retaken"],
                    note=form.cleaned_data["note"],
                    photo=form.cleaned_data["photo"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "政治生日仪式已登记")
                return redirect("education:birthday-detail", code=ceremony.code)
    return render(
        request,
        "education/birthday_form.html",
        {"form": form, "nodes": nodes, "org": org, "month": held_on.month, "eligible": eligible},
    )


@require(services.VIEW)
def birthday_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    ceremony = get_for_user_or_404(
        BirthdayCeremony.objects.select_related("organization"), request.user, perm=services.VIEW, code=code
    )
    return render(
        request,
        "education/birthday_detail.html",
        {
            "ceremony": ceremony,
            "attendees": list(ceremony.attendees.order_by("joined_on__day", "name")),
            "photos": evidence.for_object(rules.BIRTHDAY_KIND, ceremony.pk),
        },
    )
