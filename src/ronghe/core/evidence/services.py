"""Use-cases of 佐证材料: attach a file or a link to a platform record, remove, list, count.

The caller names the permission the actor needs at the organization (`require_at`); the generic
endpoints take it from the owner-kind registry (`attach_to`, `remove_from`), never from the form.
Every change is audited in the transaction that makes it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.urls import reverse

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.evidence import files, registry
from ronghe.core.evidence.models import Evidence
from ronghe.core.scope import has_perm_at, require_at
from ronghe.core.types import Actor, OrgNode

FOLDER = "evidence"
NOT_OFFERED = "所选记录不存在或不在本组织范围内"
NOT_EDITABLE = "当前状态不能修改佐证材料"
NOTE_MAX = 200


def _note(note: str) -> str:
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"说明不能超过 {NOTE_MAX} 字", field="note")
    return note


def _actor_id(actor: Actor) -> int | None:
    return actor.pk if actor.is_authenticated else None


def attach_file(
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    organization: OrgNode,
    upload: UploadedFile[bytes],
    permission: str,
    note: str = "",
    view_permission: str = "",
) -> Evidence:
    """Store an uploaded file (type, size and content checked) as evidence of (`kind`, `object_id`).

    Downloads need `view_permission` (default: the area's ".view" of `permission`) at the organization."""
    require_at(actor, permission, organization.path)
    return _store(
        actor=actor,
        kind=kind,
        object_id=object_id,
        organization=organization,
        upload=upload,
        view_permission=view_permission or registry.view_permission_of(permission),
        note=_note(note),
    )


def attach_generated(
    *,
    kind: str,
    object_id: int,
    organization: OrgNode,
    filename: str,
    content: bytes,
    view_permission: str,
    note: str = "",
) -> Evidence:
    """Store a file the platform produced itself (a scheduled report's PDF) as evidence of (`kind`,
    `object_id`); no actor, so no permission to check; audited with the system as actor.

    The same upload checks apply. Called inside the caller's transaction: the caller discards
    `files.path_of(FOLDER, evidence.stored_name)` if that transaction fails after this returns."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return _store(
        actor=None,
        kind=kind,
        object_id=object_id,
        organization=organization,
        upload=SimpleUploadedFile(filename, content),
        view_permission=view_permission,
        note=_note(note),
    )


def _store(
    *,
    actor: Actor | None,
    kind: str,
    object_id: int,
    organization: OrgNode,
    upload: UploadedFile[bytes],
    view_permission: str,
    note: str,
) -> Evidence:
    """The file checked and stored, its row and its audit entry in one transaction; the file removed
    again if the row or the audit entry fails."""
    stored = files.store_upload(upload, folder=FOLDER)
    try:
        with transaction.atomic():
            evidence = Evidence.objects.create(
                kind=kind,
                object_id=object_id,
                organization_id=organization.pk,
                view_permission=view_permission,
                original_name=stored.original_name,
                stored_name=stored.stored_name,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                note=note,
                added_by_id=_actor_id(actor) if actor is not None else None,
            )
            audit.record(
                "evidence.attach",
                actor=actor,
                obj=evidence,
                org_path=organization.path,
                changes={"kind": kind, "object_id": object_id, "sha256": stored.sha256, "size": stored.size},
            )
    except Exception:
        files.discard(FOLDER, stored.stored_name)
        raise
    return evidence


def attach_link(
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    organization: OrgNode,
    link_kind: str,
    link_id: int,
    permission: str,
    note: str = "",
    view_permission: str = "",
) -> Evidence:
    """Cite a platform record as evidence. Only a record the link kind offers this actor for this
    organization (`choices`) is accepted."""
    require_at(actor, permission, organization.path)
    note = _note(note)
    declared = registry.link_kind(link_kind)
    if declared is None:
        raise DomainError(NOT_OFFERED, field="link", code="not_offered")
    label = next((text for pk, text in declared.choices(actor, organization) if pk == link_id), None)
    if label is None:
        raise DomainError(NOT_OFFERED, field="link", code="not_offered")
    with transaction.atomic():
        evidence = Evidence.objects.create(
            kind=kind,
            object_id=object_id,
            organization_id=organization.pk,
            view_permission=view_permission or registry.view_permission_of(permission),
            link_kind=link_kind,
            link_id=link_id,
            label=label[:200],
            note=note,
            added_by_id=_actor_id(actor),
        )
        audit.record(
            "evidence.attach",
            actor=actor,
            obj=evidence,
            org_path=organization.path,
            changes={"kind": kind, "object_id": object_id, "link": f"{link_kind}:{link_id}"},
        )
    return evidence


def remove(*, actor: Actor, evidence: Evidence, permission: str) -> None:
    """Delete one piece of evidence (and its stored file once the deletion is committed)."""
    path = evidence.organization.path
    require_at(actor, permission, path)
    stored = evidence.stored_name
    with transaction.atomic():
        audit.record(
            "evidence.remove",
            actor=actor,
            obj=evidence,
            org_path=path,
            changes={"kind": evidence.kind, "object_id": evidence.object_id, "sha256": evidence.sha256},
        )
        evidence.delete()
        transaction.on_commit(lambda: files.discard(FOLDER, stored))


def _url(evidence: Evidence) -> str:
    if evidence.is_file:
        return reverse("evidence:download", kwargs={"code": evidence.code})
    declared = registry.link_kind(evidence.link_kind)
    return declared.url(evidence.link_id) if declared is not None and evidence.link_id is not None else ""


def for_object(kind: str, object_id: int) -> list[Evidence]:
    """The object's evidence, oldest first, each with `url`: the download, or the linked record's page."""
    rows = list(Evidence.objects.filter(kind=kind, object_id=object_id).select_related("added_by"))
    for row in rows:
        row.url = _url(row)
    return rows


def count_for(kind: str, object_ids: Iterable[int]) -> dict[int, int]:
    """How many pieces of evidence each object has (0 included), in one query."""
    ids = list(object_ids)
    counts = dict.fromkeys(ids, 0)
    rows = (
        Evidence.objects.filter(kind=kind, object_id__in=ids)
        .values_list("object_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    counts.update(dict(rows))
    return counts


# The generic endpoints: the owner kind decides the permission, the organization and whether it may change.


def registered_owner(kind: str, object_id: int) -> tuple[registry.OwnerKind, OrgNode]:
    """The registered owner kind and the object's organization, or 404 (no visibility check)."""
    owner = registry.owner_kind(kind)
    organization = owner.organization_of(object_id) if owner is not None else None
    if owner is None or organization is None:
        raise Http404("未找到或无权访问")
    return owner, organization


def owner_of(actor: Actor, kind: str, object_id: int) -> tuple[registry.OwnerKind, OrgNode]:
    """The registered owner kind and the object's organization; 404 for an unknown kind or object,
    or one the actor cannot see."""
    owner, organization = registered_owner(kind, object_id)
    if not has_perm_at(actor, owner.view_permission_for(object_id), organization.path):
        raise Http404("未找到或无权访问")
    return owner, organization


def _check_editable(owner: registry.OwnerKind, actor: Actor, object_id: int, organization: OrgNode) -> str:
    permission = owner.permission_for(object_id)
    if not has_perm_at(actor, permission, organization.path):
        raise PermissionDenied("您没有执行此操作的权限")
    if not owner.editable(object_id):
        raise DomainError(NOT_EDITABLE, field="file", code="not_editable")
    return permission


def attach_to(
    *,
    actor: Actor,
    kind: str,
    object_id: int,
    upload: UploadedFile[bytes] | None = None,
    link: tuple[str, int] | None = None,
    note: str = "",
) -> Evidence:
    """Attach a file or a link to an object of a registered owner kind, with the permission the
    registry names (the generic endpoint's use-case)."""
    owner, organization = owner_of(actor, kind, object_id)
    permission = _check_editable(owner, actor, object_id, organization)
    view_permission = owner.view_permission_for(object_id)
    if upload is not None:
        return attach_file(
            actor=actor,
            kind=kind,
            object_id=object_id,
            organization=organization,
            upload=upload,
            permission=permission,
            note=note,
            view_permission=view_permission,
        )
    if link is not None:
        return attach_link(
            actor=actor,
            kind=kind,
            object_id=object_id,
            organization=organization,
            link_kind=link[0],
            link_id=link[1],
            permission=permission,
            note=note,
            view_permission=view_permission,
        )
    raise DomainError("请上传文件或选择关联记录", field="file", code="required")


def remove_from(*, actor: Actor, evidence: Evidence) -> None:
    """Remove evidence of a registered owner kind, with the permission the registry names."""
    owner, organization = owner_of(actor, evidence.kind, evidence.object_id)
    permission = _check_editable(owner, actor, evidence.object_id, organization)
    remove(actor=actor, evidence=evidence, permission=permission)


def can_edit(actor: Actor, kind: str, object_id: int) -> bool:
    """Whether the actor may add or remove evidence of this object now (for the page's buttons)."""
    owner = registry.owner_kind(kind)
    if owner is None:
        return False
    organization = owner.organization_of(object_id)
    if organization is None:
        return False
    return has_perm_at(actor, owner.permission_for(object_id), organization.path) and owner.editable(
        object_id
    )


def choices_for(actor: Actor, organization: OrgNode) -> list[tuple[str, list[tuple[str, str]]]]:
    """The records the actor may cite for the organization, grouped by link kind: (label, [(value, text)])
    with values "<link kind>:<id>"."""
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    for declared in registry.LINK_KINDS.values():
        options = [(f"{declared.kind}:{pk}", text) for pk, text in declared.choices(actor, organization)]
        if options:
            groups.append((declared.label, options))
    return groups
