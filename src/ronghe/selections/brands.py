"""Brands (一局一品牌、一支部一特色), demonstration sites and the innovation case library: use-cases."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core import audit
from ronghe.core.errors import DomainError
from ronghe.core.scope import require_at
from ronghe.core.workflow import services as workflow
from ronghe.orgs.models import Organization
from ronghe.selections import rules
from ronghe.selections.choices import SiteLevel
from ronghe.selections.models import Brand, DemonstrationSite, InnovationCase
from ronghe.selections.rules import CASE_PROCESS


def _text(value: str, field: str, label: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise DomainError(f"请填写{label}", field=field)
    if len(value) > limit:
        raise DomainError(f"{label}不能超过 {limit} 字", field=field)
    return value


def register_brand(*, actor: User, organization: Organization, name: str, meaning: str) -> Brand:
    """A unit's or branch's brand: its name and meaning (the logo is attached as an image)."""
    require_at(actor, "selections.nominate", organization.path)
    name = _text(name, "name", "品牌名称", 60)
    meaning = _text(meaning, "meaning", "品牌内涵", 2000)
    if Brand.objects.filter(organization=organization, name=name).exists():
        raise DomainError(f"{organization.name}已有名为“{name}”的品牌", field="name")
    with transaction.atomic():
        brand = Brand.objects.create(organization=organization, name=name, meaning=meaning, created_by=actor)
        audit.record("selections.brand_registered", actor=actor, obj=brand, changes={"name": name})
    return brand


def name_site(
    *,
    actor: User,
    organization: Organization,
    name: str,
    level: str,
    named_by: str,
    starts_on: date,
    ends_on: date | None = None,
    description: str = "",
) -> DemonstrationSite:
    """Record a demonstration site named by a county, city or province, with its period."""
    require_at(actor, "selections.manage", organization.path)
    name = _text(name, "name", "示范点名称", 100)
    named_by = _text(named_by, "named_by", "命名单位", 100)
    if level not in SiteLevel.values:
        raise DomainError("请选择命名级别", field="level")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("有效期不能早于命名日期", field="ends_on")
    with transaction.atomic():
        site = DemonstrationSite.objects.create(
            organization=organization,
            name=name,
            level=level,
            named_by=named_by,
            starts_on=starts_on,
            ends_on=ends_on,
            description=(description or "").strip(),
        )
        audit.record("selections.site_named", actor=actor, obj=site, changes={"name": name, "level": level})
    return site


def submit_case(
    *, actor: User, organization: Organization, title: str, summary: str, tags: str = ""
) -> InnovationCase:
    """An organization submits an innovation case for the 工委's review."""
    require_at(actor, "selections.nominate", organization.path)
    title = _text(title, "title", "案例标题", 100)
    summary = _text(summary, "summary", "案例内容", 8000)
    cleaned = rules.clean_tags(tags)
    with transaction.atomic():
        case = InnovationCase.objects.create(
            organization=organization,
            title=title,
            summary=summary,
            tags=rules.stored_tags(cleaned),
            submitted_by=actor,
        )
        workflow.start(CASE_PROCESS, case, by=actor)
        audit.record(
            "selections.case_submitted", actor=actor, obj=case, changes={"title": title, "tags": cleaned}
        )
    return case


def review_case(*, actor: User, case: InnovationCase, publish: bool, comment: str = "") -> InnovationCase:
    """The 工委 publishes a case to the library, or returns it with its comment."""
    if publish:
        workflow.transition(
            CASE_PROCESS,
            case,
            "publish",
            by=actor,
            comment=comment,
            fields={"published_at": timezone.now(), "review_comment": (comment or "").strip()},
        )
    else:
        workflow.transition(
            CASE_PROCESS,
            case,
            "return",
            by=actor,
            comment=comment,
            fields={"review_comment": (comment or "").strip()},
        )
    return case
