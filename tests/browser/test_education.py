"""Browser journeys of 学习教育 and 联系服务 (issue 18), at desktop (1366) and phone (390) width:
a secretary runs a class with phone check-in and a member sees their 学时 on the phone; the 工委
imports 学习强国 figures (preview of unmatched names) and sees the ranking among units; a secretary
publishes a survey, members answer on the phone, and the results show once five have answered."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
import xlsxwriter
from django.utils import timezone

from ronghe.education.models import SessionAttendance, StudyScore, TrainingClass
from ronghe.outreach import services as survey_services
from ronghe.outreach.models import Respondent, Survey
from tests.factories import MemberFactory, OrganizationFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.browser


def _as(journey, user) -> None:
    journey.page.context.clear_cookies()
    journey.login(user)


def test_secretary_runs_a_class_with_check_in_and_the_member_sees_their_hours(journey, cast):
    MemberFactory(name="王学", organization=cast.branch_a)
    _as(journey, cast.secretary_a)
    journey.goto("/education/classes/")
    journey.page.click("#class-new")
    journey.page.select_option("#id_org", str(cast.branch_a.code))
    today = timezone.localdate()
    journey.page.fill("#id_title", "党员冬季集中轮训")
    journey.page.select_option("#id_audience", "all")
    journey.page.fill("#id_starts_on", today.isoformat())
    journey.page.fill("#id_ends_on", (today + timedelta(days=2)).isoformat())
    journey.page.click("#class-submit")
    journey.page.wait_for_selector("#enrol-audience")
    tc = TrainingClass.objects.get()
    journey.page.click("#enrol-audience")
    journey.page.wait_for_selector(".alert-success")
    assert "已按培训对象报名 2 人" in journey.page.inner_text(".alert-success")
    now = timezone.localtime()
    journey.page.fill("#s-title", "学习党的二十届四中全会精神")
    journey.page.fill("#s-start", (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    journey.page.fill("#s-end", (now + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    journey.page.fill("#s-hours", "2")
    journey.page.click("#session-submit")
    journey.page.wait_for_selector(".alert-success")
    session = tc.sessions.get()
    journey.page.click(f"#session-{session.code} form button")
    journey.page.wait_for_selector(f"#session-{session.code}-qr svg")
    journey.screenshot("education-class-checkin-qr")
    journey.assert_clean()
    link = journey.page.get_attribute(f"#session-{session.code}-qr a", "href")

    # the member scans the code on the phone
    _as(journey, cast.member_a)
    journey.page.goto(link)
    journey.page.click("#checkin-button")
    journey.page.wait_for_selector("#checkin-done")
    journey.screenshot("education-checkin-done")
    assert SessionAttendance.objects.get(session=session).member == cast.member_a_record
    journey.goto("/education/me/")
    assert journey.page.inner_text("#my-hours") == "2.0 / 32.0 学时"
    assert "还差 30.0 学时" in journey.page.inner_text("#my-hours-status")
    journey.screenshot("education-my-learning")
    journey.assert_clean()

    # the secretary sees who is behind
    _as(journey, cast.secretary_a)
    journey.goto(f"/education/hours/?org={cast.branch_a.code}&behind=1")
    assert "王学" in journey.page.inner_text("#hours-table")
    journey.screenshot("education-hours-behind")


def _sheet(rows) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for i, row in enumerate([["姓名", "学习积分", "活跃天数"], *rows]):
        sheet.write_row(i, 0, row)
    book.close()
    return buffer.getvalue()


def test_committee_imports_xuexi_figures_and_sees_the_ranking(journey, cast, tmp_path):
    unit_c = UnitFactory(name="丙局")
    branch_c = OrganizationFactory(name="丙局支部", parent=cast.committee, unit=unit_c)
    MemberFactory(name="丙一", organization=branch_c)
    path = tmp_path / "xuexi.xlsx"
    path.write_bytes(
        _sheet([["张甲", 1500, 28], ["李乙", 900, 20], ["丙一", 2400, 31], ["查无此人", 100, 3]])
    )
    _as(journey, cast.committee_admin)
    journey.goto("/education/xuexi/import/")
    journey.page.fill("#id_month", "2026-11")
    journey.page.set_input_files("#id_file", str(path))
    journey.page.click("#import-submit")
    journey.page.wait_for_selector("#import-preview")
    assert journey.page.inner_text("#preview-unmatched") == "1"
    assert "查无此人" in journey.page.inner_text("#unmatched-table")
    journey.screenshot("education-xuexi-preview")
    assert not StudyScore.objects.exists()
    journey.page.fill("#id_month", "2026-11")
    journey.page.set_input_files("#id_file", str(path))
    journey.page.check("#id_confirm")
    journey.page.click("#import-submit")
    journey.page.wait_for_selector("#ranking-table")
    assert StudyScore.objects.count() == 3
    journey.goto("/education/xuexi/?year=2026")
    rows = journey.page.inner_text("#ranking-table")
    assert rows.index("丙局") < rows.index("甲局") < rows.index("乙局")
    journey.screenshot("education-xuexi-ranking")
    journey.assert_clean()

    # the staffing gaps: unit A has 250 staff and no full-time 党务干部
    cast.unit_a.staff_count = 250
    cast.unit_a.save()
    journey.goto("/education/staffing/?gaps=1")
    assert "甲局" in journey.page.inner_text("#staffing-table")
    journey.screenshot("education-staffing")
    journey.assert_clean()


def test_a_survey_is_answered_on_the_phone_and_results_show_from_five(journey, cast):
    _as(journey, cast.secretary_a)
    journey.goto("/outreach/surveys/new/")
    journey.page.select_option("#id_org", str(cast.org_a.code))
    journey.page.fill("#id_title", "党员思想状况调查")
    journey.page.check("#id_satisfaction")
    journey.page.fill(
        "#id_questions", "单选|主要学习方式|集中学习/学习强国/自学\n满意度|对支部工作是否满意\n文字|意见建议"
    )
    journey.page.click("#survey-submit")
    journey.page.wait_for_selector("#survey-publish")
    journey.page.click("#survey-publish")
    journey.page.wait_for_selector("#survey-close")
    survey = Survey.objects.get()

    _as(journey, cast.member_a)
    journey.goto("/outreach/surveys/mine/")
    journey.page.click(f"text={survey.title}")
    journey.page.check("#q1-1")
    journey.page.check("#q2-4")
    journey.page.fill("#q3", "希望多开展现场教学")
    journey.screenshot("outreach-survey-answer")
    journey.page.click("#answer-submit")
    journey.page.wait_for_selector("#answer-done")
    journey.assert_clean()
    for i in range(4):
        member = MemberFactory(name=f"答卷{i}", organization=cast.branch_a)
        user = UserFactory(username=f"ans{i}", member=member)
        survey_services.answer(user=user, survey=survey, answers={1: "0", 2: str(3 + i % 2), 3: ""})
    assert Respondent.objects.count() == 5

    _as(journey, cast.secretary_a)
    journey.goto(f"/outreach/surveys/{survey.code}/")
    journey.page.click("#survey-close")
    journey.page.wait_for_selector("#question-1")
    assert "满意率 100.0" in journey.page.inner_text("#question-2")
    assert "希望多开展现场教学" in journey.page.inner_text("#question-3")
    journey.page.wait_for_selector("#question-1-chart canvas")  # the bars are drawn
    journey.screenshot("outreach-survey-results")
    journey.assert_clean()


def test_secretary_runs_a_volunteer_activity_with_check_in_and_the_member_sees_the_hours(journey, cast):
    from ronghe.outreach.models import VolunteerActivity, VolunteerRecord

    _as(journey, cast.secretary_a)
    journey.goto("/outreach/volunteering/")
    journey.page.click("#activity-new")
    journey.page.select_option("#id_org", str(cast.branch_a.code))
    now = timezone.localtime()
    journey.page.fill("#id_title", "社区环境整治志愿服务")
    journey.page.fill("#id_place", "幸福社区")
    journey.page.fill("#id_starts_at", (now - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    journey.page.fill("#id_ends_at", (now + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    journey.page.fill("#id_hours", "3")
    journey.page.click("#activity-submit")
    journey.page.wait_for_selector("#activity-checkin-open")
    activity = VolunteerActivity.objects.get()

    _as(journey, cast.member_a)  # the member signs up on the phone
    journey.goto("/outreach/volunteering/mine/")
    journey.page.click(f"#sign-up-{activity.code}")
    journey.page.wait_for_selector(".alert-success")

    _as(journey, cast.secretary_a)
    journey.goto(f"/outreach/volunteering/{activity.code}/")
    journey.page.click("#activity-checkin-open")
    journey.page.wait_for_selector("#activity-qr svg")
    journey.screenshot("outreach-volunteer-qr")
    journey.assert_clean()
    link = journey.page.get_attribute("#activity-qr a", "href")

    _as(journey, cast.member_a)
    journey.page.goto(link)
    journey.page.click("#checkin-button")
    journey.page.wait_for_selector("#checkin-done")
    assert VolunteerRecord.objects.get(activity=activity).hours == 3
    journey.goto("/outreach/volunteering/mine/")
    assert journey.page.inner_text("#my-volunteer-hours") == "3.0 小时"
    journey.screenshot("outreach-my-volunteering")
    journey.assert_clean()
