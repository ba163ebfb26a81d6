"""学习强国 monthly statistics from the platform's Excel export: 姓名, 学习积分, 活跃天数 (and optionally
序号 or the 组织 column, which are ignored). Read through core/imports (safe upload checks, header
location). A first pass is a preview: rows matched to members of the importer's scope, and the names
that match nobody (or more than one member) listed; nothing is written until the user confirms, and
then only the matched rows. A column the platform's export does not have refuses the whole file."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.imports.files import check_upload
from ronghe.core.imports.reading import locate_header, open_rows
from ronghe.core.imports.values import clean_text, normalize_header
from ronghe.core.scope import scoped
from ronghe.core.types import Actor
from ronghe.education import rules, services
from ronghe.education.models import StudyScore
from ronghe.members.choices import ACTIVE_STATUSES
from ronghe.members.models import Member

IMPORT = "education.edit"
ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "学员姓名"),
    "points": ("学习积分", "积分", "月积分"),
    "active_days": ("活跃天数", "学习天数"),
    "ignored": ("序号", "所在组织", "组织", "部门", "单位"),
}


@dataclass
class Matched:
    row: int
    member: Member
    points: int
    active_days: int


@dataclass
class Preview:
    month: str
    total: int = 0
    matched: list[Matched] = field(default_factory=list)
    unmatched: list[tuple[int, str, str]] = field(default_factory=list)  # row, name, why
    created: int = 0
    updated: int = 0


def _number(raw: object, what: str) -> int:
    text = clean_text(raw)
    try:
        value = float(text) if text else 0.0
    except ValueError:
        raise ValueError(f"{what}应为数字") from None
    if value < 0 or value != int(value):
        raise ValueError(f"{what}应为非负整数")
    return int(value)


def read(actor: Actor, path: Path, file_kind: str, month: str) -> Preview:
    rows = open_rows(path, file_kind)
    header = locate_header(rows, ALIASES, ["name", "points", "active_days"])
    known = {normalize_header(a) for names in ALIASES.values() for a in names}
    unknown = [clean_text(c) for c in header.cells if clean_text(c) and normalize_header(c) not in known]
    if unknown:
        raise ImportRefused(
            f"表格含有无法识别的列：{'、'.join(unknown)}（应为 姓名、学习积分、活跃天数），请使用学习强国导出的原表"
        )
    by_name: dict[str, list[Member]] = {}
    for m in scoped(Member.objects.filter(status__in=ACTIVE_STATUSES), actor, IMPORT).select_related(
        "organization"
    ):
        by_name.setdefault(m.name, []).append(m)
    preview = Preview(month)
    for number, values in rows:

        def cell(name: str, values: list[object] = values) -> object:
            index = header.columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        name = clean_text(cell("name")).replace(" ", "")
        if not name:
            continue
        preview.total += 1
        found = by_name.get(name, [])
        if len(found) != 1:
            why = "权限范围内没有该党员" if not found else f"有 {len(found)} 名同名党员，无法确定"
            preview.unmatched.append((number, name, why))
            continue
        try:
            points = _number(cell("points"), "学习积分")
            days = _number(cell("active_days"), "活跃天数")
        except ValueError as exc:
            preview.unmatched.append((number, name, str(exc)))
            continue
        if days > 31:
            preview.unmatched.append((number, name, "活跃天数不能超过 31"))
            continue
        preview.matched.append(Matched(number, found[0], points, days))
    return preview


def import_scores(*, actor: Actor, upload: UploadedFile[bytes], month: str, confirm: bool = False) -> Preview:
    """Preview (and with `confirm`, store) one month's figures; the matched rows replace that month's
    figures of the same members. Unmatched names are never stored."""
    if problem := rules.month_problem(month):
        raise DomainError(problem, "month")
    name = Path(upload.name or "").name
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "xuexi.upload"
        with path.open("wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        preview = read(actor, path, check_upload(path, name), month)
    if not confirm:
        return preview
    if not preview.matched:
        raise DomainError("没有可导入的行：表中的姓名都未能匹配到党员", "file")
    year = int(month[:4])
    with transaction.atomic():
        for row in preview.matched:
            _, created = StudyScore.objects.update_or_create(
                member=row.member,
                month=month,
                defaults={
                    "year": year,
                    "points": row.points,
                    "active_days": row.active_days,
                    "imported_by_id": getattr(actor, "pk", None),
                },
            )
            if created:
                preview.created += 1
            else:
                preview.updated += 1
        # the month's figures feed the members' points (the "study" indicator source)
        services.sync_study_points(month=month, actor=actor)
        audit.record(
            "education.xuexi.import",
            actor=actor,
            object_type="education.studyscore",
            object_id=month,
            changes={
                "created": preview.created,
                "updated": preview.updated,
                "skipped": len(preview.unmatched),
            },
        )
    return preview
