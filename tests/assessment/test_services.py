"""融合考核 end to end in services: open, KPIs by idempotent intake, 述职评议 with a secret vote,
evaluate with the linking rules, finalize, reproduce — and every refusal with nothing written."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.assessment import debriefs, kpis, rules, services
from ronghe.assessment.models import Debrief, Entry, KpiResult
from ronghe.core.audit import AuditEntry
from ronghe.core.errors import Conflict, DomainError, InvalidInput
from ronghe.core.voting import services as voting
from ronghe.core.voting.models import Tally, Voter
from tests.assessment.conftest import kpi
from tests.factories import UserFactory


def test_opening_needs_a_weight_and_lists_every_unit_once(units, travel):
    with pytest.raises(InvalidInput) as exc:
        services.open_assessment(
            actor=units.committee_admin, organization=units.committee, year=2026, party_weight=""
        )
    assert "党建在综合考核中的权重" in exc.value.message
    with pytest.raises(InvalidInput):
        services.open_assessment(
            actor=units.committee_admin, organization=units.committee, year=2026, party_weight=100
        )
    campaign = services.open_assessment(
        actor=units.committee_admin, organization=units.committee, year=2026, party_weight="30"
    )
    assert sorted(Entry.objects.filter(campaign=campaign).values_list("unit__name", flat=True)) == [
        "乙局",
        "甲局",
    ]
    assert services.party_weight(campaign) == D(30)
    with pytest.raises(DomainError, match="已有 2026 年度融合考核"):
        services.open_assessment(
            actor=units.committee_admin, organization=units.committee, year=2026, party_weight=30
        )


def test_a_unit_secretary_cannot_open_an_assessment(units, travel):
    with pytest.raises(PermissionDenied):
        services.open_assessment(
            actor=units.secretary_a, organization=units.committee, year=2026, party_weight=30
        )


def _report(cast, actor, key, value="80", kpi_code="revenue", period="2026", unit=None):
    return kpis.record_result(
        actor=actor,
        unit_code=(unit or cast.unit_a).credit_code,
        kpi_code=kpi_code,
        period=period,
        value=value,
        source_system="财务系统",
        idempotency_key=key,
    )


def test_kpi_results_are_idempotent_and_a_changed_retry_is_refused(campaign, units, people):
    kpi(units, units.unit_a)
    result, created = _report(units, people["system"], "k-1", "80")
    assert created and result.value == D(80)
    again, created = _report(units, people["system"], "k-1", "80.0")
    assert not created and again.pk == result.pk
    with pytest.raises(Conflict, match="幂等键“k-1”已用于另一条完成值"):
        _report(units, people["system"], "k-1", "81")
    assert KpiResult.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kpi_code": "nope"}, "没有代码为“nope”的业务指标"),
        ({"period": "2026Q5"}, "期间格式"),
        ({"period": "2025"}, "没有代码为“revenue”的业务指标"),
        ({"value": "abc"}, "应为数字"),
        ({"value": True}, "完成值应为数字"),
        ({"key": ""}, "幂等键"),
    ],
)
def test_bad_kpi_results_are_refused_with_nothing_written(campaign, units, people, kwargs, message):
    kpi(units, units.unit_a)
    args = {"key": "k-x"} | kwargs
    with pytest.raises(DomainError, match=message):
        _report(units, people["system"], **args)
    assert KpiResult.objects.count() == 0


def test_an_unknown_unit_is_refused(campaign, units, people):
    with pytest.raises(DomainError, match="找不到单位“X123”"):
        kpis.record_result(
            actor=people["system"],
            unit_code="X123",
            kpi_code="a",
            period="2026",
            value=1,
            source_system="s",
            idempotency_key="k",
        )


def test_a_unit_admin_reports_only_for_its_own_unit(campaign, units, people):
    kpi(units, units.unit_b)
    with pytest.raises(PermissionDenied):
        _report(units, people["unit_a"], "k-b", unit=units.unit_b)


def _round(cast):
    from datetime import date

    return debriefs.create_round(
        actor=cast.committee_admin,
        organization=cast.committee,
        year=2026,
        title="2026年度述职评议",
        held_on=date(2026, 12, 10),
        secretaries=[(cast.unit_a, "王书记", "党组书记"), (cast.unit_b, "赵书记", "党组书记")],
    )


def _ballot(rnd):
    rnd.refresh_from_db()
    return rnd.ballot


def test_debrief_vote_is_secret_one_per_attendee_and_closes(campaign, units, travel):
    rnd = _round(units)
    debriefs.open_vote(actor=units.committee_admin, rnd=rnd, minutes=30)
    ballot = _ballot(rnd)
    a, b = [str(d.pk) for d in rnd.debriefs.order_by("order")]
    voters = [UserFactory(username=f"v{i}") for i in range(4)]
    for v, (ga, gb) in zip(
        voters,
        [("good", "average"), ("good", "fair_good"), ("fair_good", "average"), ("good", "poor")],
        strict=True,
    ):
        voting.cast(user=v, ballot=ballot, choices={a: ga, b: gb})
    with pytest.raises(DomainError, match="您已投过票"):
        voting.cast(user=voters[0], ballot=ballot, choices={a: "poor", b: "poor"})
    with pytest.raises(DomainError, match="请为每位测评对象选择一项"):
        voting.cast(user=UserFactory(username="v9"), ballot=ballot, choices={a: "good"})
    # Who voted is known, what each chose is not: the counts carry no voter.
    assert Voter.objects.filter(ballot=ballot).count() == 4
    assert {f.name for f in Tally._meta.get_fields()} == {
        "id",
        "ballot",
        "subject_key",
        "option_key",
        "count",
    }
    assert not any("good" in str(e.changes) for e in AuditEntry.objects.filter(event="voting.cast"))
    debriefs.count_votes(actor=units.committee_admin, rnd=rnd)
    with pytest.raises(DomainError, match="投票已结束"):
        voting.cast(user=UserFactory(username="late"), ballot=_ballot(rnd), choices={a: "good", b: "good"})
    da, db = rnd.debriefs.order_by("order")
    assert da.counts == {"good": 3, "fair_good": 1, "average": 0, "poor": 0}
    assert (da.vote_score, da.vote_rank) == (D(95), 4)  # (300 + 80) / 4
    assert (db.vote_score, db.vote_rank) == (D("50.00"), 1)  # (60 + 80 + 60 + 0) / 4 → 差
    with pytest.raises(DomainError, match="请填写调整理由"):
        debriefs.set_final_grade(actor=units.committee_admin, debrief=db, rank=2, reason="")
    debriefs.set_final_grade(actor=units.committee_admin, debrief=db, rank=2, reason="述职材料补充后复议")
    debriefs.finalize_round(actor=units.committee_admin, rnd=rnd)
    assert Debrief.objects.get(pk=db.pk).final_rank == 2


def test_evaluate_joins_party_and_business_with_the_linking_rules(campaign, units, people):
    kpi(units, units.unit_a, "revenue", "100", "3")
    kpi(units, units.unit_a, "accidents", "0", "1", direction="lower")
    kpi(units, units.unit_b, "revenue", "100", "1")
    _report(units, people["system"], "a1", "100")
    _report(units, people["system"], "a2", "0", kpi_code="accidents")
    _report(units, people["system"], "b1", "40", unit=units.unit_b)
    rnd = _round(units)
    debriefs.open_vote(actor=units.committee_admin, rnd=rnd, minutes=30)
    a, b = [str(d.pk) for d in rnd.debriefs.order_by("order")]
    voting.cast(user=UserFactory(username="v1"), ballot=_ballot(rnd), choices={a: "good", b: "good"})
    debriefs.count_votes(actor=units.committee_admin, rnd=rnd)
    debriefs.finalize_round(actor=units.committee_admin, rnd=rnd)
    assert services.evaluate(actor=units.committee_admin, campaign=campaign) == 2
    ea = Entry.objects.get(campaign=campaign, unit=units.unit_a)
    eb = Entry.objects.get(campaign=campaign, unit=units.unit_b)
    assert ea.business_score == D(100) and eb.business_score == D(40)
    # On record for 党建 in this cast: the 述职 (好 → 100, weight 0.20) and organizational life (no
    # obligation met yet: 0 %, weight 0.25). The indicators without data are left out and these two
    # carry the whole 党建 score: 100 × 0.20 / 0.45 = 44.44.
    assert ea.breakdown["derived"]["orglife.compliance_rate"]["value"] == "0.00"
    assert ea.party_score == D("44.44") and eb.party_score == D("44.44")
    assert "所属支部星级" in ea.breakdown["left_out"] and "组织生活落实率" not in ea.breakdown["left_out"]
    assert ea.total == D("83.33") and ea.grade == "良好"  # 0.3 × 44.44 + 0.7 × 100
    assert ea.party_rank == 1  # 党建 差: the linking rule caps at 良好, which the score gives anyway
    assert eb.total == D("41.33") and eb.grade == "较差"
    # The secretaries' 好 is lowered: neither unit is 优秀.
    assert ea.secretary_rank == 3 and "不得评为好" in ea.secretary_note
    assert eb.secretary_rank == 3
    derived = ea.breakdown["derived"]
    assert derived["assessment.debrief"]["value"] == "100"
    assert derived["integration.review_mean"]["detail"] == "2026 年尚无定稿的季度同步点评"
    assert [k["code"] for k in ea.breakdown["kpis"]] == ["accidents", "revenue"]
    # Reproducible from the stored rules after the rules change.
    for entry in (ea, eb):
        total, rank = services.reproduce(entry)
        assert (total, rank) == (entry.total, entry.rank)


def test_missing_party_data_can_count_zero_instead(campaign, units):
    from ronghe.assessment.models import Settings

    Settings.objects.filter(campaign=campaign).update(
        rules=rules.AssessmentRules(skip_missing=False).to_dict()
    )
    kpi(units, units.unit_a)
    services.evaluate(actor=units.committee_admin, campaign=campaign)
    ea = Entry.objects.get(campaign=campaign, unit=units.unit_a)
    assert ea.party_score == D(0) and ea.breakdown["left_out"] == []


def test_rules_change_weights_and_validate_their_sum(campaign, units):
    arules = rules.AssessmentRules()
    weights = {"ratings.star_mean": "0.5", "orglife.compliance_rate": "0.5"}
    with pytest.raises(InvalidInput, match="党建各项指标的权重之和应为 1"):
        services.update_rules(
            actor=units.committee_admin,
            campaign=campaign,
            party_weight=40,
            indicator_weights=weights,
            unit_lines={4: 90, 3: 80, 2: 60},
            arules=arules,
        )
    with pytest.raises(InvalidInput, match="等次分数线应从高到低"):
        services.update_rules(
            actor=units.committee_admin,
            campaign=campaign,
            party_weight=40,
            indicator_weights={},
            unit_lines={4: 80, 3: 80, 2: 60},
            arules=arules,
        )
    zero = dict.fromkeys(
        ("assessment.debrief", "integration.review_mean", "rectification.closure", "points.share_5a"), "0"
    )
    services.update_rules(
        actor=units.committee_admin,
        campaign=campaign,
        party_weight=40,
        indicator_weights=weights | zero,
        unit_lines={4: 95, 3: 85, 2: 65},
        arules=arules,
    )
    campaign.scheme.refresh_from_db()
    assert services.party_weight(campaign) == D(40)
    assert [lv.min_total for lv in campaign.scheme.to_level_rules().levels] == [D(95), D(85), D(65), D(0)]


def test_after_finalizing_nothing_changes(campaign, units, people):
    kpi(units, units.unit_a)
    services.evaluate(actor=units.committee_admin, campaign=campaign)
    services.finalize(actor=units.committee_admin, campaign=campaign)
    campaign.refresh_from_db()
    with pytest.raises(DomainError, match="考核结果已定档，不能修改"):
        services.evaluate(actor=units.committee_admin, campaign=campaign)
    with pytest.raises(DomainError, match="已定档"):
        services.update_rules(
            actor=units.committee_admin,
            campaign=campaign,
            party_weight=40,
            indicator_weights={},
            unit_lines={},
            arules=rules.AssessmentRules(),
        )
    with pytest.raises(DomainError, match="已定档"):
        _report(units, people["system"], "late-1", "90")
    with pytest.raises(DomainError, match="已定档"):
        kpi(units, units.unit_a, "new")
    assert KpiResult.objects.count() == 0


def test_finalizing_needs_computed_results(campaign, units):
    with pytest.raises(DomainError, match="尚未计算考核结果"):
        services.finalize(actor=units.committee_admin, campaign=campaign)


def test_a_unit_without_business_data_is_not_graded(campaign, units):
    services.evaluate(actor=units.committee_admin, campaign=campaign)
    eb = Entry.objects.get(campaign=campaign, unit=units.unit_b)
    assert eb.business_score is None and eb.total is None and eb.grade == "" and eb.rank is None
    assert eb.breakdown["incomplete"] == "业务数据暂无，暂不评定等次"
    assert rules.incomplete(True, True) == "党建、业务数据暂无，暂不评定等次"


def test_finalized_quarterly_reviews_feed_the_party_score(campaign, units):
    from ronghe.integration.models import SyncReview

    for quarter, grade in ((1, "good"), (2, "fairly_good"), (3, "poor")):
        SyncReview.objects.create(
            unit=units.unit_a,
            year=2026,
            quarter=quarter,
            organization=units.org_a,
            grade=grade,
            state="finalized",
        )
    SyncReview.objects.create(unit=units.unit_a, year=2026, quarter=4, organization=units.org_a, grade="poor")
    kpi(units, units.unit_a)
    services.evaluate(actor=units.committee_admin, campaign=campaign)
    ea = Entry.objects.get(campaign=campaign, unit=units.unit_a)
    review = ea.breakdown["derived"]["integration.review_mean"]
    assert review["value"] == "60.00"  # (100 + 80 + 0) / 3: the draft 4th quarter does not count
    assert review["detail"] == "第1季度好、第2季度较好、第3季度差，平均 60.00 分"
