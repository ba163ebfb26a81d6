"""What a user can check on any chart page: each chart (`data-chart`) names its table (`data-table`), a real
table with a caption and header cells, holding every figure the chart draws (issue 20 item 4)."""

from __future__ import annotations

import json
import re
from typing import Any

import lxml.html

NUMBER = re.compile(r"\d+(?:\.\d+)?")  # no negative figures: "31-35岁" is two numbers


def figures(kind: str, data: dict[str, Any]) -> tuple[list[str], list[float]]:
    """The labels and the numbers a chart of `kind` draws from `data`."""
    if kind == "dual":
        labels, values = data["years"], data["party"] + data["business"]
    elif kind == "quadrant":
        points = [p for s in data["series"] for p in s["data"]]
        labels, values = [p["name"] for p in points], [v for p in points for v in p["value"]]
    elif kind == "pie":
        labels, values = [i["name"] for i in data["items"]], [i["value"] for i in data["items"]]
    else:
        labels, values = data["categories"], data["values"]
    return [str(x) for x in labels], [float(v) for v in values if v is not None]


def assert_every_chart_has_its_table(page: str) -> int:
    """Fails unless every chart on `page` has its numbers in a table; returns the number of charts."""
    doc = lxml.html.fromstring(page)
    charts = doc.xpath("//*[@data-chart]")
    for chart in charts:
        name = chart.get("id")
        data = json.loads(doc.get_element_by_id(chart.get("data-source")).text)
        table_id = chart.get("data-table")
        assert table_id, f"chart {name} names no table (data-table)"
        table = doc.get_element_by_id(table_id)
        assert table.tag == "table", f"chart {name}: #{table_id} is not a table"
        assert table.xpath("./caption") and table.xpath("./caption")[0].text_content().strip()
        assert table.xpath(".//th[@scope='col']") and table.xpath(".//tbody//th[@scope='row']")
        text = " | ".join(cell.text_content() for cell in table.iter("caption", "th", "td"))
        numbers = {round(float(n), 2) for n in NUMBER.findall(text.replace(",", ""))}
        labels, values = figures(chart.get("data-chart"), data)
        missing = [v for v in values if round(v, 2) not in numbers] + [x for x in labels if x not in text]
        assert not missing, f"chart {name}: not in table #{table_id}: {missing}"
        if chart.get("data-theme") != "dark":  # the 大屏 is a display: its charts export from the 看板
            button = doc.xpath(f"//button[@data-chart-png='{name}']")
            assert button and button[0].text_content().strip() == "导出图片", f"chart {name}: no 导出图片"
    return len(charts)
