"""The evidence endpoints (namespace "evidence") and the context of the embeddable panel.

Open to any signed-in account (`public` + `login_required`): the row or the registered owner kind
decides. A download needs the row's `view_permission` at its organization (else 404) and is audited;
attach and remove take the permission from the owner-kind registry, never from the form.

Embedding: a page adds ``evidence_panel(request, kind=…, object_id=…)`` to its context and includes
``evidence/_list.html`` and ``evidence/_form.html``.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.evidence import files, services
from ronghe.core.evidence.models import Evidence
from ronghe.core.permissions import public
from ronghe.core.scope import OutOfScope, has_perm_at


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404("未找到或无权访问") from None


def evidence_panel(request: HttpRequest, *, kind: str, object_id: int, next_url: str = "") -> dict[str, Any]:
    """Context for `evidence/_list.html` and `evidence/_form.html` (the caller has checked the
    user may see the object)."""
    can_edit = services.can_edit(request.user, kind, object_id)
    ctx: dict[str, Any] = {
        "evidence_items": services.for_object(kind, object_id),
        "evidence_can_edit": can_edit,
        "evidence_kind": kind,
        "evidence_object_id": object_id,
        "evidence_next": next_url or request.get_full_path(),
        "evidence_choices": [],
    }
    if can_edit:
        _, organization = services.registered_owner(kind, object_id)
        ctx["evidence_organization_id"] = organization.pk
        ctx["evidence_choices"] = services.choices_for(request.user, organization)
    return ctx


@public
@login_required
def download(request: HttpRequest, code: UUID) -> FileResponse:
    evidence = Evidence.objects.select_related("organization").filter(code=code).first()
    if (
        evidence is None
        or not evidence.is_file
        or not has_perm_at(request.user, evidence.view_permission, evidence.organization.path)
    ):
        raise OutOfScope("未找到或无权访问")
    response = files.download_response(
        services.FOLDER,
        evidence.stored_name,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    audit.record("evidence.download", actor=request.user, obj=evidence)
    return response


@public
@login_required
@require_POST
def attach(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    object_id = _int(request.POST.get("object_id"))
    _, organization = services.owner_of(request.user, kind, object_id)
    given = request.POST.get("organization")
    if given and given != str(organization.pk):
        raise Http404("未找到或无权访问")
    link: tuple[str, int] | None = None
    choice = request.POST.get("link", "")
    if choice:
        link_kind, _, link_id = choice.rpartition(":")
        if not link_id.isdigit():
            raise Http404("未找到或无权访问")
        link = (link_kind, int(link_id))
    upload = request.FILES.get("file")
    try:
        services.attach_to(
            actor=request.user,
            kind=kind,
            object_id=object_id,
            upload=upload,
            link=None if upload is not None else link,
            note=request.POST.get("note", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "佐证材料已添加")
    return redirect(_next(request))


@public
@login_required
@require_POST
def remove(request: HttpRequest, code: UUID) -> HttpResponse:
    evidence = Evidence.objects.select_related("organization").filter(code=code).first()
    if evidence is None:
        raise OutOfScope("未找到或无权访问")
    try:
        services.remove_from(actor=request.user, evidence=evidence)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "佐证材料已删除")
    return redirect(_next(request))
