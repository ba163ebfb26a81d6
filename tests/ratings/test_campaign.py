"""A star-rating campaign end to end through the services: opening, self-assessment with evidence,
初审, judges' sheets with recusal, evaluation, quotas, 联审, 公示 with an objection, naming, re-check,
摘星 and the follow-up of ≤3★ branches — and every bad input refused with nothing written."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal as D

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from ronghe.accounts.choices import Role
from ronghe.core.errors import DomainError, TransitionNotAllowed
from ronghe.core.jointreview import services as jointreview
from ronghe.core.judging import services as judging
from ronghe.core.publicity import services as publicity
from ronghe.core.rectification.models import Item
from ronghe.core.scoring.models import Campaign
from ronghe.orgs.models import Organization
from ronghe.ratings import services
from ronghe.ratings.choices import CampaignState, EntryState, RecheckState
from ronghe.ratings.models import Entry, Recheck, StarChange
from tests.factories import OrganizationFactory, UserFactory, grant
from tests.ratings.flow import (
    HIGH,
    LOW,
    MID,
    TODAY,
    YEAR,
    attach,
    entry_of,
    evaluated,
    open_campaign,
    self_assess,
    to_checked,
)

# ---------------------------------------------------------------- opening


def test_opening_lists_every_branch_and_refuses_a_second_campaign(cast, people):
    campaign = open_campaign(cast)
    assert campaign.state == CampaignState.OPEN
    assert set(campaign.rating_entries.values_list("organization__name", flat=True)) == {
        "甲局第一党支部",
        "乙局第一党支部",
    }
    assert set(Entry.objects.values_list("state", flat=True)) == {EntryState.DRAFT}
    with pytest.raises(DomainError, match="年度的评星活动已经开启"):
        services.open_campaign(
            actor=cast.committee_admin,
            organization=cast.committee,
            year=YEAR,
            scheme=campaign.scheme,
            timetable={},
        )
    assert Campaign.objects.count() == 1


def test_timetable_out_of_order_is_refused(cast, people):
    scheme = services.seed_default_scheme(organization=cast.committee, year=YEAR, actor=cast.committee_admin)
    with pytest.raises(DomainError, match="初审截止不能早于自评申星截止"):
        services.open_campaign(
            actor=cast.committee_admin,
            organization=cast.committee,
            year=YEAR,
            scheme=scheme,
            timetable={"apply": date(YEAR, 3, 20), "check": date(YEAR, 3, 19)},
        )
    assert not Campaign.objects.exists()


def test_only_the_work_committee_opens_a_campaign(cast, people):
    scheme = services.seed_default_scheme(organization=cast.committee, year=YEAR, actor=cast.committee_admin)
    with pytest.raises(PermissionDenied):
        services.open_campaign(
            actor=people["unit_a"], organization=cast.committee, year=YEAR, scheme=scheme, timetable={}
        )


# ---------------------------------------------------------------- self-assessment and 初审


def test_applying_without_evidence_is_refused(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    self_assess(entry, cast.secretary_a)
    with pytest.raises(DomainError, match="至少提交一份佐证材料"):
        services.apply(actor=cast.secretary_a, entry=entry)
    entry.refresh_from_db()
    assert entry.state == EntryState.DRAFT
    attach(entry, cast.secretary_a)
    services.apply(actor=cast.secretary_a, entry=entry)
    assert entry_of(campaign, cast.branch_a).state == EntryState.SUBMITTED
    with pytest.raises(TransitionNotAllowed):  # twice
        services.apply(actor=cast.secretary_a, entry=entry)


@pytest.mark.parametrize(
    ("level", "message"), [(None, "请选择申报星级"), (6, "申报星级应为 1–5 星"), (0, "申报星级应为 1–5 星")]
)
def test_applied_level_must_be_one_to_five(cast, people, level, message):
    entry = entry_of(open_campaign(cast), cast.branch_a)
    with pytest.raises(DomainError, match=message):
        services.save_self_assessment(
            actor=cast.secretary_a, entry=entry, applied_level=level, self_scores={}, summary="x"
        )
    entry.refresh_from_db()
    assert entry.applied_level is None


def test_a_self_score_outside_the_range_is_refused(cast, people):
    entry = entry_of(open_campaign(cast), cast.branch_a)
    with pytest.raises(DomainError, match="“理论学习与政治建设”的分值应在 0–15 之间"):
        services.save_self_assessment(
            actor=cast.secretary_a,
            entry=entry,
            applied_level=5,
            self_scores={"political_study": D("15.5")},
            summary="x",
        )


def test_a_branch_secretary_cannot_apply_for_another_unit(cast, people):
    entry = entry_of(open_campaign(cast), cast.branch_b)
    with pytest.raises(PermissionDenied):
        self_assess(entry, cast.secretary_a)


def test_check_returns_with_a_reason_and_the_branch_applies_again(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    self_assess(entry, cast.secretary_a)
    attach(entry, cast.secretary_a)
    services.apply(actor=cast.secretary_a, entry=entry)
    with pytest.raises(DomainError, match="退回时请填写理由"):
        services.check(actor=people["unit_a"], entry=entry, approve=False)
    with pytest.raises(PermissionDenied):  # the branch cannot check itself
        services.check(actor=cast.secretary_a, entry=entry, approve=True)
    with pytest.raises(PermissionDenied):  # another unit's admin cannot check it
        services.check(actor=people["unit_b"], entry=entry, approve=True)
    services.check(actor=people["unit_a"], entry=entry, approve=False, comment="请补充会议记录")
    assert entry.state == EntryState.RETURNED
    services.apply(actor=cast.secretary_a, entry=entry)
    services.check(actor=people["unit_a"], entry=entry, approve=True)
    assert entry.state == EntryState.CHECKED
    assert services.panel_of(campaign).subjects.filter(key=str(entry.pk)).exists()


# ---------------------------------------------------------------- judges


def test_a_judge_never_scores_a_branch_of_their_own_unit(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    to_checked(entry, cast.secretary_a, people["unit_a"])
    own = people["judges"][0]  # a member of unit A
    services.add_judge(actor=cast.committee_admin, campaign=campaign, judge=own)
    panel = services.panel_of(campaign)
    subject = panel.subjects.get(key=str(entry.pk))
    with pytest.raises(DomainError, match="回避"):
        judging.submit_sheet(actor=own, panel=panel, subject=subject, scores=HIGH)
    assert not panel.sheets.exists()


def test_a_score_outside_the_indicator_range_is_refused(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    to_checked(entry, cast.secretary_a, people["unit_a"])
    judge = people["judges"][1]
    services.add_judge(actor=cast.committee_admin, campaign=campaign, judge=judge)
    panel = services.panel_of(campaign)
    subject = panel.subjects.get(key=str(entry.pk))
    with pytest.raises(DomainError) as exc:
        judging.submit_sheet(
            actor=judge, panel=panel, subject=subject, scores=HIGH | {"work_results": "20.01"}
        )
    assert "“业务工作实绩与党建业务融合”的分值应在 0–20 之间" in exc.value.message
    with pytest.raises(DomainError, match="请为“党建品牌与特色”评分"):
        judging.submit_sheet(
            actor=judge, panel=panel, subject=subject, scores={k: v for k, v in HIGH.items() if k != "brand"}
        )
    assert not panel.sheets.exists()
    judging.submit_sheet(actor=judge, panel=panel, subject=subject, scores=HIGH | {"work_results": "20"})
    assert panel.sheets.count() == 1


def test_someone_not_on_the_panel_cannot_score(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    to_checked(entry, cast.secretary_a, people["unit_a"])
    panel = services.panel_of(campaign)
    with pytest.raises(DomainError, match="您不是本评审组的评委"):
        judging.submit_sheet(
            actor=people["judges"][1], panel=panel, subject=panel.subjects.get(), scores=HIGH
        )


def test_evaluation_uses_the_trimmed_mean_of_the_judges(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_b)
    to_checked(entry, people["sec_b"], people["unit_b"])
    extra = UserFactory(username="judge9")
    grant(extra, Role.JUDGE, cast.committee)
    panel = services.panel_of(campaign)
    subject = panel.subjects.get(key=str(entry.pk))
    for judge, work in zip(
        [people["judges"][0], extra, UserFactory(username="judge8")], ["20", "16", "10"], strict=True
    ):
        if judge.username == "judge8":
            grant(judge, Role.JUDGE, cast.committee)
        services.add_judge(actor=cast.committee_admin, campaign=campaign, judge=judge)
        judging.submit_sheet(actor=judge, panel=panel, subject=subject, scores=HIGH | {"work_results": work})
    services.evaluate(actor=cast.committee_admin, entry=entry)
    assert entry.values["work_results"] == "16.00"  # 20 and 10 dropped
    assert "实干担当星" in entry.stars  # 16 ≥ 16


def test_evaluating_without_any_sheet_is_refused(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    to_checked(entry, cast.secretary_a, people["unit_a"])
    with pytest.raises(DomainError, match="还没有评委为该支部提交评分表"):
        services.evaluate(actor=cast.committee_admin, entry=entry)
    entry.refresh_from_db()
    assert entry.state == EntryState.CHECKED and entry.total is None


def test_acting_out_of_order_is_refused(cast, people):
    campaign = open_campaign(cast)
    entry = entry_of(campaign, cast.branch_a)
    with pytest.raises(TransitionNotAllowed):
        services.evaluate(actor=cast.committee_admin, entry=entry)
    with pytest.raises(TransitionNotAllowed):
        services.check(actor=people["unit_a"], entry=entry, approve=True)
    with pytest.raises(TransitionNotAllowed):
        services.publish(actor=cast.committee_admin, campaign=campaign)


# ---------------------------------------------------------------- caps, veto, quota


def test_satisfaction_below_sixty_caps_at_two_stars(cast, people):
    campaign = open_campaign(cast)
    entry = evaluated(
        cast,
        people,
        campaign,
        cast.branch_a,
        cast.secretary_a,
        people["unit_a"],
        HIGH | {"satisfaction": "59.99"},
    )
    assert entry.score_level >= 3  # political, work, brand still met
    assert entry.level == 2
    assert entry.breakdown["level"]["capped_by"] == ["群众满意度低于 60%：最高二星"]


def test_a_veto_excludes_the_branch_but_keeps_its_breakdown(cast, people):
    campaign = open_campaign(cast)
    entry = evaluated(
        cast,
        people,
        campaign,
        cast.branch_a,
        cast.secretary_a,
        people["unit_a"],
        HIGH,
        vetoes={"discipline_case": True},
    )
    assert entry.level is None
    assert entry.total > D("50")
    assert entry.breakdown["level"]["capped_by"][0].startswith("一票否决（班子成员受党纪政务处分）")


def test_quota_pushes_the_lower_scored_five_star_down_and_says_why(cast, people, monkeypatch):
    # both branches reach five stars: make the derived 支部过硬星 hold for both
    from ronghe.ratings import derived

    real = derived.branch_values

    def all_solid(year, ids):
        out = real(year, ids)
        for org_id in ids:
            for code in ("orglife.compliance_rate",):
                out.setdefault(org_id, {})[code] = derived.DerivedValue(D("100"), "测试", "")
            out[org_id]["orgs.committee_complete"] = derived.DerivedValue(D("1"), "测试", "")
            out[org_id]["orgs.election_on_time"] = derived.DerivedValue(D("1"), "测试", "")
        return out

    monkeypatch.setattr(derived, "branch_values", all_solid)
    campaign = open_campaign(cast, quota="50")  # 2 rated → 1 place at 5★
    a = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], HIGH)
    b = evaluated(
        cast,
        people,
        campaign,
        cast.branch_b,
        people["sec_b"],
        people["unit_b"],
        HIGH | {"work_results": "19"},
    )
    assert a.level == b.level == 5
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=TODAY + timedelta(days=5))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.level, b.level) == (4, 5)
    assert a.quota_note == "五星名额 1 个（50%，按 2 个参评计），按得分排第 2 位，调整为四星"


# ---------------------------------------------------------------- 联审, 公示, naming, follow-up, re-check


def run_to_publicity(cast, people):
    campaign = open_campaign(cast)
    a = evaluated(cast, people, campaign, cast.branch_a, cast.secretary_a, people["unit_a"], LOW)
    b = evaluated(cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], MID)
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=TODAY + timedelta(days=5))
    review = services.review_of(campaign)
    with pytest.raises(DomainError, match="联审尚未通过"):
        services.publish(actor=cast.committee_admin, campaign=campaign)
    jointreview.give_opinion(actor=people["jijian"], review=review, department="discipline", verdict="agree")
    services.publish(actor=cast.committee_admin, campaign=campaign)
    return campaign, a, b


def test_campaign_from_joint_review_to_naming(cast, people, travel):
    campaign, a, b = run_to_publicity(cast, people)
    assert campaign.state == CampaignState.PUBLICITY
    publication = services.publication_of(campaign)
    with pytest.raises(DomainError, match="公示尚未结束"):
        services.name(actor=cast.committee_admin, campaign=campaign)
    with pytest.raises(DomainError, match="公示开始后不能再调整名单"):
        services.set_aside(actor=cast.committee_admin, entry=a, comment="x")
    objection = publicity.lodge_objection(
        actor=cast.member_a, publication=publication, text="该支部三会一课记录不全", item_key=str(b.pk)
    )
    travel.move_to(publication.ends_on + timedelta(days=1))
    with pytest.raises(DomainError, match="不能再提出异议"):
        publicity.lodge_objection(actor=cast.member_a, publication=publication, text="迟到的异议")
    with pytest.raises(DomainError, match="还有 1 条异议未处理"):
        publicity.close(actor=cast.committee_admin, publication=publication)
    publicity.handle_objection(
        actor=cast.committee_admin, objection=objection, upheld=True, reason="经核实属实"
    )
    publicity.close(actor=cast.committee_admin, publication=publication)
    services.name(actor=cast.committee_admin, campaign=campaign)
    a.refresh_from_db()
    b.refresh_from_db()
    assert campaign.state == CampaignState.NAMED
    assert a.state == EntryState.NAMED and a.current_level == a.level
    assert b.state == EntryState.SET_ASIDE  # the upheld objection
    # a named result cannot be changed
    with pytest.raises(DomainError):
        services.save_self_assessment(
            actor=cast.secretary_a, entry=a, applied_level=5, self_scores={}, summary="改"
        )
    with pytest.raises(DomainError, match="已命名"):
        services.evaluate(actor=cast.committee_admin, entry=a)
    # ≤3★: a leader and an improvement plan
    assert services.needs_follow_up(a)
    with pytest.raises(DomainError, match="请填写联系领导"):
        services.start_follow_up(
            actor=cast.secretary_a, entry=a, leader=" ", measures="m", owner="o", due_on=date(YEAR + 1, 6, 30)
        )
    item = services.start_follow_up(
        actor=cast.secretary_a,
        entry=a,
        leader="王局长",
        measures="每月开展主题党日",
        owner="支部书记",
        due_on=date(YEAR + 1, 6, 30),
    )
    assert Item.objects.filter(pk=item.pk, object_id=a.pk, organization=cast.branch_a).exists()


def test_reproduce_uses_the_stored_rules_after_the_scheme_changes(cast, people):
    campaign = open_campaign(cast)
    entry = evaluated(cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], MID)
    stored = (entry.total, entry.level)
    scheme = campaign.scheme
    rules = scheme.level_rules
    rules["stars"][0]["criteria"][0]["value"] = "99"  # nobody is 政治坚定 any more
    scheme.level_rules = rules
    scheme.save()
    assert services.reproduce(entry) == stored


def named_five_star(cast, people, monkeypatch, year):
    from ronghe.ratings import derived

    def solid(y, ids):
        return {
            i: {
                "orglife.compliance_rate": derived.DerivedValue(D("100"), "", ""),
                "orgs.committee_complete": derived.DerivedValue(D("1"), "", ""),
                "orgs.election_on_time": derived.DerivedValue(D("1"), "", ""),
            }
            for i in ids
        }

    monkeypatch.setattr(derived, "branch_values", solid)
    campaign = open_campaign(cast, year=year, quota="100")
    entry = evaluated(cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], HIGH)
    services.propose(actor=cast.committee_admin, campaign=campaign, due_on=date.today() + timedelta(days=5))
    jointreview.give_opinion(
        actor=people["jijian"], review=services.review_of(campaign), department="discipline", verdict="agree"
    )
    services.publish(actor=cast.committee_admin, campaign=campaign)
    publication = services.publication_of(campaign)
    with time_machine.travel(publication.ends_on + timedelta(days=1), tick=False):
        publicity.close(actor=cast.committee_admin, publication=publication)
        services.name(actor=cast.committee_admin, campaign=campaign)
    entry.refresh_from_db()
    assert entry.current_level == 5
    return entry


def test_last_years_five_stars_are_rechecked(cast, people, monkeypatch):
    previous = named_five_star(cast, people, monkeypatch, YEAR - 1)
    campaign = open_campaign(cast)
    recheck = Recheck.objects.get(campaign=campaign)
    assert recheck.previous == previous and recheck.state == RecheckState.PENDING
    with pytest.raises(DomainError, match="摘星时请填写理由"):
        services.decide_recheck(actor=cast.committee_admin, recheck=recheck, keep=False, star="品牌示范星")
    services.decide_recheck(
        actor=cast.committee_admin, recheck=recheck, keep=False, comment="创新项目未持续", star="品牌示范星"
    )
    previous.refresh_from_db()
    assert previous.current_level == 4 and "品牌示范星" not in previous.stars
    change = StarChange.objects.get(entry=previous)
    assert (change.from_level, change.to_level, change.decision) == (5, 4, "创新项目未持续")
    with pytest.raises(TransitionNotAllowed):  # twice
        services.decide_recheck(actor=cast.committee_admin, recheck=recheck, keep=True)


def test_a_star_removed_mid_year_needs_a_decision_and_is_audited(cast, people, monkeypatch):
    from ronghe.core.models import AuditEntry

    entry = named_five_star(cast, people, monkeypatch, YEAR)
    with pytest.raises(DomainError, match="请填写摘星决定或理由"):
        services.remove_star(actor=cast.committee_admin, entry=entry, star="作风优良星", decision="  ")
    with pytest.raises(PermissionDenied):
        services.remove_star(actor=people["unit_b"], entry=entry, star="作风优良星", decision="x")
    services.remove_star(
        actor=cast.committee_admin, entry=entry, star="作风优良星", decision="工委会议决定（2026年第5次）"
    )
    entry.refresh_from_db()
    assert entry.current_level == 4
    assert AuditEntry.objects.filter(event="ratings.star_removed").count() == 1
    assert not services.needs_follow_up(entry)
    with pytest.raises(DomainError, match="三星及以下"):
        services.start_follow_up(
            actor=people["sec_b"],
            entry=entry,
            leader="x",
            measures="m",
            owner="o",
            due_on=date(YEAR + 1, 1, 1),
        )


def test_no_branch_no_campaign(cast, people):
    empty = OrganizationFactory(name="空工委", kind="committee")
    grant(cast.committee_admin, Role.WORK_COMMITTEE_ADMIN, empty)
    scheme = services.seed_default_scheme(organization=empty, year=YEAR, actor=cast.committee_admin)
    with pytest.raises(DomainError, match="没有党支部"):
        services.open_campaign(
            actor=cast.committee_admin, organization=empty, year=YEAR, scheme=scheme, timetable={}
        )
    assert not Organization.objects.filter(pk=empty.pk, rating_entries__isnull=False).exists()


def test_preview_gives_what_the_evaluation_stores_and_writes_nothing(cast, people):
    campaign = open_campaign(cast)
    entry = evaluated(cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], MID)
    other = entry_of(campaign, cast.branch_a)
    outcome = services.preview(campaign)
    assert outcome[cast.branch_b.pk].rank == entry.level
    assert outcome[cast.branch_b.pk].star_names == entry.stars
    assert outcome[cast.branch_a.pk].rank == 0  # no scores yet: no star
    other.refresh_from_db()
    assert other.total is None and other.state == EntryState.DRAFT
