"""View permissions declared in one place: each view names the permission it needs.

`require(perm)` checks login and that the user holds `perm` at some node (object-level
checks go through `core.scope`). `public` marks the few views open to anyone or to any
logged-in user. The route-enumeration tests fail for a view that declares neither.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponseBase

from ronghe.core.scope import has_perm_anywhere

VIEW_PERMISSIONS: dict[str, str] = {}
PUBLIC_VIEWS: set[str] = set()

V = TypeVar("V", bound=Callable[..., object])


def _key(view: Callable[..., object]) -> str:
    target = getattr(view, "view_class", view)  # a class-based view is named by its class
    return f"{target.__module__}.{target.__qualname__}"


def view_permission(view: Callable[..., object]) -> str | None:
    """The permission declared for a resolved view callback, "public", or None if undeclared."""
    key = _key(view)
    if key in PUBLIC_VIEWS:
        return "public"
    return VIEW_PERMISSIONS.get(key)


def public(view: V) -> V:
    PUBLIC_VIEWS.add(_key(view))
    return view


View = Callable[..., HttpResponseBase]  # a page, a download (FileResponse) or a stream


def require(perm: str, *, hide: bool = False) -> Callable[[View], View]:
    """`hide`: a user without `perm` anywhere gets 404, not 403, so nobody outside the area learns that
    it exists (纪检: a case is visible only to 纪检 roles; everyone else finds nothing there)."""

    def decorator(func: View) -> View:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm_anywhere(request.user, perm):
                if hide:
                    raise Http404("未找到或无权访问")
                raise PermissionDenied("您没有访问此页面的权限")
            return func(request, *args, **kwargs)

        VIEW_PERMISSIONS[_key(wrapper)] = perm
        return wrapper

    return decorator
