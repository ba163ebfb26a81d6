from datetime import date

import pytest
from django.urls import reverse

from ronghe.orglife.models import Attendance, Decision, Meeting, MeetingRequirement
from tests.orglife.conftest import at

pytestmark = pytest.mark.django_db


def _post_data(members, **extra):
    data = {
        "org": "",
        "kind": "general_meeting",
        "title": "第四季度党员大会",
        "held_at": "2026-11-20T09:00",
        "ends_at": "2026-11-20T10:30",
        "place": "党员活动室",
        "agenda": "接收预备党员",
    }
    for m in members:
        data[f"att-{m.pk}"] = "present"
        data[f"reason-{m.pk}"] = ""
    data.update(extra)
    return data


class TestMeetingCreate:
    def test_secretary_records_a_meeting(self, cast, branch_members, client_for):
        full, prob = branch_members
        client = client_for(cast.secretary_a)
        url = reverse("orglife:meeting-create") + f"?org={cast.branch_a.code}"
        assert "正式0" in client.get(url).content.decode()
        data = _post_data(
            full + prob,
            org=str(cast.branch_a.code),
            **{f"att-{full[1].pk}": "excused", f"reason-{full[1].pk}": "出差"},
        )
        data["sitting_in"] = "王列席 县委组织部"
        response = client.post(url, data)
        meeting = Meeting.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("orglife:meeting-detail", kwargs={"code": meeting.code})
        assert meeting.attendances.filter(status="present").count() == 11
        assert meeting.attendances.get(member=full[1]).reason == "出差"
        assert meeting.sitting_ins.get().affiliation == "县委组织部"

    def test_bad_input_names_the_member(self, cast, branch_members, client_for):
        full, _ = branch_members
        client = client_for(cast.secretary_a)
        data = _post_data(full, org=str(cast.branch_a.code), **{f"att-{full[2].pk}": "excused"})
        response = client.post(reverse("orglife:meeting-create"), data)
        assert response.status_code == 400
        assert f"出席情况：{full[2].name} 请假，须填写请假原因" in response.content.decode()
        assert Meeting.objects.count() == 0

    def test_end_before_start_is_refused(self, cast, branch_members, client_for):
        full, _ = branch_members
        client = client_for(cast.secretary_a)
        data = _post_data(full, org=str(cast.branch_a.code), ends_at="2026-11-20T08:00")
        response = client.post(reverse("orglife:meeting-create"), data)
        assert "结束时间必须晚于开始时间" in response.content.decode()
        assert Meeting.objects.count() == 0

    def test_plain_member_gets_403(self, cast, branch_members, client_for):
        full, _ = branch_members
        response = client_for(cast.member_a).post(
            reverse("orglife:meeting-create"), _post_data(full, org=str(cast.branch_a.code))
        )
        assert response.status_code == 403
        assert Meeting.objects.count() == 0

    def test_outsider_gets_404(self, cast, branch_members, client_for):
        full, _ = branch_members
        response = client_for(cast.outsider_b).post(
            reverse("orglife:meeting-create"), _post_data(full, org=str(cast.branch_a.code))
        )
        assert response.status_code == 404
        assert Meeting.objects.count() == 0


class TestDecisionView:
    def test_no_quorum_is_refused_with_explanation(self, cast, branch_members, record, client_for):
        meeting = record(present=5)
        response = client_for(cast.secretary_a).post(
            reverse("orglife:decision-create", kwargs={"code": meeting.code}),
            {"text": "接收张三为预备党员", "method": "hands", "yes": 5, "no": 0, "abstain": 0},
        )
        assert response.status_code == 400
        assert "未超过应到会有表决权党员 10 人的半数，不足法定人数，不能进行表决" in response.content.decode()
        assert Decision.objects.count() == 0

    def test_quorate_vote_is_recorded(self, cast, branch_members, record, client_for):
        meeting = record(present=6)
        response = client_for(cast.secretary_a).post(
            reverse("orglife:decision-create", kwargs={"code": meeting.code}),
            {"text": "接收张三为预备党员", "method": "hands", "yes": 6, "no": 0, "abstain": 0},
        )
        assert response.status_code == 302
        assert Decision.objects.get().passed is True

    def test_outsider_404_and_member_403(self, cast, branch_members, record, client_for):
        meeting = record(present=6)
        url = reverse("orglife:decision-create", kwargs={"code": meeting.code})
        data = {"text": "x", "method": "hands", "yes": 6, "no": 0, "abstain": 0}
        assert client_for(cast.outsider_b).post(url, data).status_code == 404
        assert client_for(cast.member_a).post(url, data).status_code == 403
        assert Decision.objects.count() == 0


class TestCheckinView:
    def test_member_checks_in_at_phone_page(self, cast, branch_members, record, client_for, time_machine):
        time_machine.move_to(at(2026, 11, 20, 8, 50))
        meeting = record(present=0, held=at(2026, 11, 20, 9), ends_at=at(2026, 11, 20, 11))
        client = client_for(cast.secretary_a)
        client.post(reverse("orglife:checkin-open", kwargs={"code": meeting.code}))
        meeting.refresh_from_db()
        detail = client.get(reverse("orglife:meeting-detail", kwargs={"code": meeting.code})).content.decode()
        assert "<svg" in detail and "<script" not in detail.split("<main")[1].split("</main>")[0]
        member_client = client_for(cast.member_a)
        url = reverse("orglife:checkin", kwargs={"code": meeting.checkin_code})
        assert member_client.post(url, {"action": "in"}).status_code == 302
        again = member_client.post(url, {"action": "in"})
        assert again.status_code == 400
        assert "您已签到，不能重复签到" in again.content.decode()
        assert Attendance.objects.get(meeting=meeting, member=cast.member_a_record).source == "checkin"

    def test_other_organization_member_gets_404(self, cast, branch_members, record, client_for, time_machine):
        from tests.factories import UserFactory

        time_machine.move_to(at(2026, 11, 20, 8, 50))
        meeting = record(present=0, held=at(2026, 11, 20, 9))
        from ronghe.orglife import services

        services.open_checkin(actor=cast.secretary_a, meeting=meeting)
        user_b = UserFactory(member=cast.member_b_record)
        from ronghe.accounts.choices import Role
        from tests.factories import grant

        grant(user_b, Role.MEMBER, cast.branch_b)
        response = client_for(user_b).post(reverse("orglife:checkin", kwargs={"code": meeting.checkin_code}))
        assert response.status_code == 404
        assert not Attendance.objects.filter(member=cast.member_b_record).exists()


class TestCompliancePages:
    def test_drill_down_from_county_to_branch(self, cast, branch_members, record, client_for):
        record(held=at(2026, 10, 10, 9))
        client = client_for(cast.committee_admin)
        top = client.get(reverse("orglife:compliance") + "?year=2026").content.decode()
        assert "甲局总支" in top and "乙局总支" in top
        unit = client.get(
            reverse("orglife:compliance") + f"?year=2026&org={cast.org_a.code}"
        ).content.decode()
        assert "甲局第一党支部" in unit and "乙局" not in unit
        cal = client.get(reverse("orglife:org-calendar", kwargs={"code": cast.branch_a.code}) + "?year=2026")
        assert "测试会议" in cal.content.decode()

    def test_table_shows_a_new_meeting_at_once_although_cached(
        self, cast, branch_members, record, client_for
    ):
        from ronghe.orglife import rollup as orglife_rollup

        client = client_for(cast.committee_admin)
        url = reverse("orglife:compliance") + f"?year=2026&org={cast.org_a.code}"
        before = orglife_rollup.rollup(cast.committee_admin, cast.org_a, 2026, date(2026, 11, 24))[1].met
        assert client.get(url).status_code == 200  # computed and cached
        record(held=at(2026, 10, 10, 9))  # a 党员大会 for the fourth quarter
        after = orglife_rollup.rollup(cast.committee_admin, cast.org_a, 2026, date(2026, 11, 24))[1].met
        assert after == before + 1

    def test_outsider_cannot_drill_into_a(self, cast, client_for):
        response = client_for(cast.outsider_b).get(reverse("orglife:compliance") + f"?org={cast.org_a.code}")
        assert response.status_code == 404

    def test_todo_lists_what_falls_due(self, cast, branch_members, client_for, time_machine):
        time_machine.move_to(at(2026, 11, 24, 9))
        body = client_for(cast.secretary_a).get(reverse("orglife:todo")).content.decode()
        assert "11月30日前" in body and "支委会" in body  # due soon, in the year to-do (issue 16)

    def test_meeting_list_constant_queries(
        self, cast, branch_members, record, client_for, django_assert_num_queries
    ):
        client = client_for(cast.secretary_a)
        record()
        client.get(reverse("orglife:meeting-list"))
        # one finds the started meetings to move on (10 before issue 19: the session was saved on every
        # request, and the roles were read apart from the account)
        with django_assert_num_queries(6) as ctx:
            client.get(reverse("orglife:meeting-list"))
        for i in range(5):
            record(title=f"会议{i}")
        with django_assert_num_queries(len(ctx.captured_queries)):
            client.get(reverse("orglife:meeting-list"))


class TestRequirementPages:
    def test_committee_edits_a_current_year(self, cast, client_for):
        req = MeetingRequirement.objects.get(year=2026, kind="party_lecture")
        response = client_for(cast.committee_admin).post(
            reverse("orglife:requirement-update", kwargs={"pk": req.pk}),
            {"period": "year", "min_count": 2, "org_kinds": ["branch"], "expected": "all", "is_active": "on"},
        )
        assert response.status_code == 302
        req.refresh_from_db()
        assert (req.period, req.min_count, req.org_kinds) == ("year", 2, ["branch"])

    def test_zero_minimum_is_refused(self, cast, client_for):
        req = MeetingRequirement.objects.get(year=2026, kind="party_lecture")
        response = client_for(cast.committee_admin).post(
            reverse("orglife:requirement-update", kwargs={"pk": req.pk}),
            {"period": "year", "min_count": 0, "org_kinds": ["branch"], "expected": "all"},
        )
        assert "每周期最少次数至少为 1" in response.content.decode()

    def test_secretary_gets_403(self, cast, client_for):
        req = MeetingRequirement.objects.get(year=2026, kind="party_lecture")
        response = client_for(cast.secretary_a).post(
            reverse("orglife:requirement-update", kwargs={"pk": req.pk}), {"period": "year", "min_count": 2}
        )
        assert response.status_code == 403
        req.refresh_from_db()
        assert req.period == "quarter"


class TestExports:
    def test_meeting_docx_and_ledger(self, cast, branch_members, record, client_for):
        import io

        from docx import Document
        from python_calamine import CalamineWorkbook

        meeting = record(present=6)
        client = client_for(cast.secretary_a)
        response = client.get(reverse("orglife:meeting-docx", kwargs={"code": meeting.code}))
        text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
        assert "主持人（签字）" in text
        Meeting.objects.filter(pk=meeting.pk).update(title='=HYPERLINK("x")')
        response = client.get(
            reverse("orglife:ledger-xlsx", kwargs={"code": cast.branch_a.code}) + "?year=2026"
        )
        wb = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        rows = wb.get_sheet_by_name("会议台账").to_python()
        assert rows[1][2] == '\'=HYPERLINK("x")'
        assert rows[1][4:6] == [12.0, 6.0]


def test_host_must_belong_to_the_organization(cast, branch_members, client_for):
    full, prob = branch_members
    client = client_for(cast.secretary_a)
    data = _post_data(full, org=str(cast.branch_a.code), host=str(cast.member_b_record.pk))
    response = client.post(reverse("orglife:meeting-create"), data)
    assert "主持人须为本组织党员" in response.content.decode()
    data = _post_data(full + prob, org=str(cast.branch_a.code), host=str(full[0].pk))
    assert client.post(reverse("orglife:meeting-create"), data).status_code == 302
    assert Meeting.objects.get().host == full[0]


def test_calendar_lists_study_days(cast, client_for, time_machine):
    time_machine.move_to(at(2026, 11, 3, 9))
    body = (
        client_for(cast.secretary_a)
        .get(reverse("orglife:org-calendar", kwargs={"code": cast.branch_a.code}) + "?year=2026")
        .content.decode()
    )
    assert "本月双周学习日：11月12日、11月26日" in body
