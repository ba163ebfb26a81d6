"""A selection from opening to announcement through the services, and every refusal on the way:
eligibility (a 处分 named as a rule), the unit's quota at its boundary, 回避, a score out of range or
after the panel closed, other judges' scores hidden, the trimmed mean and the declared tie rule,
联审, 公示 with an objection, the honours and their certificates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.audit import AuditEntry
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.jointreview import services as jointreview
from ronghe.core.judging import services as judging
from ronghe.core.judging.models import Sheet
from ronghe.core.publicity import services as publicity
from ronghe.core.scoring import levels
from ronghe.selections import queries, rules, services
from ronghe.selections.choices import CampaignState, NominationState
from ronghe.selections.models import Nomination, Selection
from tests.discipline.conftest import make_sanction
from tests.factories import MemberFactory, OrganizationFactory
from tests.selections.flow import YEAR, nominate_member, open_campaign, score, sheet

pytestmark = pytest.mark.django_db


def test_opening_creates_the_scheme_and_the_panel(cast, people):
    campaign = open_campaign(cast, places=10, unit_quota=3)
    assert campaign.state == CampaignState.NOMINATING
    assert campaign.selection.category_name == "优秀党务工作者"
    assert campaign.scheme.to_level_rules().aggregation == levels.TRIMMED_MEAN
    panel = services.panel_of(campaign)
    assert [i["code"] for i in panel.indicators] == ["deeds", "exemplary", "innovation", "recognition"]
    # a second campaign of another category in the same year is fine, the same category is not
    open_campaign(cast, category="excellent_member")
    with pytest.raises(DomainError, match="“优秀党务工作者”评选已经开启"):
        open_campaign(cast)


def test_opening_refuses_bad_numbers(cast, people):
    with pytest.raises(InvalidInput) as exc:
        open_campaign(cast, places=0, unit_quota=0)
    assert exc.value.errors == {
        "places": ["评选名额应为 1–100 个"],
        "unit_quota": ["每单位推荐名额应为 1–20 个"],
    }


def test_a_unit_nominates_up_to_its_quota_and_not_one_more(cast, people):
    campaign = open_campaign(cast, unit_quota=2)
    unit_a = people["unit_a"]
    first = nominate_member(campaign, unit_a, cast.branch_a, "王一")
    nominate_member(campaign, unit_a, cast.branch_a, "王二")
    member = MemberFactory(name="王三", organization=cast.branch_a)
    with pytest.raises(DomainError, match="甲局的推荐名额为 2 个，已推荐 2 个，不能再推荐"):
        services.nominate(actor=unit_a, campaign=campaign, member=member, summary="事迹")
    assert Nomination.objects.filter(campaign=campaign).count() == 2
    # unit B's quota is its own
    nominate_member(campaign, people["unit_b"], cast.branch_b, "李一")
    # a withdrawn nomination frees its place
    services.withdraw(actor=unit_a, nomination=first, comment="本人婉拒")
    services.nominate(actor=unit_a, campaign=campaign, member=member, summary="事迹")
    assert services.unit_usage(campaign, cast.unit_a.pk) == 2


def test_a_unit_cannot_nominate_outside_its_subtree_or_twice(cast, people):
    campaign = open_campaign(cast)
    member_b = MemberFactory(name="李二", organization=cast.branch_b)
    with pytest.raises(PermissionDenied):
        services.nominate(actor=people["unit_a"], campaign=campaign, member=member_b, summary="事迹")
    nomination = nominate_member(campaign, people["unit_a"], cast.branch_a, "王一")
    with pytest.raises(DomainError, match="“王一”已经推荐过"):
        services.nominate(actor=people["unit_a"], campaign=campaign, member=nomination.member, summary="事迹")


def test_a_sanctioned_member_is_refused_with_the_rule_named_and_nothing_written(cast, people):
    campaign = open_campaign(cast, eligibility=rules.Eligibility(full_member=True, no_sanction=True))
    member = MemberFactory(name="赵处分", organization=cast.branch_a)
    make_sanction(member, "warning", date(YEAR, 6, 1), summary="违规收受礼金")
    audits = AuditEntry.objects.count()
    with pytest.raises(InvalidInput) as exc:
        services.nominate(actor=people["unit_a"], campaign=campaign, member=member, summary="事迹")
    assert "不符合“评选期内无党纪政务处分”条件" in exc.value.message
    # the fact, not the case: neither its kind nor its text reaches the nominating unit
    assert "警告" not in exc.value.message and "礼金" not in exc.value.message
    assert not Nomination.objects.exists()
    assert AuditEntry.objects.count() == audits


def test_a_sanction_outside_the_period_does_not_block(cast, people):
    campaign = open_campaign(cast, eligibility=rules.Eligibility(no_sanction=True))
    member = MemberFactory(name="钱旧事", organization=cast.branch_a)
    make_sanction(member, "warning", date(YEAR - 3, 1, 10))  # a 警告 lasts a year: over by 2023
    services.nominate(actor=people["unit_a"], campaign=campaign, member=member, summary="事迹")


def test_a_probationary_member_is_refused_as_not_a_full_member(cast, people):
    campaign = open_campaign(cast, eligibility=rules.Eligibility(full_member=True))
    member = MemberFactory(name="孙预备", organization=cast.branch_a, status="probationary")
    with pytest.raises(InvalidInput, match="不符合“正式党员”条件"):
        services.nominate(actor=people["unit_a"], campaign=campaign, member=member, summary="事迹")


def test_an_organization_below_the_stars_is_refused(cast, people):
    campaign = open_campaign(cast, category="advanced_org", eligibility=rules.Eligibility(min_stars=4))
    with pytest.raises(InvalidInput, match="所在党支部尚未评星"):
        services.nominate(
            actor=people["unit_a"], campaign=campaign, organization=cast.branch_a, summary="事迹"
        )


def test_nominating_needs_the_reason(cast, people):
    campaign = open_campaign(cast)
    member = MemberFactory(name="周无事迹", organization=cast.branch_a)
    with pytest.raises(DomainError, match="请填写推荐理由和主要事迹"):
        services.nominate(actor=people["unit_a"], campaign=campaign, member=member, summary="  ")


def _to_judging(cast, people, **kwargs):
    campaign = open_campaign(cast, **kwargs)
    for judge in people["judges"]:
        services.add_judge(actor=cast.committee_admin, campaign=campaign, judge=judge)
    a1 = nominate_member(campaign, people["unit_a"], cast.branch_a, "王一")
    a2 = nominate_member(campaign, people["unit_a"], cast.branch_a, "王二")
    b1 = nominate_member(campaign, people["unit_b"], cast.branch_b, "李一")
    services.start_judging(actor=cast.committee_admin, campaign=campaign)
    return campaign, a1, a2, b1


def test_nothing_to_judge_without_nominees_or_judges(cast, people):
    campaign = open_campaign(cast)
    with pytest.raises(DomainError, match="还没有推荐对象"):
        services.start_judging(actor=cast.committee_admin, campaign=campaign)
    nominate_member(campaign, people["unit_a"], cast.branch_a, "王一")
    with pytest.raises(DomainError, match="请先添加评委"):
        services.start_judging(actor=cast.committee_admin, campaign=campaign)


def test_nominating_is_closed_once_judging_started(cast, people):
    campaign, *_ = _to_judging(cast, people)
    member = MemberFactory(name="吴迟到", organization=cast.branch_a)
    with pytest.raises(DomainError, match="推荐已截止"):
        services.nominate(actor=people["unit_a"], campaign=campaign, member=member, summary="事迹")


def test_a_judge_is_recused_from_their_own_units_nominees(cast, people):
    campaign, a1, _a2, b1 = _to_judging(cast, people)
    judge_a = people["judges"][0]
    with pytest.raises(DomainError, match="回避"):
        score(campaign, judge_a, a1, sheet(30, 10))
    assert not Sheet.objects.exists()
    score(campaign, judge_a, b1, sheet(30, 10))  # another unit's nominee: fine


def test_recusal_follows_the_judges_unit_not_their_branch(cast, people):
    # given a nominee of A's second branch and one of B, and judge0 whose record is in A's first branch
    campaign = open_campaign(cast)
    for judge in people["judges"]:
        services.add_judge(actor=cast.committee_admin, campaign=campaign, judge=judge)
    branch_a2 = OrganizationFactory(name="甲局第二党支部", parent=cast.org_a, unit=cast.unit_a)
    a2 = nominate_member(campaign, people["unit_a"], branch_a2, "王二支")
    b1 = nominate_member(campaign, people["unit_b"], cast.branch_b, "李一")
    services.start_judging(actor=cast.committee_admin, campaign=campaign)
    judge0, outside = people["judges"][0], people["judges"][1]
    # when judge0 scores the nominee of the other branch of their own unit, then it is refused
    with pytest.raises(DomainError, match="回避：评委不为本单位的评审对象评分"):
        score(campaign, judge0, a2, sheet(30, 10))
    # and the nominee of another unit, or an outside expert (no member record), is scored
    score(campaign, judge0, b1, sheet(30, 10))
    score(campaign, outside, a2, sheet(30, 10))
    assert sorted(Sheet.objects.values_list("judge__username", "subject__label")) == [
        ("judge0", "李一"),
        ("judge1", "王二支"),
    ]


@pytest.mark.parametrize(
    ("_case", "places", "unit_quota", "errors"),
    [
        ("upper_bounds_accepted_case", 100, 20, {}),
        ("lower_bounds_accepted_case", 1, 1, {}),
        (
            "one_past_the_upper_bounds_case",
            101,
            21,
            {"places": ["评选名额应为 1–100 个"], "unit_quota": ["每单位推荐名额应为 1–20 个"]},
        ),
    ],
)
def test_the_quotas_at_their_bounds(cast, people, _case, places, unit_quota, errors):
    if not errors:
        campaign = open_campaign(cast, places=places, unit_quota=unit_quota)
        assert (campaign.selection.places, campaign.selection.unit_quota) == (places, unit_quota)
        return
    with pytest.raises(InvalidInput) as exc:
        open_campaign(cast, places=places, unit_quota=unit_quota)
    assert exc.value.errors == errors
    assert not Nomination.objects.exists() and not Selection.objects.exists()


def test_a_score_out_of_range_is_refused_per_criterion(cast, people):
    campaign, a1, *_ = _to_judging(cast, people)
    with pytest.raises(InvalidInput) as exc:
        score(
            campaign,
            people["judges"][1],
            a1,
            {"deeds": "41", "exemplary": "-1", "innovation": "x", "recognition": ""},
        )
    assert exc.value.errors == {
        "score_deeds": ["“事迹与成效”的分值应在 0–40 之间"],
        "score_exemplary": ["“示范引领作用”的分值应在 0–30 之间"],
        "score_innovation": ["“创新与特色”的分值应为数字"],
        "score_recognition": ["请为“群众认可度”评分"],
    }
    assert not Sheet.objects.exists()


def test_a_judge_sees_only_their_own_sheets_until_the_panel_closes(cast, people):
    campaign, a1, a2, b1 = _to_judging(cast, people)
    j1, j2 = people["judges"][1], people["judges"][2]
    score(campaign, j1, a1, sheet(30, 10))
    score(campaign, j2, a1, sheet(20, 10))
    panel = services.panel_of(campaign)
    assert [s.judge for s in judging.visible_sheets(panel, j1)] == [j1]
    # the 工委 sees no sheets either while scoring is open, and the results list is empty
    assert not judging.visible_sheets(panel, cast.committee_admin).exists()
    assert not queries.results(campaign).exists()


def _score_all(campaign, people, a1, a2, b1):
    j0, j1, j2 = people["judges"]
    # a1: three judges? judge0 is recused for A: two sheets, trimmed mean = plain mean (35 and 25 → 30)
    score(campaign, j1, a1, sheet(35, 10))
    score(campaign, j2, a1, sheet(25, 10))
    # a2: two sheets 30 and 30 → 30: tied with a1 on every criterion
    score(campaign, j1, a2, sheet(30, 10))
    score(campaign, j2, a2, sheet(30, 10))
    # b1: three sheets 40, 36, 10 → the trimmed mean drops 40 and 10: 36 (the plain mean would be 28.67)
    score(campaign, j0, b1, sheet(40, 10))
    score(campaign, j1, b1, sheet(36, 10))
    score(campaign, j2, b1, sheet(10, 10))


def test_propose_ranks_by_trimmed_mean_and_applies_the_tie_rule(cast, people):
    campaign, a1, a2, b1 = _to_judging(cast, people, places=2, tie_rule=levels.TIES_EXCLUDE)
    with pytest.raises(DomainError, match="还有 3 个推荐对象没有评委评分"):
        services.propose(actor=cast.committee_admin, campaign=campaign, due_on=date(2026, 3, 9))
    _score_all(campaign, people, a1, a2, b1)
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=date(2026, 3, 9))
    rows = {n.title: n for n in queries.results(campaign)}
    assert rows["李一"].scores["deeds"] == "36.00"
    assert rows["李一"].total == D("66.00")  # 36 + 10 + 10 + 10
    assert (rows["李一"].place, rows["李一"].winner) == (1, True)
    # 王一 and 王二 tie on every criterion at the cut of two places: by the declared rule neither wins
    for name in ("王一", "王二"):
        assert (rows[name].total, rows[name].place, rows[name].winner) == (D("60.00"), 2, False)
        assert "按规则均不入选" in rows[name].place_note
    review = services.review_of(campaign)
    assert [i["label"] for i in review.items] == ["李一"]
    # scoring is over: a score change is refused and nothing written
    with pytest.raises(DomainError, match="评分已结束"):
        score(campaign, people["judges"][1], a1, sheet(40, 10))
    assert Sheet.objects.get(judge=people["judges"][1], subject__key=str(a1.pk)).scores["deeds"] == "35"


def test_with_the_include_rule_both_tied_nominees_win(cast, people):
    campaign, a1, a2, b1 = _to_judging(cast, people, places=2, tie_rule=levels.TIES_INCLUDE)
    _score_all(campaign, people, a1, a2, b1)
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=date(2026, 3, 9))
    assert sorted(n.title for n in queries.results(campaign) if n.winner) == ["李一", "王一", "王二"]


def test_from_judging_to_announcement(cast, people, travel):
    admin, jijian = cast.committee_admin, people["jijian"]
    campaign, a1, a2, b1 = _to_judging(cast, people, places=2, tie_rule=levels.TIES_INCLUDE)
    _score_all(campaign, people, a1, a2, b1)
    services.propose(actor=admin, campaign=campaign, due_on=date(2026, 3, 9))
    with pytest.raises(DomainError, match="联审尚未通过"):
        services.publish(actor=admin, campaign=campaign)
    review = services.review_of(campaign)
    jointreview.give_opinion(
        actor=jijian,
        review=review,
        department="discipline",
        verdict="object",
        reason="王二有信访举报待核实",
        objected_items=[str(a2.pk)],
    )
    a2.refresh_from_db()
    services.set_aside(actor=admin, nomination=a2, comment="纪委异议：待核实")
    jointreview.override(actor=admin, review=review, reason="王二已暂缓授予，其余无异议")
    services.publish(actor=admin, campaign=campaign)
    publication = services.publication_of(campaign)
    assert [i["label"] for i in publication.items] == ["李一", "王一"]
    with pytest.raises(DomainError, match="公示尚未结束"):
        services.announce(actor=admin, campaign=campaign)
    objection = publicity.lodge_objection(
        actor=cast.member_a, publication=publication, text="王一事迹材料有夸大", item_key=str(a1.pk)
    )
    publicity.handle_objection(actor=admin, objection=objection, upheld=False, reason="经核实事迹属实")
    travel.move_to(publication.ends_on + timedelta(days=1))
    with pytest.raises(DomainError, match="不能再提出异议"):
        publicity.lodge_objection(actor=cast.member_a, publication=publication, text="迟到的异议")
    publicity.close(actor=admin, publication=publication)
    services.announce(actor=admin, campaign=campaign)
    campaign.refresh_from_db()
    assert campaign.state == CampaignState.ANNOUNCED
    honours = list(queries.honours_list(campaign))
    assert [(n.title, n.certificate_no) for n in honours] == [
        ("李一", "2025-worker-001"),
        ("王一", "2025-worker-002"),
    ]
    a2.refresh_from_db()
    assert a2.state == NominationState.SET_ASIDE
    # the honour lands in the member's record
    assert [n.campaign.name for n in queries.honours_of_member(a1.member_id)] == [campaign.name]
    assert queries.awards_count([a1.member_id, a2.member_id], YEAR) == {a1.member_id: 1}


def test_an_upheld_objection_in_publicity_sets_the_winner_aside(cast, people, travel):
    admin = cast.committee_admin
    campaign, a1, a2, b1 = _to_judging(cast, people, places=1)
    _score_all(campaign, people, a1, a2, b1)
    services.propose(actor=admin, campaign=campaign, due_on=date(2026, 3, 9))
    jointreview.give_opinion(
        actor=people["jijian"], review=services.review_of(campaign), department="discipline", verdict="agree"
    )
    services.publish(actor=admin, campaign=campaign)
    publication = services.publication_of(campaign)
    objection = publicity.lodge_objection(
        actor=cast.member_a, publication=publication, text="李一另有问题", item_key=str(b1.pk)
    )
    publicity.handle_objection(actor=admin, objection=objection, upheld=True, reason="经核实属实")
    travel.move_to(publication.ends_on + timedelta(days=1))
    publicity.close(actor=admin, publication=publication)
    services.announce(actor=admin, campaign=campaign)
    b1.refresh_from_db()
    a1.refresh_from_db()
    assert b1.state == NominationState.SET_ASIDE
    assert a1.state == NominationState.NOT_AWARDED
    assert not queries.honours_list(campaign).exists()


def test_only_the_work_committee_runs_the_steps(cast, people):
    campaign, *_ = _to_judging(cast, people)
    with pytest.raises(PermissionDenied):
        services.propose(actor=people["unit_a"], campaign=campaign, due_on=date(2026, 3, 9))


def test_a_member_who_left_cannot_be_nominated(cast, people):
    campaign = open_campaign(cast)
    member = MemberFactory(name="吴已出党", organization=cast.branch_a, status="left")
    with pytest.raises(DomainError, match="“吴已出党”不是在册党员，不能推荐"):
        services.nominate(actor=people["unit_a"], campaign=campaign, member=member, summary="事迹")
    assert not Nomination.objects.exists()
