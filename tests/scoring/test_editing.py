"""Scheme editing lives in core/scoring for every purpose: the purpose's manage permission at the
scheme's node, drafts only, protected indicators, archiving — each refusal in Chinese, nothing written."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied

from ronghe.core.models import AuditEntry
from ronghe.core.scoring import editing
from ronghe.core.scoring.choices import SchemePurpose, SchemeStatus
from ronghe.core.scoring.models import Dimension, Indicator, Scheme
from ronghe.core.scoring.services import SchemeError
from ronghe.points import services as points

pytestmark = pytest.mark.django_db


@pytest.fixture
def stars(cast):
    """A branch-star scheme at the committee, with one dimension and one indicator."""
    scheme = Scheme.objects.create(
        name="2026年度支部评星", purpose=SchemePurpose.BRANCH_STARS, organization=cast.committee, year=2026
    )
    dim = Dimension.objects.create(scheme=scheme, code="base", name="基础建设", base=D("0"))
    Indicator.objects.create(scheme=scheme, dimension=dim, code="meetings", name="三会一课", points=D("10"))
    return scheme


@pytest.fixture
def stars_editable_by_points_admins(monkeypatch):
    monkeypatch.setitem(
        editing._PURPOSES,
        SchemePurpose.BRANCH_STARS,
        editing.Purpose(permission="points.manage_scheme", noun="评星方案"),
    )


def test_a_purpose_nobody_declared_is_not_editable(cast, stars, monkeypatch):
    monkeypatch.delitem(editing._PURPOSES, SchemePurpose.BRANCH_STARS)  # as before ratings declared it
    with pytest.raises(PermissionDenied, match="该类方案尚未开放编辑"):
        editing.update_scheme_settings(actor=cast.committee_admin, scheme=stars, data={"name": "改名"})
    assert Scheme.objects.get(pk=stars.pk).name == "2026年度支部评星"


def test_declared_purpose_is_edited_with_its_permission(cast, stars, stars_editable_by_points_admins):
    editing.update_scheme_settings(
        actor=cast.committee_admin, scheme=stars, data={"name": "2026年度评星定级"}
    )
    assert Scheme.objects.get(pk=stars.pk).name == "2026年度评星定级"
    assert AuditEntry.objects.get(event="scoring.scheme_updated").changes["name"] == [
        "2026年度支部评星",
        "2026年度评星定级",
    ]
    # a branch secretary has no manage permission: the purpose's noun names what they cannot do
    with pytest.raises(PermissionDenied, match="您没有设置评星方案的权限"):
        editing.update_scheme_settings(actor=cast.secretary_a, scheme=stars, data={"name": "x"})


@pytest.mark.parametrize(
    ("_case", "data", "field", "message"),
    [
        ("blank_name", {"name": "  "}, "name", "方案名称不能为空"),
        (
            "floor_above_ceiling",
            {"floor": D("50"), "ceiling": D("40")},
            "ceiling",
            "总分上限不能低于总分下限",
        ),
    ],
)
def test_bad_settings_name_their_field(
    cast, stars, stars_editable_by_points_admins, _case, data, field, message
):
    with pytest.raises(SchemeError) as err:
        editing.update_scheme_settings(actor=cast.committee_admin, scheme=stars, data=data)
    assert (err.value.field, err.value.message) == (field, message)
    assert not AuditEntry.objects.filter(event="scoring.scheme_updated").exists()


def test_indicator_codes_are_unique_within_a_scheme(cast, stars, stars_editable_by_points_admins):
    dim = stars.dimensions.get()
    data = {"code": "meetings", "name": "重复", "dimension": dim, "kind": "derived", "points": D("1")}
    with pytest.raises(SchemeError) as err:
        editing.create_indicator(actor=cast.committee_admin, scheme=stars, data=data)
    assert (err.value.field, err.value.message) == ("code", "指标代码“meetings”已在本方案中使用")
    assert stars.indicators.count() == 1


def test_active_and_archived_schemes_are_not_edited(cast, stars, stars_editable_by_points_admins):
    editing.archive_scheme(actor=cast.committee_admin, scheme=stars)
    assert Scheme.objects.get(pk=stars.pk).status == SchemeStatus.ARCHIVED
    assert AuditEntry.objects.filter(event="scoring.scheme_archived").count() == 1
    with pytest.raises(SchemeError, match="只有草稿方案可以修改；请先复制为新版本"):
        editing.update_dimension(
            actor=cast.committee_admin, dimension=stars.dimensions.get(), data={"name": "x"}
        )
    with pytest.raises(SchemeError, match="该方案已归档"):
        editing.archive_scheme(actor=cast.committee_admin, scheme=stars)


def test_copy_needs_the_permission_where_the_copy_lives(cast, stars, stars_editable_by_points_admins):
    with pytest.raises(PermissionDenied):
        editing.copy_scheme(actor=cast.secretary_a, scheme=stars, year=2027, organization=cast.org_a)
    copy = editing.copy_scheme(actor=cast.committee_admin, scheme=stars, year=2027)
    assert (copy.year, copy.status, copy.indicators.get().code) == (2027, SchemeStatus.DRAFT, "meetings")
    assert copy.name == "2027年度支部评星"


def test_indicator_with_records_is_not_deleted(cast, time_machine):
    # given a draft points scheme whose indicator already carries a ledger entry
    time_machine.move_to(date(2026, 6, 1))
    scheme = points.seed_default_scheme(organization=cast.committee, year=2026)
    indicator = scheme.indicators.get(code="task")
    points.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=indicator,
        points="2",
        on=date(2026, 5, 1),
        reason="抢险",
    )
    Scheme.objects.filter(pk=scheme.pk).update(status=SchemeStatus.DRAFT)
    scheme.refresh_from_db()
    # when the admin deletes it, then the database's protection is reported in Chinese and nothing is lost
    with pytest.raises(SchemeError, match=f"指标“{indicator.name}”已有积分记录或申报，不能删除"):
        editing.delete_indicator(actor=cast.committee_admin, indicator=scheme.indicators.get(code="task"))
    assert scheme.indicators.filter(code="task").exists()
    assert not AuditEntry.objects.filter(event="scoring.indicator_deleted").exists()
