"""`{% org_tree_nav org %}`: the compact, scoped organization tree for the side bar."""

from __future__ import annotations

import uuid
from typing import Any

from django import template
from django.urls import reverse

from ronghe.orgs.queries import tree_nav

register = template.Library()


@register.inclusion_tag("orgs/_tree_nav.html", takes_context=True)
def org_tree_nav(context: Any, current: Any = None) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    nodes = tree_nav(user, current) if user is not None else []
    if nodes:
        # One reverse() for the whole tree: the detail URL differs only by the code (up to 500 nodes).
        blank = uuid.UUID(int=0)
        pattern = reverse("orgs:organization-detail", args=[blank])
        for n in nodes:
            n["url"] = pattern.replace(str(blank), str(n["code"]))
    return {"nodes": nodes}
