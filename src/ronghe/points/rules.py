"""Pure rules of member points: claim input checks, the claim transition table, year freezing.

The scheme arithmetic itself lives in `ronghe.core.scoring.rules`. Local practice (domain-rules
§7.3–7.4, all [C]): a yearly cycle, base + additions − deductions, per-item caps, floor 0.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from ronghe.core.scoring import rules as scoring
from ronghe.core.workflow import OWNER, Process, Step
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


# Claims wait at most this many working days for the branch's decision (our default, not a Party rule).
CLAIM_REVIEW_WORKING_DAYS = 10

# The one declared claim workflow (core/workflow): submitted → approved / rejected by the branch, or
# withdrawn by the member; nobody decides their own claim; a rejection needs a reason.
CLAIM_PROCESS = Process(
    name="points.claim",
    noun="申报",
    state_field="state",
    steps={
        (ClaimState.SUBMITTED, ClaimAction.APPROVE): Step(
            ClaimState.APPROVED,
            "points.approve",
            forbid_owner="不能审核本人的申报",
            denied="您没有审核积分申报的权限",
        ),
        (ClaimState.SUBMITTED, ClaimAction.REJECT): Step(
            ClaimState.REJECTED,
            "points.approve",
            comment_required="退回申报时请填写理由",
            forbid_owner="不能审核本人的申报",
            denied="您没有审核积分申报的权限",
        ),
        (ClaimState.SUBMITTED, ClaimAction.WITHDRAW): Step(
            ClaimState.WITHDRAWN, OWNER, denied="只能撤回本人的申报"
        ),
    },
    state_labels=dict(ClaimState.choices),
    action_labels=dict(ClaimAction.choices),
    audit_event="points.claim_{action}",
    comment_field="comment",
    conflict="该申报已被他人处理，请刷新后查看",
    deadlines={ClaimState.SUBMITTED: CLAIM_REVIEW_WORKING_DAYS},
)


def is_frozen(year: int, finalized: dict[str, set[int]], org_path: str) -> bool:
    """A year is frozen for an organization when any ancestor-or-self node finalized it."""
    return any(org_path.startswith(path) and year in years for path, years in finalized.items())


def claim_points(*, kind: str, per_event: Decimal, requested: object) -> Decimal:
    """A claim's points come from its indicator: a derived indicator's fixed value per event (what the
    member types, if anything, must be that value); an entered one's score from 0 up to its value
    per event (the reviewer's scale). Raises ValueError with the Chinese message to show."""
    text = str(requested).strip() if requested is not None else ""
    if kind != "entered":
        if text and parse_points(text, positive=True) != per_event:
            raise ValueError(
                f"该指标每次计 {per_event.normalize():f} 分，申报分值应为 {per_event.normalize():f}"
            )
        return per_event
    if not text:
        raise ValueError(f"请填写申报分值（0 到 {per_event.normalize():f} 分）")
    points = parse_points(text, positive=True)
    if points > per_event:
        raise ValueError(f"申报分值应在 0 到 {per_event.normalize():f} 分之间")
    return points


def added_under_caps(
    rule: scoring.IndicatorRule, month_sums: Mapping[tuple[int, int], Decimal], on: date, points: Decimal
) -> Decimal:
    """What `points` on `on` add to an indicator's counted total (its caps applied month → quarter → year)
    given the member's sums so far: the capped total with them minus without them."""
    before = scoring.capped_indicator_total(rule, month_sums)
    after = dict(month_sums)
    after[(on.year, on.month)] = after.get((on.year, on.month), Decimal("0")) + points
    return scoring.capped_indicator_total(rule, after) - before


def room_under_caps(
    rule: scoring.IndicatorRule, month_sums: Mapping[tuple[int, int], Decimal], on: date
) -> Decimal | None:
    """How many more points of the indicator on `on` would still count; None when it has no cap."""
    if rule.cap_month is None and rule.cap_quarter is None and rule.cap_year is None and rule.ceiling is None:
        return None
    return added_under_caps(rule, month_sums, on, MAX_CLAIM_POINTS * 1000)


def cap_text(rule: scoring.IndicatorRule) -> str:
    """The indicator's caps as people read them: "季度上限 3 分、年上限 9 分" ("" when none)."""
    parts = [
        f"{label} {value.normalize():f} 分"
        for label, value in (
            ("月上限", rule.cap_month),
            ("季度上限", rule.cap_quarter),
            ("年上限", rule.cap_year),
        )
        if value is not None
    ]
    return "、".join(parts)
