"""The demo county tells the product's story to each demo login (ronghe.demo.story)."""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.accounts.models import User
from ronghe.core.workflow.models import History
from ronghe.demo.generator import build_county, demo_steps
from ronghe.members.models import Member
from ronghe.orglife import compliance as orglife_compliance
from ronghe.orglife import queries as orglife_queries
from ronghe.recruitment.models import RecruitmentCase

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)  # build_county's default "today"


def rows(body: str, prefix: str) -> list[str]:
    """The table rows / list items with id="<prefix>-…-row", as text."""
    return re.findall(rf'<(?:tr|li)[^>]*id="{prefix}-[^"]+-row"[^>]*>(.*?)</(?:tr|li)>', body, re.S)


def test_story_step_runs_after_the_bulk_steps():
    names = [s.__name__ for s in demo_steps()]
    assert names == [
        "officers_and_party_workers",
        "unit_profiles",
        "year_of_meetings",
        "demo_points",
        "demo_discipline",
        "demo_ratings",
        "demo_selections",
        "recruitment",
        "demo_dues",
        "demo_integration",
        "demo_assessment",
        "demo_education",
        "demo_outreach",
        "demo_notices",
        "demo_monthly_summary",
        "demo_annual_report",
        "story",
    ]


def test_every_demo_login_sees_its_part_of_the_story(client, time_machine):
    time_machine.move_to(datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
    build_county(300, seed=3, today=TODAY)  # a county with two 党组
    user = {u.username: u for u in User.objects.filter(is_demo=True)}

    # 工委: 双重组织生活 lists the 党组 members with their 民主生活会 attendance, one 党组 short of 2/3
    client.force_login(user["gwadmin"])
    body = client.get(reverse("orglife:leaders") + "?year=2026").content.decode()
    leaders = rows(body, "leader")
    assert len(leaders) >= 5
    life = orglife_queries.leader_attendance(
        list(orglife_queries.leaders_for_user(user["gwadmin"], 2026)), 2026
    )
    attended = [r for r in life if r.life_expected]
    assert attended and any(r.both for r in attended)
    assert any(f"{r.life_present}/{r.life_expected}" in body for r in attended)
    assert any(r.life_present == 0 for r in attended)  # excused from the 民主生活会
    # two 民主生活会 held; the one below two thirds does not count (domain-rules 双重组织生活)
    states = [
        ob.state
        for oc in orglife_compliance.compliance_in_scope(user["gwadmin"], 2026, TODAY)
        for ob in oc.obligations
        if ob.kind == "leadership_life_meeting"
    ]
    assert sorted(states) == ["met", "not_due"]

    # 支部书记: claims waiting in 申报审核 and on the 工作台, organizational life due in 14 days
    client.force_login(user["secretary"])
    review = rows(client.get(reverse("points:claim-review")).content.decode(), "claim")
    assert len(review) == 4  # three filed for members, one by the member login
    home = client.get(reverse("home:home")).content.decode()
    assert re.search(r'id="home-claim-count">4<', home)
    todo = re.search(r'id="home-todo-count">(\d+)<', home)
    assert todo and int(todo.group(1)) > 0
    assert 'id="home-todo"' in home and "记录</a>" in home
    transfers = client.get(reverse("members:transfer-list")).content.decode()
    overdue = [r for r in rows(transfers, "transfer") if "已逾期" in r]
    assert len(overdue) == 1 and "待回执" in overdue[0]
    assert sum("已完成" in r for r in rows(transfers, "transfer")) == 1
    # a 转正 in a member's history, effective the day the year of probation ends (within 30 days)
    # (not one of the people the recruitment demo took through to 转正)
    admitted = RecruitmentCase.objects.filter(member__isnull=False).values("member_id")
    made_full = History.objects.exclude(object_id__in=admitted).get(
        process="members.status", action="make_full"
    )
    assert TODAY <= made_full.effective_on <= TODAY + timedelta(days=30)
    client.force_login(user["gwadmin"])
    detail = client.get(
        reverse("members:member-detail", kwargs={"code": Member.objects.get(pk=made_full.object_id).code})
    )
    assert "转正" in detail.content.decode()

    # 党员: every state in 我的申报, meetings ahead on the 工作台
    client.force_login(user["member"])
    mine = rows(client.get(reverse("points:claim-list")).content.decode(), "claim")
    states = {s for r in mine for s in ("待审核", "已通过", "未通过") if s in r}
    assert states == {"待审核", "已通过", "未通过"}
    home = client.get(reverse("home:home")).content.decode()
    upcoming = re.search(r'<ul[^>]*id="home-upcoming">(.*?)</ul>', home, re.S)
    assert upcoming and upcoming.group(1).count("<li") == 3
