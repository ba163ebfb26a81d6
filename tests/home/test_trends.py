"""Monthly trends on the unit and organization pages (issue 20 item 4): meetings held, the compliance rate of
what fell due, points entered — each a chart with its table and its xlsx; a constant number of queries;
and every chart page of the 工作台, 看板 and 大屏 has its numbers as a table."""

from __future__ import annotations

import io
from datetime import date

import pytest
import python_calamine as pc
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.home.trends import monthly_trends
from ronghe.points import services as points_services
from tests.charts import assert_every_chart_has_its_table
from tests.factories import MemberFactory, OrganizationFactory
from tests.orglife.conftest import at
from tests.points.conftest import ind, scheme  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 24)


@pytest.fixture
def late_2026(time_machine):
    time_machine.move_to(at(2026, 11, 24, 10, 0))


@pytest.fixture
def activity(cast, branch_members, record, ind, late_2026):  # noqa: F811
    """branch_a: a meeting held in November (one planned for December does not count), 2 points in February."""
    record(kind="general_meeting", title="党员大会", held=at(2026, 11, 20, 9, 0))
    points_services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=ind("task"),
        points="2",
        on=date(2026, 2, 1),
        reason="完成任务",
    )


def _trends(response) -> dict:  # noqa: ANN001
    return next(
        ctx for template, ctx in response.context["sections"] if template == "home/_trend_section.html"
    )


def _section(page: str) -> str:
    return page[page.index('id="trend-title"') :]


@pytest.mark.usefixtures("activity")
def test_the_unit_page_shows_the_years_months_with_their_tables(cast, client_for):
    response = client_for(cast.committee_admin).get(reverse("orgs:unit-detail", args=[cast.unit_a.code]))
    trends = _trends(response)
    assert trends["meetings_chart"]["values"][10] == 1 and sum(trends["meetings_chart"]["values"]) == 1
    points = trends["points_chart"]["values"]
    assert points[1] == 2.0  # the task in February
    assert points[10] > 0 and sum(points) == 2.0 + points[10]  # November: the meeting's attendance points
    rates = trends["compliance_chart"]["values"]
    assert rates[9] is not None  # October's monthly meetings fell due: a rate
    assert all(r is None or 0 <= r <= 100 for r in rates)
    page = response.content.decode()
    assert "月度趋势（2026 年）" in page
    assert assert_every_chart_has_its_table(_section(page)) == 3
    assert "echarts.min.js" in page


@pytest.mark.usefixtures("activity")
def test_the_organization_page_shows_its_subtrees_months(cast, client_for):
    page = client_for(cast.committee_admin).get(reverse("orgs:organization-detail", args=[cast.org_a.code]))
    html = page.content.decode()
    assert assert_every_chart_has_its_table(html) == 3
    table = html[html.index('id="trend-meetings-table"') :].split("</table>")[0]
    assert '<th scope="row" class="fw-normal">11月</th><td class="text-end">1</td>' in table
    # 乙局's organization shares nothing of 甲局's activity
    other = client_for(cast.committee_admin).get(reverse("orgs:organization-detail", args=[cast.org_b.code]))
    assert sum(_trends(other)["meetings_chart"]["values"]) == 0


@pytest.mark.usefixtures("activity")
def test_a_trend_table_downloads_from_the_unit_page(cast, client_for):
    url = reverse("orgs:unit-detail", args=[cast.unit_a.code])
    response = client_for(cast.committee_admin).get(url, {"format": "xlsx", "table": "trend-points-table"})
    assert response.status_code == 200
    rows = pc.CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "2026 年每月党员积分（分）"
    assert rows[3] == ["2月", 2.0]


@pytest.mark.usefixtures("activity")
def test_the_trends_cost_the_same_queries_for_a_bigger_subtree(cast, record):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert monthly_trends(cast.committee_admin, cast.committee.subtree(), 2026, TODAY) is not None
        return len(queries)

    def grow(batch: int) -> None:
        for i in range(3):
            branch = OrganizationFactory(
                parent=cast.org_a, unit=cast.unit_a, name=f"新支部{batch}{i}", kind="branch"
            )
            MemberFactory(organization=branch, name=f"新党员{batch}{i}")
            record(org=branch, present=1, title=f"新支部会议{batch}{i}", held=at(2026, 10, 12, 9, 0))

    grow(1)  # (the engine reads the roster's history once members' standing changed in the year)
    count()  # (the user's roles are read once per request)
    before = count()
    grow(2)
    assert count() == before


@pytest.mark.usefixtures("activity")
def test_every_chart_of_the_workbench_dashboard_and_screen_has_its_table(cast, client_for):
    client = client_for(cast.committee_admin)
    assert assert_every_chart_has_its_table(client.get(reverse("home:home")).content.decode()) >= 1
    dashboard = client.get(reverse("home:dashboard"), {"year": 2026}).content.decode()
    assert assert_every_chart_has_its_table(dashboard) >= 4  # compliance, months, overdue, 5A
    assert assert_every_chart_has_its_table(client.get(reverse("home:screen")).content.decode()) >= 2


@pytest.mark.usefixtures("activity")
def test_a_user_who_may_not_see_organizational_life_or_points_gets_no_trends(cast, client_for):
    # the 系统管理员 keeps the register of units but reads none of their Party work
    response = client_for(cast.sysadmin).get(reverse("orgs:unit-detail", args=[cast.unit_a.code]))
    assert response.status_code == 200
    assert "月度趋势" not in response.content.decode()
    refused = client_for(cast.sysadmin).get(
        reverse("orgs:unit-detail", args=[cast.unit_a.code]),
        {"format": "xlsx", "table": "trend-points-table"},
    )
    assert refused.status_code == 404
