from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from ronghe.core.scope import has_perm_anywhere

# (label, url name, permission). Entries whose URL does not exist yet are skipped.
NAVIGATION: list[tuple[str, str, str]] = [
    ("首页", "core:home", "public"),
    ("党组织", "orgs:organization-list", "orgs.view"),
    ("党员名册", "members:member-list", "members.view"),
    ("组织生活", "orglife:meeting-list", "orglife.view"),
    ("落实情况", "orglife:compliance", "orglife.view"),
    ("我的积分", "points:my-points", "self.view"),
    ("积分管理", "points:ranking", "points.view"),
    ("审计日志", "audit:entry-list", "audit.view"),
    ("角色授权", "accounts:role-list", "roles.grant"),
    ("用户账户", "accounts:user-list", "users.manage"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for label, name, perm in NAVIGATION:
        if perm != "public" and not has_perm_anywhere(user, perm):
            continue
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "active": request.path == url})
    return {"nav_items": items}
