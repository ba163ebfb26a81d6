"""The to-do covers the year: overdue, due within 14 days and before year end, each with a prefilled 记录 button."""

from __future__ import annotations

import re
from datetime import date, datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.orglife import queries
from ronghe.orglife.choices import ComplianceState, Period

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=TZ))


def test_the_year_todo_lists_overdue_due_soon_and_year_end_items(cast):
    # given: the cast's branches have held nothing this year
    todo = queries.year_todo(cast.secretary_a, TODAY)
    # then: the months gone by are overdue, November's are due soon, the yearly ones wait for year end
    assert todo.overdue and all(ob.slot.end < TODAY for _o, ob in todo.overdue)
    assert all(ob.state == ComplianceState.OVERDUE for _o, ob in todo.overdue)
    assert {ob.slot.end for _o, ob in todo.due_soon} == {date(2026, 11, 30)}
    year_end = {ob.kind for _o, ob in todo.year_end}
    assert {"life_meeting", "democratic_appraisal", "heart_talk"} <= year_end
    assert all(ob.slot.period == Period.YEAR for _o, ob in todo.year_end)
    # only the secretary's own subtree
    paths = {o.path for o, _ob in todo.overdue + todo.due_soon + todo.year_end}
    assert all(p.startswith(cast.org_a.path) for p in paths)
    assert todo.count == len(todo.overdue) + len(todo.due_soon) + len(todo.year_end)


def test_home_todo_page_and_nav_show_the_overdue_items_not_nothing_due(client_for, cast):
    client = client_for(cast.secretary_a)
    todo = queries.year_todo(cast.secretary_a, TODAY)
    home = client.get(reverse("home:home")).content.decode()
    # the home card counts every open item and shows the overdue ones first
    assert re.search(rf'id="home-todo-count">{todo.count}<', home)
    assert re.search(rf'id="todo-overdue-count">{len(todo.overdue)}<', home)
    assert re.search(rf'id="todo-year_end-count">{len(todo.year_end)}<', home)
    # the side navigation carries the count on 待办事项
    assert re.search(
        rf'待办事项 <span class="badge[^"]*" id="nav-badge-[\d-]+" aria-label="{todo.count} 项待办">{todo.count}<',
        home,
    )
    page = client.get(reverse("orglife:todo")).content.decode()
    assert f'id="todo-total">{todo.count}<' in page
    assert "未来 14 天没有待完成" not in page
    # every item's 记录 opens the meeting form for its organization, kind and period
    org, ob = next((o, ob) for o, ob in todo.year_end if ob.kind == "life_meeting")
    links = [unescape(h) for h in re.findall(r'href="([^"]*meetings/create/[^"]*)"', page)]
    link = next(h for h in links if "kind=life_meeting" in h and str(org.code) in h)
    form = client.get(link)
    assert form.status_code == 200
    body = form.content.decode()
    assert 'value="2026年组织生活会"' in body
    assert re.search(r'<option value="life_meeting" selected', body)


def test_a_member_sees_no_todo_badge(client_for, cast):
    home = client_for(cast.member_a).get(reverse("home:home")).content.decode()
    assert "nav-badge" not in home
