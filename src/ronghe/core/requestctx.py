"""Per-request context (who, from where, request id) for the audit log, via a contextvar."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass

from ronghe.core.types import Actor


@dataclass
class RequestContext:
    user: Actor | None = None
    ip: str = ""
    request_id: str = ""
    role: str = ""


_EMPTY = RequestContext()
_ctx: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("ronghe_request", default=None)


def current_context() -> RequestContext:
    return _ctx.get() or _EMPTY


def set_context(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _ctx.set(ctx)


def reset_context(token: contextvars.Token[RequestContext | None]) -> None:
    _ctx.reset(token)
