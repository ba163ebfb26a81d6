"""Browser journey: a secretary records a 党员大会 with attendance and a vote, members check in
by phone, and the compliance table shows the branch as met."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from ronghe.accounts.choices import Role
from ronghe.orglife.models import Meeting, MeetingRequirement
from ronghe.orglife.requirements_seed import DEFAULT_REQUIREMENTS
from ronghe.orgs.choices import OrgKind
from tests.factories import MemberFactory, OrganizationFactory, UnitFactory, UserFactory, grant

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _session_cookie(user, base_url: str) -> dict:
    client = Client()
    client.force_login(user)
    return {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
        "url": base_url,
    }


@pytest.fixture
def browser(chromium):
    """The shared chromium fixture (tests/browser/conftest.py), which also closes the test's DB connections."""
    return chromium


def test_record_checkin_and_compliance(live_server, browser):
    SHOTS.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    year = now.year
    # given: the 工委 requires only a quarterly 党员大会 this year; the branch held Q1–Q3 already
    MeetingRequirement.objects.filter(year=year).delete()
    spec = next(s for s in DEFAULT_REQUIREMENTS if s["kind"] == "general_meeting")
    MeetingRequirement.objects.create(year=year, **spec)
    committee = OrganizationFactory(name="县直机关工委", kind=OrgKind.COMMITTEE)
    unit = UnitFactory(name="县交通运输局")
    general = OrganizationFactory(
        name="交通运输局机关总支", kind=OrgKind.GENERAL_BRANCH, parent=committee, unit=unit
    )
    branch = OrganizationFactory(name="交通运输局第一党支部", parent=general, unit=unit)
    members = [
        MemberFactory(organization=branch, name=n)
        for n in ("张伟", "王芳", "李强", "赵敏", "陈磊", "刘洋", "杨静", "黄涛")
    ]
    members.append(MemberFactory(organization=branch, name="周婷", status="probationary", full_on=None))
    secretary = UserFactory(username="secretary", display_name="张伟")
    grant(secretary, Role.BRANCH_SECRETARY, branch)
    admin = UserFactory(username="gw", display_name="工委管理员")
    grant(admin, Role.WORK_COMMITTEE_ADMIN, committee)
    phone_users = []
    for m in members[6:8]:
        u = UserFactory(username=f"m{m.pk}", member=m, display_name=m.name)
        grant(u, Role.MEMBER, branch)
        phone_users.append(u)
    quarter = (now.month - 1) // 3 + 1
    for q in range(1, quarter):
        Meeting.objects.create(
            organization=branch,
            kind="general_meeting",
            title=f"第{q}季度党员大会",
            held_at=now.replace(month=q * 3 - 1, day=10, hour=9),
        )

    # when: the secretary records this quarter's 党员大会 at desktop width
    desktop = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    desktop.add_cookies([_session_cookie(secretary, live_server.url)])
    page = desktop.new_page()
    page.goto(f"{live_server.url}/orglife/meetings/create/?org={branch.code}")
    page.fill("#id_title", "第四季度支部党员大会")
    start = now - timedelta(minutes=10)
    page.fill("#id_held_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_ends_at", (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_place", "三楼党员活动室")
    page.fill("#id_agenda", "1. 学习党的二十届四中全会精神\n2. 讨论年度工作")
    page.select_option("#id_host", label="张伟")
    page.select_option(f"select[name=att-{members[5].pk}]", "excused")
    page.fill(f"input[name=reason-{members[5].pk}]", "出差")
    for m in members[6:]:
        page.select_option(f"select[name=att-{m.pk}]", "absent")
    # nobody is present by default: saving with five members unmarked is refused, naming how many
    page.click("#meeting-save")
    page.wait_for_selector("text=还有 5 名应到人员未标记出席情况")
    page.screenshot(path=str(SHOTS / "orglife-1a-unmarked-desktop.png"), full_page=True)
    for m in members[:5]:
        page.select_option(f"select[name=att-{m.pk}]", "present")
    page.screenshot(path=str(SHOTS / "orglife-1-record-desktop.png"), full_page=True)
    page.click("#meeting-save")
    page.wait_for_load_state()
    page.screenshot(path=str(SHOTS / "orglife-1b-after-save.png"), full_page=True)
    page.wait_for_selector("#attendance-summary")
    assert "出席 5" in page.inner_text("#attendance-summary")
    assert "实到 5 人" in page.inner_text("#quorum-info")  # 8 voters expected, 5 present: quorate
    page.fill("#id_text", "同意年度工作安排")
    page.fill("#id_yes", "5")
    page.click("#decision-save")
    page.wait_for_selector("text=通过")
    page.click("#checkin-open")
    page.wait_for_selector("#checkin-card svg")
    code = page.inner_text("#checkin-code")
    page.screenshot(path=str(SHOTS / "orglife-2-meeting-desktop.png"), full_page=True)

    # members check in on their phones (390 px)
    for i, user in enumerate(phone_users):
        phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
        phone.add_cookies([_session_cookie(user, live_server.url)])
        p = phone.new_page()
        p.goto(f"{live_server.url}/orglife/c/{code}/")
        if i == 0:
            p.screenshot(path=str(SHOTS / "orglife-3-checkin-phone.png"), full_page=True)
        p.click("#checkin-button")
        p.wait_for_selector("#checkin-done")
        if i == 0:
            p.screenshot(path=str(SHOTS / "orglife-4-checked-in-phone.png"), full_page=True)
        phone.close()
    page.reload()
    assert "出席 7" in page.inner_text("#attendance-summary")

    # then: the 工委 sees the branch as met in the compliance table
    admin_ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    admin_ctx.add_cookies([_session_cookie(admin, live_server.url)])
    a = admin_ctx.new_page()
    a.goto(f"{live_server.url}/orglife/compliance/?year={year}")
    a.click("text=交通运输局机关总支")
    row = a.locator(f"#org-{branch.code}-row")
    assert "达标" in row.inner_text() and "100.0%" in row.inner_text()
    a.screenshot(path=str(SHOTS / "orglife-5-compliance-desktop.png"), full_page=True)
    a.click(f"#org-{branch.code}-row >> text=交通运输局第一党支部")
    a.wait_for_selector("#calendar-rate")
    a.screenshot(path=str(SHOTS / "orglife-6-calendar-desktop.png"), full_page=True)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.add_cookies([_session_cookie(admin, live_server.url)])
    p = phone.new_page()
    p.goto(f"{live_server.url}/orglife/compliance/?year={year}&org={general.code}")
    p.screenshot(path=str(SHOTS / "orglife-7-compliance-phone.png"), full_page=True)
