"""The one phone check-in (design.md §3 "Phone check-in and secret votes"): a short-lived code per
session shown as a QR code, a time window around the session, one check-in per expected person.

The module that owns the session (orglife meetings, education training sessions, outreach volunteer
activities) keeps the code and the attendance rows; these functions are the shared rules and
messages, so every check-in behaves and reads alike.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from ronghe.core.errors import DomainError

DEFAULT_LENGTH = timedelta(hours=3)


def window(*, starts_at: datetime, ends_at: datetime | None, early_minutes: int) -> tuple[datetime, datetime]:
    """Members may check in from `early_minutes` before the start until the end (start + 3 h if none)."""
    end = ends_at or starts_at + DEFAULT_LENGTH
    return starts_at - timedelta(minutes=early_minutes), end


def issue_code(*, now: datetime, end: datetime, minutes: int, what: str = "会议") -> tuple[str, datetime]:
    """A fresh code and its expiry (never later than the session's end); refused once it has ended."""
    if now > end:
        raise DomainError(f"{what}已结束，不能再开启签到", "checkin")
    return secrets.token_urlsafe(6)[:8], min(now + timedelta(minutes=minutes), end)


def check_window(*, now: datetime, start: datetime, end: datetime, what: str = "会议") -> None:
    if not (start <= now <= end):
        raise DomainError(f"不在{what}签到时间内", "code")


def check_code(*, now: datetime, expires_at: datetime | None, what: str = "会议") -> None:
    if expires_at is None or now > expires_at:
        raise DomainError(f"签到码已过期，请向{what}组织者索取新的签到码", "code")


def qr_svg(url: str, title: str = "签到二维码", scale: int = 5, fit: bool = False) -> str:
    """A link as an inline SVG QR code for the organizer's screen (a projector: larger scale): check-in,
    and the vote page of core/voting. `fit`: no width or height, only a viewBox, so the page's CSS
    sizes the whole code to its box (the projector: as large as the screen allows, never cut off)."""
    import segno

    return str(segno.make(url, error="m").svg_inline(scale=scale, title=title, omitsize=fit))
