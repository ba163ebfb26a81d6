"""Brands (一局一品牌、一支部一特色), demonstration sites and the innovation case library."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.evidence import files
from ronghe.core.evidence import services as evidence
from ronghe.core.evidence.views import evidence_panel
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import OutOfScope, get_for_user_or_404, has_perm_anywhere, has_perm_at, scoped
from ronghe.core.workflow import services as workflow
from ronghe.orgs.models import Organization
from ronghe.selections import brands, queries, rules
from ronghe.selections.choices import CaseState
from ronghe.selections.forms import BrandForm, CaseForm, CaseReviewForm, SiteForm
from ronghe.selections.models import Brand, InnovationCase

IMAGE_TYPES = ("image/png", "image/jpeg")


def _orgs(request: AuthenticatedRequest, perm: str) -> list[tuple[str, str]]:
    qs = scoped(Organization.objects.filter(is_active=True), request.user, perm).order_by("path")[:2000]
    return [(str(o.pk), o.name) for o in qs]


def _org(request: AuthenticatedRequest, perm: str, pk: str) -> Organization:
    org = scoped(Organization.objects.filter(is_active=True), request.user, perm).filter(pk=pk).first()
    if org is None:
        raise OutOfScope("未找到或无权访问")
    return org


# ---------------------------------------------------------------- brands


def logo_of(brand_id: int) -> str:
    """The code of the brand's latest image, or "" without one."""
    for item in reversed(evidence.for_object(rules.BRAND, brand_id)):
        if item.is_file and item.content_type in IMAGE_TYPES:
            return str(item.code)
    return ""


@require("selections.view")
def brand_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, queries.visible_brands(request.user), per_page=24)
    for b in page.object_list:
        b.logo = logo_of(b.pk)  # type: ignore[attr-defined]
    return render_page_or_partial(
        request,
        "selections/brand_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "can_register": has_perm_anywhere(request.user, "selections.nominate"),
            "breadcrumbs": [("党建品牌", None)],
        },
    )


@require("selections.nominate")
def brand_create(request: AuthenticatedRequest) -> HttpResponse:
    form = BrandForm(request.POST or None, organizations=_orgs(request, "selections.nominate"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            brand = brands.register_brand(
                actor=request.user,
                organization=_org(request, "selections.nominate", data["organization"]),
                name=data["name"],
                meaning=data["meaning"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已登记品牌“{brand.name}”，请上传品牌标识")
            return redirect("selections:brand-detail", brand.code)
    return render(
        request,
        "selections/simple_form.html",
        {
            "form": form,
            "title": "登记党建品牌",
            "submit": "登记",
            "breadcrumbs": [("党建品牌", reverse("selections:brand-list")), ("登记", None)],
        },
        status=422 if form.errors else 200,
    )


@require("selections.view")
def brand_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    brand = get_for_user_or_404(
        Brand.objects.select_related("organization"), request.user, perm="selections.view", code=code
    )
    context = {
        "brand": brand,
        "logo": logo_of(brand.pk),
        "honours": list(brand.nominations.filter(state="awarded").select_related("campaign")),
        "breadcrumbs": [("党建品牌", reverse("selections:brand-list")), (brand.name, None)],
    }
    context |= evidence_panel(request, kind=rules.BRAND, object_id=brand.pk)
    return render(request, "selections/brand_detail.html", context)


@require("selections.view")
def brand_logo(request: AuthenticatedRequest, code: UUID) -> FileResponse:
    """The logo shown inline on the brand pages (a public emblem: not audited like a download)."""
    brand = get_for_user_or_404(Brand, request.user, perm="selections.view", code=code)
    for item in reversed(evidence.for_object(rules.BRAND, brand.pk)):
        if item.is_file and item.content_type in IMAGE_TYPES:
            path = files.path_of(evidence.FOLDER, item.stored_name)
            if path.exists():
                return FileResponse(path.open("rb"), content_type=item.content_type)
    raise Http404("该品牌还没有标识")


# ---------------------------------------------------------------- demonstration sites


@require("selections.view")
def site_list(request: AuthenticatedRequest) -> HttpResponse:
    page = paginate(request, queries.visible_sites(request.user), per_page=30)
    return render_page_or_partial(
        request,
        "selections/site_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "can_name": has_perm_anywhere(request.user, "selections.manage"),
            "breadcrumbs": [("示范点", None)],
        },
    )


@require("selections.manage")
def site_create(request: AuthenticatedRequest) -> HttpResponse:
    form = SiteForm(request.POST or None, organizations=_orgs(request, "selections.manage"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            site = brands.name_site(
                actor=request.user,
                organization=_org(request, "selections.manage", data["organization"]),
                name=data["name"],
                level=data["level"],
                named_by=data["named_by"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                description=data["description"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已登记示范点“{site.name}”")
            return redirect("selections:site-list")
    return render(
        request,
        "selections/simple_form.html",
        {
            "form": form,
            "title": "登记示范点",
            "submit": "登记",
            "breadcrumbs": [("示范点", reverse("selections:site-list")), ("登记", None)],
        },
        status=422 if form.errors else 200,
    )


# ---------------------------------------------------------------- innovation cases


@require("self.view")
def case_list(request: AuthenticatedRequest) -> HttpResponse:
    tag = (request.GET.get("tag") or "").strip()[:20]
    text = (request.GET.get("q") or "").strip()[:50]
    qs = queries.search_cases(queries.visible_cases(request.user), tag=tag, text=text)
    page = paginate(request, qs, per_page=20)
    return render_page_or_partial(
        request,
        "selections/case_list.html",
        {
            "page": page,
            "tag": tag,
            "q": text,
            "query": query_without_page(request),
            "can_submit": has_perm_anywhere(request.user, "selections.nominate"),
            "breadcrumbs": [("创新案例", None)],
        },
    )


@require("selections.nominate")
def case_create(request: AuthenticatedRequest) -> HttpResponse:
    form = CaseForm(request.POST or None, organizations=_orgs(request, "selections.nominate"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = brands.submit_case(
                actor=request.user,
                organization=_org(request, "selections.nominate", data["organization"]),
                title=data["title"],
                summary=data["summary"],
                tags=data["tags"],
            )
        except DomainError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, f"已报送案例“{case.title}”，等待审核")
            return redirect("selections:case-detail", case.code)
    return render(
        request,
        "selections/simple_form.html",
        {
            "form": form,
            "title": "报送创新案例",
            "submit": "报送",
            "breadcrumbs": [("创新案例", reverse("selections:case-list")), ("报送", None)],
        },
        status=422 if form.errors else 200,
    )


def _case(request: AuthenticatedRequest, code: UUID) -> InnovationCase:
    case = queries.visible_cases(request.user).filter(code=code).first()
    if case is None:
        raise OutOfScope("未找到或无权访问")
    return case


@require("self.view")
def case_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    case = _case(request, code)
    can_review = case.state == CaseState.SUBMITTED and has_perm_at(
        request.user, "selections.manage", case.organization.path
    )
    form = CaseReviewForm(request.POST or None) if can_review else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("您没有审核创新案例的权限")
        if form.is_valid():
            try:
                brands.review_case(
                    actor=request.user,
                    case=case,
                    publish=form.cleaned_data["decision"] == "publish",
                    comment=form.cleaned_data["comment"],
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "案例已发布" if case.state == CaseState.PUBLISHED else "案例已退回")
                return redirect("selections:case-detail", case.code)
    return render(
        request,
        "selections/case_detail.html",
        {
            "case": case,
            "form": form,
            "history": workflow.history_for(rules.CASE_PROCESS, case),
            "breadcrumbs": [("创新案例", reverse("selections:case-list")), (case.title, None)],
        },
        status=422 if form is not None and form.errors else 200,
    )
