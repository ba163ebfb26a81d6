"""The selection pages and API as a user meets them: refusals in Chinese on the form with nothing
written, a judge's assignments only, results hidden until scoring closes, brands, sites and cases."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from ronghe.accounts.choices import Role
from ronghe.selections import brands, rules, services
from ronghe.selections.choices import CaseState
from ronghe.selections.models import Brand, DemonstrationSite, InnovationCase, Nomination
from tests.discipline.conftest import make_sanction
from tests.factories import MemberFactory, UserFactory, grant
from tests.selections.flow import YEAR, nominate_member, open_campaign, score, sheet

pytestmark = pytest.mark.django_db


def test_the_committee_opens_a_selection_from_the_form(client_for, cast, people):
    client = client_for(cast.committee_admin)
    response = client.post(
        reverse("selections:campaign-create"),
        {
            "year": "2025",
            "category": "worker",
            "places": "10",
            "unit_quota": "2",
            "nominate": "2026-03-10",
            "judge": "2026-03-05",
            "aggregation": "trimmed_mean",
            "tie_rule": "exclude",
            "publicity_days": "5",
            "no_sanction": "on",
        },
    )
    assert response.status_code == 422
    assert "评审截止不能早于推荐截止" in response.content.decode()
    response = client.post(
        reverse("selections:campaign-create"),
        {
            "year": "2025",
            "category": "worker",
            "places": "10",
            "unit_quota": "2",
            "nominate": "2026-03-10",
            "judge": "2026-03-20",
            "aggregation": "trimmed_mean",
            "tie_rule": "exclude",
            "publicity_days": "5",
            "no_sanction": "on",
        },
        follow=True,
    )
    assert "已开启“2025年度五个十佳·优秀党务工作者评选”" in response.content.decode()
    assert "评选期内无党纪政务处分" in response.content.decode()


def test_a_sanctioned_member_is_refused_on_the_form_with_the_rule_named(client_for, cast, people):
    campaign = open_campaign(cast, eligibility=rules.Eligibility(no_sanction=True))
    member = MemberFactory(name="赵处分", organization=cast.branch_a)
    make_sanction(member, "serious_warning", date(YEAR, 5, 1), summary="公车私用")
    response = client_for(people["unit_a"]).post(
        reverse("selections:nomination-create", args=[campaign.code]),
        {"member": str(member.pk), "summary": "事迹"},
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "不符合“评选期内无党纪政务处分”条件" in body
    assert "公车私用" not in body and "严重警告" not in body
    assert not Nomination.objects.exists()


def test_a_unit_sees_its_quota_and_nominates(client_for, cast, people):
    campaign = open_campaign(cast, unit_quota=1)
    member = MemberFactory(name="王推荐", organization=cast.branch_a)
    client = client_for(people["unit_a"])
    page = client.get(reverse("selections:campaign-detail", args=[campaign.code])).content.decode()
    assert "甲局：已推荐 0 / 1" in page
    response = client.post(
        reverse("selections:nomination-create", args=[campaign.code]),
        {"member": str(member.pk), "summary": "扎实做好党务工作"},
        follow=True,
    )
    assert "已推荐“王推荐”，请补充推荐材料" in response.content.decode()
    other = MemberFactory(name="王超额", organization=cast.branch_a)
    response = client.post(
        reverse("selections:nomination-create", args=[campaign.code]),
        {"member": str(other.pk), "summary": "事迹"},
    )
    assert response.status_code == 422
    assert "甲局的推荐名额为 1 个，已推荐 1 个，不能再推荐" in response.content.decode()
    assert Nomination.objects.count() == 1


def _judging(cast, people):
    campaign = open_campaign(cast, places=1)
    for judge in people["judges"]:
        services.add_judge(actor=cast.committee_admin, campaign=campaign, judge=judge)
    a1 = nominate_member(campaign, people["unit_a"], cast.branch_a, "王一")
    b1 = nominate_member(campaign, people["unit_b"], cast.branch_b, "李一")
    services.start_judging(actor=cast.committee_admin, campaign=campaign)
    return campaign, a1, b1


def test_a_judge_sees_their_assignments_and_the_recusal(client_for, cast, people):
    campaign, a1, b1 = _judging(cast, people)
    panel = services.panel_of(campaign)
    judge_a = people["judges"][0]
    client = client_for(judge_a)
    page = client.get(reverse("judging:panel-detail", args=[panel.code])).content.decode()
    assert "王一" in page and "李一" in page and "回避" in page
    sheet_a = client.get(reverse("judging:sheet", args=[panel.code, str(a1.pk)])).content.decode()
    assert "回避" in sheet_a and "提交评分" not in sheet_a
    response = client.post(reverse("judging:sheet", args=[panel.code, str(b1.pk)]), {"score_deeds": "41"})
    assert response.status_code == 422
    assert "“事迹与成效”的分值应在 0–40 之间" in response.content.decode()
    # another judge's panel page shows nothing of judge0's sheet; a judge not on the panel gets 404
    score(campaign, judge_a, b1, sheet(30, 10))
    other = client_for(people["judges"][1]).get(reverse("judging:sheet", args=[panel.code, str(b1.pk)]))
    assert 'value="30"' not in other.content.decode()
    stranger = UserFactory(username="judge_x")
    grant(stranger, Role.JUDGE, cast.committee)
    assert client_for(stranger).get(reverse("judging:panel-detail", args=[panel.code])).status_code == 404


def test_the_nominee_page_shows_no_score_while_judging(client_for, cast, people):
    campaign, a1, b1 = _judging(cast, people)
    score(campaign, people["judges"][1], a1, sheet(30, 10))
    page = client_for(cast.committee_admin).get(reverse("selections:nomination-detail", args=[a1.code]))
    assert "评审结果" not in page.content.decode()
    api = client_for(cast.committee_admin).get(f"/api/v1/selections/campaigns/{campaign.code}/results")
    assert api.json() == []


def test_the_api_lists_campaigns_and_ranked_results(client_for, cast, people):
    campaign, a1, b1 = _judging(cast, people)
    for judge in people["judges"][1:]:
        score(campaign, judge, a1, sheet(30, 10))
        score(campaign, judge, b1, sheet(20, 10))
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=date(2026, 3, 9))
    client = client_for(cast.committee_admin)
    campaigns = client.get("/api/v1/selections/campaigns").json()
    assert campaigns[0] | {"code": None} == {
        "code": None,
        "year": 2025,
        "category": "worker",
        "category_name": "优秀党务工作者",
        "name": "2025年度五个十佳·优秀党务工作者评选",
        "state": "review",
        "quota": 1,
        "unit_quota": 2,
    }
    results = client.get(f"/api/v1/selections/campaigns/{campaign.code}/results").json()
    assert [(r["nominee"], r["kind"], r["score"], r["rank"], r["winner"]) for r in results] == [
        ("王一", "member", "60.00", 1, True),
        ("李一", "member", "50.00", 2, False),
    ]
    # a unit sees its own nominees' results only
    mine = client_for(people["unit_b"]).get(f"/api/v1/selections/campaigns/{campaign.code}/results").json()
    assert [r["nominee"] for r in mine] == ["李一"]
    # after scoring the campaign page reads "待公布" for the nominees, not "已推荐" beside their places
    page = client.get(reverse("selections:campaign-detail", args=[campaign.code])).content.decode()
    nominees = page[page.index('id="nominees"') :]
    assert "待公布" in nominees and "已推荐" not in nominees


def test_brands_sites_and_the_case_library(client_for, cast, people):
    brand = brands.register_brand(
        actor=people["unit_a"], organization=cast.branch_a, name="红色引擎", meaning="党建引领业务"
    )
    with pytest.raises(Exception, match="已有名为“红色引擎”的品牌"):
        brands.register_brand(
            actor=people["unit_a"], organization=cast.branch_a, name="红色引擎", meaning="x"
        )
    brands.name_site(
        actor=cast.committee_admin,
        organization=cast.branch_a,
        name="甲局党建示范点",
        level="city",
        named_by="市直机关工委",
        starts_on=date(2025, 7, 1),
    )
    case = brands.submit_case(
        actor=people["unit_a"],
        organization=cast.branch_a,
        title="数字党建",
        summary="内容",
        tags="数字化，党建+业务",
    )
    # before review: the member of B's subtree does not find it
    client_b = client_for(cast.outsider_b)
    assert client_b.get(reverse("selections:case-detail", args=[case.code])).status_code == 404
    brands.review_case(actor=cast.committee_admin, case=case, publish=True)
    assert InnovationCase.objects.get().state == CaseState.PUBLISHED
    # published: anyone of the county finds it by tag, a plain member included
    found = client_for(cast.member_a).get(reverse("selections:case-list"), {"tag": "数字化"}).content.decode()
    assert "数字党建" in found
    assert (
        "数字党建"
        not in client_for(cast.member_a)
        .get(reverse("selections:case-list"), {"tag": "品牌"})
        .content.decode()
    )
    api = client_for(cast.member_a).get("/api/v1/selections/cases?tag=党建%2B业务").json()
    assert [c["title"] for c in api] == ["数字党建"]
    listing = client_for(people["unit_a"]).get(reverse("selections:brand-list")).content.decode()
    assert "红色引擎" in listing
    assert Brand.objects.get() == brand and DemonstrationSite.objects.get().get_level_display() == "市级"
    assert client_for(people["unit_a"]).get("/api/v1/selections/sites").json()[0]["level"] == "city"
    mine = client_for(people["unit_a"]).get("/api/v1/selections/brands").json()
    assert [(b["name"], b["meaning"], b["organization_name"]) for b in mine] == [
        ("红色引擎", "党建引领业务", "甲局第一党支部")
    ]
    assert client_for(cast.outsider_b).get("/api/v1/selections/brands").json() == []


def test_returning_a_case_needs_a_comment(cast, people):
    case = brands.submit_case(
        actor=people["unit_a"], organization=cast.branch_a, title="案例", summary="内容"
    )
    with pytest.raises(Exception, match="退回时请填写审核意见"):
        brands.review_case(actor=cast.committee_admin, case=case, publish=False, comment="")


def test_an_honour_shows_on_the_members_and_the_organizations_page(client_for, cast, people):
    from ronghe.selections.models import Selection

    campaign = open_campaign(cast)
    nomination = nominate_member(campaign, people["unit_a"], cast.branch_a, "王荣誉")
    org_campaign = open_campaign(cast, category="archive")
    org_nomination = services.nominate(
        actor=people["unit_a"], campaign=org_campaign, organization=cast.branch_a, summary="档案规范"
    )
    Nomination.objects.filter(pk__in=[nomination.pk, org_nomination.pk]).update(
        state="awarded", certificate_no="2025-x-001"
    )
    assert Selection.objects.count() == 2
    client = client_for(cast.committee_admin)
    member_page = client.get(reverse("members:member-detail", args=[nomination.member.code])).content.decode()
    assert "2025年度 · 优秀党务工作者" in member_page
    org_page = client.get(reverse("orgs:organization-detail", args=[cast.branch_a.code])).content.decode()
    assert "2025年度 · 党建档案示范单位" in org_page
    assert "2025年度 · 优秀党务工作者" not in org_page  # the member's honour is on the member's page


def test_a_certificate_and_the_honours_list_download_as_pdf(client_for, cast, people):
    from ronghe.core.models import AuditEntry
    from tests.pdftext import pdf_text

    campaign = open_campaign(cast)
    nomination = nominate_member(campaign, people["unit_a"], cast.branch_a, "王荣誉")
    client = client_for(cast.committee_admin)
    # not awarded (yet): no certificate, and no honours list before the announcement
    assert client.get(reverse("selections:certificate-pdf", args=[nomination.code])).status_code == 404
    assert client.get(reverse("selections:honours-pdf", args=[campaign.code])).status_code == 404

    Nomination.objects.filter(pk=nomination.pk).update(state="awarded", certificate_no="2025-x-007", place=1)
    type(campaign).objects.filter(pk=campaign.pk).update(state="announced")
    response = client.get(reverse("selections:certificate-pdf", args=[nomination.code]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = pdf_text(body)
    assert "荣 誉 证 书" in text and "王荣誉：" in text
    assert "被评为2025年度“优秀党务工作者”" in text and "证书编号：2025-x-007" in text
    assert (
        AuditEntry.objects.filter(event="selections.certificate_export", changes__format="pdf").count() == 1
    )

    response = client.get(reverse("selections:honours-pdf", args=[campaign.code]))
    listed = pdf_text(b"".join(response.streaming_content) if response.streaming else response.content)
    assert "表彰名单" in listed and "王荣誉" in listed and "2025-x-007" in listed
    # the nominee's page offers both formats
    page = client.get(reverse("selections:nomination-detail", args=[nomination.code])).content.decode()
    assert "荣誉证书（PDF）" in page and "荣誉证书（Word）" in page
