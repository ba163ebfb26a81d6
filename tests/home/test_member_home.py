"""The member's phone home: 去签到 for a meeting about to start, upcoming meetings, attendance history,
points as a formula with what is missing for the next grade."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from ronghe.core.scoring.models import Indicator
from ronghe.orglife import services as orglife
from ronghe.orglife.choices import AttendanceStatus
from ronghe.points import services as points

pytestmark = pytest.mark.django_db

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 24, 14, 50, tzinfo=TZ)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW)


def _meeting(cast, held, title, status=AttendanceStatus.UNMARKED):
    members = orglife.members_for_attendance(cast.branch_a)
    return orglife.record_meeting(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={"kind": "theme_day", "title": title, "held_at": held, "ends_at": None},
        attendance={m.pk: orglife.AttendanceEntry(status) for m in members},
        now=held if held < NOW else NOW,
    )


def test_a_meeting_about_to_start_shows_a_big_checkin_button_then_checked_in(cast, client_for):
    # given: a meeting starting in ten minutes, its check-in opened by the secretary
    meeting = _meeting(cast, NOW + timedelta(minutes=10), "十一月主题党日")
    orglife.open_checkin(actor=cast.secretary_a, meeting=meeting)
    client = client_for(cast.member_a)
    home = client.get(reverse("home:home")).content.decode()
    assert "即将开始" in home and "十一月主题党日" in home
    assert re.search(rf'href="{reverse("orglife:checkin-enter")}" id="home-checkin-button">去签到<', home)
    # the button asks for the code on the meeting's screen: a wrong one is refused in Chinese
    wrong = client.get(reverse("orglife:checkin-enter"), {"code": "nope"})
    assert wrong.status_code == 400 and "签到码不正确" in wrong.content.decode()
    meeting.refresh_from_db()
    right = client.get(reverse("orglife:checkin-enter"), {"code": meeting.checkin_code})
    assert right["Location"] == reverse("orglife:checkin", kwargs={"code": meeting.checkin_code})
    client.post(right["Location"], {"action": "in"})
    home = client.get(reverse("home:home")).content.decode()
    assert 'id="home-checked-in">已于 14:50 签到' in home
    assert "home-checkin-button" not in home


def test_no_checkin_card_for_a_meeting_tomorrow_but_it_is_upcoming(cast, client_for):
    _meeting(cast, NOW + timedelta(days=1), "明日党课")
    home = client_for(cast.member_a).get(reverse("home:home")).content.decode()
    assert "home-checkin-button" not in home
    assert "明日党课" in home.split('id="home-upcoming"')[1]


def test_attendance_history_and_points_formula(cast, client_for):
    scheme = points.seed_default_scheme(organization=cast.committee, year=2026)
    _meeting(cast, datetime(2026, 11, 3, 9, tzinfo=TZ), "十一月党员大会", AttendanceStatus.PRESENT)
    article = Indicator.objects.get(scheme=scheme, code="article")
    # three articles approved in one quarter: the quarter cap (3) counts one of them
    for day in (1, 2, 3):
        claim = points.submit_claim(
            actor=cast.member_a,
            member=cast.member_a_record,
            indicator=article,
            occurred_on=date(2026, 11, day),
            points="3",
            description=f"心得{day}",
        )
        points.transition_claim(claim=claim, action="approve", actor=cast.secretary_a)
    late = Indicator.objects.filter(scheme=scheme, points__lt=0).first()
    points.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=late,
        points=late.points,
        on=date(2026, 11, 10),
        reason="迟到",
    )
    response = client_for(cast.member_a).get(reverse("home:home"))
    html = response.content.decode()
    formula = response.context["points_formula"]
    total = response.context["points"].total
    assert formula.base + formula.added - formula.deducted + formula.adjustment == total
    assert formula.deducted == -late.points
    assert formula.base == Decimal("60")
    text = re.sub(r"<[^>]+>", "", html.split('id="points-formula"')[1].split("</div>")[0])
    assert re.search(r"基础分 60 \+ 加分 [\d.]+ − 扣分 [\d.]+ = " + re.escape(f"{total.normalize():f}"), text)
    # the history says how the member attended; what is missing for the next grade is named
    history = html.split('id="home-attendance"')[1]
    assert "十一月党员大会" in history and "出席" in history
    assert "距下一等次" in html and "还差" in html
