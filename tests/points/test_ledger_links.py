"""The county ledger loses no 查看来源 at Excel's 65,530-hyperlinks-per-sheet limit: past it the
address is written as text, and the sheet says so (issue 16.12)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from ronghe.points import exports, services
from ronghe.points.models import PointsEntry
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(YEAR, 11, 24))


def test_links_past_the_sheet_limit_are_written_as_text_and_explained(
    client_for, cast, scheme, ind, monkeypatch
):
    for day in (1, 2, 3):
        services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points="1",
            on=date(YEAR, 2, day),
            reason=f"第{day}次",
        )
    monkeypatch.setattr(exports, "LINKS_PER_SHEET", 1)
    response = client_for(cast.secretary_a).get(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}), {"year": YEAR}
    )
    detail = (
        CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_name("积分明细").to_python()
    )
    codes = list(PointsEntry.objects.order_by("occurred_on", "id").values_list("code", flat=True))
    assert detail[1][8] == "查看来源"  # a hyperlink, as before
    # every later row still carries its source, as the address itself
    assert [row[8] for row in detail[2:4]] == [
        f"http://testserver/points/entries/{code}/" for code in codes[1:3]
    ]
    assert any("最多保存 1 个超链接" in str(cell) for row in detail[4:] for cell in row)
