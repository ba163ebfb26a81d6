"""One helper for pages that also serve an htmx fragment."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, TypeVar
from uuid import UUID

from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

T = TypeVar("T")


def render_page_or_partial(
    request: HttpRequest, template: str, context: dict[str, Any], partial: str = "rows", status: int = 200
) -> HttpResponse:
    """Return `template#partial` for an htmx (non-boosted) request, the whole page otherwise."""
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.boosted:
        return render(request, f"{template}#{partial}", context, status=status)
    return render(request, template, context, status=status)


class DeepPaginator(Paginator[T]):
    """A paginator for long ordered querysets (a unit's roster at a province: tens of thousands).

    Pages in the back half are read in reverse order, so the last page is an index scan from the
    end rather than skipping every row before it. With `count_key`, the row count is cached for
    `COUNT_SECONDS` under the read-cache version (bumped by every member/organization/meeting save),
    like the other whole-subtree aggregates (docs/architecture.md, "Read caches at scale").
    """

    COUNT_SECONDS = 60

    def __init__(
        self, object_list: Sequence[T] | QuerySet[Model, T], per_page: int, *, count_key: str | None = None
    ) -> None:
        super().__init__(object_list, per_page)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None or not isinstance(self.object_list, QuerySet):
            return super().count  # lists: len(); querysets: COUNT(*)
        from ronghe.core.readcache import cached_count

        return cached_count(self.count_key, self.object_list, self.COUNT_SECONDS)

    def page(self, number: int | str) -> Page[T]:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = min(bottom + self.per_page, self.count)
        rows_in = self.object_list
        if not isinstance(rows_in, QuerySet) or not rows_in.ordered or bottom <= self.count // 2:
            return super().page(number)
        rows = list(rows_in.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return Page(rows, number, self)


def paginate(
    request: HttpRequest,
    object_list: Sequence[T] | QuerySet[Model, T],
    per_page: int = 20,
    *,
    count_key: str | None = None,
) -> Page[T]:
    """A page of `object_list` from ?page=; a bad page number gives the nearest valid page.

    Pass `count_key` (a name for the list) for rosters that grow with the member count: the count
    is then cached briefly and deep pages are read from the end (`DeepPaginator`).
    """
    paginator = DeepPaginator(object_list, per_page, count_key=count_key)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


_PLACEHOLDER = UUID(int=0)


def code_urls(name: str) -> Callable[[UUID], str]:
    """`reverse(name, kwargs={"code": code})` for every row of a page at the cost of one reverse: the
    URL with a placeholder code, split around it (a `<uuid:code>` route writes the code as `str(code)`)."""
    head, tail = reverse(name, kwargs={"code": _PLACEHOLDER}).split(str(_PLACEHOLDER))
    return lambda code: f"{head}{code}{tail}"
