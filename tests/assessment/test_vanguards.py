"""党员先锋岗 on business work: set up on a KPI with members, milestones, 结项 — an achieved post gives its
members the points of the indicator sourced from it, and counts for the branch's star rating."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.assessment import vanguards
from ronghe.assessment.models import Vanguard
from ronghe.core.errors import DomainError, InvalidInput
from ronghe.core.scoring.models import Indicator
from ronghe.points.models import PointsEntry
from ronghe.points.services import seed_default_scheme
from ronghe.ratings.derived import branch_values
from tests.assessment.conftest import kpi
from tests.factories import MemberFactory


def _post(cast, **extra):
    data = {"kind": "commando", "name": "重点项目攻坚突击队", "year": 2026} | extra
    return vanguards.create(
        actor=cast.secretary_a, organization=cast.branch_a, data=data, member_ids=[cast.member_a_record.pk]
    )


def test_a_post_needs_business_work_and_own_members(units, travel):
    with pytest.raises(InvalidInput) as exc:
        vanguards.create(
            actor=units.secretary_a, organization=units.branch_a, data={"kind": "post", "name": "窗口"}
        )
    assert "请选择对应的业务指标，或填写对应的业务任务" in exc.value.message
    assert "请至少选择一名党员" in exc.value.message
    with pytest.raises(InvalidInput, match="只能选择本组织的在册党员"):
        vanguards.create(
            actor=units.secretary_a,
            organization=units.branch_a,
            data={"kind": "post", "name": "窗口", "business_task": "政务服务"},
            member_ids=[units.member_b_record.pk],
        )
    other = kpi(units, units.unit_b)
    with pytest.raises(InvalidInput, match="业务指标应为本单位同一年度的指标"):
        _post(units, kpi=other)
    with pytest.raises(PermissionDenied):
        vanguards.create(
            actor=units.outsider_b,
            organization=units.branch_a,
            data={"kind": "post", "name": "x", "business_task": "y"},
            member_ids=[units.member_a_record.pk],
        )
    assert not Vanguard.objects.exists()


def test_an_achieved_post_gives_points_and_counts_for_the_rating(units, travel):
    scheme = seed_default_scheme(organization=units.committee, year=2026)
    Indicator.objects.filter(scheme=scheme, code="task").update(kind="derived", sources=["vanguard"])
    second = MemberFactory(name="王突击", organization=units.branch_a)
    post = vanguards.create(
        actor=units.secretary_a,
        organization=units.branch_a,
        data={
            "kind": "commando",
            "name": "重点项目攻坚突击队",
            "year": 2026,
            "kpi": kpi(units, units.unit_a),
        },
        member_ids=[units.member_a_record.pk, second.pk],
    )
    milestone = vanguards.add_milestone(
        actor=units.secretary_a, vanguard=post, title="完成征地", due_on=date(2026, 9, 30)
    )
    with pytest.raises(InvalidInput, match="计划完成日期应在 2026 年内"):
        vanguards.add_milestone(actor=units.secretary_a, vanguard=post, title="x", due_on=date(2027, 1, 1))
    with pytest.raises(DomainError, match="还有未完成的节点"):
        vanguards.close(actor=units.secretary_a, vanguard=post, achieved=True, result="完成")
    vanguards.complete_milestone(actor=units.secretary_a, milestone=milestone, done_on=date(2026, 9, 28))
    with pytest.raises(DomainError, match="请填写成效"):
        vanguards.close(actor=units.secretary_a, vanguard=post, achieved=True, result=" ")
    vanguards.close(actor=units.secretary_a, vanguard=post, achieved=True, result="提前一个月完成征地拆迁")
    entries = PointsEntry.objects.filter(source_type="vanguard", source_id=str(post.code))
    assert sorted(entries.values_list("member__name", flat=True)) == sorted(
        [units.member_a_record.name, "王突击"]
    )
    assert {e.points for e in entries} == {D(2)}
    with pytest.raises(DomainError, match="已结项"):
        vanguards.close(actor=units.secretary_a, vanguard=post, achieved=True, result="again")
    value = branch_values(2026, [units.branch_a.pk])[units.branch_a.pk]["assessment.vanguard_achieved"]
    assert value.value == D(1) and "完成党员先锋岗、突击队等任务 1 个" in value.detail


def test_a_missed_post_gives_no_points(units, travel):
    seed_default_scheme(organization=units.committee, year=2026)
    post = _post(units, business_task="窗口服务")
    vanguards.close(actor=units.secretary_a, vanguard=post, achieved=False, result="未按期完成")
    assert not PointsEntry.objects.filter(source_type="vanguard").exists()
    assert (
        branch_values(2026, [units.branch_a.pk])[units.branch_a.pk]["assessment.vanguard_achieved"].value == 0
    )


def test_pages(client, units, travel):
    client.force_login(units.secretary_a)
    page = client.get(f"/assessment/vanguards/new/?org={units.branch_a.code}")
    assert page.status_code == 200 and units.member_a_record.name in page.content.decode()
    refused = client.post(
        f"/assessment/vanguards/new/?org={units.branch_a.code}",
        {"kind": "post", "name": "窗口", "year": 2026},
    )
    assert refused.status_code == 400 and "请选择对应的业务指标" in refused.content.decode()
    done = client.post(
        f"/assessment/vanguards/new/?org={units.branch_a.code}",
        {
            "kind": "post",
            "name": "窗口服务先锋岗",
            "year": 2026,
            "business_task": "政务服务窗口",
            "members": [str(units.member_a_record.pk)],
        },
    )
    assert done.status_code == 302
    detail = client.get(done["Location"]).content.decode()
    assert "窗口服务先锋岗" in detail and "添加节点" in detail
    assert "窗口服务先锋岗" in client.get("/assessment/vanguards/").content.decode()
    client.force_login(units.outsider_b)
    assert client.get(done["Location"]).status_code == 404
    assert client.get(f"/assessment/vanguards/new/?org={units.branch_a.code}").status_code == 404
