"""Every chart has its numbers as a table, and every such table downloads as xlsx (issue 20 item 4).

A chart's data (`{"categories", "values"}`, the assessment's `{"years", "party", "business"}` …) gets a
`table` (`data_table`): its id, caption, column headers and rows — the same figures the chart draws. The
page shows the table (`components/_chart.html`, `_data_table.html`), and the view that renders the page
answers `?format=xlsx&table=<id>` with that table as a workbook (`render_or_export`): one mechanism for
every chart page, the file built from the very context the page is drawn from, so it is scoped as the
page is and never disagrees with it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import xlsxwriter
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ronghe.core import audit
from ronghe.core.downloads import XLSX, generated
from ronghe.core.spreadsheets import safe_cells

# How deep `find_table` looks into a page's context: a table in a chart in a section's context in `sections`.
SEARCH_DEPTH = 6


def data_table(
    *, id: str, caption: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> dict[str, Any]:
    """A table of figures: `rows` of cells, the first cell of each the row's heading."""
    return {"id": id, "caption": caption, "columns": list(columns), "rows": [list(r) for r in rows]}


def with_table(chart: dict[str, Any], *, id: str, caption: str, columns: Sequence[str]) -> dict[str, Any]:
    """A category chart (`categories`, `values`) with its table: one row per category. Returns a copy
    (the chart may come from a cache shared with other requests)."""
    rows = zip(chart.get("categories", []), chart.get("values", []), strict=False)
    return {**chart, "table": data_table(id=id, caption=caption, columns=columns, rows=list(rows))}


def find_table(context: Any, table_id: str, depth: int = SEARCH_DEPTH) -> dict[str, Any] | None:
    """The table `table_id` anywhere in a page's context (a chart's `table`, or a table itself)."""
    if depth < 0:
        return None
    if isinstance(context, dict):
        if context.get("id") == table_id and "rows" in context and "columns" in context:
            return context
        values: Any = context.values()
    elif isinstance(context, list | tuple):
        values = context
    else:
        return None
    for value in values:
        found = find_table(value, table_id, depth - 1)
        if found is not None:
            return found
    return None


def table_xlsx(table: dict[str, Any]) -> bytes:
    """The table as a one-sheet workbook: caption, header, rows; text that reads as a formula stays text."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    ws = wb.add_worksheet("数据")
    bold = wb.add_format({"bold": True})
    ws.write_string(0, 0, str(table["caption"]), bold)
    ws.write_row(1, 0, [str(c) for c in table["columns"]], bold)
    for i, row in enumerate(table["rows"], start=2):
        ws.write_row(i, 0, safe_cells("" if v is None else v for v in row))
    ws.set_column(0, 0, 24)
    ws.set_column(1, max(1, len(table["columns"]) - 1), 12)
    wb.close()
    return buffer.getvalue()


def render_or_export(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    render_page: Callable[[HttpRequest, str, dict[str, Any]], HttpResponse] = render,
) -> HttpResponse:
    """The page, or with `?format=xlsx&table=<id>` one of its tables as a workbook (audited like every
    export). A table the page does not have is a 404: the file holds exactly what the page shows."""
    if request.GET.get("format") != "xlsx":
        return render_page(request, template, context)
    table_id = request.GET.get("table", "")
    table = find_table(context, table_id) if table_id else None
    if table is None:
        raise Http404("没有这个数据表")
    audit.record(
        "chart.table_export",
        object_type="数据表",
        object_id=table_id,
        object_repr=str(table["caption"]),
        changes={"path": request.path, "query": request.GET.urlencode(), "rows": len(table["rows"])},
    )
    return generated(table_xlsx(table), XLSX, f"{table['caption']}.xlsx")
