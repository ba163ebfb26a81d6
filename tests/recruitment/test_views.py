"""The 发展党员 pages: the pipeline board, the county view, an application, a step, a 考察 record,
the dossier — success with persisted state, read-only 403, outsider 404, bad input in Chinese."""

from __future__ import annotations

import io
from datetime import date

import pytest
import time_machine
from django.urls import reverse
from docx import Document

from ronghe.recruitment.choices import Stage
from ronghe.recruitment.models import Observation, RecruitmentCase
from tests.factories import valid_id_number
from tests.recruitment import flow

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(date(2026, 3, 2), tick=False):
        yield


def test_board_counts_each_stage_and_the_late(client_for, cast):
    # given an applicant whose talk is overdue and an activist
    flow.apply(cast, name="甲", applied_on=date(2025, 12, 1))
    flow.through(cast, flow.apply(cast, name="乙", born=date(1999, 1, 2)), "activist")
    # when
    response = client_for(cast.secretary_a).get(reverse("recruitment:case-list"))
    # then
    assert response.status_code == 200
    board = response.context["board"]
    assert (board.counts[Stage.APPLICANT], board.counts[Stage.ACTIVIST], board.late) == (1, 1, 2)
    html = response.content.decode()
    assert "已逾期 2 人" in html and "派人谈话" in html


def test_board_filters_late_and_shows_an_empty_state(client_for, cast):
    flow.apply(cast, name="甲", applied_on=date(2026, 2, 20))
    client = client_for(cast.secretary_a)
    response = client.get(reverse("recruitment:case-list"), {"late": "late"})
    assert "没有符合条件的发展对象" in response.content.decode()
    response = client.get(
        reverse("recruitment:case-list"), {"stage": "applicant"}, headers={"HX-Request": "true"}
    )
    assert "甲" in response.content.decode() and "<h1" not in response.content.decode()


def test_board_query_count_is_constant(client_for, cast, django_assert_max_num_queries):
    client = client_for(cast.secretary_a)
    flow.apply(cast, name="甲", applied_on=date(2026, 2, 20))
    with django_assert_max_num_queries(20) as small:
        client.get(reverse("recruitment:case-list"))
    for i in range(5):
        flow.apply(cast, name=f"人{i}", born=date(1990, 1, i + 1), applied_on=date(2026, 2, 20))
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("recruitment:case-list"))


def test_board_outsider_sees_nothing(client_for, cast):
    flow.apply(cast)
    response = client_for(cast.outsider_b).get(reverse("recruitment:case-list"))
    assert response.context["board"].total == 0


def test_member_cannot_open_the_board(client_for, cast):
    assert client_for(cast.member_a).get(reverse("recruitment:case-list")).status_code == 403


def test_county_view_rows_per_unit(client_for, cast):
    flow.apply(cast, applied_on=date(2025, 12, 1))
    response = client_for(cast.committee_admin).get(reverse("recruitment:county"))
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert (row.unit, row.counts[Stage.APPLICANT], row.late) == ("甲局", 1, 1)


def test_county_view_statistics_by_stage_age_education_and_sex(client_for, cast):
    # given: one person admitted by the 支部大会 in 2024 (born 2000, 女, 大学本科) and one applicant
    flow.through(cast, flow.apply(cast), "full")
    flow.apply(cast, name="钱申请", born=date(1998, 2, 3), applied_on=date(2026, 2, 20))
    # when
    response = client_for(cast.committee_admin).get(reverse("recruitment:county"), {"year": 2024})
    # then
    stats = response.context["stats"]
    assert (stats["admitted"], stats["by_sex"], stats["by_education"], stats["college"]) == (
        1,
        [("女", 1)],
        [("大学本科", 1)],
        1,
    )
    assert [n for _, n in stats["by_age"]] == [1]
    assert sorted(stats["by_stage"]) == sorted([("正式党员", 1), ("入党申请人", 1)])


def test_register_an_application(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("recruitment:case-create"),
        {
            "organization": cast.branch_a.pk,
            "name": "孙申请",
            "id_number": valid_id_number(date(2001, 4, 3)),
            "applied_on": "2026-02-10",
            "education": "大学本科",
        },
    )
    case = RecruitmentCase.objects.get(name="孙申请")
    assert response.status_code == 302 and response.url == reverse(
        "recruitment:case-detail", args=[case.code]
    )


def test_register_under_eighteen_is_refused_in_chinese(client_for, cast):
    response = client_for(cast.secretary_a).post(
        reverse("recruitment:case-create"),
        {
            "organization": cast.branch_a.pk,
            "name": "小李",
            "id_number": valid_id_number(date(2008, 3, 3)),
            "applied_on": "2026-03-02",
        },
    )
    assert response.status_code == 422
    assert (
        "年满十八岁方可申请入党（细则第五条）：申请日 2026-03-02 时未满18周岁，最早可于 2026-03-03 申请"
        in response.content.decode()
    )
    assert not RecruitmentCase.objects.exists()


def test_register_read_only_and_outsider(client_for, cast):
    data = {
        "organization": cast.branch_a.pk,
        "name": "孙",
        "id_number": valid_id_number(),
        "applied_on": "2026-02-10",
    }
    assert client_for(cast.member_a).post(reverse("recruitment:case-create"), data).status_code == 403
    response = client_for(cast.outsider_b).post(reverse("recruitment:case-create"), data)
    assert response.status_code == 422  # A's branch is not among B's choices
    assert not RecruitmentCase.objects.exists()


def test_case_page_and_step_form(client_for, cast):
    case = flow.apply(cast, applied_on=date(2026, 2, 10))
    client = client_for(cast.secretary_a)
    page = client.get(reverse("recruitment:case-detail", args=[case.code])).content.decode()
    assert "二十五个步骤" in page and "派人谈话" in page
    # a late talk is refused with the rule, nothing written
    url = reverse("recruitment:case-step", args=[case.code, "talk"])
    response = client.post(url, {"talked_on": "2026-03-11"})
    assert response.status_code == 422
    assert "不能晚于今天" in response.content.decode()
    response = client.post(url, {"talked_on": "2026-02-20", "talker": "张甲"})
    assert response.status_code == 302
    assert RecruitmentCase.objects.get(pk=case.pk).talked_on == date(2026, 2, 20)


def test_step_form_read_only_and_outsider(client_for, cast):
    case = flow.apply(cast, applied_on=date(2026, 2, 10))
    url = reverse("recruitment:case-step", args=[case.code, "talk"])
    assert client_for(cast.member_a).post(url, {"talked_on": "2026-02-20"}).status_code == 403
    assert client_for(cast.outsider_b).post(url, {"talked_on": "2026-02-20"}).status_code == 404
    assert RecruitmentCase.objects.get(pk=case.pk).talked_on is None


def test_secretary_cannot_open_the_approval(client_for, cast):
    case = flow.through(cast, flow.apply(cast), "meeting")
    url = reverse("recruitment:case-step", args=[case.code, "approve"])
    assert client_for(cast.secretary_a).get(url).status_code == 403
    assert client_for(cast.committee_admin).get(url).status_code == 200


def test_approval_form_refuses_a_general_branch(client_for, cast):
    case = flow.through(cast, flow.apply(cast), "meeting")
    response = client_for(cast.committee_admin).post(
        reverse("recruitment:case-step", args=[case.code, "approve"]),
        {
            "higher_talk_on": "2024-09-02",
            "approved_on": "2024-09-20",
            "approver": cast.org_a.pk,
            "publicity_start": "2024-08-19",
            "publicity_end": "2024-08-23",
        },
    )
    assert response.status_code == 422
    assert "党总支、党支部不能审批" in response.content.decode()
    assert RecruitmentCase.objects.get(pk=case.pk).stage == Stage.CANDIDATE


def test_observation(client_for, cast):
    case = flow.through(cast, flow.apply(cast), "activist")
    url = reverse("recruitment:observation-create", args=[case.code])
    assert (
        client_for(cast.outsider_b)
        .post(url, {"kind": "report", "on": "2026-01-05", "content": "汇报"})
        .status_code
        == 404
    )
    assert (
        client_for(cast.member_a)
        .post(url, {"kind": "report", "on": "2026-01-05", "content": "汇报"})
        .status_code
        == 403
    )
    response = client_for(cast.secretary_a).post(
        url, {"kind": "report", "on": "2026-04-05", "content": "汇报"}
    )
    assert response.status_code == 422 and "日期：不能晚于今天" in response.content.decode()
    response = client_for(cast.secretary_a).post(
        url, {"kind": "report", "on": "2026-01-05", "content": "第四季度思想汇报"}
    )
    assert response.status_code == 302
    assert Observation.objects.get(case=case).content == "第四季度思想汇报"


def test_dossier_exports_every_step(client_for, cast):
    case = flow.through(cast, flow.apply(cast), "full")
    response = client_for(cast.secretary_a).get(reverse("recruitment:dossier", args=[case.code]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    assert "发展党员工作纪实" in text
    assert (
        "支部大会讨论接收：2024年08月16日，应到会有表决权党员 10 人，实到 8 人，赞成 8 票（书面意见 0 票）。"
        in text
    )
    assert "2024年08月16日" in cells and "转正时间（党龄起算）" in cells and "2025年08月16日" in cells
    assert (
        client_for(cast.outsider_b).get(reverse("recruitment:dossier", args=[case.code])).status_code == 404
    )


def test_dossier_downloads_as_pdf_in_scope_and_is_audited(client_for, cast):
    from ronghe.core.models import AuditEntry
    from tests.pdftext import pdf_text

    case = flow.through(cast, flow.apply(cast), "full")
    url = reverse("recruitment:dossier-pdf", args=[case.code])
    response = client_for(cast.secretary_a).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert "发展党员工作纪实" in text and case.name in text
    assert "支部大会讨论接收：2024年08月16日" in text and "转正时间（党龄起算）" in text
    assert AuditEntry.objects.filter(event="recruitment.dossier_export", changes__format="pdf").count() == 1
    # outside the scope: not found, and nothing audited for it
    assert client_for(cast.outsider_b).get(url).status_code == 404
    assert AuditEntry.objects.filter(event="recruitment.dossier_export").count() == 1
    # the person's page offers both formats
    page = (
        client_for(cast.secretary_a)
        .get(reverse("recruitment:case-detail", args=[case.code]))
        .content.decode()
    )
    assert "导出纪实（PDF）" in page and "导出纪实（Word）" in page


def test_home_reminds_the_secretary_of_late_steps(client_for, cast):
    flow.apply(cast, name="甲", applied_on=date(2025, 12, 1))
    html = client_for(cast.secretary_a).get("/").content.decode()
    assert "发展党员提醒" in html
    assert 'id="home-recruitment-late">1<' in html
    assert "发展党员提醒" not in client_for(cast.outsider_b).get("/").content.decode()


def test_due_means_a_deadline_within_thirty_days(client_for, cast):
    # given one applicant whose talk is due in 29 days and one due in 31 days (today 2026-03-02)
    flow.apply(cast, name="近", applied_on=date(2026, 3, 1), born=date(1999, 1, 3))  # talk by 2026-04-01
    flow.apply(cast, name="远", applied_on=date(2026, 3, 2), born=date(1999, 1, 4))  # talk by 2026-04-02
    response = client_for(cast.secretary_a).get(reverse("recruitment:case-list"), {"late": "due"})
    names = [case.name for case, _ in response.context["rows"]]
    assert response.context["board"].due == 1 and names == ["近"]
