"""Browser journey in the demo county (issue 13, done-when): the demo `gwadmin` (工委) opens this year's
“优秀党务工作者” selection and names the demo judge; the demo `unitadmin` is refused the demo county's
sanctioned member (the rule named, nothing of the case shown) and nominates two others; the demo `judge`
scores both on the phone-friendly sheet; `jijian` agrees in the joint review; `gwadmin` runs 公示 to its
end and announces, and the honours list shows the winner. On the way `gwadmin` opens the rating of the
branch whose 班子成员 is under a 严重警告: the veto shows, the case does not."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from ronghe.accounts.models import User
from ronghe.core.jointreview import services as jointreview
from ronghe.core.publicity.models import Publication
from ronghe.demo.generator import build_county
from ronghe.discipline.demo import blocked_member
from ronghe.discipline.models import Case, Sanction
from ronghe.members.choices import MemberStatus
from ronghe.members.models import Member
from ronghe.ratings.models import Entry
from ronghe.selections import rules
from ronghe.selections.choices import CampaignState, NominationState
from ronghe.selections.models import Nomination
from tests.browser.test_ratings import click_and_wait, no_horizontal_overflow

pytestmark = pytest.mark.browser

SHEETS = (
    {
        "事迹与成效（0–40 分）": "36",
        "示范引领作用（0–30 分）": "26",
        "创新与特色（0–20 分）": "16",
        "群众认可度（0–10 分）": "9",
    },
    {
        "事迹与成效（0–40 分）": "30",
        "示范引领作用（0–30 分）": "25",
        "创新与特色（0–20 分）": "15",
        "群众认可度（0–10 分）": "8",
    },
)


@pytest.fixture
def county(transactional_db, settings):
    # a transactional test flushes the seeded rows too: put the meeting requirements back as the migration does
    from django.apps import apps

    import_module("ronghe.orglife.migrations.0003_seed_requirements").seed(apps, None)
    settings.RONGHE_DEMO_PASSWORD = "Demo@Pass2026"
    # the county's today is the live server's: the sanctions the demo dates back are in force now
    # the steps after selections (recruitment, dues, the assessment, education …) are not read here
    return build_county(300, seed=7, today=timezone.localdate(), until="demo_selections")


def _clean_members(blocked: Member, unit_path: str) -> list[Member]:
    """Two 正式党员 of the unit with no clue or case at all, other than the blocked member."""
    with_cases = Case.objects.values("member_id")
    return list(
        Member.objects.filter(organization__path__startswith=unit_path, status=MemberStatus.FULL)
        .exclude(pk=blocked.pk)
        .exclude(pk__in=with_cases)
        .select_related("organization")
        .order_by("id")[:2]
    )


def test_the_work_committee_runs_a_selection_in_the_demo_county(journey, county):
    page = journey.page
    page.on("dialog", lambda dialog: dialog.accept())  # the data-confirm prompts
    today = timezone.localdate()
    year = today.year
    gwadmin, unitadmin = User.objects.get(username="gwadmin"), User.objects.get(username="unitadmin")
    judge, jijian = User.objects.get(username="judge"), User.objects.get(username="jijian")
    unit_top = unitadmin.role_assignments.get().organization
    blocked = blocked_member(county)
    blocked_case = Case.objects.get(member=blocked)
    first, second = _clean_members(blocked, unit_top.path)

    # ---- the rating of the branch whose 班子成员 is sanctioned: the veto, never the case
    capped = Sanction.objects.select_related("case", "member").get(kind="serious_warning")
    entry = Entry.objects.get(campaign__year=year - 1, organization=capped.organization)
    journey.login(gwadmin)
    journey.goto(reverse("ratings:entry-detail", args=[entry.code]))
    body = page.inner_text("main")
    assert "班子成员受处分（一票否决）" in body
    assert "不参加本年度评定" in page.inner_text("#entry-level") and "None" not in body
    for secret in (capped.case.summary, "严重警告", "礼金", capped.document_number):
        assert secret not in page.content()
    journey.screenshot("demo-selections-rating-veto")
    journey.assert_clean()

    # ---- gwadmin opens this year's 优秀党务工作者 and names the demo judge
    journey.goto("/selections/")
    click_and_wait(journey, page.get_by_role("link", name="开启评选"))
    page.get_by_label("评选年度").fill(str(year))
    page.get_by_label("评选类别").select_option("worker")
    page.get_by_label("评选名额").fill("1")
    page.get_by_label("每单位推荐名额").fill("2")
    page.get_by_label("推荐截止").fill((today + timedelta(days=7)).isoformat())
    page.get_by_label("评审截止").fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("评委评分汇总").select_option("trimmed_mean")
    page.get_by_label("名额边界并列时").select_option("exclude")
    page.get_by_label("须为正式党员").check()
    page.get_by_label("评选期内无党纪政务处分、未在审查中").check()
    page.get_by_label("党员积分考评等次").select_option("")
    click_and_wait(journey, page.get_by_role("button", name="开启", exact=True))
    name = f"{year}年度五个十佳·优秀党务工作者评选"
    assert f"已开启“{name}”" in page.inner_text("#messages")
    page.get_by_label("添加评委").select_option(label=judge.display_name)
    click_and_wait(journey, page.get_by_role("button", name="添加", exact=True))
    assert f"已将“{judge.display_name}”列为评委" in page.inner_text("#messages")
    journey.assert_clean()
    campaign_url = page.url.removeprefix(journey.base_url)

    # ---- unitadmin: the sanctioned member is refused by the rule's name alone; two others are nominated
    journey.login(unitadmin)
    journey.goto(campaign_url)
    assert f"{unit_top.unit.name}：已推荐 0 / 2" in page.inner_text("#quota")
    click_and_wait(journey, page.get_by_role("link", name="推荐", exact=True))
    page.get_by_label("推荐党员").select_option(str(blocked.pk))
    page.get_by_label("推荐理由和主要事迹").fill("长期从事党务工作。")
    click_and_wait(journey, page.get_by_role("button", name="推荐", exact=True))
    refusal = page.inner_text("#nomination-form")
    assert "不符合“评选期内无党纪政务处分”条件" in refusal
    assert "警告" not in refusal
    assert blocked_case.summary not in page.content()
    journey.problems.clear()  # the 422 was provoked on purpose
    journey.screenshot("demo-selections-nomination-refused")
    assert not Nomination.objects.filter(campaign__year=year, member=blocked).exists()
    for member in (first, second):
        page.get_by_label("推荐党员").select_option(str(member.pk))
        page.get_by_label("推荐理由和主要事迹").fill("党务台账规范，服务党员群众成效突出。")
        click_and_wait(journey, page.get_by_role("button", name="推荐", exact=True))
        assert f"已推荐“{member.name}”" in page.inner_text("#messages")
        journey.goto(campaign_url)
        if member is first:
            click_and_wait(journey, page.get_by_role("link", name="推荐", exact=True))
    assert f"{unit_top.unit.name}：已推荐 2 / 2" in page.inner_text("#quota")
    journey.assert_clean()

    # ---- gwadmin closes the nominations
    journey.login(gwadmin)
    journey.goto(campaign_url)
    click_and_wait(journey, page.get_by_role("button", name="截止推荐、开始评审"))
    assert page.inner_text("#campaign-state") == "评审中"
    journey.assert_clean()

    # ---- the demo judge scores both nominees on the sheet
    journey.login(judge)
    journey.goto("/judging/")
    click_and_wait(journey, page.get_by_role("link", name=re.compile(f"^{name}评审组")))
    for member, sheet in zip((first, second), SHEETS, strict=True):
        click_and_wait(journey, page.get_by_role("link", name=re.compile(rf"^评分\s*：\s*{member.name}$")))
        for label, value in sheet.items():
            page.get_by_label(label, exact=True).fill(value)
        if member is first:
            journey.screenshot("demo-selections-judge-sheet")
            if journey.viewport == "phone":
                no_horizontal_overflow(journey)
        click_and_wait(journey, page.get_by_role("button", name="提交评分"))
        assert f"已保存对“{member.name}”的评分" in page.inner_text("#messages")
    journey.assert_clean()

    # ---- gwadmin closes scoring: the ranked list
    journey.login(gwadmin)
    journey.goto(campaign_url)
    page.get_by_label("联审答复截止").fill((today + timedelta(days=3)).isoformat())
    click_and_wait(journey, page.get_by_role("button", name="结束评分、提交联审"))
    table = page.inner_text("#nominees")
    assert first.name in table and "87.00" in table and "入选" in table
    assert second.name in table and "78.00" in table
    journey.assert_clean()

    # ---- jijian agrees in the joint review
    nomination = Nomination.objects.get(campaign__year=year, member=first)
    review = jointreview.for_object(rules.CAMPAIGN, nomination.campaign_id).get()
    journey.login(jijian)
    journey.goto("/jointreview/")
    click_and_wait(journey, page.get_by_role("link", name=re.compile(re.escape(review.title))))
    page.get_by_label(re.compile(r"^意见")).select_option("agree")
    click_and_wait(journey, page.get_by_role("button", name="提交意见"))
    assert page.inner_text("#review-state") == "已通过"
    journey.assert_clean()

    # ---- 公示, then the announcement once the period is over
    journey.login(gwadmin)
    journey.goto(campaign_url)
    click_and_wait(journey, page.get_by_role("button", name="联审通过，开始公示"))
    assert page.inner_text("#campaign-state") == "公示中"
    publication = Publication.objects.get(kind="selections.campaign", object_id=nomination.campaign_id)
    with time_machine.travel(publication.ends_on + timedelta(days=1), tick=True):
        journey.login(gwadmin)
        journey.goto(campaign_url)
        click_and_wait(journey, page.get_by_role("link", name="查看公示与异议"))
        click_and_wait(journey, page.get_by_role("button", name="结束公示"))
        assert page.inner_text("#publication-state") == "已结束"
        journey.goto(campaign_url)
        click_and_wait(journey, page.get_by_role("button", name="公布结果"))
        assert page.inner_text("#campaign-state") == "已公布"
        assert first.name in page.inner_text("#honours")
        journey.screenshot("demo-selections-announced")
        if journey.viewport == "phone":
            no_horizontal_overflow(journey)
        journey.assert_clean()
    nomination.refresh_from_db()
    assert (
        nomination.state == NominationState.AWARDED and nomination.campaign.state == CampaignState.ANNOUNCED
    )
