"""Statements: 收缴 by month (page and xlsx), per branch, and the yearly publication of 收缴/使用."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.downloads import XLSX, generated
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.permissions import require
from ronghe.core.scope import has_perm_at
from ronghe.dues import exports, queries, services
from ronghe.dues.forms import SettingsForm, UseForm
from ronghe.dues.views.params import requested_org, requested_year


@require("dues.view")
def statement(request: AuthenticatedRequest) -> HttpResponse:
    org = requested_org(request)
    year = requested_year(request)
    statement = queries.statement(org, year)
    return render(
        request,
        "dues/statement.html",
        {
            "org": org,
            "orgs": queries.organization_picker(request.user),
            "year": year,
            "statement": statement,
            "branches": statement.branches,
            "breadcrumbs": [("党费收缴", reverse("dues:collection")), ("收缴报表", None)],
        },
    )


@require("dues.view")
def statement_xlsx(request: AuthenticatedRequest) -> HttpResponse:
    org = requested_org(request)
    year = requested_year(request)
    buffer = io.BytesIO()
    statement = queries.statement(org, year)
    exports.write_statement(buffer, statement, statement.branches)
    audit.record("dues.statement_export", actor=request.user, obj=org, changes={"year": year})
    return generated(buffer.getvalue(), XLSX, f"{org.name}{year}年党费收缴情况.xlsx")


def _publication_page(
    request: AuthenticatedRequest, form: UseForm | None = None, status: int = 200
) -> HttpResponse:
    org = requested_org(request)
    year = requested_year(request)
    return render(
        request,
        "dues/publication.html",
        {
            "org": org,
            "orgs": queries.organization_picker(request.user),
            "year": year,
            "pub": queries.publication(org, year),
            "use_form": form or UseForm(initial={"spent_on": timezone.localdate()}),
            "can_edit": has_perm_at(request.user, "dues.edit", org.path),
            "breadcrumbs": [("党费收缴", reverse("dues:collection")), ("年度公布", None)],
        },
        status=status,
    )


@require("dues.view")
def publication(request: AuthenticatedRequest) -> HttpResponse:
    return _publication_page(request)


@require("dues.edit")
@require_POST
def use_create(request: AuthenticatedRequest) -> HttpResponse:
    org = requested_org(request, "dues.edit")
    year = requested_year(request)
    form = UseForm(request.POST)
    if form.is_valid():
        try:
            services.record_use(
                actor=request.user,
                organization=org,
                year=year,
                category=form.cleaned_data["category"],
                amount=form.cleaned_data["amount"],
                spent_on=form.cleaned_data["spent_on"],
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "党费使用已登记")
            return redirect(f"{reverse('dues:publication')}?org={org.code}&year={year}")
    return _publication_page(request, form, 422)


@require("dues.manage")
def dues_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Per-organization choices where the rules are unconfirmed: "税后" reading, rounding, fixing, 离休."""
    org = requested_org(request, "dues.manage")
    current = services.settings_for(org)
    initial: dict[str, Any] = {
        "tax_reading": current.tax_reading,
        "rounding_unit": current.rounding.unit,
        "rounding_mode": current.rounding.mode,
        "fixing": current.fixing,
        "lixiu_standard": current.lixiu,
    }
    form = SettingsForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.save_settings(actor=request.user, organization=org, values=form.cleaned_data)
            messages.success(request, f"{org.name}的党费设置已保存，下级党组织未单独设置的同样适用")
            return redirect(f"{reverse('dues:settings')}?org={org.code}")
        status = 422
    return render(
        request,
        "dues/settings.html",
        {
            "org": org,
            "orgs": queries.organization_picker(request.user, "dues.manage"),
            "form": form,
            "current": current,
            "table": services.rate_table_on(timezone.localdate()),
            "breadcrumbs": [("党费收缴", reverse("dues:collection")), ("党费设置", None)],
        },
        status=status,
    )
