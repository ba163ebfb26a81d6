"""`{% org_tree_nav org %}`: the compact, scoped organization tree for the side bar."""

from __future__ import annotations

from typing import Any

from django import template

from ronghe.orgs.queries import tree_nav

register = template.Library()


@register.inclusion_tag("orgs/_tree_nav.html", takes_context=True)
def org_tree_nav(context: Any, current: Any = None) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"nodes": tree_nav(user, current) if user is not None else []}
