"""Browser journeys of 学习教育 beyond the classes (issue 18 items 1, 3 and 5), at desktop (1366) and phone
(390) width: the 学习资料库 (a secretary publishes a 党课, the member opens it on the phone, the secretary
sees who has opened it); external training recorded on the phone with a certificate and approved by the
branch; the month's 政治生日 ceremony and the member's history of it."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image

from ronghe.education.models import BirthdayCeremony, ExternalTraining, MaterialOpen, StudyMaterial
from tests.factories import MemberFactory

pytestmark = pytest.mark.browser


def _as(journey, user) -> None:
    journey.page.context.clear_cookies()
    journey.login(user)


def test_a_lecture_is_published_opened_on_the_phone_and_its_readers_shown(journey, cast, live_server):
    MemberFactory(name="王未读", organization=cast.branch_a)
    _as(journey, cast.secretary_a)
    journey.goto("/education/materials/")
    journey.page.click("#material-new")
    journey.page.select_option("#id_org", str(cast.branch_a.code))
    journey.page.fill("#id_title", "书记讲党课：以学正风 以学促干")
    journey.page.select_option("#id_kind", "lecture")
    journey.page.fill("#id_summary", "支部书记在主题党日讲授的党课录像。")
    # the link opens a page of the platform itself, so the journey stays offline
    journey.page.fill("#id_url", f"{live_server.url}/education/me/")
    journey.page.click("#material-submit")
    journey.page.wait_for_selector("#readers-summary")
    material = StudyMaterial.objects.get()

    _as(journey, cast.member_a)
    journey.goto("/education/me/")
    assert "未学" in journey.page.inner_text("#my-materials")
    journey.screenshot("education-my-materials")
    journey.page.click(f"#open-{material.code}")
    journey.page.wait_for_selector("#my-materials")
    assert "已学" in journey.page.inner_text("#my-materials")
    assert MaterialOpen.objects.get().member == cast.member_a_record
    journey.assert_clean()

    _as(journey, cast.secretary_a)
    journey.goto(f"/education/materials/{material.code}/")
    assert "已打开 1 人，未打开 1 人" in journey.page.inner_text("#readers-summary")
    assert "张甲" in journey.page.inner_text("#opened-table")
    assert "王未读" in journey.page.inner_text("#not-opened-table")
    journey.screenshot("education-material-readers")
    journey.assert_clean()


def _certificate(path) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), (240, 240, 240)).save(buffer, format="JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_external_training_is_recorded_on_the_phone_and_approved(journey, cast, tmp_path):
    today = timezone.localdate()
    _as(journey, cast.member_a)
    journey.goto("/education/me/")
    journey.page.click("#external-new")
    journey.page.fill("#id_title", "县委党校党员冬训班")
    journey.page.fill("#id_organiser", "县委党校")
    journey.page.fill("#id_starts_on", (today - timedelta(days=3)).isoformat())
    journey.page.fill("#id_ends_on", (today - timedelta(days=2)).isoformat())
    journey.page.fill("#id_hours", "12")
    journey.page.set_input_files("#id_file", _certificate(tmp_path / "结业证书.jpg"))
    journey.screenshot("education-external-form")
    journey.page.click("#external-submit")
    journey.page.wait_for_selector("#external-state")
    assert journey.page.inner_text("#external-state") == "待审核"
    record = ExternalTraining.objects.get()
    journey.assert_clean()

    _as(journey, cast.secretary_a)
    journey.goto(f"/education/external/{record.code}/")
    journey.page.select_option("#id_action", "approve")
    journey.page.click("#external-decision-submit")
    journey.page.wait_for_url("**/education/external/")  # back to the branch's review list
    journey.goto(f"/education/external/{record.code}/")
    assert journey.page.inner_text("#external-state") == "已通过"
    journey.screenshot("education-external-approved")
    journey.assert_clean()

    _as(journey, cast.member_a)
    journey.goto("/education/me/")
    assert journey.page.inner_text("#my-hours").startswith("12.0 / ")


def test_the_months_political_birthday_is_recorded_and_the_member_sees_it(journey, cast):
    held = cast.member_a_record.joined_on.replace(year=timezone.localdate().year - 1)
    _as(journey, cast.secretary_a)
    journey.goto("/education/birthdays/")
    journey.page.click("#birthday-new")
    journey.page.select_option("#b-org", str(cast.branch_a.code))
    journey.page.fill("#b-date", held.isoformat())
    journey.page.click("text=列出党员")
    journey.page.wait_for_selector(f"#b-m-{cast.member_a_record.pk}")
    assert journey.page.is_checked(f"#b-m-{cast.member_a_record.pk}")
    journey.screenshot("education-birthday-form")
    journey.page.click("#birthday-submit")
    journey.page.wait_for_url("**/education/birthdays/*/")
    assert list(BirthdayCeremony.objects.get().attendees.all()) == [cast.member_a_record]
    journey.assert_clean()

    _as(journey, cast.member_a)
    journey.goto("/education/me/")
    assert f"{held:%Y-%m-%d} · 甲局第一党支部" in journey.page.inner_text("#my-birthdays")
    journey.screenshot("education-my-birthdays")
    journey.assert_clean()
