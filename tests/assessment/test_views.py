"""The 融合考核 pages as each user sees them: the 工委 opens, sets rules, computes and finalizes; a
unit leader sees their own unit against the county; everything refused shows a Chinese message."""

from __future__ import annotations

from decimal import Decimal as D

from ronghe.assessment import debriefs, kpis, services
from ronghe.assessment.models import Entry
from ronghe.core.scoring.models import Campaign
from tests.assessment.conftest import kpi


def test_committee_opens_an_assessment_from_the_page(client, units, travel):
    client.force_login(units.committee_admin)
    page = client.get("/assessment/new/")
    assert page.status_code == 200 and "党建工作权重" in page.content.decode()
    refused = client.post("/assessment/new/", {"organization": str(units.committee.code), "year": 2026})
    assert refused.status_code == 400
    assert "请填写党建在综合考核中的权重" in refused.content.decode()
    assert not Campaign.objects.exists()
    done = client.post(
        "/assessment/new/", {"organization": str(units.committee.code), "year": 2026, "party_weight": "30"}
    )
    assert done.status_code == 302
    detail = client.get(done["Location"])
    assert "尚未计算考核结果" in detail.content.decode()


def test_compute_show_reasons_and_finalize(client, campaign, units, people):
    kpi(units, units.unit_a)
    kpis.record_result(
        actor=people["system"],
        unit_code=units.unit_a.credit_code,
        kpi_code="revenue",
        period="2026",
        value=95,
        source_system="ERP",
        idempotency_key="k",
    )
    client.force_login(units.committee_admin)
    assert client.post(f"/assessment/{campaign.code}/evaluate/").status_code == 302
    page = client.get(f"/assessment/{campaign.code}/").content.decode()
    assert "甲局" in page and "乙局" in page
    entry = Entry.objects.get(campaign=campaign, unit=units.unit_a)
    detail = client.get(f"/assessment/units/{entry.code}/").content.decode()
    assert "目标任务完成情况" in detail and "95" in detail
    assert "党建评价为一般或差的单位不得评为优秀" in detail or entry.rank != 4
    quad = client.get(f"/assessment/{campaign.code}/quadrant/").content.decode()
    assert "融合象限图" in quad
    xlsx = client.get(f"/assessment/{campaign.code}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
    assert client.post(f"/assessment/{campaign.code}/finalize/").status_code == 302
    campaign.refresh_from_db()
    assert campaign.state == "finalized"
    again = client.post(f"/assessment/{campaign.code}/evaluate/", follow=True).content.decode()
    assert "考核结果已定档，不能修改" in again


def test_rules_page_refuses_weights_that_do_not_add_up(client, campaign, units):
    client.force_login(units.committee_admin)
    page = client.get(f"/assessment/{campaign.code}/settings/")
    assert page.status_code == 200
    data = {
        "party_weight": "30",
        "line_4": "90",
        "line_3": "80",
        "line_2": "60",
        "party_4": "90",
        "party_3": "80",
        "party_2": "60",
        "kpi_cap": "100",
        "link_party": "on",
        "w_ratings.star_mean": "0.5",
        "w_orglife.compliance_rate": "0.5",
        "w_assessment.debrief": "0.2",
        "w_integration.review_mean": "0",
        "w_rectification.closure": "0",
        "w_points.share_5a": "0",
    }
    refused = client.post(f"/assessment/{campaign.code}/settings/", data)
    assert refused.status_code == 400
    assert "党建各项指标的权重之和应为 1（现为 1.2）" in refused.content.decode()
    data["w_assessment.debrief"] = "0"
    data["party_weight"] = "40"
    assert client.post(f"/assessment/{campaign.code}/settings/", data).status_code == 302
    assert services.party_weight(campaign) == D(40)
    assert services.settings_of(campaign).link("secretary_needs_unit") is None


def test_unit_leader_sees_only_their_unit(client, campaign, units, people):
    services.evaluate(actor=units.committee_admin, campaign=campaign)
    client.force_login(people["leader_a"])
    page = client.get(f"/assessment/{campaign.code}/").content.decode()
    assert "甲局" in page and "乙局" not in page
    other = Entry.objects.get(campaign=campaign, unit=units.unit_b)
    assert client.get(f"/assessment/units/{other.code}/").status_code == 404
    assert client.post(f"/assessment/{campaign.code}/evaluate/").status_code == 403
    home = client.get("/assessment/").content.decode()
    assert "本单位最近一次考核" in home


def test_vote_page_on_a_phone(client, campaign, units, travel):
    from datetime import date

    from ronghe.core.voting.models import Voter
    from tests.factories import UserFactory

    rnd = debriefs.create_round(
        actor=units.committee_admin,
        organization=units.committee,
        year=2026,
        title="述职评议",
        held_on=date(2026, 12, 10),
        secretaries=[(units.unit_a, "王书记", "党组书记")],
    )
    client.force_login(units.committee_admin)
    client.post(f"/assessment/debriefs/{rnd.code}/open/", {"minutes": "30"})
    rnd.refresh_from_db()
    page = client.get(f"/assessment/debriefs/{rnd.code}/").content.decode()
    assert "<svg" in page and rnd.ballot.token in page
    voter = UserFactory(username="attendee")
    client.force_login(voter)
    url = f"/v/{rnd.ballot.token}/"
    incomplete = client.post(url, {})
    assert incomplete.status_code == 400 and "请为每位测评对象选择一项" in incomplete.content.decode()
    debrief = rnd.debriefs.get()
    assert client.post(url, {f"s-{debrief.pk}": "good"}).status_code == 302
    assert "您已投票" in client.get(url).content.decode()
    second = client.post(url, {f"s-{debrief.pk}": "poor"})
    assert "您已投过票" in second.content.decode()
    assert Voter.objects.count() == 1
    assert client.get("/v/unknown/").status_code == 404


def test_the_unit_page_shows_its_assessments(client, campaign, units):
    from django.urls import reverse

    services.evaluate(actor=units.committee_admin, campaign=campaign)
    client.force_login(units.committee_admin)
    page = client.get(reverse("orgs:unit-detail", args=[units.unit_a.code])).content.decode()
    assert 'id="unit-assessment-title"' in page and "/assessment/units/" in page


def _sheet(rows):
    import io

    import xlsxwriter
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for i, row in enumerate([["单位", "指标代码", "期间", "完成值", "来源系统"], *rows]):
        sheet.write_row(i, 0, row)
    book.close()
    return SimpleUploadedFile("kpi.xlsx", buffer.getvalue())


def test_kpi_results_from_excel_all_or_nothing_and_once(client, campaign, units):
    from ronghe.assessment.models import KpiResult

    kpi(units, units.unit_a)
    client.force_login(units.committee_admin)
    bad = client.post(
        "/assessment/kpis/import/",
        {
            "file": _sheet(
                [
                    ["甲局", "revenue", "2026Q1", 30, "OA"],
                    ["丙局", "revenue", "2026", 1, ""],
                    ["甲局", "revenue", "2026Q9", "x", ""],
                ]
            )
        },
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "未写入任何数据" in body
    assert "找不到单位“丙局”" in body and "期间格式" in body and "完成值应为数字" in body
    assert KpiResult.objects.count() == 0
    rows = [["甲局", "revenue", "2026Q1", 30, "OA"], ["91110000100000000A", "revenue", "2026Q2", 55.5, ""]]
    checked = client.post("/assessment/kpis/import/", {"file": _sheet(rows), "dry_run": "on"})
    assert checked.status_code == 200 and "全部通过检查" in checked.content.decode()
    assert KpiResult.objects.count() == 0
    done = client.post("/assessment/kpis/import/", {"file": _sheet(rows)}, follow=True)
    assert "已导入 2 条完成值" in done.content.decode()
    again = client.post("/assessment/kpis/import/", {"file": _sheet(rows)}, follow=True)
    assert "已导入 0 条完成值" in again.content.decode()
    assert sorted(KpiResult.objects.values_list("period", flat=True)) == ["2026Q1", "2026Q2"]


def test_the_quadrant_and_a_units_history_have_their_numbers_as_tables(client, campaign, units, people):
    from tests.charts import assert_every_chart_has_its_table

    kpi(units, units.unit_a)
    kpis.record_result(
        actor=people["system"],
        unit_code=units.unit_a.credit_code,
        kpi_code="revenue",
        period="2026",
        value=95,
        source_system="ERP",
        idempotency_key="k",
    )
    client.force_login(units.committee_admin)
    client.post(f"/assessment/{campaign.code}/evaluate/")
    quad = client.get(f"/assessment/{campaign.code}/quadrant/").content.decode()
    assert assert_every_chart_has_its_table(quad) == 1
    entry = Entry.objects.get(campaign=campaign, unit=units.unit_a)
    detail = client.get(f"/assessment/units/{entry.code}/").content.decode()
    assert assert_every_chart_has_its_table(detail) == 1
    xlsx = client.get(f"/assessment/units/{entry.code}/", {"format": "xlsx", "table": "history-table"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxml")
