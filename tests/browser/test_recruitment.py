"""Browser journey: a branch secretary takes one person from the application to 转正, with the dates a
real case has (the clock travels from March 2023 to September 2025); the 工委 records the two approvals.

On the way: the board's empty state, a refused 发展对象 (not a year as an activist), a refused approval by a
党总支, 考察 records, a document upload, the person appearing in the roster as 预备党员 then 正式党员, and
the dossier downloading as Word and as PDF."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from ronghe.members.choices import MemberStatus
from ronghe.recruitment.models import RecruitmentCase
from tests.browser.test_ratings import assert_labelled, click_and_wait, no_horizontal_overflow
from tests.factories import MemberFactory, valid_id_number

pytestmark = pytest.mark.browser
TZ = ZoneInfo("Asia/Shanghai")
PDF = b"%PDF-1.4\n%test\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def at(day: str) -> datetime:
    return datetime.fromisoformat(f"{day}T09:00").replace(tzinfo=TZ)


def fill(page, values: dict[str, str]) -> None:  # noqa: ANN001
    for name, value in values.items():
        page.fill(f"#id_{name}", value)


def save(journey) -> None:  # noqa: ANN001
    click_and_wait(journey, journey.page.get_by_role("button", name="保存"))


def test_from_application_to_full_membership(journey, cast):
    page = journey.page
    MemberFactory(name="王介绍", organization=cast.branch_a)
    number = valid_id_number(__import__("datetime").date(2000, 5, 10), "女")
    with time_machine.travel(at("2023-03-02"), tick=True) as travel:
        # ---- the board is empty; the secretary registers the application
        journey.login(cast.secretary_a)
        journey.goto("/recruitment/")
        assert page.get_by_text("没有符合条件的发展对象").is_visible()
        journey.screenshot("recruitment-board-empty")
        click_and_wait(journey, page.locator("#case-create"))
        assert_labelled(journey)
        page.get_by_label("党支部").select_option(label="甲局第一党支部")
        fill(
            page,
            {
                "name": "赵申请",
                "id_number": number,
                "applied_on": "2023-03-01",
                "work_position": "办公室科员",
            },
        )
        page.get_by_label("学历").select_option("大学本科")
        click_and_wait(journey, page.get_by_role("button", name="登记"))
        assert "已登记赵申请的入党申请" in page.inner_text("#messages")
        assert page.inner_text("#case-stage") == "入党申请人"
        assert "派人谈话" in page.inner_text("#case-next")
        journey.screenshot("recruitment-case-applicant")
        if journey.viewport == "phone":
            no_horizontal_overflow(journey)
        case = RecruitmentCase.objects.get(name="赵申请")
        url = f"/recruitment/{case.code}/"

        # ---- the talk, within the month
        travel.move_to(at("2023-03-21"))
        journey.login(cast.secretary_a)  # a session does not outlive the time travel
        journey.goto(url + "steps/talk/")
        fill(page, {"talked_on": "2023-03-20", "talker": "张甲"})
        save(journey)
        assert page.locator("#step-2-row").inner_text().count("2023-03-20") == 1

        # ---- 积极分子 with a contact and a 5-working-day 公示
        travel.move_to(at("2023-06-12"))
        journey.login(cast.secretary_a)  # a session does not outlive the time travel
        journey.goto(url + "steps/activist/")
        assert_labelled(journey)
        fill(
            page,
            {
                "activist_on": "2023-06-01",
                "activist_filed_on": "2023-06-10",
                "publicity_start": "2023-06-02",
                "publicity_end": "2023-06-08",
            },
        )
        page.get_by_label("培养联系人（1至2名正式党员）").select_option(label=["张甲"])
        journey.screenshot("recruitment-step-activist")
        save(journey)
        assert page.inner_text("#case-stage") == "入党积极分子"

        # ---- a 考察 record and a document
        travel.move_to(at("2023-12-01"))
        journey.login(cast.secretary_a)  # a session does not outlive the time travel
        journey.goto(url)
        page.select_option("#id_kind", "assessment")
        fill(page, {"on": "2023-11-30", "content": "学习认真，工作积极，能发挥骨干作用。"})
        click_and_wait(journey, page.get_by_role("button", name="记录"))
        assert "学习认真" in page.inner_text("#case-observations")
        page.get_by_label("材料名称").select_option("培养教育考察登记表")
        page.get_by_label("文件（JPG、PNG、PDF、DOCX、XLSX）").set_input_files(
            {"name": "考察登记表.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        click_and_wait(journey, page.get_by_role("button", name="上传"))
        assert "考察登记表.pdf" in page.inner_text("#case-files")

        # ---- 发展对象: refused before a full year, then recorded
        travel.move_to(at("2024-06-13"))
        journey.login(cast.secretary_a)  # a session does not outlive the time travel
        journey.goto(url + "steps/candidate/")
        fill(
            page,
            {
                "candidate_on": "2024-05-31",
                "candidate_filed_on": "2024-06-12",
                "publicity_start": "2024-06-04",
                "publicity_end": "2024-06-11",
            },
        )
        page.get_by_label("入党介绍人（2名正式党员）").select_option(label=["张甲", "王介绍"])
        save(journey)
        assert "经过一年以上培养教育方可确定为发展对象（细则第十三条）" in page.inner_text("#step-form")
        journey.problems.clear()  # the 422 was provoked on purpose
        journey.screenshot("recruitment-step-refused")
        fill(page, {"candidate_on": "2024-06-03"})
        save(journey)
        assert page.inner_text("#case-stage") == "发展对象"

        # ---- 政审 and training, 预审 and the 志愿书, the 支部大会
        travel.move_to(at("2024-07-11"))
        journey.login(cast.secretary_a)  # a session does not outlive the time travel
        journey.goto(url + "steps/review/")
        fill(
            page,
            {
                "political_review_on": "2024-07-01",
                "training_start": "2024-07-08",
                "training_end": "2024-07-10",
                "training_hours": "24",
            },
        )
        page.select_option("#id_political_review_result", "passed")
        save(journey)
        travel.move_to(at("2024-07-27"))
        journey.login(cast.secretary_a)  # a session does not outlive the time travel
        journey.goto(url + "steps/pre_review/")
        fill(
            page,
            {
                "committee_review_on": "2024-07-15",
                "pre_review_on": "2024-07-25",
                "form_issued_on": "2024-07-26",
            },
        )
        save(journey)
        travel.move_to(at("2024-08-17"))
        journey.login(cast.secretary_a)  # a session does not outlive the time travel
        journey.goto(url + "steps/meeting/")
        fill(
            page,
            {"admitted_on": "2024-08-16", "voters_expected": "10", "voters_present": "8", "votes_yes": "8"},
        )
        save(journey)
        assert "上级党委审批" in page.inner_text("#case-next")
        journey.assert_clean()

        # ---- the 工委 approves (a 党总支 may not)
        travel.move_to(at("2024-09-26"))
        journey.login(cast.committee_admin)
        journey.goto(url + "steps/approve/")
        assert_labelled(journey)
        fill(
            page,
            {
                "higher_talk_on": "2024-09-02",
                "approved_on": "2024-09-20",
                "filed_on": "2024-09-25",
                "publicity_start": "2024-08-19",
                "publicity_end": "2024-08-23",
            },
        )
        page.get_by_label("审批党委").select_option(label="甲局总支")
        save(journey)
        assert "党总支、党支部不能审批" in page.inner_text("#step-form")
        journey.problems.clear()
        page.get_by_label("审批党委").select_option(label="测试县直机关工委")
        save(journey)
        assert page.inner_text("#case-stage") == "预备党员"
        assert "2024-08-16" in page.inner_text("#case-joined")
        member = RecruitmentCase.objects.get(pk=case.pk).member
        assert (member.status, str(member.joined_on)) == (MemberStatus.PROBATIONARY, "2024-08-16")

        # ---- the oath, then 转正 after the 预备期
        travel.move_to(at("2024-10-13"))
        journey.login(cast.secretary_a)
        journey.goto(url + "steps/oath/")
        fill(page, {"oath_on": "2024-10-12"})
        save(journey)
        travel.move_to(at("2025-09-08"))
        journey.login(cast.committee_admin)
        journey.goto(url + "steps/full/")
        fill(
            page,
            {
                "full_applied_on": "2025-07-20",
                "full_meeting_on": "2025-08-18",
                "full_voters_expected": "11",
                "full_voters_present": "9",
                "full_votes_yes": "9",
                "full_approved_on": "2025-09-05",
                "publicity_start": "2025-08-19",
                "publicity_end": "2025-08-25",
            },
        )
        page.select_option("#id_full_outcome", "full")
        journey.screenshot("recruitment-step-full")
        save(journey)
        assert page.inner_text("#case-stage") == "正式党员"
        assert "2025-08-16" in page.inner_text("#case-full-on")
        journey.screenshot("recruitment-case-full")
        if journey.viewport == "phone":
            no_horizontal_overflow(journey)
        member.refresh_from_db()
        assert (member.status, str(member.full_on)) == (MemberStatus.FULL, "2025-08-16")
        with page.expect_download() as download:
            page.locator("#dossier-link").click()
        assert download.value.suggested_filename == "发展党员纪实-赵申请.docx"
        with page.expect_download() as download:
            page.locator("#dossier-pdf-link").click()
        assert download.value.suggested_filename == "发展党员纪实-赵申请.pdf"

        # ---- the board and the county view
        journey.goto("/recruitment/")
        assert page.inner_text("#stage-full-count").strip().endswith("1")
        journey.screenshot("recruitment-board")
        journey.goto("/recruitment/county/?year=2024")
        assert "2024 年发展党员 1 名" in page.inner_text("main")
        assert_labelled(journey)
        journey.screenshot("recruitment-county")
        if journey.viewport == "phone":
            no_horizontal_overflow(journey)
        journey.assert_clean()
