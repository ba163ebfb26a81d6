"""问卷 pages: the list, drafting one, publishing and closing, results (charts, xlsx), answering on the phone."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core import audit
from ronghe.core.charts import render_or_export, with_table
from ronghe.core.downloads import XLSX, generated
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.members.models import Member
from ronghe.orgs.models import Organization
from ronghe.outreach import exports, queries, services
from ronghe.outreach.choices import QuestionKind, SurveyState
from ronghe.outreach.forms import SurveyForm
from ronghe.outreach.models import Survey


def _nodes(request: AuthenticatedRequest) -> list[Organization]:
    return list(
        scoped(Organization.objects.filter(is_active=True), request.user, services.EDIT).order_by("path")[
            :200
        ]
    )


@require(services.VIEW)
def survey_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(
        request, queries.surveys_for_user(request.user).order_by("-created_at", "-id"), per_page=20
    )
    return render_page_or_partial(
        request,
        "outreach/survey_list.html",
        {"page": page, "query": query_without_page(request), "can_create": bool(_nodes(request))},
    )


@require(services.EDIT)
def survey_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _nodes(request)
    form = SurveyForm(request.POST or None, initial={"year": timezone.localdate().year, "anonymous": True})
    if request.method == "POST" and form.is_valid():
        try:
            org = next(n for n in nodes if n.code == UUID(request.POST.get("org", "")))
        except (ValueError, StopIteration):
            form.add_error(None, "请选择您有权发布问卷的党组织")
        else:
            try:
                survey = services.create_survey(actor=request.user, organization=org, data=form.cleaned_data)
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "问卷已保存为草稿，发布后党员即可在手机上作答")
                return redirect("outreach:survey-detail", code=survey.code)
    return render(
        request,
        "outreach/survey_form.html",
        {"form": form, "nodes": nodes},
    )


def _survey(request: AuthenticatedRequest, code: UUID, perm: str = services.VIEW) -> Survey:
    return get_for_user_or_404(
        Survey.objects.select_related("organization"), request.user, perm=perm, code=code
    )


@require(services.VIEW)
def survey_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The survey and, once closed and from five respondents, each question's answers as a chart with its
    table (导出图片 / 导出 Excel, like every chart); nothing of the answers while they are withheld."""
    survey = _survey(request, code)
    results = queries.results(survey)
    charts = [
        (
            q,
            with_table(
                {"categories": [o.label for o in q.options], "values": [o.count for o in q.options]},
                id=f"question-{q.order}-table",
                caption=f"{q.order}. {q.text}（人数）",
                columns=["选项", "人数"],
            )
            if q.options
            else None,
            f"question-{q.order}-chart",
        )
        for q in (results.questions if results.visible else [])
    ]
    return render_or_export(
        request,
        "outreach/survey_detail.html",
        {
            "survey": survey,
            "questions": queries.questions_of(survey),
            "results": results,
            "charts": charts,
            "can_edit": has_perm_at(request.user, services.EDIT, survey.organization.path),
        },
    )


@require(services.EDIT)
@require_POST
def survey_publish(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    survey = _survey(request, code, services.EDIT)
    action = services.close if request.POST.get("action") == "close" else services.publish
    try:
        action(actor=request.user, survey=survey)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "问卷已结束" if action is services.close else "问卷已发布")
    return redirect("outreach:survey-detail", code=survey.code)


@require(services.VIEW)
def survey_export(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    survey = _survey(request, code)
    res = queries.results(survey)
    audit.record("outreach.survey.export", obj=survey)
    return generated(exports.results_xlsx(survey, res), XLSX, f"{survey.title}-结果.xlsx")


@require("self.view")
def my_surveys(request: AuthenticatedRequest) -> HttpResponse:
    member = Member.objects.select_related("organization").filter(pk=request.user.member_id or 0).first()
    surveys = queries.open_for_member(member) if member else []
    answered = set(
        Survey.objects.filter(respondents__user=request.user, pk__in=[s.pk for s in surveys]).values_list(
            "pk", flat=True
        )
    )
    return render(
        request,
        "outreach/my_surveys.html",
        {"surveys": [(s, s.pk in answered) for s in surveys], "member": member},
    )


@require("self.view")
def survey_answer(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The phone page: a member inside the survey's organization answers once."""
    survey = Survey.objects.select_related("organization").filter(code=code).first()
    if (
        survey is None
        or survey.state == SurveyState.DRAFT
        or services.respondent_member(request.user, survey) is None
    ):
        raise Http404("问卷不存在，或您不在调查范围内")
    questions = queries.questions_of(survey)
    error = ""
    if request.method == "POST":
        answers: dict[int, object] = {}
        for q in questions:
            key = f"q{q.order}"
            answers[q.order] = (
                request.POST.getlist(key) if q.kind == QuestionKind.MULTIPLE else request.POST.get(key, "")
            )
        try:
            services.answer(user=request.user, survey=survey, answers=answers)
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, "已提交，感谢参与")
            return redirect("outreach:survey-answer", code=survey.code)
    return render(
        request,
        "outreach/survey_answer.html",
        {
            "survey": survey,
            "questions": questions,
            "answered": services.has_answered(survey, request.user),
            "error": error,
        },
        status=400 if error else 200,
    )
