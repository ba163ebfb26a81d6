"""The 落实情况 table sorts worst first and highlights weak units; the rate comes right after the name, so
it stays on screen at phone width (issue 16 item 9)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_sorted_by_rate_worst_first_and_weak_rows_highlighted(cast, branch_members, record, client_for):
    record(kind="general_meeting", title="党员大会")  # branch A holds something, branch B nothing
    page = (
        client_for(cast.committee_admin).get(reverse("orglife:compliance"), {"sort": "rate"}).content.decode()
    )
    rows = re.findall(r'<tr id="org-([0-9a-f-]+)-row"([^>]*)>', page)
    codes = [code for code, _attrs in rows]
    assert codes.index(str(cast.org_b.code)) < codes.index(str(cast.org_a.code))  # B (worse) first
    assert all("compliance-weak" in attrs for _code, attrs in rows)  # both below 80% in November
    header = page.split('id="compliance-table"')[1].split("</tr>")[0]
    assert re.search(r"<th>党组织</th><th[^>]*><a [^>]*id=\"sort-rate\"", header)
