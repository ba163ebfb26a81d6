"""The 工作台 per role: overview with compliance and warnings, a secretary's to-dos and claims, a member's own year."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.core.readcache import invalidate_home_summary
from ronghe.core.scoring.models import Indicator
from ronghe.orglife.models import Meeting
from ronghe.orgs.choices import OrgKind
from ronghe.points import services as points
from tests.factories import MemberFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=TZ))


@pytest.fixture
def scheme(cast):
    return points.seed_default_scheme(organization=cast.committee, year=2026)


def _claim(cast, scheme, member=None):
    member = member or cast.member_a_record
    return points.submit_claim(
        actor=cast.committee_admin,
        member=member,
        indicator=Indicator.objects.get(scheme=scheme, code="article"),
        occurred_on=date(2026, 11, 1),
        points="3",
        description="撰写学习心得一篇",
    )


def test_committee_admin_sees_compliance_rate_and_warning_count(client_for, cast):
    # given: the cast's branches hold no meetings (every judged obligation of 2026 is overdue)
    # when
    ctx = client_for(cast.committee_admin).get(reverse("home:home")).context
    # then: rate 0 of the judged obligations; warnings come from the orgs rules
    assert ctx["compliance_rate"] == "0.0%"
    assert ctx["compliance_overdue"] > 0
    warnings_page = client_for(cast.committee_admin).get(reverse("orgs:warning-list"))
    assert ctx["warning_count"] == warnings_page.context["page"].paginator.count
    html = client_for(cast.committee_admin).get(reverse("home:home")).content.decode()
    assert f'href="{reverse("orgs:warning-list")}"' in html
    assert f'href="{reverse("orglife:compliance")}"' in html


def test_secretary_sees_todo_and_pending_claims_of_own_subtree_only(client_for, cast, scheme):
    # given: one claim in A and one in B
    mine = _claim(cast, scheme)
    _claim(cast, scheme, member=cast.member_b_record)
    # when
    response = client_for(cast.secretary_a).get(reverse("home:home"))
    ctx = response.context
    # then: only A's claim; A's branch has this month's obligations due within 14 days
    assert ctx["pending_claim_count"] == 1
    assert [c.code for c in ctx["pending_claims"]] == [mine.code]
    items = ctx["todo"].overdue + ctx["todo"].due_soon + ctx["todo"].year_end
    assert ctx["todo_count"] >= len(items) > 0
    assert {org.pk for org, _ob in items} == {cast.branch_a.pk}
    assert "待审核的积分申报" in response.content.decode()


def test_secretary_is_told_how_many_claims_are_past_the_review_deadline(
    client_for, cast, scheme, time_machine
):
    # given: a claim filed on 3 November (ten working days end 17 November) and one filed today
    time_machine.move_to(datetime(2026, 11, 3, 9, 0, tzinfo=TZ))
    _claim(cast, scheme)
    time_machine.move_to(datetime(2026, 11, 24, 10, 0, tzinfo=TZ))
    _claim(cast, scheme)
    # when the secretary opens the 工作台
    response = client_for(cast.secretary_a).get(reverse("home:home"))
    # then: two waiting, one of them overdue, linking to the overdue filter
    assert (response.context["pending_claim_count"], response.context["overdue_claim_count"]) == (2, 1)
    body = response.content.decode()
    assert (
        f'href="{reverse("points:claim-review")}?overdue=1" id="home-claim-overdue">其中 1 件超过审核期限'
        in body
    )
    # and B's secretary sees neither
    other = client_for(cast.outsider_b).get(reverse("home:home"))
    assert other.context["overdue_claim_count"] == 0
    assert "home-claim-overdue" not in other.content.decode()


def test_member_sees_own_points_and_upcoming_meetings(client_for, cast, scheme):
    # given: a meeting ahead in the member's branch, one past, and one ahead in branch B
    ahead = Meeting.objects.create(
        organization=cast.branch_a,
        kind="theme_day",
        title="十二月主题党日",
        held_at=datetime(2026, 12, 5, 9, tzinfo=TZ),
    )
    Meeting.objects.create(
        organization=cast.branch_a,
        kind="theme_day",
        title="十月主题党日",
        held_at=datetime(2026, 10, 5, 9, tzinfo=TZ),
    )
    Meeting.objects.create(
        organization=cast.branch_b,
        kind="theme_day",
        title="乙局主题党日",
        held_at=datetime(2026, 12, 6, 9, tzinfo=TZ),
    )
    # when
    response = client_for(cast.member_a).get(reverse("home:home"))
    ctx = response.context
    html = response.content.decode()
    # then: own points and grade, only the meeting ahead in own branch; no county overview
    assert ctx["points"].member == cast.member_a_record
    assert ctx["points"].scheme == scheme
    assert [m.pk for m in ctx["upcoming_meetings"]] == [ahead.pk]
    assert "十二月主题党日" in html
    assert 'id="home-points-grade"' in html
    assert "stat-members" not in html
    assert "todo" not in ctx
    assert "pending_claims" not in ctx


def test_auditor_sees_only_the_welcome(client_for, cast):
    html = client_for(cast.auditor).get(reverse("home:home")).content.decode()
    assert "请从左侧导航进入您有权使用的功能" in html
    assert "stat-orgs" not in html


def test_system_admin_sees_organizations_and_warnings_but_no_members(client_for, cast):
    response = client_for(cast.sysadmin).get(reverse("home:home"))
    html = response.content.decode()
    assert response.context["org_count"] == 5
    assert 'id="stat-warnings"' in html
    assert "stat-members" not in html
    assert "age-chart" not in html


def _grow(cast, n: int) -> None:
    """n more branches with a member each in subtree A, a meeting each, and a claim each."""
    scheme = points.scheme_for(cast.committee, 2026)
    for i in range(n):
        branch = OrganizationFactory(
            name=f"甲局第{i + 2}党支部", kind=OrgKind.BRANCH, parent=cast.org_a, unit=cast.unit_a
        )
        member = MemberFactory(organization=branch)
        Meeting.objects.create(
            organization=branch,
            kind="theme_day",
            title="主题党日",
            held_at=datetime(2026, 11, 3, 9, tzinfo=TZ),
        )
        _claim(cast, scheme, member=member)


@pytest.mark.parametrize("who", ["committee_admin", "secretary_a", "member_a"])
def test_query_count_is_constant(client_for, cast, scheme, django_assert_num_queries, who):
    # given: the page at a small size
    client = client_for(getattr(cast, who))
    _grow(cast, 1)
    client.get(reverse("home:home"))  # warm what does not depend on data (session, settings rows)
    invalidate_home_summary()
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("home:home"))
    # when: seven times the branches, members, meetings and claims
    _grow(cast, 6)
    invalidate_home_summary()
    # then: the same number of queries, both times computed afresh
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("home:home"))


def test_home_shows_counts_of_users_scope(client_for, cast):
    # given: one meeting this month in A
    from django.utils import timezone

    Meeting.objects.create(
        organization=cast.branch_a, kind="theme_day", title="主题党日", held_at=timezone.now()
    )
    # when
    response = client_for(cast.secretary_a).get(reverse("home:home"))
    # then: A's subtree is 甲局总支 + 甲局第一党支部, one member
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["org_count"] == 2
    assert response.context["member_count"] == 1
    assert response.context["meeting_count"] == 1
    assert 'data-chart="bar"' in html
    assert "echarts.min.js" in html


def test_home_for_committee_counts_everything(client_for, cast):
    response = client_for(cast.committee_admin).get(reverse("home:home"))
    assert response.context["org_count"] == 5
    assert response.context["member_count"] == 2


def test_home_requires_login(client, db):
    response = client.get(reverse("home:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
