"""党内统计: the page, its workbook, the command and the API — scope, bad input, audited exports."""

from __future__ import annotations

import io
from datetime import date

import pytest
import python_calamine as pc
import time_machine
from django.core.management import CommandError, call_command

from ronghe.core.models import AuditEntry
from tests.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():  # noqa: ANN202
    with time_machine.travel(date(2026, 12, 3), tick=False):
        yield


@pytest.fixture
def roster(cast):  # noqa: ANN001, ANN201
    MemberFactory(
        organization=cast.branch_a,
        name="女党员",
        gender="女",
        joined_on=date(2025, 7, 1),
        full_on=None,
        status="probationary",
    )
    return cast


def test_page_shows_last_year_for_the_users_top_organization(client_for, roster):
    with time_machine.travel(date(2026, 11, 30), tick=False):  # before December: the last ended year
        response = client_for(roster.committee_admin).get("/reports/statistics/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "测试县直机关工委 · 2025 年" in html
    assert 'id="figure-total">3<' in html  # 张甲, 李乙, 女党员
    assert 'id="figure-developed">1<' in html
    # the child rows drill down
    assert f"?org={roster.org_a.code}&amp;year=2025" in html


def test_a_year_not_yet_ended_is_explained(client_for, roster):
    html = client_for(roster.committee_admin).get("/reports/statistics/?year=2027").content.decode()
    assert "2027年尚未开始" in html and 'role="alert"' in html
    assert "statistics-xlsx" not in html
    with time_machine.travel(date(2026, 11, 30), tick=False):
        html = client_for(roster.committee_admin).get("/reports/statistics/?year=2026").content.decode()
    assert "2026年尚未结束，12月1日起可生成截至当日的草稿" in html and "statistics-xlsx" not in html
    html = client_for(roster.committee_admin).get("/reports/statistics/?year=二〇二五").content.decode()
    assert "请填写四位数字的年份" in html


def test_an_organization_outside_the_scope_is_not_found(client_for, roster):
    client = client_for(roster.outsider_b)
    assert client.get(f"/reports/statistics/?org={roster.org_a.code}").status_code == 404
    assert client.get("/reports/statistics/?org=not-a-code").status_code == 404
    html = client.get("/reports/statistics/").content.decode()
    assert "乙局总支" in html and "甲局" not in html


def test_a_plain_member_has_no_statistics(client_for, roster):
    assert client_for(roster.member_a).get("/reports/statistics/").status_code in (403, 404)


def test_workbook_has_every_table_and_is_audited(client_for, roster):
    response = client_for(roster.committee_admin).get(
        f"/reports/statistics/?org={roster.committee.code}&year=2025&format=xlsx"
    )
    assert response.status_code == 200
    book = pc.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names[:2] == ["01两年党员数综合比较", "02党员基本情况"]
    assert len(book.sheet_names) == 12
    basic = book.get_sheet_by_name("02党员基本情况").to_python()
    header = basic[3]
    total = basic[4]
    assert total[0] == "合计" and total[header.index("党员总数")] == 3 and total[header.index("女")] == 1
    entry = AuditEntry.objects.get(event="reports.statistics.export")
    assert entry.changes["year"] == 2025


def test_command_writes_the_same_workbook(roster, tmp_path):
    out = tmp_path / "统计.xlsx"
    call_command("party_statistics", org=str(roster.committee.code), year=2025, out=str(out))
    sheet = pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("02党员基本情况").to_python()
    assert sheet[4][1] == 3
    call_command("party_statistics", org="甲局总支", year=2025, out=str(out))
    assert pc.CalamineWorkbook.from_path(str(out)).get_sheet_by_name("02党员基本情况").to_python()[4][1] == 2


def test_command_refuses_bad_input_and_writes_nothing(roster, tmp_path):
    out = tmp_path / "统计.xlsx"
    with pytest.raises(CommandError, match="尚未开始"):
        call_command("party_statistics", org=str(roster.committee.code), year=2027, out=str(out))
    with pytest.raises(CommandError, match="找不到党组织"):
        call_command("party_statistics", org="没有这个组织", year=2025, out=str(out))
    with pytest.raises(CommandError, match="输出目录不存在"):
        call_command("party_statistics", org="甲局总支", year=2025, out=str(tmp_path / "无" / "a.xlsx"))
    assert list(tmp_path.iterdir()) == []


def test_api_tables_scope_and_errors(client_for, roster):
    client = client_for(roster.secretary_a)
    data = client.get(f"/api/v1/reports/statistics?org={roster.org_a.code}&year=2025").json()
    assert data["reference_date"] == "2025-12-31"
    basic = next(t for t in data["tables"] if t["key"] == "basic")
    assert basic["rows"][0]["label"] == "合计" and basic["rows"][0]["values"][0] == 2
    assert client.get(f"/api/v1/reports/statistics?org={roster.org_b.code}&year=2025").status_code == 404
    assert data["draft"] is False
    response = client.get(f"/api/v1/reports/statistics?org={roster.org_a.code}&year=2027")
    assert response.status_code == 422 and "尚未开始" in response.json()["detail"]
    draft = client.get(f"/api/v1/reports/statistics?org={roster.org_a.code}&year=2026").json()
    assert draft["draft"] is True and draft["reference_date"] == "2026-12-03"


def test_in_december_the_page_offers_this_year_as_a_draft(client_for, roster):
    # when the 工委 opens the page on 3 December without choosing a year
    html = client_for(roster.committee_admin).get("/reports/statistics/").content.decode()
    # then it shows this year's draft, as at the day, and says it must be regenerated after year end
    assert "测试县直机关工委 · 2026 年" in html
    assert 'id="statistics-draft"' in html and "截至 2026年12月3日 的草稿" in html
    assert "截至当日党员" in html and "statistics-xlsx" in html
    xlsx = client_for(roster.committee_admin).get("/reports/statistics/?year=2026&format=xlsx")
    sheet = (
        pc.CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content))
        .get_sheet_by_name("02党员基本情况")
        .to_python()
    )
    assert "2026年12月03日（年度未结束，草稿）" in sheet[1][0]
    # and last year's tables are no draft
    html = client_for(roster.committee_admin).get("/reports/statistics/?year=2025").content.decode()
    assert 'id="statistics-draft"' not in html and "党员数截至 2025年12月31日" in html
