"""The JSON API at /api/v1/: session auth for the browser, bearer tokens for machine clients.

Each domain app adds its own router here; handlers call the same services and the same
scoping function as the pages. Every error leaves through the handlers below in one shape
(`ronghe.core.api.ErrorOut`): ``{"detail": "<中文>"}``, plus ``"errors": {field: [message]}`` on 422.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError, ValidationError
from ninja.security import HttpBearer, SessionAuth

from ronghe.accounts.backends import take_grants, with_grants
from ronghe.accounts.http import ApiRequest
from ronghe.accounts.models import ApiToken, User
from ronghe.core.api import ERRORS, NUL_FIELDS, NulRefusingParser, schema_errors
from ronghe.core.errors import DomainError

# A token's 最近使用 is rewritten at most this often: a machine client's reads are not each a write.
LAST_USED_EVERY = timedelta(seconds=60)


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        """The token's account with its roles, in one statement (`accounts.backends`)."""
        now = timezone.now()
        query = ApiToken.objects.select_related("user").filter(
            digest=ApiToken.digest_of(token), revoked=False, expires_at__gt=now, user__is_active=True
        )
        row = take_grants(list(with_grants(query, "user")), lambda r: r.user)
        if row is None:
            return None
        if row.last_used_at is None or now - row.last_used_at >= LAST_USED_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


class BrowserSession(SessionAuth):
    """The browser's signed-in session, CSRF-checked on writes.

    ninja's SessionAuth checks CSRF before it looks at the session, so a machine client's token
    request (no session, no CSRF cookie) was refused before the token was read. Here a request
    without a signed-in session is simply not this authenticator's (the token one is tried, or 401),
    and one with a session is CSRF-checked as before.
    """

    def __call__(self, request: HttpRequest) -> User | None:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


api = NinjaAPI(
    title="融合 API",
    version="1.0.0",
    description=(
        "机关党建与业务融合平台接口。浏览器使用会话认证（写操作须带 CSRF 令牌），"
        "系统对接使用 `Authorization: Bearer <token>`（由 `ronghe issue_token` 签发，到期、吊销、"
        "用户修改密码或停用后失效）。"
        '出错时返回 `{"detail": "中文说明"}`；输入有误（422）另有 '
        '`"errors": {"字段": ["说明"]}`，不属于某一字段的在 `__all__` 下。'
    ),
    # the token first: a request that carries one is the machine's, and is not CSRF-checked
    auth=[TokenAuth(), BrowserSession()],
    urls_namespace="api",
    parser=NulRefusingParser(),
)


# ------------------------------------------------------------------ the one error shape

_HAN = re.compile(r"[\u4e00-\u9fff]")
_DEFAULT_DETAIL = {
    400: "请求内容不是有效的 JSON",
    401: "请先登录，或在 Authorization 头中提供有效的访问令牌",
    403: "您没有执行此操作的权限",
    404: "未找到或无权访问",
    405: "不支持该请求方法",
    429: "请求过于频繁，请稍后再试",
}
_CSRF_DETAIL = "安全校验失败（CSRF），请刷新页面后重试"


def _detail(message: str, status: int) -> str:
    """Our own messages are Chinese and kept; ninja's and Django's English ones are replaced."""
    if _HAN.search(message or ""):
        return message
    if status == 403 and "CSRF" in (message or ""):
        return _CSRF_DETAIL
    return _DEFAULT_DETAIL.get(status, "请求无法处理")


def _error(
    request: HttpRequest, status: int, detail: str, errors: dict[str, list[str]] | None = None
) -> HttpResponse:
    body: dict[str, Any] = {"detail": detail}
    if status == 422:
        body["errors"] = errors or {"__all__": [detail]}
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 422, exc.message, exc.as_errors())


@api.exception_handler(ValidationError)
def _schema_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    detail, errors = schema_errors(exc.errors, getattr(request, NUL_FIELDS, ()))
    return _error(request, 422, detail, errors)


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, _detail(exc.message, exc.status_code))


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, _detail(str(exc), 403))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, _detail(str(exc), 404))


class RoleOut(Schema):
    role: str
    organization_path: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]


@api.get("/me", response={200: MeOut, **ERRORS}, summary="当前用户", tags=["账户"])
def me(request: ApiRequest) -> dict[str, Any]:
    from ronghe.core.scope import grants

    user = request.auth
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": [{"role": r, "organization_path": p} for r, p in grants(user)],
    }


def _register_routers() -> None:
    import importlib

    for name in (
        "orgs",
        "members",
        "orglife",
        "points",
        "ratings",
        "selections",
        "recruitment",
        "dues",
        "integration",
        "assessment",
        "education",
        "outreach",
        "discipline",
        "notices",
        "reports",
    ):
        try:
            module = importlib.import_module(f"ronghe.{name}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"ronghe.{name}.api":
                raise
            continue
        routers = getattr(module, "ROUTERS", None) or {getattr(module, "PREFIX", name): module.router}
        for prefix, router in routers.items():
            api.add_router(f"/{prefix}", router)


_register_routers()
