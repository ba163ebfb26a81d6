"""`{% org_tree_nav org %}`: the compact, scoped organization tree for the side bar."""

from __future__ import annotations

import hashlib
import uuid

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from ronghe.core.readcache import summary_version
from ronghe.core.scope import paths_with
from ronghe.orgs.models import Organization
from ronghe.orgs.queries import tree_nav

register = template.Library()

# Up to 500 nodes on every roster and organization page: rendered once per scope and current node,
# kept for a minute; saving or deleting any organization drops it (the home summary's version).
TREE_CACHE_SECONDS = 60


@register.simple_tag(takes_context=True)
def org_tree_nav(context: template.Context, current: object = None) -> SafeString:
    # `current` is the page's organization, or "" where the page has none (an unset template variable)
    org = current if isinstance(current, Organization) else None
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return mark_safe("")
    scope = (paths_with(user, "orgs.view"), getattr(user, "member_id", None))
    raw = repr((scope, org.path if org is not None else "", summary_version()))
    key = "orgs:tree_nav:" + hashlib.sha256(raw.encode()).hexdigest()
    html: str | None = cache.get(key)
    if html is None:
        nodes = tree_nav(user, org)
        if nodes:
            # One reverse() for the whole tree: the detail URL differs only by the code.
            blank = uuid.UUID(int=0)
            pattern = reverse("orgs:organization-detail", args=[blank])
            for n in nodes:
                n["url"] = pattern.replace(str(blank), str(n["code"]))
        html = render_to_string("orgs/_tree_nav.html", {"nodes": nodes})
        cache.set(key, html, TREE_CACHE_SECONDS)
    return mark_safe(html)  # noqa: S308 - rendered by the autoescaping template above
