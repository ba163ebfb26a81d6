"""The one phone check-in's rules (core.checkin), shared by meetings, training sessions and volunteering."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from ronghe.core import checkin
from ronghe.core.errors import DomainError

START = datetime(2026, 3, 1, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_window_opens_early_and_defaults_to_three_hours():
    assert checkin.window(starts_at=START, ends_at=None, early_minutes=30) == (
        START - timedelta(minutes=30),
        START + timedelta(hours=3),
    )


def test_a_code_never_outlives_the_session_and_is_refused_after_it():
    code, expires = checkin.issue_code(now=START, end=START + timedelta(minutes=5), minutes=15, what="课程")
    assert len(code) == 8 and expires == START + timedelta(minutes=5)
    with pytest.raises(DomainError, match="课程已结束，不能再开启签到"):
        checkin.issue_code(now=START + timedelta(hours=1), end=START, minutes=15, what="课程")


@pytest.mark.parametrize(
    ("_case", "what", "message"),
    [("meeting", "会议", "不在会议签到时间内"), ("activity", "活动", "不在活动签到时间内")],
)
def test_outside_the_window_the_message_names_the_session(_case, what, message):
    with pytest.raises(DomainError, match=message):
        checkin.check_window(
            now=START - timedelta(hours=1), start=START, end=START + timedelta(hours=1), what=what
        )


def test_an_expired_code_is_refused():
    with pytest.raises(DomainError, match="签到码已过期，请向会议组织者索取新的签到码"):
        checkin.check_code(now=START, expires_at=START - timedelta(seconds=1))
    checkin.check_code(now=START, expires_at=START)  # still valid at its last instant
