"""The 数据看板 (issue 16 item 9): units by compliance worst first, meetings by month, overdue items by unit;
every figure links to its records; scoped like the pages it summarises."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db
URL = reverse("home:dashboard")


def _chart(page: str, source: str) -> dict:
    found = re.search(rf'<script id="{source}" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"no {source} on the page"
    return json.loads(found.group(1))


def test_units_worst_first_with_their_links_and_the_months_meetings(cast, branch_members, record, client_for):
    record(kind="general_meeting", title="党员大会", held=at(2026, 11, 20, 9, 0))  # 甲 holds one, 乙 none
    page = client_for(cast.committee_admin).get(URL, {"year": 2026}).content.decode()
    table = page.split('id="unit-table"')[1].split("</table>")[0]
    names = re.findall(r'<a href="[^"]*\?org=([0-9a-f-]+)&amp;year=2026">', table)
    assert names == [str(cast.org_b.code), str(cast.org_a.code)]  # 乙 (worse) first, each opens its rollup
    assert _chart(page, "month-chart-data")["values"][10] == 1  # November
    assert sum(_chart(page, "month-chart-data")["values"]) == 1
    compliance = _chart(page, "compliance-chart-data")
    assert compliance["categories"] == ["乙局总支", "甲局总支"]
    assert compliance["values"][0] <= compliance["values"][1]


def test_overdue_items_by_unit_are_listed_most_first(cast, branch_members, record, client_for):
    page = client_for(cast.committee_admin).get(URL, {"year": 2026}).content.decode()
    total = int(re.search(r'id="overdue-total">(\d+)<', page).group(1))
    listed = [int(n) for n in re.findall(r"：逾期 (\d+) 项", page)]
    assert total > 0 and sum(listed) == total  # by late 2026 both branches owe meetings
    assert listed == sorted(listed, reverse=True)


def test_a_secretary_sees_only_their_own_units_rows(cast, client_for):
    page = client_for(cast.outsider_b).get(URL).content.decode()
    assert "乙局" in page
    assert "甲局" not in page


def test_a_plain_member_is_refused_and_sees_no_link(cast, client_for):
    client = client_for(cast.member_a)
    assert client.get(URL).status_code == 403
    assert URL not in client.get(reverse("home:home")).content.decode()
    admin_home = client_for(cast.committee_admin).get(reverse("home:home")).content.decode()
    assert f'href="{URL}"' in admin_home


def test_a_bad_year_falls_back_to_this_year(cast, client_for):
    response = client_for(cast.committee_admin).get(URL, {"year": "abc"})
    assert response.status_code == 200
    assert re.search(r"数据看板 · \d{4} 年", response.content.decode())


def test_the_big_screen_shows_todays_check_ins_per_meeting_and_no_member_names(
    cast, branch_members, record, client_for
):
    from django.utils import timezone

    from ronghe.orglife.models import Attendance

    meeting = record(kind="theme_day", title="主题党日", held=at(2026, 11, 20, 9, 0))
    now = timezone.now()
    Attendance.objects.filter(meeting=meeting).update(checked_in_at=now)
    checked = Attendance.objects.filter(meeting=meeting).count()
    page = client_for(cast.committee_admin).get(reverse("home:screen")).content.decode()
    assert re.search(rf'id="screen-checkins">{checked}<', page)
    listed = page.split('id="screen-checkin-list"')[1].split("</ul>")[0]
    assert "主题党日" in listed and f"{checked} 人" in listed
    assert cast.member_a_record.name not in page  # names of meetings and units only
    assert 'hx-trigger="every 60s"' in page


def test_the_big_screen_is_refused_to_a_plain_member(cast, client_for):
    assert client_for(cast.member_a).get(reverse("home:screen")).status_code == 403
