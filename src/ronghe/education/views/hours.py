"""学时 pages: the members' hours against their requirement (who is behind), a member's own learning
on the phone, the 学时 policy; 学习强国: import with preview, and the ranking among units."""

from __future__ import annotations

from decimal import Decimal
from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import has_perm_anywhere, scoped
from ronghe.education import imports, materials, queries, services
from ronghe.education.forms import PolicyForm, StudyImportForm
from ronghe.education.models import EducationPolicy
from ronghe.members.models import Member
from ronghe.orgs.models import Organization


def _year(request: AuthenticatedRequest) -> int:
    raw = request.GET.get("year", "")
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


@require(services.VIEW)
def hours_overview(request: AuthenticatedRequest) -> HttpResponse:
    """Members of the chosen organization (default: the first the user sees) with their 学时, the
    requirement and the gap; the completion of each branch below it."""
    year = _year(request)
    today = timezone.localdate()
    on = min(today, today.replace(year=year, month=12, day=31))
    nodes = list(
        scoped(Organization.objects.filter(is_active=True), request.user, services.VIEW).order_by("path")[
            :300
        ]
    )
    org = None
    try:
        wanted = UUID(request.GET.get("org", ""))
        org = next((n for n in nodes if n.code == wanted), None)
    except ValueError:
        pass
    org = org or (nodes[0] if nodes else None)
    rows: list[queries.MemberHours] = []
    branches: list[tuple[Organization, queries.Completion]] = []
    if org is not None:
        rows = queries.member_hours(queries.members_in(org.path), year, on)
        children = [n for n in nodes if n.parent_id == org.pk] or [org]
        done = queries.completion_by_organization([c.pk for c in children], year, on)
        branches = [(c, done[c.pk]) for c in children if c.pk in done]
    behind_only = request.GET.get("behind") == "1"
    if behind_only:
        rows = [r for r in rows if r.behind]
    page = paginate(request, rows, per_page=50)
    total = queries.Completion(
        len(rows), sum(1 for r in rows if not r.behind), sum((r.hours for r in rows), Decimal(0))
    )
    return render_page_or_partial(
        request,
        "education/hours.html",
        {
            "page": page,
            "query": query_without_page(request),
            "year": year,
            "org": org,
            "nodes": nodes,
            "branches": branches,
            "behind_only": behind_only,
            "total": total,
            "policy": EducationPolicy.current(),
        },
    )


@require("self.view")
def my_learning(request: AuthenticatedRequest) -> HttpResponse:
    """A member's own 学时 this year against the requirement, the sessions attended, external training
    recorded, the study materials published to them (opened or not) and 学习强国."""
    year = _year(request)
    member = Member.objects.select_related("organization").filter(pk=request.user.member_id or 0).first()
    if member is None:
        return render(request, "education/my_learning.html", {"member": None, "year": year})
    today = timezone.localdate()
    (mine,) = queries.member_hours([member], year, min(today, today.replace(year=year, month=12, day=31)))
    study = queries.my_study(member.pk, year)
    return render(
        request,
        "education/my_learning.html",
        {
            "member": member,
            "year": year,
            "mine": mine,
            "percent": min(100, int(mine.hours * 100 / mine.required)) if mine.required else 100,
            "sessions": list(queries.my_sessions(member.pk, year)),
            "external": list(queries.my_external(member.pk, year)),
            "birthdays": list(queries.birthdays_of(member.pk)),
            "study": study,
            "study_points": sum(s.points for s in study),
            "materials": materials.materials_for_member(member, year),
        },
    )


@require(services.MANAGE)
def policy_page(request: AuthenticatedRequest) -> HttpResponse:
    policy = EducationPolicy.current()
    form = PolicyForm(
        request.POST or None,
        initial={"member_hours": policy.member_hours, "officer_hours": policy.officer_hours},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_policy(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, "学时要求已保存")
            return redirect("education:policy")
    return render(request, "education/policy.html", {"form": form})


@require(imports.IMPORT)
def study_import(request: AuthenticatedRequest) -> HttpResponse:
    form = StudyImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            preview = imports.import_scores(
                actor=request.user,
                upload=form.cleaned_data["file"],
                month=form.cleaned_data["month"].strip(),
                confirm=form.cleaned_data["confirm"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            if form.cleaned_data["confirm"]:
                messages.success(
                    request,
                    f"已导入 {preview.created + preview.updated} 人的 {preview.month} 学习强国积分"
                    f"（新增 {preview.created}，更新 {preview.updated}；未匹配 {len(preview.unmatched)} 人未导入）",
                )
                return redirect("education:study-ranking")
    return render(request, "education/study_import.html", {"form": form, "preview": preview})


@require(services.VIEW)
def study_ranking(request: AuthenticatedRequest) -> HttpResponse:
    year = _year(request)
    month = request.GET.get("month", "")
    months = queries.study_months(year)
    if month not in months:
        month = ""
    return render(
        request,
        "education/study_ranking.html",
        {
            "year": year,
            "month": month,
            "months": months,
            "ranking": queries.study_ranking(request.user, year, month),
            "can_import": has_perm_anywhere(request.user, imports.IMPORT),
        },
    )


@require(services.VIEW)
def staffing_page(request: AuthenticatedRequest) -> HttpResponse:
    """党务干部配备: units short of full-time staff (1% of 在编人数) or with staff below the 学时 requirement."""
    year = _year(request)
    today = timezone.localdate()
    units = queries.staffing(request.user, year, min(today, today.replace(year=year, month=12, day=31)))
    only = request.GET.get("gaps") == "1"
    if only:
        units = [u for u in units if u.short or u.untrained]
    return render(
        request,
        "education/staffing.html",
        {
            "units": units,
            "year": year,
            "only": only,
            "need": EducationPolicy.current().officer_hours,
            "short": sum(1 for u in units if u.short),
            "untrained": sum(1 for u in units if u.untrained),
        },
    )
