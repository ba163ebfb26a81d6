"""SQL statements per request of the busiest reads (issue 19 items 1 and 2), so they cannot creep back.

Each request is made twice and the second one is counted: the first warms what the read caches keep
(a subtree's member count, the roster's organization options, a scheme's rules) and refreshes the
session's activity time and the token's last use, which are then left alone for a minute.

Counted: every statement but the audit row a member list must write (security.md PI-3: who read which
members' personal fields, `members.services.record_roster_read`) and the savepoints around it (in
production, outside the test's transaction, those are the BEGIN/COMMIT Django does not log). The audit
write is asserted on its own: exactly one row, and nothing else written.

The API figures are for a bearer token (a machine client): the token, its account and the account's
roles are one statement (`accounts.backends`). A browser's request starts with two: the session row,
then the account with its roles and member record.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ronghe.accounts import services as accounts
from ronghe.core.models import AuditEntry
from ronghe.points import services as points
from tests.factories import MemberFactory
from tests.points.conftest import ind, make_meeting, scheme  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db
SIZES = [5, 20]
WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
TZ = ZoneInfo("Asia/Shanghai")
FIRST_TABLE = re.compile(r'FROM "(\w+)"')


def _is_audit(sql: str) -> bool:
    return "core_audit" in sql or "pg_advisory_xact_lock" in sql


def _is_transaction(sql: str) -> bool:
    return sql.startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))


class Counted:
    def __init__(self, sqls: list[str]) -> None:
        self.all = sqls
        self.work = [s for s in sqls if not _is_audit(s) and not _is_transaction(s)]
        self.writes = [s for s in sqls if s.lstrip().upper().startswith(WRITES)]
        self.audit_writes = [s for s in self.writes if _is_audit(s)]

    @property
    def tables(self) -> list[str]:
        """The first table each counted statement reads, to tell what it is in a failure message."""
        return [m.group(1) if (m := FIRST_TABLE.search(s)) else s[:40] for s in self.work]


def counted(client: Client, url: str, **kwargs: object) -> Counted:
    first = client.get(url, **kwargs)
    assert first.status_code == 200, first.content[:300]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **kwargs)
    assert response.status_code == 200
    return Counted([q["sql"] for q in ctx.captured_queries])


@pytest.fixture
def branch_of(cast):
    """`branch_of(n)`: branch A holding `n` active members (张甲 among them)."""

    def grow(n: int):
        for i in range(n - 1):
            MemberFactory(name=f"成员{i:02d}", organization=cast.branch_a)
        return cast.branch_a

    return grow


@pytest.fixture
def bearer(cast):
    secret = accounts.issue_token(user=cast.secretary_a).secret
    return {"headers": {"Authorization": f"Bearer {secret}"}}


# ------------------------------------------------------------------------------------------- the API


@pytest.mark.parametrize("size", SIZES)
def test_api_member_page_of_a_branch_is_three_statements(client, cast, branch_of, bearer, size):
    # given: a branch with more members than the page (the page is full: its total comes from the cache)
    branch = branch_of(size + 5)
    url = f"/api/v1/members?organization={branch.code}&limit={size}"
    # when
    before = AuditEntry.objects.count()
    got = counted(client, url, **bearer)
    # then: the token with its account and roles, the organization filtered on, the page
    assert got.tables == ["accounts_apitoken", "orgs_organization", "members_member"], got.work
    assert len(client.get(url, **bearer).json()["items"]) == size
    # and: the member.list audit row (PI-3), written once per request, is the only write
    assert AuditEntry.objects.count() == before + 3
    assert len([s for s in got.audit_writes if s.startswith("INSERT")]) == 1
    assert got.writes == got.audit_writes


@pytest.mark.parametrize("size", SIZES)
def test_api_member_page_of_the_whole_scope_is_two_statements(client, cast, branch_of, bearer, size):
    branch_of(size + 5)
    got = counted(client, f"/api/v1/members?limit={size}", **bearer)
    assert got.tables == ["accounts_apitoken", "members_member"], got.work
    assert got.writes == got.audit_writes


@pytest.mark.parametrize("size", SIZES)
def test_api_member_page_that_is_not_full_counts_nothing(client, cast, branch_of, bearer, size):
    # a page shorter than the limit tells the total itself, exactly, without the read cache
    branch = branch_of(size)
    url = f"/api/v1/members?organization={branch.code}&limit=50"
    got = counted(client, url, **bearer)
    assert got.tables == ["accounts_apitoken", "orgs_organization", "members_member"], got.work
    assert client.get(url, **bearer).json()["count"] == size


@pytest.mark.parametrize("size", SIZES)
def test_api_member_detail_and_me_are_two_and_one_statements(client, cast, branch_of, bearer, size):
    branch_of(size)
    detail = counted(client, f"/api/v1/members/{cast.member_a_record.code}", **bearer)
    assert detail.tables == ["accounts_apitoken", "members_member"], detail.work
    assert detail.writes == []
    me = counted(client, "/api/v1/me", **bearer)
    assert me.tables == ["accounts_apitoken"], me.work
    assert me.writes == []


@pytest.mark.parametrize("size", SIZES)
def test_api_member_page_in_a_browser_session_is_four_statements(client_for, cast, branch_of, size):
    branch = branch_of(size + 5)
    got = counted(client_for(cast.secretary_a), f"/api/v1/members?organization={branch.code}&limit={size}")
    assert got.tables == ["django_session", "accounts_user", "orgs_organization", "members_member"], got.work
    assert got.writes == got.audit_writes


# ------------------------------------------------------------------------------------------ the pages


@pytest.mark.parametrize("size", SIZES)
def test_roster_is_three_statements(client_for, cast, branch_of, size):
    branch_of(size)
    got = counted(client_for(cast.secretary_a), reverse("members:member-list"))
    # the session, the account with its roles, the page (its count and the organization options cached)
    assert got.tables == ["django_session", "accounts_user", "members_member"], got.work
    assert len([s for s in got.audit_writes if s.startswith("INSERT")]) == 1  # member.list (PI-3)
    assert got.writes == got.audit_writes


@pytest.mark.parametrize("size", SIZES)
def test_roster_of_one_branch_is_four_statements(client_for, cast, branch_of, size):
    branch = branch_of(size)
    got = counted(
        client_for(cast.secretary_a), reverse("members:member-list"), data={"organization": branch.code}
    )
    # and the organization chosen (the form's field reads it)
    assert got.tables == ["django_session", "accounts_user", "orgs_organization", "members_member"], got.work
    assert got.writes == got.audit_writes


# The sections differ by role; each runs a fixed number of statements whatever the scope's size (the
# summaries, compliance and warnings come from the read cache). After the session and the account:
OVERSIGHT = [
    "orglife_meeting",  # planned meetings whose start has come, to move on (`advance_meetings`)
    "notices_notice",  # 通知公告 not yet read (issue 16)
    "points_claim",  # the first claims waiting for review
    "workflow_history",  # how many claims wait and how many are overdue (named by its subquery's table)
    "rectification_item",  # late 整改 items
    "integration_task",  # overdue tasks of the units' plans
    "scoring_campaign",  # the 评星 to-do
    "members_member",  # 党费: members warned for 3 months unpaid (named by the outer table)
    "dues_arrearscase",  # 党费: cases for the 支部大会
    "dues_relief",  # 党费: 少交/免交 applications waiting on the branch
]
# 发展党员: the cases in scope, then their late and due steps
RECRUITMENT = ["recruitment_recruitmentcase", "recruitment_recruitmentcase"]
# 学习教育 (issue 18): the 学时 requirement, the members behind it (from October), overdue 结对 issues
EDUCATION = ["education_educationpolicy", "members_member", "outreach_contactvisit"]
HOME = {
    # and the 少交/免交 applications waiting on the higher 党委's approval
    "committee_admin": [
        "django_session",
        "accounts_user",
        *OVERSIGHT,
        "dues_relief",
        *RECRUITMENT,
        *EDUCATION,
    ],
    "secretary_a": ["django_session", "accounts_user", *OVERSIGHT, *RECRUITMENT, *EDUCATION],
    # the member record came with the account; the unread 通知公告, the year's result, the scheme in force (no result
    # yet), the meetings ahead, the meetings open for check-in now and the latest attendance (the phone
    # home, issue 16), the branch's stars
    "member_a": [
        "django_session",
        "accounts_user",
        "notices_notice",
        "outreach_survey",  # open surveys not yet answered
        "points_memberyear",
        "scoring_scheme",
        "orglife_meeting",
        "orglife_attendance",
        "orglife_attendance",
        "ratings_entry",
    ],
}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("who", sorted(HOME))
def test_home_is_a_fixed_number_of_statements(client_for, cast, branch_of, who, size):
    branch_of(size)
    got = counted(client_for(getattr(cast, who)), reverse("home:home"))
    assert got.tables == HOME[who], repr(got.tables)
    assert got.writes == []


@pytest.mark.parametrize("size", SIZES)
def test_my_points_is_nine_statements(client_for, cast, ind, make_meeting, size):  # noqa: F811
    # given: `size` entries of the year: from meetings, approved claims and adjustments
    for k in range(size):
        if k % 3 == 0:
            meeting = make_meeting(when=datetime(2026, 4, 1 + k, 9), attendees=[cast.member_a_record])
            points.sync_meeting_points(meeting=meeting)
        elif k % 3 == 1:
            claim = points.submit_claim(
                actor=cast.member_a,
                member=cast.member_a_record,
                indicator=ind("article"),
                occurred_on=date(2026, 5, 1 + k),
                points="3",  # the indicator's value (issue 16)
                description=f"心得{k}",
                photo=None,
            )
            points.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
        else:
            points.adjust_points(
                actor=cast.secretary_a,
                member=cast.member_a_record,
                indicator=ind("task"),
                points="1",
                on=date(2026, 3, 1 + k),
                reason=f"第{k}次",
            )
    points.recompute_year(year=2026)
    got = counted(client_for(cast.member_a), reverse("points:my-points"), data={"year": 2026})
    # the session, the account with its member record, the year's result with its scheme (the rules
    # are cached), the entries' count and page, the claims and meetings the page's entries link to,
    # the year's ledger summed per indicator and month for the total's formula (issue 16), the open claims
    assert got.tables == [
        "django_session",
        "accounts_user",
        "points_memberyear",
        "points_pointsentry",
        "points_pointsentry",
        "points_claim",
        "orglife_meeting",
        "points_pointsentry",
        "points_claim",
    ], got.work
    assert got.writes == []


# ------------------------------------------------------------------------------- no write on a read


def test_plain_gets_write_nothing_but_the_member_list_audit_row(client_for, cast, bearer, scheme):  # noqa: F811
    """Roster, home, 我的积分 and the API list: no INSERT/UPDATE/DELETE but the `member.list` audit row
    that security.md PI-3 requires of a list showing members' personal fields (roster and API list).
    The session's activity time and the token's last use are refreshed at most once a minute."""
    client = client_for(cast.member_a)
    for url in (reverse("home:home"), reverse("points:my-points")):
        assert counted(client, url).writes == []
    client = client_for(cast.secretary_a)
    for url in (reverse("home:home"), reverse("members:member-list")):
        got = counted(client, url)
        assert got.writes == got.audit_writes
    got = counted(Client(), f"/api/v1/members?organization={cast.branch_a.code}", **bearer)
    assert got.writes == got.audit_writes
    written = {(sql.split()[0], re.findall(r'"(\w+)"', sql)[0]) for sql in got.audit_writes}
    assert written == {("INSERT", "core_auditentry"), ("UPDATE", "core_audithead")}


def test_a_page_past_the_end_of_an_unknown_organization_counts_nothing(client, cast, bearer):
    # found by schemathesis: an empty queryset (`.none()`) has no SQL to key the cached count on
    url = "/api/v1/members?organization=e3e70682-c209-1cac-a29f-6fbed82c07cd&offset=9999999"
    response = client.get(url, **bearer)
    assert response.status_code == 200
    assert response.json() == {"count": 0, "items": []}
