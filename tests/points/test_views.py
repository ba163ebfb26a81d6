"""Pages: my points, ranking with ties, claims, what-if preview, year end, exports, API."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from ronghe.core.models import AuditEntry
from ronghe.core.scoring.models import Indicator
from ronghe.core.scoring.services import clone_scheme
from ronghe.points import services
from ronghe.points.models import Claim, MemberYear, PointsEntry, YearClosing
from tests.charts import assert_every_chart_has_its_table
from tests.factories import MemberFactory
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(YEAR, 11, 24))


def test_my_points_shows_total_grade_and_missing(client_for, cast, scheme, ind):
    services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=ind("task"),
        points="2",
        on=date(YEAR, 2, 1),
        reason="抢险",
    )
    body = client_for(cast.member_a).get(reverse("points:my-points")).content.decode()
    assert 'id="points-total">62<' in body
    assert 'id="points-grade">1A<' in body
    assert "履职尽责：B → A，还差 2 分" in body
    assert "完成急难险重任务" in body


def test_my_points_without_member_link(client_for, cast, scheme):
    body = client_for(cast.secretary_a).get(reverse("points:my-points")).content.decode()
    assert "您的账户未关联党员" in body


def test_ranking_handles_ties_and_scope(client_for, cast, scheme, ind):
    other = MemberFactory(name="王并列", organization=cast.branch_a)
    third = MemberFactory(name="赵第三", organization=cast.branch_a)
    services.recompute_year(year=YEAR)
    for m in (cast.member_a_record, other):
        services.adjust_points(
            actor=cast.secretary_a,
            member=m,
            indicator=ind("task"),
            points="2",
            on=date(YEAR, 2, 1),
            reason="x",
        )
    response = client_for(cast.secretary_a).get(reverse("points:ranking"), {"year": YEAR})
    rows = [(r.member.name, r.rank) for r in response.context["page"].object_list]
    assert rows == [("张甲", 1), ("王并列", 1), ("赵第三", 3)]
    assert "李乙" not in response.content.decode()  # B is out of A's scope
    chart = response.context["chart"]
    assert sum(chart["values"]) == 3
    assert 'data-chart="bar"' in response.content.decode()
    assert assert_every_chart_has_its_table(response.content.decode()) == 1
    assert third.name in response.content.decode()


def test_ranking_query_count_is_constant(client_for, cast, scheme, django_assert_num_queries):
    client = client_for(cast.secretary_a)
    services.recompute_year(year=YEAR)
    client.get(reverse("points:ranking"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get(reverse("points:ranking"), {"year": YEAR})
    MemberFactory.create_batch(15, organization=cast.branch_a)
    services.recompute_year(year=YEAR)
    with django_assert_num_queries(len(small)):
        client.get(reverse("points:ranking"), {"year": YEAR})


def test_ranking_forbidden_for_plain_member(client_for, cast, scheme):
    assert client_for(cast.member_a).get(reverse("points:ranking")).status_code == 403


def test_claim_page_flow_and_bad_input(client_for, cast, scheme, ind):
    client = client_for(cast.member_a)
    assert client.get(reverse("points:claim-create")).status_code == 200
    bad = client.post(
        reverse("points:claim-create"),
        {
            "indicator": ind("article").pk,
            "occurred_on": f"{YEAR}-03-01",
            "points": "-1",
            "description": "心得",
        },
    )
    assert bad.status_code == 422
    assert "申报分值必须大于 0" in bad.content.decode()
    assert Claim.objects.count() == 0
    ok = client.post(
        reverse("points:claim-create"),
        {
            "indicator": ind("article").pk,
            "occurred_on": f"{YEAR}-03-01",
            "points": "3",
            "description": "心得",
        },
    )
    claim = Claim.objects.get()
    assert ok.status_code == 302 and ok["Location"] == reverse(
        "points:claim-detail", kwargs={"code": claim.code}
    )
    # a plain member cannot decide; an outsider cannot even see it
    assert (
        client_for(cast.member_a)
        .post(reverse("points:claim-decide", kwargs={"code": claim.code}), {"action": "approve"})
        .status_code
        == 403
    )
    outsider = client_for(cast.outsider_b)
    assert (
        outsider.post(
            reverse("points:claim-decide", kwargs={"code": claim.code}), {"action": "approve"}
        ).status_code
        == 404
    )
    claim.refresh_from_db()
    assert claim.state == "submitted"
    # the secretary rejects without a reason → message, then approves
    sec = client_for(cast.secretary_a)
    no_reason = sec.post(
        reverse("points:claim-decide", kwargs={"code": claim.code}), {"action": "reject", "comment": ""}
    )
    assert "退回申报时请填写理由" in no_reason.content.decode()
    sec.post(reverse("points:claim-decide", kwargs={"code": claim.code}), {"action": "approve"})
    assert MemberYear.objects.get(member=cast.member_a_record).total == D("63")


def test_whatif_previews_without_saving(client_for, cast, scheme, ind, make_meeting):
    services.sync_meeting_points(meeting=make_meeting(attendees=[cast.member_a_record]))
    draft = clone_scheme(scheme=scheme, year=YEAR)
    data = {"preview": "1", "org": str(cast.branch_a.code)}
    for d in draft.dimensions.all():
        data.update(
            {
                f"dim-{d.code}-base": d.base,
                f"dim-{d.code}-threshold_a": d.threshold_a,
                f"dim-{d.code}-threshold_b": d.threshold_b,
            }
        )
    for i in draft.indicators.all():
        data.update(
            {
                f"ind-{i.code}-points": i.points,
                f"ind-{i.code}-cap_month": i.cap_month or "",
                f"ind-{i.code}-cap_year": i.cap_year or "",
            }
        )
    data["dim-orglife-threshold_a"] = "11"  # lowering the lines makes member A's 组织生活 an A
    data["dim-orglife-threshold_b"] = "10"
    response = client_for(cast.committee_admin).post(
        reverse("points:scheme-update", kwargs={"code": draft.code}), data
    )
    assert response.status_code == 200, response.context.get("errors")
    rows = {r.name: r for r in response.context["preview"]}
    assert (rows["张甲"].grade_now, rows["张甲"].grade_new) == ("1A", "2A")
    assert Indicator.objects.filter(scheme=draft).count() == 17
    assert draft.dimensions.get(code="orglife").threshold_a == D("18")  # nothing saved
    # bad input is named
    data["ind-theme_day-points"] = "两分"
    bad = client_for(cast.committee_admin).post(
        reverse("points:scheme-update", kwargs={"code": draft.code}), data
    )
    assert bad.status_code == 422
    assert "“参加主题党日”每次分值必须是数字" in bad.content.decode()


def test_scheme_save_needs_manage_permission(client_for, cast, scheme):
    draft = clone_scheme(scheme=scheme, year=YEAR)
    response = client_for(cast.secretary_a).post(
        reverse("points:scheme-update", kwargs={"code": draft.code}), {"save": "1"}
    )
    assert response.status_code == 403


def test_year_end_page_publicity_then_finalize(client_for, cast, scheme):
    client = client_for(cast.committee_admin)
    client.post(reverse("points:year-end"), {"step": "publicity", "year": YEAR, "until": f"{YEAR}-11-24"})
    assert YearClosing.objects.get().status == "publicity"
    client.post(reverse("points:year-end"), {"step": "finalize", "year": YEAR})
    assert YearClosing.objects.get().status == "finalized"
    again = client.post(
        reverse("points:year-end"), {"step": "publicity", "year": YEAR, "until": f"{YEAR}-12-01"}
    )
    assert "2026 年度积分已定稿" in again.content.decode()
    assert client_for(cast.secretary_a).get(reverse("points:year-end")).status_code == 403


def _xlsx_part(content: bytes, prefix: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return b"".join(z.read(n) for n in z.namelist() if n.startswith(prefix))


def test_ledger_and_statement_exports(client_for, cast, scheme, ind):
    from python_calamine import CalamineWorkbook

    services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=ind("task"),
        points="2",
        on=date(YEAR, 2, 1),
        reason='=HYPERLINK("x")',
    )
    response = client_for(cast.secretary_a).get(
        reverse("points:ledger-export", kwargs={"code": cast.branch_a.code}), {"year": YEAR}
    )
    wb = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = wb.get_sheet_by_name("年度积分").to_python()
    assert rows[1][:4] == ["甲局第一党支部", "张甲", 62.0, "1A"]
    detail = wb.get_sheet_by_name("积分明细").to_python()
    assert detail[1][7] == '\'=HYPERLINK("x")'  # text with a leading apostrophe, not a formula
    entry = PointsEntry.objects.get(member=cast.member_a_record)
    assert detail[1][8] == "查看来源"
    link = wb.get_sheet_by_name("积分明细")
    assert link is not None
    assert f"/points/entries/{entry.code}/".encode() in _xlsx_part(response.content, "xl/worksheets/_rels/")
    assert AuditEntry.objects.filter(event="points.ledger_exported").count() == 1
    mine = client_for(cast.member_a).get(
        reverse("points:member-statement", kwargs={"code": cast.member_a_record.code}), {"year": YEAR}
    )
    assert mine.status_code == 200
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(mine.content)).get_sheet_by_index(0).to_python()
    assert sheet[2][:2] == ["总积分", 62.0]
    assert '\'=HYPERLINK("x")' in [row[-1] for row in sheet]  # the adjustment's reason, as text
    other = client_for(cast.member_a).get(
        reverse("points:member-statement", kwargs={"code": cast.member_b_record.code})
    )
    assert other.status_code == 404


def test_api_claim_and_grades(client_for, cast, scheme):
    member = client_for(cast.member_a)
    created = member.post(
        "/api/v1/points/claims",
        data=json.dumps(
            {"indicator": "article", "occurred_on": f"{YEAR}-03-01", "points": "3", "description": "心得"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201
    code = created.json()["code"]
    bad = member.post(
        "/api/v1/points/claims",
        data=json.dumps(
            {"indicator": "theme_day", "occurred_on": f"{YEAR}-03-01", "points": "3", "description": "x"}
        ),
        content_type="application/json",
    )
    assert bad.status_code == 422 and "自动采集" in bad.json()["detail"]
    sec = client_for(cast.secretary_a)
    decided = sec.post(
        f"/api/v1/points/claims/{code}/decision",
        data=json.dumps({"action": "approve"}),
        content_type="application/json",
    )
    assert decided.json()["state"] == "approved"
    grades = sec.get("/api/v1/points/grades", {"year": YEAR}).json()
    assert grades[0] == {**grades[0], "member": "张甲", "total": "63.00", "rank": 1}
    me = client_for(cast.member_a).get("/api/v1/points/me", {"year": YEAR}).json()
    assert (me["total"], me["grade"]) == ("63.00", "1A")
    assert PointsEntry.objects.filter(source_type="claim").count() == 1


def test_publicity_counted_in_working_days(client_for, cast, scheme, time_machine):
    time_machine.move_to(date(YEAR, 9, 30))
    client = client_for(cast.committee_admin)
    response = client.post(reverse("points:year-end"), {"step": "publicity", "year": YEAR, "working_days": 5})
    assert response.status_code == 302
    closing = YearClosing.objects.get()
    # 10-01..10-07 are holidays; working days 10-08, 10-09, 10-10 (调休 Saturday), 10-12, 10-13.
    assert (closing.publicity_until, closing.publicity_working_days, closing.publicity_fallback) == (
        date(YEAR, 10, 13),
        5,
        False,
    )


def test_publicity_into_an_unpublished_year_is_flagged(client_for, cast, scheme, time_machine):
    time_machine.move_to(date(YEAR, 12, 28))
    client = client_for(cast.committee_admin)
    response = client.post(
        reverse("points:year-end"), {"step": "publicity", "year": YEAR, "working_days": 5}, follow=True
    )
    closing = YearClosing.objects.get()
    assert (closing.publicity_until, closing.publicity_fallback) == (date(YEAR + 1, 1, 4), True)
    body = response.content.decode()
    assert "已按周一至周五估算截止日期" in body
    assert "按周一至周五估算</span>" in body
    assert 'id="calendar-gap"' in body


def test_publicity_needs_days_or_date(client_for, cast, scheme):
    client = client_for(cast.committee_admin)
    response = client.post(reverse("points:year-end"), {"step": "publicity", "year": YEAR})
    assert response.status_code == 422
    assert "请填写公示期（工作日）或公示截止日期" in response.content.decode()
    bad = client.post(reverse("points:year-end"), {"step": "publicity", "year": YEAR, "working_days": 31})
    assert "公示期（工作日）不能超过 30 天" in bad.content.decode()
    assert not YearClosing.objects.exists()


def test_review_queue_marks_and_filters_overdue_claims(client_for, cast, scheme, ind, time_machine):
    # given a claim submitted on 30 September and one submitted on 19 October
    def submit(when, text):
        time_machine.move_to(when)
        return services.submit_claim(
            actor=cast.member_a,
            member=cast.member_a_record,
            indicator=ind("article"),
            occurred_on=date(YEAR, 9, 1),
            points="3",  # the indicator's value (issue 16)
            description=text,
        )

    old = submit(date(YEAR, 9, 30), "旧申报")
    new = submit(date(YEAR, 10, 19), "新申报")
    time_machine.move_to(date(YEAR, 10, 21))
    client = client_for(cast.secretary_a)
    # when the secretary opens the queue on 21 October
    body = client.get(reverse("points:claim-review")).content.decode()
    # then the old claim's ten working days ended on 20 October and it is flagged; the new one is not
    old_row = body.split(f'id="claim-{old.code}-row"')[1].split("</tr>")[0]
    new_row = body.split(f'id="claim-{new.code}-row"')[1].split("</tr>")[0]
    assert "2026-10-20" in old_row and "已超期" in old_row
    assert "2026-11-02" in new_row and "已超期" not in new_row
    # and 只看超期 lists only the old one
    overdue = client.get(reverse("points:claim-review"), {"overdue": "1"}).content.decode()
    assert f"claim-{old.code}-row" in overdue and f"claim-{new.code}-row" not in overdue
    # an outsider's queue does not show branch A's claims at all
    other = client_for(cast.outsider_b).get(reverse("points:claim-review"), {"overdue": "1"})
    assert f"claim-{old.code}-row" not in other.content.decode()
    assert "没有超期未审核的申报" in other.content.decode()
