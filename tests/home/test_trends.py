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
from ronghe.points.models import PointsEntry
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


# ---------------------------------------------------------------- the figures against direct counts


def _month_range(year: int, month: int) -> tuple[date, date]:
    end = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, 1), end


@pytest.fixture
def edges(cast, branch_members, record, ind, late_2026):  # noqa: F811
    """Meetings a few minutes either side of local midnight at month and year ends; points on the last
    and first days of months, in tenths whose sums are not exact floats."""
    record(kind="general_meeting", title="跨年前", held=at(2025, 12, 31, 23, 50))
    record(kind="general_meeting", title="元旦", held=at(2026, 1, 1, 0, 5))
    record(kind="branch_committee", title="三月末", held=at(2026, 3, 31, 23, 55))
    record(kind="general_meeting", title="四月初", held=at(2026, 4, 1, 0, 1))
    for on, points in [
        (date(2026, 1, 31), "0.1"),
        (date(2026, 1, 31), "0.2"),
        (date(2026, 2, 1), "1.7"),
        (date(2026, 2, 28), "-0.3"),
        (date(2026, 3, 1), "2"),
    ]:
        points_services.adjust_points(
            actor=cast.secretary_a,
            member=cast.member_a_record,
            indicator=ind("task"),
            points=points,
            on=on,
            reason="边界",
        )
    PointsEntry.objects.create(  # last year's ledger (no 2025 scheme here to enter it through)
        member=cast.member_a_record,
        indicator=ind("task"),
        points=5,
        occurred_on=date(2025, 12, 31),
        year=2025,
        source_type="adjustment",
        source_id="2025",
    )


@pytest.mark.usefixtures("edges")
def test_each_months_figures_are_the_direct_counts_at_the_month_boundaries(cast):
    from django.db.models import Sum
    from django.utils import timezone

    from ronghe.orglife import rules as orglife_rules
    from ronghe.orglife import tallies
    from ronghe.orglife.compliance import compute_compliance
    from ronghe.orglife.models import Meeting

    # when the 工委 reads 甲局's subtree for 2026
    orgs = cast.org_a.subtree()
    trends = monthly_trends(cast.committee_admin, orgs, 2026, TODAY)
    assert trends is not None
    # then each month's meetings are the meetings that count, held in that local month
    counting = [m for m in Meeting.objects.filter(organization__in=orgs) if tallies.cell_of(m) is not None]
    months = [timezone.localtime(m.held_at).date().replace(day=1) for m in counting]
    held = [months.count(_month_range(2026, n)[0]) for n in range(1, 13)]
    assert trends["meetings_chart"]["values"] == held
    assert held[:4] == [1, 0, 1, 1]  # 元旦, 三月末, 四月初; not 跨年前
    # and each month's points are the ledger's sum over that month's days
    points = [
        float(
            PointsEntry.objects.filter(
                member__organization__in=orgs,
                year=2026,
                occurred_on__gte=_month_range(2026, n)[0],
                occurred_on__lt=_month_range(2026, n)[1],
            ).aggregate(total=Sum("points"))["total"]
            or 0
        )
        for n in range(1, 13)
    ]
    assert trends["points_chart"]["values"] == points
    # (the adjustments land in the month of their day: 31 January, 1 and 28 February, 1 March; not 2025's)
    shown = trends["points_chart"]["values"]
    others = [0.0] * 12
    for e in PointsEntry.objects.filter(member__organization__in=orgs, year=2026).exclude(
        source_type="adjustment"
    ):
        others[e.occurred_on.month - 1] += float(e.points)
    assert [round(v - o, 2) for v, o in zip(shown, others, strict=True)] == [0.3, 1.4, 2.0] + [0.0] * 9
    # and each month's rate is that of the obligations falling due in it
    due: dict[int, list[str]] = {n: [] for n in range(1, 13)}
    for org in compute_compliance(orgs, 2026, TODAY):
        for obligation in org.obligations:
            due[obligation.slot.end.month].append(obligation.state)
    rates = trends["compliance_chart"]["values"]
    for n in range(1, 13):
        rate = orglife_rules.compliance_rate(met=due[n].count("met"), overdue=due[n].count("overdue"))
        assert rates[n - 1] == (None if rate is None else round(rate * 100, 1)), n
