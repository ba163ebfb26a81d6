"""One helper for pages that also serve an htmx fragment."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page_or_partial(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str = "rows", status: int = 200
) -> HttpResponse:
    """Return `template#partial` for an htmx (non-boosted) request, the whole page otherwise."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return render(request, f"{template}#{partial}", context, status=status)
    return render(request, template, context, status=status)


def paginate(request: HttpRequest, object_list: Any, per_page: int = 20) -> Page:
    """A page of `object_list` from ?page=; a bad page number gives the nearest valid page."""
    paginator = Paginator(object_list, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
