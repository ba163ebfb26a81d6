"""Charts in text: every ECharts canvas has its numbers as a table too (WCAG 1.1.1, 1.3.1)."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def chart_rows(chart: dict[str, Any] | None) -> list[tuple[Any, Any]]:
    """A category chart's data ({"categories": [...], "values": [...]}) as (category, value) rows."""
    if not chart:
        return []
    return list(zip(chart.get("categories", []), chart.get("values", []), strict=False))
