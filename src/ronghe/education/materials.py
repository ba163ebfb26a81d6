"""学习资料库: documents and links published to an organization and those below it, who has opened each,
and a recorded 党课 recommended as a 精品党课 (the selections app's open lecture campaign)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.evidence import files
from ronghe.core.scope import require_at, scoped
from ronghe.core.types import Actor
from ronghe.education.choices import MaterialKind
from ronghe.education.models import MaterialOpen, StudyMaterial
from ronghe.education.queries import members_in
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member
from ronghe.orgs.models import Organization, ancestor_paths

VIEW, EDIT = "education.view", "education.edit"
FOLDER = "materials"


def publish_material(
    *,
    actor: Actor,
    organization: Organization,
    data: dict[str, Any],
    upload: UploadedFile[bytes] | None = None,
    today: date | None = None,
) -> StudyMaterial:
    """A document (uploaded file) or a link, or both, published to `organization` and below it."""
    require_at(actor, EDIT, organization.path)
    title = (data.get("title") or "").strip()
    if not title:
        raise DomainError("请填写标题", "title")
    kind = data.get("kind") or MaterialKind.DOCUMENT
    if kind not in MaterialKind.values:
        raise DomainError("请选择类别", "kind")
    url = (data.get("url") or "").strip()
    if not url and upload is None:
        raise DomainError("请上传文件或填写链接", "url")
    stored = files.store_upload(upload, folder=FOLDER) if upload is not None else None
    today = today or timezone.localdate()
    try:
        with transaction.atomic():
            material = StudyMaterial.objects.create(
                organization=organization,
                kind=kind,
                title=title[:200],
                summary=(data.get("summary") or "").strip(),
                url=url[:500],
                original_name=stored.original_name if stored else "",
                stored_name=stored.stored_name if stored else "",
                content_type=stored.content_type if stored else "",
                published_on=today,
                year=today.year,
                created_by=actor,  # type: ignore[misc]
            )
            audit.record(
                "education.material.publish",
                actor=actor,
                obj=material,
                changes={"title": material.title, "sha256": stored.sha256 if stored else ""},
            )
    except Exception:
        if stored:
            files.discard(FOLDER, stored.stored_name)
        raise
    return material


def reader_of(user: Actor, material: StudyMaterial) -> Member | None:
    """The user's member record when the material was published to their organization or one above it."""
    member_id = getattr(user, "member_id", None)
    if not member_id:
        return None
    return Member.objects.filter(
        pk=member_id,
        status__in=ACTIVE_STATUSES,
        organization__path__startswith=material.organization.path,
    ).first()


def record_open(*, user: Actor, material: StudyMaterial, now: datetime | None = None) -> bool:
    """The member opens the material: the first time is kept (True), later ones change nothing."""
    member = reader_of(user, material)
    if member is None:
        return False
    try:
        with transaction.atomic():
            MaterialOpen.objects.create(material=material, member=member, opened_at=now or timezone.now())
    except IntegrityError:
        return False
    return True


def download(material: StudyMaterial) -> Any:
    return files.download_response(
        FOLDER, material.stored_name, filename=material.original_name, content_type=material.content_type
    )


# ---------------------------------------------------------------- read side


def materials_for_user(user: Actor | None) -> QuerySet[StudyMaterial]:
    return (
        scoped(StudyMaterial.objects.all(), user, VIEW)
        .select_related("organization")
        .annotate(n_opened=Count("opens"))
    )


def materials_for_member(member: Member, year: int) -> list[tuple[StudyMaterial, bool]]:
    """This year's materials published to the member's organization or one above it, and whether the
    member has opened each."""
    paths = ancestor_paths(member.organization.path)
    rows = list(
        StudyMaterial.objects.filter(organization__path__in=paths, year=year)
        .select_related("organization")
        .order_by("-published_on", "-id")[:50]
    )
    opened = set(
        MaterialOpen.objects.filter(member=member, material__in=rows).values_list("material_id", flat=True)
    )
    return [(m, m.pk in opened) for m in rows]


@dataclass(frozen=True)
class Readers:
    opened: list[tuple[Member, datetime]]
    not_opened: list[Member]

    @property
    def total(self) -> int:
        return len(self.opened) + len(self.not_opened)


def readers(material: StudyMaterial, user: Actor | None) -> Readers:
    """Who among the members the material was published to (those the user may see) opened it, and who not."""
    members = list(scoped(members_in(material.organization.path), user, VIEW)[:2000])
    when = dict(material.opens.values_list("member_id", "opened_at"))
    return Readers(
        opened=sorted(((m, when[m.pk]) for m in members if m.pk in when), key=lambda p: p[1]),
        not_opened=[m for m in members if m.pk not in when],
    )
