import io
from datetime import date, timedelta

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ronghe.education import services
from ronghe.education.models import SessionAttendance, StudyScore, TrainingClass
from tests.factories import MemberFactory, UnitFactory

pytestmark = pytest.mark.django_db


def _live_session(cast):
    from tests.education.samples import sample_session

    return sample_session(cast)


def test_a_secretary_creates_a_class_and_bad_dates_are_refused(client_for, cast):
    client = client_for(cast.secretary_a)
    data = {
        "org": cast.branch_a.code,
        "title": "预备党员培训",
        "audience": "probationary",
        "starts_on": "2026-05-02",
        "ends_on": "2026-05-01",
    }
    response = client.post(reverse("education:class-create"), data)
    assert "结业日期不能早于开班日期" in response.content.decode()
    assert not TrainingClass.objects.exists()
    response = client.post(reverse("education:class-create"), data | {"ends_on": "2026-05-03"})
    tc = TrainingClass.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "education:class-detail", args=[tc.code]
    )
    assert (tc.organization, tc.audience, tc.year) == (cast.branch_a, "probationary", 2026)


def test_outsider_cannot_create_a_class_in_a(client_for, cast):
    client = client_for(cast.outsider_b)
    data = {
        "org": cast.branch_a.code,
        "title": "越权",
        "audience": "all",
        "starts_on": "2026-05-01",
        "ends_on": "2026-05-01",
    }
    response = client.post(reverse("education:class-create"), data)
    assert "请选择您有权举办培训的党组织" in response.content.decode()
    assert not TrainingClass.objects.exists()


def test_the_class_page_shows_the_qr_code_to_the_organizer_only(client_for, cast):
    session = _live_session(cast)
    url = reverse("education:class-detail", args=[session.training_class.code])
    page = client_for(cast.secretary_a).get(url).content.decode()
    assert (
        f"session-{session.code}-qr" in page
        and reverse("education:checkin", args=[session.checkin_code]) in page
    )
    assert client_for(cast.outsider_b).get(url).status_code == 404
    assert client_for(cast.member_a).get(url).status_code == 403


def test_a_member_checks_in_on_the_phone_page(client_for, cast):
    session = _live_session(cast)
    client = client_for(cast.member_a)
    url = reverse("education:checkin", args=[session.checkin_code])
    assert "张甲，点击签到" not in client.get(url).content.decode()  # the account's display name is shown
    response = client.post(url, {"action": "in"})
    assert response.status_code == 302
    assert SessionAttendance.objects.get(session=session).member == cast.member_a_record
    again = client.post(url, {"action": "in"})
    assert again.status_code == 400 and "您已签到，不能重复签到" in again.content.decode()
    mine = client.get(reverse("education:my-learning")).content.decode()
    assert "2.0 / 32.0 学时" in mine, mine
    assert "还差 30.0 学时" in mine and "样例培训班" in mine


def test_an_expired_code_is_refused_with_a_message(client_for, cast):
    session = _live_session(cast)
    type(session).objects.filter(pk=session.pk).update(
        checkin_expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client_for(cast.member_a).post(reverse("education:checkin", args=[session.checkin_code]))
    assert response.status_code == 400
    assert "签到码已过期，请向培训组织者索取新的签到码" in response.content.decode()
    assert not SessionAttendance.objects.exists()


def test_hours_page_lists_who_is_behind(client_for, cast):
    _live_session(cast)
    page = (
        client_for(cast.secretary_a)
        .get(reverse("education:hours"), {"org": cast.branch_a.code, "behind": "1"})
        .content.decode()
    )
    assert "张甲" in page and "32.0" in page


def _sheet(header, rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["学习强国月度统计"])
    for i, row in enumerate([header, *rows], start=1):
        sheet.write_row(i, 0, row)
    book.close()
    return SimpleUploadedFile("xuexi.xlsx", buffer.getvalue())


def test_xuexi_import_previews_unmatched_names_and_writes_only_when_confirmed(client_for, cast):
    client = client_for(cast.secretary_a)
    rows = [["张甲", 1200, 28], ["查无此人", 900, 20]]
    header = ["姓名", "学习积分", "活跃天数"]
    # when: the preview
    page = client.post(
        reverse("education:study-import"), {"month": "2026-03", "file": _sheet(header, rows)}
    ).content.decode()
    # then: nothing written, the unknown name listed
    assert not StudyScore.objects.exists()
    assert "查无此人" in page and "权限范围内没有该党员" in page
    # when: confirmed
    response = client.post(
        reverse("education:study-import"), {"month": "2026-03", "file": _sheet(header, rows), "confirm": "on"}
    )
    assert response.status_code == 302
    score = StudyScore.objects.get()
    assert (score.member, score.points, score.active_days, score.year) == (
        cast.member_a_record,
        1200,
        28,
        2026,
    )


def test_xuexi_file_with_unknown_columns_is_refused(client_for, cast):
    page = (
        client_for(cast.secretary_a)
        .post(
            reverse("education:study-import"),
            {
                "month": "2026-03",
                "file": _sheet(["姓名", "学习积分", "活跃天数", "身份证号"], [["张甲", 1, 1, "x"]]),
                "confirm": "on",
            },
        )
        .content.decode()
    )
    assert "表格含有无法识别的列：身份证号" in page
    assert not StudyScore.objects.exists()


def test_the_committee_sees_units_ranked(client_for, cast):
    unit_c = UnitFactory(name="丙局")
    from tests.factories import OrganizationFactory

    branch_c = OrganizationFactory(name="丙局支部", parent=cast.committee, unit=unit_c)
    c1 = MemberFactory(name="丙一", organization=branch_c)
    StudyScore.objects.create(
        member=cast.member_a_record, month="2026-03", year=2026, points=1000, active_days=20
    )
    StudyScore.objects.create(member=c1, month="2026-03", year=2026, points=3000, active_days=30)
    page = (
        client_for(cast.committee_admin)
        .get(reverse("education:study-ranking"), {"year": 2026})
        .content.decode()
    )
    assert page.index("丙局") < page.index("甲局") < page.index("乙局")
    api = client_for(cast.committee_admin).get("/api/v1/education/xuexi-ranking?year=2026").json()
    assert [(r["rank"], r["unit"], r["per_capita"]) for r in api][:2] == [
        (1, "丙局", "3000.0"),
        (2, "甲局", "1000.0"),
    ]
    # a branch secretary of B sees only B's unit
    only_b = client_for(cast.outsider_b).get("/api/v1/education/xuexi-ranking?year=2026").json()
    assert [r["unit"] for r in only_b] == ["乙局"]


def test_api_hours_are_scoped(client_for, cast):
    _live_session(cast)
    rows = client_for(cast.secretary_a).get("/api/v1/education/hours").json()
    assert [r["name"] for r in rows] == ["张甲"]
    assert client_for(cast.outsider_b).get("/api/v1/education/hours").json() == [
        {
            "member_code": str(cast.member_b_record.code),
            "name": "李乙",
            "organization": "乙局第一党支部",
            "hours": "0.0",
            "required": "32.0",
            "behind": True,
        }
    ]
    assert client_for(cast.member_a).get("/api/v1/education/hours").status_code == 403
    assert services.VIEW == "education.view"


def test_the_to_do_names_who_is_behind_from_october_and_the_member_sees_open_surveys(
    client_for, cast, time_machine
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from tests.outreach.samples import sample_survey

    time_machine.move_to(datetime(2026, 10, 8, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    sample_survey(cast)
    page = client_for(cast.secretary_a).get("/").content.decode()
    assert 'id="home-education-behind">1<' in page  # 张甲: 0 of 32 学时
    mine = client_for(cast.member_a).get("/").content.decode()
    assert 'id="home-surveys-waiting">1<' in mine


def test_the_committee_sees_units_short_of_staff_or_with_untrained_staff(client_for, cast):
    from datetime import date

    from ronghe.orgs.models import PartyWorker

    cast.unit_a.staff_count, cast.unit_b.staff_count = 250, 80
    cast.unit_a.save()
    cast.unit_b.save()
    # A: one full-time worker for 250 staff (3 needed); B: one, enough, linked to a member without 学时
    PartyWorker.objects.create(
        organization=cast.org_a, name="赵专", kind="full_time", started_on=date(2020, 3, 1)
    )
    PartyWorker.objects.create(
        organization=cast.org_b,
        name="钱专",
        member=cast.member_b_record,
        kind="full_time",
        started_on=date(2025, 1, 1),
    )
    page = (
        client_for(cast.committee_admin).get(reverse("education:staffing"), {"year": 2026}).content.decode()
    )
    assert "配备不足 <strong>1</strong> 个单位，有党务干部学时不足 <strong>2</strong> 个单位" in page
    assert "1（3）" in page and "赵专（专职 ·" in page and "未关联党员" in page
    # a branch secretary of B sees B only
    only_b = client_for(cast.outsider_b).get(reverse("education:staffing"), {"year": 2026}).content.decode()
    assert "钱专" in only_b and "赵专" not in only_b


def test_a_secretary_enrols_members_by_list(client_for, cast):
    from ronghe.education import services
    from ronghe.education.models import Enrolment
    from tests.factories import MemberFactory

    # given: a class of A's branch and two more members of the branch
    wang, li = (MemberFactory(name=n, organization=cast.branch_a) for n in ("王列", "李列"))
    tc = services.create_class(
        actor=cast.secretary_a,
        organization=cast.branch_a,
        data={
            "title": "入党积极分子培训班",
            "audience": "all",
            "starts_on": date(2026, 5, 6),
            "ends_on": date(2026, 5, 7),
        },
    )
    client = client_for(cast.secretary_a)
    url = reverse("education:class-enrol", args=[tc.code])
    page = client.get(reverse("education:class-detail", args=[tc.code])).content.decode()
    assert f'id="enrol-m-{wang.pk}"' in page and f'id="enrol-m-{cast.member_a_record.pk}"' in page
    # when: nothing ticked, then 王列 and B's 李乙 (not the secretary's to enrol)
    empty = client.post(url, {"by_list": "1"}, follow=True).content.decode()
    assert "请勾选要报名的党员" in empty and not Enrolment.objects.exists()
    response = client.post(
        url, {"by_list": "1", "members": [str(wang.pk), str(cast.member_b_record.pk)]}, follow=True
    )
    # then: only 王列 is enrolled
    assert "已按名单报名 1 人" in response.content.decode()
    assert list(tc.enrolments.values_list("member__name", flat=True)) == ["王列"]
    assert li.pk not in tc.enrolments.values_list("member_id", flat=True)
