"""Pure rules of member points: claim input checks, the claim transition table, year freezing.

The scheme arithmetic itself lives in `ronghe.core.scoring.rules`. Local practice (domain-rules
§7.3–7.4, all [C]): a yearly cycle, base + additions − deductions, per-item caps, floor 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ronghe.points.choices import ClaimAction, ClaimState

MAX_CLAIM_POINTS = Decimal("100")

# Image formats a claim photo may have, by their first bytes.
IMAGE_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


def parse_points(value: object, *, positive: bool) -> Decimal:
    """Read a points value: a number with at most two decimals; a claim's points must be > 0.

    Raises ValueError with the Chinese message to show.
    """
    text = str(value).strip() if value is not None else ""
    try:
        points = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError("分值必须是数字") from exc
    if not points.is_finite():
        raise ValueError("分值必须是数字")
    if points != points.quantize(Decimal("0.01")):
        raise ValueError("分值最多保留两位小数")
    if positive and points <= 0:
        raise ValueError("申报分值必须大于 0")
    if not positive and points == 0:
        raise ValueError("调整分值不能为 0")
    if abs(points) > MAX_CLAIM_POINTS:
        raise ValueError(f"分值的绝对值不能超过 {MAX_CLAIM_POINTS}")
    return points


def image_type(head: bytes) -> str | None:
    """The image type recognised from a file's first bytes (JPEG, PNG, GIF, WebP), or None."""
    for signature, mime in IMAGE_SIGNATURES:
        if head.startswith(signature):
            return mime
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def check_photo(*, size: int, head: bytes, max_bytes: int) -> str:
    """A claim photo must be a JPEG/PNG/GIF/WebP image of at most `max_bytes`; returns its type."""
    if size > max_bytes:
        raise ValueError(f"照片不能超过 {max_bytes // (1024 * 1024)} MB")
    mime = image_type(head)
    if mime is None:
        raise ValueError("照片必须是 JPG、PNG、GIF 或 WebP 格式的图片")
    return mime


def check_claim_date(occurred_on: date, today: date) -> None:
    """A claim is for something that has happened: not in the future."""
    if occurred_on > today:
        raise ValueError("活动日期不能晚于今天")


@dataclass(frozen=True)
class Transition:
    next_state: str
    permission: str  # "points.approve" at the member's organization, or "owner" (the member)


# (state, action) → (next state, who may do it). The one declared claim workflow.
CLAIM_TRANSITIONS: dict[tuple[str, str], Transition] = {
    (ClaimState.SUBMITTED, ClaimAction.APPROVE): Transition(ClaimState.APPROVED, "points.approve"),
    (ClaimState.SUBMITTED, ClaimAction.REJECT): Transition(ClaimState.REJECTED, "points.approve"),
    (ClaimState.SUBMITTED, ClaimAction.WITHDRAW): Transition(ClaimState.WITHDRAWN, "owner"),
}


def claim_transition(state: str, action: str) -> Transition:
    """Look up a transition; raises ValueError with a Chinese message when it is not allowed."""
    try:
        return CLAIM_TRANSITIONS[(state, action)]
    except KeyError as exc:
        labels = dict(ClaimState.choices)
        actions = dict(ClaimAction.choices)
        raise ValueError(f"“{labels.get(state, state)}”状态的申报不能{actions.get(action, action)}") from exc


def is_frozen(year: int, finalized: dict[str, set[int]], org_path: str) -> bool:
    """A year is frozen for an organization when any ancestor-or-self node finalized it."""
    return any(org_path.startswith(path) and year in years for path, years in finalized.items())
