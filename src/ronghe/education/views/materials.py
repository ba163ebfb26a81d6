"""学习资料库 pages: the library with how many opened each, publishing, who has opened one, a member
opening it (recorded), and a recorded 党课 recommended as a 精品党课."""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from ronghe.accounts.http import AuthenticatedRequest
from ronghe.core.errors import DomainError, add_to_form
from ronghe.core.htmx import paginate, query_without_page, render_page_or_partial
from ronghe.core.permissions import require
from ronghe.core.scope import get_for_user_or_404, has_perm_at, scoped
from ronghe.education import materials as services
from ronghe.education.choices import MaterialKind
from ronghe.education.forms import MaterialForm
from ronghe.education.models import StudyMaterial
from ronghe.orgs.models import Organization
from ronghe.selections import queries as selection_queries


def _nodes(request: AuthenticatedRequest) -> list[Organization]:
    return list(
        scoped(Organization.objects.filter(is_active=True), request.user, services.EDIT).order_by("path")[
            :200
        ]
    )


@require(services.VIEW)
def material_list(request: AuthenticatedRequest) -> HttpResponse:
    rows = services.materials_for_user(request.user)
    kind = request.GET.get("kind", "")
    if kind in MaterialKind.values:
        rows = rows.filter(kind=kind)
    page = paginate(request, rows.order_by("-published_on", "-id"), per_page=20)
    return render_page_or_partial(
        request,
        "education/material_list.html",
        {
            "page": page,
            "query": query_without_page(request),
            "kind": kind,
            "kinds": MaterialKind.choices,
            "can_create": bool(_nodes(request)),
        },
    )


@require(services.EDIT)
def material_create(request: AuthenticatedRequest) -> HttpResponse:
    nodes = _nodes(request)
    form = MaterialForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            org = next(n for n in nodes if n.code == UUID(request.POST.get("org", "")))
        except (ValueError, StopIteration):
            form.add_error(None, "请选择您有权发布学习资料的党组织")
        else:
            try:
                material = services.publish_material(
                    actor=request.user,
                    organization=org,
                    data=form.cleaned_data,
                    upload=form.cleaned_data.get("file"),
                )
            except DomainError as exc:
                add_to_form(form, exc)
            else:
                messages.success(request, "学习资料已发布")
                return redirect("education:material-detail", code=material.code)
    return render(
        request,
        "education/material_form.html",
        {"form": form, "nodes": nodes},
    )


@require(services.VIEW)
def material_detail(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    material = get_for_user_or_404(
        StudyMaterial.objects.select_related("organization"), request.user, perm=services.VIEW, code=code
    )
    nominate = []
    if material.kind == MaterialKind.LECTURE:
        query = urlencode(
            {
                "title": material.title,
                "organization": material.organization_id,
                "summary": material.summary,
            }
        )
        nominate = [
            (c, reverse("selections:nomination-create", args=[c.code]) + "?" + query)
            for c in selection_queries.lecture_campaigns_open(request.user)[:5]
        ]
    return render(
        request,
        "education/material_detail.html",
        {
            "material": material,
            "readers": services.readers(material, request.user),
            "nominate": nominate,
        },
    )


def _readable(request: AuthenticatedRequest, code: UUID) -> StudyMaterial:
    """A material the user may open: published to their organization or above, or in their scope."""
    material = StudyMaterial.objects.select_related("organization").filter(code=code).first()
    if material is None or (
        services.reader_of(request.user, material) is None
        and not has_perm_at(request.user, services.VIEW, material.organization.path)
    ):
        raise Http404("未找到或无权访问")
    return material


@require("self.view")
@require_POST
def material_open(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    """The member opens the material: recorded the first time, then on to the link or the file."""
    material = _readable(request, code)
    services.record_open(user=request.user, material=material)
    if material.stored_name:
        return redirect("education:material-file", code=material.code)
    return redirect(material.url)


@require("self.view")
def material_file(request: AuthenticatedRequest, code: UUID) -> HttpResponse:
    material = _readable(request, code)
    if not material.stored_name:
        raise Http404("该资料没有文件")
    return services.download(material)  # type: ignore[no-any-return]
