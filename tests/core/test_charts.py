"""Charts and their tables (issue 20 item 4): one component draws every chart, with its table; a table
downloads as xlsx from the page it is on, audited, with text that reads as a formula kept as text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import python_calamine as pc
from django.urls import reverse

import ronghe
from ronghe.core.charts import data_table, find_table, table_xlsx, with_table
from ronghe.core.models import AuditEntry

TEMPLATES = Path(ronghe.__file__).parent / "templates"


def test_every_chart_is_drawn_by_the_component_that_puts_its_table_beside_it():
    # a template drawing a chart by hand could leave its numbers out: every chart goes through _chart.html
    drawn = sorted(
        p.relative_to(TEMPLATES).as_posix()
        for p in TEMPLATES.rglob("*.html")
        if "data-chart=" in p.read_text()
    )
    assert drawn == ["components/_chart.html"]
    component = (TEMPLATES / "components/_chart.html").read_text()
    assert 'data-table="{{ table_ref|default:table.id }}"' in component
    assert "data-chart-png" in component


def test_a_category_chart_gets_a_row_per_category_and_the_chart_is_left_alone():
    chart = {"categories": ["1月", "2月"], "values": [3, None]}
    out = with_table(chart, id="t", caption="每月会议", columns=["月份", "会议数"])
    assert out["table"]["rows"] == [["1月", 3], ["2月", None]]
    assert "table" not in chart  # a cached chart is not changed under other requests


def test_a_table_is_found_inside_a_sections_context():
    table = data_table(id="trend", caption="c", columns=["a", "b"], rows=[["x", 1]])
    context = {"sections": [("home/_trend_section.html", {"points_chart": {"values": [1], "table": table}})]}
    assert find_table(context, "trend") is table
    assert find_table(context, "other") is None


def test_the_workbook_keeps_formula_like_text_as_text():
    table = data_table(
        id="t",
        caption="单位落实率",
        columns=["单位", "落实率（%）"],
        rows=[["=HYPERLINK(1)", 80.5], ["乙", None]],
    )
    rows = pc.CalamineWorkbook.from_filelike(io.BytesIO(table_xlsx(table))).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "单位落实率"
    assert rows[1] == ["单位", "落实率（%）"]
    assert rows[2] == ["'=HYPERLINK(1)", 80.5]
    assert rows[3][0] == "乙" and rows[3][1] == ""


@pytest.mark.django_db
def test_a_pages_table_downloads_as_xlsx_audited_and_an_unknown_one_is_404(cast, client_for):
    client = client_for(cast.committee_admin)
    response = client.get(reverse("home:dashboard"), {"year": 2026, "format": "xlsx", "table": "month-table"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    rows = pc.CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[1] == ["月份", "会议数"] and [r[0] for r in rows[2:]] == [f"{m}月" for m in range(1, 13)]
    audit = AuditEntry.objects.get(event="chart.table_export")
    assert audit.object_id == "month-table" and audit.changes["rows"] == 12
    missing = client.get(reverse("home:dashboard"), {"format": "xlsx", "table": "no-such-table"})
    assert missing.status_code == 404
    assert AuditEntry.objects.filter(event="chart.table_export").count() == 1
