"""Year end: open the 公示 period, then finalize."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import workdays
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.permissions import require
from ronghe.core.scope import scoped
from ronghe.points import queries, services
from ronghe.points.forms import (
    FinalizeForm,
    PublicityForm,
)
from ronghe.points.models import YearClosing

# Default 公示 period (domain-rules §3 "≥ 5 工作日" [C]; set RONGHE_PUBLICITY_WORKING_DAYS in settings).
PUBLICITY_WORKING_DAYS = getattr(settings, "RONGHE_PUBLICITY_WORKING_DAYS", 5)
FALLBACK_WARNING = (
    "公示期涉及尚未公布节假日安排的年份，已按周一至周五估算截止日期，请核对；"
    "管理员可在节假日表中补充该年安排。"
)


@require("points.manage_scheme")
def year_end(request: AuthenticatedRequest) -> HttpResponse:
    root = queries.default_root(request.user, "points.manage_scheme")
    publicity_form = PublicityForm(
        initial={"year": timezone.localdate().year, "working_days": PUBLICITY_WORKING_DAYS}
    )
    finalize_form = FinalizeForm(initial={"year": timezone.localdate().year})
    status = 200
    if request.method == "POST":
        assert root is not None  # require() let in a holder of points.manage_scheme somewhere
        try:
            if request.POST.get("step") == "finalize":
                finalize_form = FinalizeForm(request.POST)
                if finalize_form.is_valid():
                    services.finalize_year(
                        actor=request.user, organization=root, year=finalize_form.cleaned_data["year"]
                    )
                    messages.success(request, "年度积分已定稿")
                    return redirect(reverse("points:year-end"))
            else:
                publicity_form = PublicityForm(request.POST)
                if publicity_form.is_valid():
                    data = publicity_form.cleaned_data
                    closing = services.start_publicity(
                        actor=request.user,
                        organization=root,
                        year=data["year"],
                        until=None if data["working_days"] else data["until"],
                        working_days=data["working_days"],
                    )
                    messages.success(request, f"已开始公示，截止 {closing.publicity_until:%Y-%m-%d}")
                    if closing.publicity_fallback:
                        messages.warning(request, FALLBACK_WARNING)
                    return redirect(reverse("points:year-end"))
        except DomainError as exc:
            form = finalize_form if request.POST.get("step") == "finalize" else publicity_form
            add_to_form(form, exc)
        status = 422
    closings = scoped(
        YearClosing.objects.select_related("organization", "finalized_by"), request.user, "points.view"
    )
    return render(
        request,
        "points/year_end.html",
        {
            "root": root,
            "closings": closings,
            "publicity_form": publicity_form,
            "finalize_form": finalize_form,
            "calendar_gap": [
                y
                for y in (timezone.localdate().year, timezone.localdate().year + 1)
                if workdays.day_source(date(y, 1, 1), workdays.load_table()) == workdays.FALLBACK
            ],
            "fallback_warning": FALLBACK_WARNING,
            "breadcrumbs": [("年度公示与定稿", None)],
        },
        status=status,
    )
