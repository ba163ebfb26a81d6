"""points.rules without the database: a claim's points come from its indicator (issue 16 item 4)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ronghe.points import rules


@pytest.mark.parametrize(
    ("_case", "kind", "requested", "expected"),
    [
        ("fixed value, left blank", "derived", "", D("3")),
        ("fixed value, typed as is", "derived", "3", D("3")),
        ("fixed value, typed with decimals", "derived", "3.00", D("3")),
        ("range, inside", "entered", "1.5", D("1.5")),
        ("range, at its top", "entered", "3", D("3")),
    ],
)
def test_a_claims_points_come_from_the_indicator(_case, kind, requested, expected):
    assert rules.claim_points(kind=kind, per_event=D("3"), requested=requested) == expected


@pytest.mark.parametrize(
    ("_case", "kind", "requested", "message"),
    [
        ("fixed value, asked for more", "derived", "5", "该指标每次计 3 分，申报分值应为 3"),
        ("fixed value, asked for less", "derived", "1", "该指标每次计 3 分，申报分值应为 3"),
        ("range, above its top", "entered", "3.5", "申报分值应在 0 到 3 分之间"),
        ("range, left blank", "entered", "", "请填写申报分值（0 到 3 分）"),
    ],
)
def test_points_outside_the_indicators_value_or_range_are_refused(_case, kind, requested, message):
    with pytest.raises(ValueError, match=message):
        rules.claim_points(kind=kind, per_event=D("3"), requested=requested)
