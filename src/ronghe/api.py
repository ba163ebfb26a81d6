"""The JSON API at /api/v1/: session auth for the browser, bearer tokens for machine clients.

Each domain app adds its own router here; handlers call the same services and the same
scoping function as the pages.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from ronghe.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), revoked=False, user__is_active=True)
            .first()
        )
        if row is None:
            return None
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
        request.user = row.user
        return row.user


api = NinjaAPI(
    title="融合 API",
    version="1.0.0",
    description="机关党建与业务融合平台接口。浏览器使用会话认证，系统对接使用 `Authorization: Bearer <token>`。",
    auth=[SessionAuth(), TokenAuth()],
    urls_namespace="api",
)


@api.get("/me", summary="当前用户", tags=["账户"])
def me(request: HttpRequest) -> dict[str, Any]:
    from ronghe.core.scope import grants

    user = request.auth
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": [{"role": r, "organization_path": p} for r, p in grants(user)],
    }


def _register_routers() -> None:
    import importlib

    for name in ("orgs", "members", "orglife", "points"):
        try:
            module = importlib.import_module(f"ronghe.{name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"ronghe.{name}.api":
                raise
            continue
        api.add_router(f"/{getattr(module, 'PREFIX', name)}", module.router)


_register_routers()
