"""Sections other apps add to a member's page (their honours …).

members sits below the apps that judge or honour a member, so it cannot name them: each declares its
section from its `AppConfig.ready()` (`register_section("selections/_member_section.html", context)`), and
the member page renders every declared section whose context function returns a dict (None: not shown).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest

from ronghe.members.models import Member

SectionContext = Callable[[HttpRequest, Member], dict[str, Any] | None]
SECTIONS: dict[str, SectionContext] = {}


def register_section(template: str, context: SectionContext) -> None:
    """Declare a section of the member page: `template` is included with `section` = `context(request, member)`."""
    SECTIONS[template] = context


def sections_for(request: HttpRequest, member: Member) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    for template, context in SECTIONS.items():
        found = context(request, member)
        if found is not None:
            out.append((template, found))
    return out
