"""The audit-log search page: for the audit-administrator role only, read-only."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django import forms
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.auditlabels import AREAS
from ronghe.core.forms import StyledForm
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import audit_entries_for_user

AREA_ALIASES = {"member": "members", "org": "orgs"}  # two prefixes, one area in the filter


class AuditFilterForm(StyledForm):
    q = forms.CharField(label="用户名/对象", required=False)
    event = forms.ChoiceField(
        label="事件类别",
        required=False,
        choices=[("", "全部"), *((a, label) for a, label in AREAS.items() if a not in AREA_ALIASES.values())],
    )
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), ("success", "成功"), ("failure", "失败")]
    )
    start = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("起始日期不能晚于截止日期")
        return data


@require("audit.view")
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    qs = audit_entries_for_user(request.user)
    if form.is_valid():
        data = form.cleaned_data
        tz = timezone.get_current_timezone()
        if data["q"]:
            qs = qs.filter(
                Q(actor_username__icontains=data["q"])
                | Q(object_repr__icontains=data["q"])
                | Q(object_id=data["q"])
            )
        if data["event"]:
            area = Q(event__startswith=data["event"] + ".")
            if data["event"] in AREA_ALIASES:
                area |= Q(event__startswith=AREA_ALIASES[data["event"]] + ".")
            qs = qs.filter(area)
        if data["outcome"]:
            qs = qs.filter(outcome=data["outcome"])
        if data["start"]:
            qs = qs.filter(created_at__gte=datetime.combine(data["start"], time.min, tzinfo=tz))
        if data["end"]:
            qs = qs.filter(created_at__lt=datetime.combine(data["end"], time.max, tzinfo=tz))
    page = paginate(request, qs, 50)
    audit.record("audit.search", changes={"query": request.GET.dict()})
    return render_page_or_partial(
        request,
        "core/audit_list.html",
        {
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "breadcrumbs": [("审计日志", None)],
        },
    )
