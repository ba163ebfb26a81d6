"""通知公告 under /api/v1/notices: the notices that reach the caller, read only."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404
from ninja import Query, Router, Schema

from ronghe.accounts.http import ApiRequest
from ronghe.core.api import ERRORS, Paging
from ronghe.notices import queries
from ronghe.notices.models import Notice

router = Router(tags=["通知公告"])


class NoticeOut(Schema):
    code: UUID
    title: str
    body: str
    organization: str
    published_at: datetime
    is_read: bool


def _out(n: Notice) -> dict[str, Any]:
    return {
        "code": n.code,
        "title": n.title,
        "body": n.body,
        "organization": n.organization.name,
        "published_at": n.published_at,
        "is_read": bool(getattr(n, "is_read", False)),
    }


@router.get("", response={200: list[NoticeOut], **ERRORS}, summary="我收到的通知公告")
def notice_list(request: ApiRequest, paging: Query[Paging]) -> list[dict[str, Any]]:
    """发布在本人所在党组织或其上级的通知（最新在前），is_read 为本人是否已读；读取不产生回执。"""
    return [_out(n) for n in paging.window(queries.notices_for_user(request.auth))]


@router.get("/{code}", response={200: NoticeOut, **ERRORS}, summary="一条通知公告")
def notice_detail(request: ApiRequest, code: UUID) -> dict[str, Any]:
    notice = queries.notices_for_user(request.auth).filter(code=code).first()
    if notice is None:
        raise Http404
    return _out(notice)
