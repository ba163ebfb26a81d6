"""Payroll import: a 工资表 → each member's base, with column mapping; checked before anything is written."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.permissions import require
from ronghe.dues import imports, queries, rules
from ronghe.dues.forms import PayrollImportForm
from ronghe.dues.views.params import requested_org


@require("dues.import")
def payroll_import(request: AuthenticatedRequest) -> HttpResponse:
    org = requested_org(request, "dues.import")
    form = PayrollImportForm(request.POST or None, request.FILES or None)
    context: dict[str, Any] = {
        "org": org,
        "orgs": queries.organization_picker(request.user, "dues.import"),
        "items": rules.PAYROLL_ITEMS,
        "breadcrumbs": [("党费收缴", reverse("dues:collection")), ("导入工资表", None)],
    }
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                outcome = imports.import_payroll(
                    actor=request.user,
                    organization=org,
                    upload=form.cleaned_data["file"],
                    effective_from=form.cleaned_data["effective_from"],
                    mapping_text=form.cleaned_data["mapping"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                context["outcome"] = outcome
                status = 200 if not outcome.invalid else 422
    context["form"] = form
    return render(request, "dues/import.html", context, status=status)
