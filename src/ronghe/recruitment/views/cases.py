"""The pipeline board, the 工委's county view, an application, a case page and its step forms."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_each_to_form
from ronghe.core.evidence import services as evidence
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.publicity import services as publicity
from ronghe.core.scope import get_for_user_or_404, has_perm_anywhere, has_perm_at, paths_with, require_at
from ronghe.core.workflow import services as workflow
from ronghe.orgs.choices import BRANCH_KINDS
from ronghe.orgs.models import Organization
from ronghe.recruitment import process, queries, rules, services, steps
from ronghe.recruitment.choices import PIPELINE, Action, Stage
from ronghe.recruitment.forms import (
    CaseForm,
    FilterForm,
    ObservationForm,
    StepForm,
    YearForm,
    approvers_for,
    full_members,
)
from ronghe.recruitment.models import RecruitmentCase


def _branches(request: AuthenticatedRequest, perm: str) -> Any:
    paths = paths_with(request.user, perm)
    qs = Organization.objects.none()
    for path in paths:
        qs = qs | Organization.objects.filter(path__startswith=path, kind__in=BRANCH_KINDS)
    return qs.order_by("path")


def case_for(request: AuthenticatedRequest, code: UUID, perm: str = queries.VIEW) -> RecruitmentCase:
    return get_for_user_or_404(
        RecruitmentCase.objects.select_related("organization", "approver", "member"),
        request.user,
        perm=perm,
        code=code,
    )


@require("recruitment.view")
@require_GET
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    """The pipeline board: how many at each stage, who is due or late, the people with their next step."""
    today = timezone.localdate()
    form = FilterForm(request.GET or None, branches=_branches(request, queries.VIEW))
    qs = queries.cases_for_user(request.user).select_related("organization")
    if form.is_valid():
        d = form.cleaned_data
        if d["organization"]:
            qs = qs.filter(organization__path__startswith=d["organization"].path)
        if d["q"]:
            qs = qs.filter(name__contains=d["q"])
    board = queries.board(qs, today)
    if form.is_valid() and form.cleaned_data["stage"]:
        qs = qs.filter(stage=form.cleaned_data["stage"])
    if form.is_valid() and form.cleaned_data["late"]:
        qs = qs.filter(pk__in=queries.late_cases(qs, today, late=form.cleaned_data["late"] == "late"))
    page = paginate(request, queries.with_observations(qs.order_by("organization__path", "applied_on", "id")))
    rows = [(case, queries.next_action_of(case, today)) for case in page.object_list]
    context = {
        "form": form,
        "board": board,
        "stages": [(s, Stage(s).label, board.counts[s]) for s in [*PIPELINE, Stage.CANCELLED]],
        "page": page,
        "rows": rows,
        "query": query_without_page(request),
        "today": today,
        "can_create": has_perm_anywhere(request.user, rules.EDIT),
        "can_import": has_perm_anywhere(request.user, "recruitment.import"),
        "breadcrumbs": [("发展党员", None)],
    }
    return render_page_or_partial(request, "recruitment/case_list.html", context)


@require("recruitment.view")
@require_GET
def county(request: AuthenticatedRequest) -> HttpResponse:
    """The 工委's view: every unit's pipeline, who is late, and the year's statistics for the report."""
    today = timezone.localdate()
    form = YearForm(request.GET or None, initial={"year": today.year})
    year = form.cleaned_data["year"] if form.is_valid() and form.cleaned_data["year"] else today.year
    qs = queries.cases_for_user(request.user)
    context = {
        "form": form,
        "year": year,
        "rows": queries.county_rows(qs, today),
        "board": queries.board(qs, today),
        "stages": [(s, Stage(s).label) for s in [*PIPELINE, Stage.CANCELLED]],
        "stats": queries.statistics(qs, year),
        "breadcrumbs": [("发展党员", reverse("recruitment:case-list")), ("全县概况", None)],
    }
    return render(request, "recruitment/county.html", context)


@require("recruitment.edit")
@require_http_methods(["GET", "POST"])
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseForm(request.POST or None, branches=_branches(request, rules.EDIT))
    if request.method == "POST" and form.is_valid():
        try:
            case = services.create_case(actor=request.user, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, f"已登记{case.name}的入党申请")
            return redirect("recruitment:case-detail", code=case.code)
    context = {
        "form": form,
        "breadcrumbs": [("发展党员", reverse("recruitment:case-list")), ("登记入党申请", None)],
    }
    return render(request, "recruitment/case_form.html", context, status=422 if form.errors else 200)


def _steps(facts: rules.Facts, documents: set[str], observed: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "info": step,
            "done": steps.step_done(step, facts, observed),
            "deadline": steps.step_deadline(step, facts, services.policy()),
            "documents": [(d, d in documents) for d in step.documents],
        }
        for step in steps.STEPS
    ]


@require("recruitment.view")
@require_GET
def case_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    case = case_for(request, code)
    return _detail(request, case)


def _detail(
    request: AuthenticatedRequest, case: RecruitmentCase, observation_form: ObservationForm | None = None
) -> HttpResponse:
    today = timezone.localdate()
    facts = services.facts_of(case)
    files = evidence.for_object(rules.CASE, case.pk)
    documents = {e.note for e in files}
    observations = list(case.observations.select_related("recorded_by"))
    last = {
        k: max((o.on for o in observations if o.kind == k), default=None) for k in ("assessment", "report")
    }
    nxt = process.next_action(
        case.stage, facts, today, last_assessment=last["assessment"], last_report=last["report"]
    )
    path = case.organization.path
    actions = [
        (a, Action(a).label)
        for a in services.allowed_actions(case)
        if has_perm_at(request.user, services.permission_for(a), path)
    ]
    can_edit = has_perm_at(request.user, rules.EDIT, path)
    context = {
        "case": case,
        "facts": facts,
        "steps": _steps(facts, documents, [o.on for o in observations]),
        "next": nxt,
        "actions": actions,
        "observations": observations,
        "observation_form": observation_form or ObservationForm(initial={"on": today}),
        "can_observe": can_edit and case.stage in services.OBSERVED_STAGES,
        "can_upload": can_edit and case.archived_on is None,
        "files": files,
        "document_names": steps.DOCUMENTS,
        "contacts": list(case.contacts.all()),
        "introducers": list(case.introducers.all()),
        "history": workflow.history_for(process.CASE_PROCESS, case),
        "probation_end": rules.probation_end(case.admitted_on, case.extension_months)
        if case.admitted_on
        else None,
        "full_on": rules.full_on(facts),
        "publicity": [(rules.PUBLICITY_LABELS[k], v) for k, v in facts.publicity.items()],
        "publications": list(publicity.for_object(rules.CASE, case.pk)),
        "breaches": services.breaches(facts, today),
        # the figure the ≥ 24 学时 rule reads, and where it comes from
        "training_hours": rules.hours_text(rules.training_hours(facts)),
        "training_records": services.recorded_training(case) if case.member_id else None,
        "breadcrumbs": [("发展党员", reverse("recruitment:case-list")), (case.name, None)],
    }
    status = 422 if observation_form is not None and observation_form.errors else 200
    return render(request, "recruitment/case_detail.html", context, status=status)


@require("recruitment.edit")
@require_http_methods(["GET", "POST"])
def case_step(request: AuthenticatedRequest, code: UUID, action: str) -> HttpResponse:
    case = case_for(request, code)
    if action not in Action.values:
        raise Http404("没有这个步骤")
    require_at(request.user, services.permission_for(action), case.organization.path)
    if action not in services.allowed_actions(case):
        messages.error(request, f"当前阶段为“{case.get_stage_display()}”，不能办理“{Action(action).label}”")
        return redirect("recruitment:case-detail", code=case.code)
    form = StepForm(
        request.POST or None,
        case=case,
        action=action,
        members=full_members(case.organization),
        approvers=approvers_for(case.organization),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_step(actor=request.user, case=case, action=action, **form.service_kwargs())
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, f"已记录“{Action(action).label}”")
            return redirect("recruitment:case-detail", code=case.code)
    recorded = [s for s in steps.STEPS if s.action == action]
    context = {
        "case": case,
        "form": form,
        "action_label": Action(action).label,
        "steps": recorded,
        "breadcrumbs": [
            ("发展党员", reverse("recruitment:case-list")),
            (case.name, reverse("recruitment:case-detail", args=[case.code])),
            (Action(action).label, None),
        ],
    }
    return render(request, "recruitment/step_form.html", context, status=422 if form.errors else 200)


@require("recruitment.edit")
@require_POST
def observation_create(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    case = case_for(request, code, perm=rules.EDIT)
    form = ObservationForm(request.POST)
    if form.is_valid():
        try:
            services.add_observation(actor=request.user, case=case, **form.cleaned_data)
        except DomainError as exc:
            add_each_to_form(form, exc)
        else:
            messages.success(request, "已记录")
            return redirect("recruitment:case-detail", code=case.code)
    return _detail(request, case, observation_form=form)
