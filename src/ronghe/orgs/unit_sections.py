"""Sections other apps add to a unit's page (the plan, the quarterly reviews …) and to an organization's
page (its honours).

orgs sits below the apps that plan and review a unit's work, so it cannot name them: each declares its
section from its `AppConfig.ready()` (`register_section("integration/_unit_section.html", context)`), and the
unit page renders every declared section whose context function returns a dict (None: not shown to this user).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from ronghe.orgs.models import Organization, Unit

SectionContext = Callable[[HttpRequest, Unit], dict[str, Any] | None]
OrganizationContext = Callable[[HttpRequest, Organization], dict[str, Any] | None]


@dataclass(frozen=True)
class Section:
    template: str
    context: SectionContext


SECTIONS: dict[str, Section] = {}


def register_section(template: str, context: SectionContext) -> None:
    """Declare a section of the unit page: `template` is included with `section` = `context(request, unit)`."""
    SECTIONS[template] = Section(template, context)


def sections_for(request: HttpRequest, unit: Unit) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for section in SECTIONS.values():
        context = section.context(request, unit)
        if context is not None:
            out.append((section.template, context))
    return out


ORGANIZATION_SECTIONS: dict[str, OrganizationContext] = {}


def register_organization_section(template: str, context: OrganizationContext) -> None:
    """Declare a section of an organization's (a branch's) page, like `register_section` for units."""
    ORGANIZATION_SECTIONS[template] = context


def organization_sections_for(
    request: HttpRequest, organization: Organization
) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for template, context in ORGANIZATION_SECTIONS.items():
        found = context(request, organization)
        if found is not None:
            out.append((template, found))
    return out
