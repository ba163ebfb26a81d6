"""Editing a star-rating scheme's level rules: parsing criteria, checks, drafts only, audit."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal as D

import pytest

from ronghe.accounts.choices import Role
from ronghe.core.models import AuditEntry
from ronghe.core.scoring import editing, levels
from ronghe.core.scoring.services import SchemeError
from ronghe.ratings import defaults, services
from tests.factories import UserFactory, grant
from tests.ratings.flow import MID, evaluated

NAMES = {"satisfaction": "群众满意度（%）", "brand": "党建品牌与特色", "total": "总分"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("群众满意度（%） >= 80", [levels.Condition("satisfaction", ">=", D("80"))]),
        (
            "brand ≥ 8\n\n总分 > 60.5",
            [levels.Condition("brand", ">=", D("8")), levels.Condition("total", ">", D("60.5"))],
        ),
        ("satisfaction = 100", [levels.Condition("satisfaction", "==", D("100"))]),
    ],
)
def test_conditions_are_read_by_name_or_code(text, expected):
    conditions, problems = levels.parse_conditions(text, NAMES)
    assert list(conditions) == expected and problems == []


def test_unreadable_lines_are_named():
    _, problems = levels.parse_conditions("满意度很高\n学习强国 >= 10", NAMES)
    assert problems == ["第 1 行“满意度很高”应写成“指标 >= 数值”", "第 2 行：方案中没有“学习强国”"]


def test_descriptions_read_back_as_the_same_conditions():
    conditions = (levels.Condition("satisfaction", ">=", D("80")), levels.Condition("brand", "<", D("8.5")))
    text = levels.describe_conditions(conditions, NAMES)
    assert levels.parse_conditions(text, NAMES)[0] == conditions


@pytest.fixture
def draft(cast):
    scheme = services.seed_default_scheme(organization=cast.committee, year=2026, actor=cast.committee_admin)
    return editing.copy_scheme(actor=cast.committee_admin, scheme=scheme, year=2026)


def test_rules_naming_an_unknown_indicator_are_refused(cast, draft):
    bad = levels.LevelRules.from_dict(draft.level_rules)
    bad = levels.LevelRules(
        model=bad.model,
        levels=bad.levels,
        stars=(levels.Star("x", "新星", (levels.Condition("nope", ">=", D("1")),)),),
    )
    with pytest.raises(SchemeError, match="“新星”的条件引用了方案中没有的“nope”"):
        editing.update_level_rules(actor=cast.committee_admin, scheme=draft, level_rules=bad)
    draft.refresh_from_db()
    assert draft.level_rules == defaults.LEVEL_RULES.to_dict()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"levels": (levels.Level(5, "五星", D("80")), levels.Level(4, "四星", D("85")))},
            "四星的分数线不能高于五星",
        ),
        ({"quotas": (levels.Quota(5, D("101")),)}, "名额比例应在 0–100% 之间"),
        ({"stars": ()}, "按星数定级时至少要有一颗星"),
    ],
)
def test_level_rule_checks(cast, draft, change, message):
    import dataclasses

    bad = dataclasses.replace(defaults.LEVEL_RULES, **change)
    with pytest.raises(SchemeError, match=message):
        editing.update_level_rules(actor=cast.committee_admin, scheme=draft, level_rules=bad)


def test_only_drafts_change_and_only_by_the_work_committee(cast, draft):
    active = services.active_scheme(cast.branch_a, 2026)
    with pytest.raises(SchemeError, match="只有草稿方案可以修改"):
        editing.update_level_rules(
            actor=cast.committee_admin, scheme=active, level_rules=defaults.LEVEL_RULES
        )
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        editing.update_level_rules(actor=cast.secretary_a, scheme=draft, level_rules=defaults.LEVEL_RULES)


def test_editing_a_star_on_the_page(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    page = client.get(f"/ratings/schemes/{draft.code}/")
    form = page.context["form"]
    data = {k: ("on" if v is True else v) for k, v in form.initial.items() if v not in (None, False)}
    data["star_0_criteria"] = "理论学习与政治建设 >= 13"
    saved = client.post(f"/ratings/schemes/{draft.code}/", data)
    assert saved.status_code == 302, saved.context["form"].errors
    draft.refresh_from_db()
    star = levels.LevelRules.from_dict(draft.level_rules).stars[0]
    assert star.name == "政治坚定星" and star.criteria == (
        levels.Condition("political_study", ">=", D("13")),
    )
    assert AuditEntry.objects.filter(event="scoring.level_rules_updated").count() == 1
    refused = client.post(f"/ratings/schemes/{draft.code}/", data | {"star_1_criteria": "作风 很好"})
    assert refused.status_code == 422
    assert "第 1 行“作风 很好”应写成“指标 &gt;= 数值”" in refused.content.decode()


def test_an_active_scheme_shows_no_edit_form(client_for, cast, draft):
    active = services.active_scheme(cast.branch_a, 2026)
    page = client_for(cast.committee_admin).get(f"/ratings/schemes/{active.code}/")
    assert page.context["form"] is None and "复制为草稿" in page.content.decode()
    assert client_for(cast.outsider_b).get(f"/ratings/schemes/{active.code}/").status_code == 404


# ---------------------------------------------------------------- a draft's indicators and dimensions


def _indicator_data(draft, **overrides):
    brand = draft.dimensions.get(code="brand")
    data = {
        "code": "party_day",
        "name": "主题党日特色",
        "dimension": str(brand.pk),
        "kind": "entered",
        "source": "",
        "weight": "2",
        "floor": "0",
        "ceiling": "5",
    }
    return data | overrides


def test_where_the_level_rules_name_an_indicator():
    # given the default rules / when asked / then every place is named, nothing for an unnamed code
    assert levels.uses_of(defaults.LEVEL_RULES, "satisfaction") == (
        "“作风优良星”的评定条件",
        "限制“群众满意度低于 60%”的条件",
        "名额边界上并列时比较的指标",
    )
    assert levels.uses_of(defaults.LEVEL_RULES, "work_results") == ("“实干担当星”的评定条件",)
    assert levels.uses_of(defaults.LEVEL_RULES, "share_5a") == ()


def test_adding_an_indicator_on_the_page(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    # given the add page offers the derived sources by name (unfed ones would be marked ·暂无数据; since
    # 学习教育 and 问卷 landed every source is fed)
    page = client.get(f"/ratings/schemes/{draft.code}/indicators/create/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "组织生活落实率（%）" in body and "群众满意度（%）" in body and "·暂无数据" not in body
    # when an entered indicator is posted
    saved = client.post(f"/ratings/schemes/{draft.code}/indicators/create/", _indicator_data(draft))
    # then it is in the draft with its numbers, audited
    assert saved.status_code == 302, saved.context["form"].errors
    added = draft.indicators.get(code="party_day")
    assert (added.name, added.dimension.code, added.kind, added.weight, added.floor, added.ceiling) == (
        "主题党日特色",
        "brand",
        "entered",
        D("2.00"),
        D("0.00"),
        D("5.00"),
    )
    assert added.sources == [] and added.points == D("0")
    assert AuditEntry.objects.filter(event="scoring.indicator_created").count() == 1
    assert "主题党日特色" in client.get(f"/ratings/schemes/{draft.code}/").content.decode()


def test_editing_an_indicator_to_read_a_derived_value(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    indicator = draft.indicators.get(code="brand")
    url = f"/ratings/schemes/{draft.code}/indicators/{indicator.pk}/"
    assert client.get(url).context["form"].initial["name"] == "党建品牌与特色"
    data = _indicator_data(draft, code="brand", name="党员先锋岗任务", kind="derived")
    saved = client.post(url, data | {"source": "assessment.vanguard_achieved", "weight": "0.5"})
    assert saved.status_code == 302, saved.context["form"].errors
    indicator.refresh_from_db()
    assert (indicator.name, indicator.kind, indicator.sources, indicator.weight) == (
        "党员先锋岗任务",
        "derived",
        ["assessment.vanguard_achieved"],
        D("0.50"),
    )
    page = client.get(f"/ratings/schemes/{draft.code}/").content.decode()
    assert "来源：党员先锋岗、突击队任务完成数" in page


def test_deleting_an_indicator_on_the_page(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    indicator = draft.indicators.get(code="share_5a")
    page = client.get(f"/ratings/schemes/{draft.code}/").content.decode()
    assert 'data-confirm="确认从草稿中删除指标“5A 党员占比（%）”？"' in page
    response = client.post(f"/ratings/schemes/{draft.code}/indicators/{indicator.pk}/delete/", follow=True)
    assert "指标“5A 党员占比（%）”已删除" in response.content.decode()
    assert not draft.indicators.filter(code="share_5a").exists()
    assert AuditEntry.objects.filter(event="scoring.indicator_deleted").count() == 1


@pytest.mark.parametrize(
    ("code", "message"),
    [
        (
            "work_results",
            "指标“业务工作实绩与党建业务融合”用于定级规则中的“实干担当星”的评定条件，不能删除；请先修改定级规则",
        ),
        (
            "satisfaction",
            "指标“群众满意度（%）”用于定级规则中的“作风优良星”的评定条件、限制“群众满意度低于 60%”的条件、"
            "名额边界上并列时比较的指标，不能删除；请先修改定级规则",
        ),
    ],
)
def test_an_indicator_the_level_rules_name_is_not_deleted(client_for, cast, draft, code, message):
    indicator = draft.indicators.get(code=code)
    response = client_for(cast.committee_admin).post(
        f"/ratings/schemes/{draft.code}/indicators/{indicator.pk}/delete/", follow=True
    )
    assert message in response.content.decode()
    assert draft.indicators.filter(code=code).exists()
    assert not AuditEntry.objects.filter(event="scoring.indicator_deleted").exists()


def test_an_indicator_the_level_rules_name_keeps_its_code(client_for, cast, draft):
    indicator = draft.indicators.get(code="innovation")
    data = _indicator_data(draft, code="innovation_project", name="党建创新项目（有为 1）", ceiling="1")
    refused = client_for(cast.committee_admin).post(
        f"/ratings/schemes/{draft.code}/indicators/{indicator.pk}/", data
    )
    assert refused.status_code == 422
    assert (
        "指标“党建创新项目（有为 1）”用于定级规则中的“品牌示范星”的评定条件，不能修改代码"
        in refused.content.decode()
    )
    indicator.refresh_from_db()
    assert indicator.code == "innovation"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"code": "brand"}, "code", "指标代码“brand”已在本方案中使用"),
        ({"floor": "10", "ceiling": "5"}, "ceiling", "上限不能低于下限"),
        ({"kind": "derived"}, "source", "自动采集的指标请选择采集来源"),
        ({"weight": "-1"}, "weight", "指标权重不能为负数"),
        ({"weight": ""}, "weight", "请填写权重"),
        ({"code": "主题党日"}, "code", "指标代码只能包含英文字母、数字、下划线或连字符"),
        ({"kind": "bonus"}, "kind", "请选择有效的指标类型"),
        ({"source": "dues.nope", "kind": "derived"}, "source", "请选择有效的自动采集来源"),
    ],
)
def test_bad_indicator_input_is_refused_in_chinese(client_for, cast, draft, change, field, message):
    before = draft.indicators.count()
    response = client_for(cast.committee_admin).post(
        f"/ratings/schemes/{draft.code}/indicators/create/", _indicator_data(draft, **change)
    )
    assert response.status_code == 422
    assert message in response.context["form"].errors[field]
    assert draft.indicators.count() == before


def test_a_foreign_dimension_is_refused(client_for, cast, draft):
    other = services.active_scheme(cast.branch_a, 2026).dimensions.get(code="brand")
    response = client_for(cast.committee_admin).post(
        f"/ratings/schemes/{draft.code}/indicators/create/", _indicator_data(draft, dimension=str(other.pk))
    )
    assert response.status_code == 422
    assert response.context["form"].errors["dimension"] == ["请选择本方案的维度"]


def test_an_active_schemes_indicators_are_read_only(client_for, cast, draft):
    active = services.active_scheme(cast.branch_a, 2026)
    client = client_for(cast.committee_admin)
    indicator = active.indicators.get(code="share_5a")
    page = client.get(f"/ratings/schemes/{active.code}/").content.decode()
    assert "添加指标" not in page and "indicators/" not in page
    for url, data in [
        (f"/ratings/schemes/{active.code}/indicators/create/", _indicator_data(active)),
        (f"/ratings/schemes/{active.code}/indicators/{indicator.pk}/", _indicator_data(active, code="x")),
        (f"/ratings/schemes/{active.code}/indicators/{indicator.pk}/delete/", {}),
    ]:
        response = client.post(url, data, follow=True)
        assert "只有草稿方案可以修改；请先复制为新版本" in response.content.decode(), url
    assert client.get(f"/ratings/schemes/{active.code}/indicators/create/").status_code == 302
    assert sorted(active.indicators.values_list("code", flat=True)) == sorted(
        code for code, *_ in defaults.INDICATORS
    )
    assert not AuditEntry.objects.filter(event__startswith="scoring.indicator_").exists()


def test_editing_a_dimension_on_the_page(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    dimension = draft.dimensions.get(code="brand")
    url = f"/ratings/schemes/{draft.code}/dimensions/{dimension.pk}/"
    assert client.get(url).status_code == 200
    saved = client.post(url, {"name": "品牌创建", "weight": "1.5", "base": "2"})
    assert saved.status_code == 302, saved.context["form"].errors
    dimension.refresh_from_db()
    assert (dimension.name, dimension.weight, dimension.base) == ("品牌创建", D("1.5000"), D("2.00"))
    assert AuditEntry.objects.filter(event="scoring.dimension_updated").count() == 1


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "weight": "1", "base": "0"}, "name", "请填写维度名称"),
        ({"name": "品牌", "weight": "-0.5", "base": "0"}, "weight", "维度权重不能为负数"),
        ({"name": "品牌", "weight": "1", "base": "多"}, "base", "基础分必须是数字"),
        ({"name": "品牌", "weight": "0.12345", "base": "0"}, "weight", "权重最多4位小数"),
    ],
)
def test_bad_dimension_input_is_refused_in_chinese(client_for, cast, draft, data, field, message):
    dimension = draft.dimensions.get(code="brand")
    response = client_for(cast.committee_admin).post(
        f"/ratings/schemes/{draft.code}/dimensions/{dimension.pk}/", data
    )
    assert response.status_code == 422
    assert message in response.context["form"].errors[field]
    dimension.refresh_from_db()
    assert (dimension.name, dimension.weight, dimension.base) == ("品牌示范", D("1"), D("0"))


def test_editing_needs_the_work_committee_at_the_schemes_node(client, cast, draft):
    # given a judge who may view ratings at the committee, and a committee admin of B's subtree only
    judge = UserFactory(username="judge_view")
    grant(judge, Role.JUDGE, cast.committee)
    admin_b = UserFactory(username="gw_b")
    grant(admin_b, Role.WORK_COMMITTEE_ADMIN, cast.org_b)
    indicator = draft.indicators.get(code="share_5a")
    dimension = draft.dimensions.get(code="brand")
    urls = [
        f"/ratings/schemes/{draft.code}/indicators/create/",
        f"/ratings/schemes/{draft.code}/indicators/{indicator.pk}/",
        f"/ratings/schemes/{draft.code}/indicators/{indicator.pk}/delete/",
        f"/ratings/schemes/{draft.code}/dimensions/{dimension.pk}/",
    ]
    for user, status in [(judge, 403), (admin_b, 404)]:
        client.force_login(user)
        for url in urls:
            assert client.post(url, _indicator_data(draft)).status_code == status, (user, url)
    assert draft.indicators.filter(code="share_5a").exists()
    assert not draft.indicators.filter(code="party_day").exists()
    assert (
        not AuditEntry.objects.filter(event__startswith="scoring.")
        .exclude(event__in=["scoring.scheme_seeded", "scoring.scheme_cloned", "scoring.scheme_activated"])
        .exists()
    )


def test_an_indicator_of_another_scheme_is_not_found(client_for, cast, draft):
    active = services.active_scheme(cast.branch_a, 2026)
    foreign = active.indicators.get(code="share_5a")
    client = client_for(cast.committee_admin)
    assert client.post(f"/ratings/schemes/{draft.code}/indicators/{foreign.pk}/delete/").status_code == 404
    assert active.indicators.filter(pk=foreign.pk).exists()


def test_an_evaluation_with_the_activated_draft_counts_the_new_indicator(client_for, cast, people, draft):
    # given the draft gains an entered indicator (weight 2) and a criterion on it, then is activated
    client = client_for(cast.committee_admin)
    added = client.post(f"/ratings/schemes/{draft.code}/indicators/create/", _indicator_data(draft))
    assert added.status_code == 302, added.context["form"].errors
    rules = draft.to_level_rules()
    brand_star = levels.Star("brand", "品牌示范星", (levels.Condition("party_day", ">=", D("4")),))
    editing.update_level_rules(
        actor=cast.committee_admin,
        scheme=draft,
        level_rules=dataclasses.replace(
            rules, stars=tuple(brand_star if s.code == "brand" else s for s in rules.stars)
        ),
    )
    assert client.post(f"/ratings/schemes/{draft.code}/activate/").status_code == 302
    draft.refresh_from_db()
    assert draft.status == "active"
    campaign = services.open_campaign(
        actor=cast.committee_admin,
        organization=cast.committee,
        year=2026,
        scheme=draft,
        timetable={"apply": date(2026, 3, 20), "check": date(2026, 3, 31), "evaluate": date(2026, 4, 30)},
    )
    # when a branch is scored on it and evaluated
    entry = evaluated(
        cast, people, campaign, cast.branch_b, people["sec_b"], people["unit_b"], MID | {"party_day": "4"}
    )
    # then its value counts value × weight in its dimension, and the star reads it
    assert entry.values["party_day"] == "4.00"
    evaluation = entry.breakdown["evaluation"]
    (counted,) = [i["counted"] for i in evaluation["indicators"] if i["code"] == "party_day"]
    assert D(counted) == D("8")
    assert D(evaluation["dimensions"]["brand"]) == D("13")  # 5 (brand) + 0 (innovation) + 4 × 2
    assert "品牌示范星" in entry.stars  # the old criteria (brand ≥ 8, innovation) would not hold


def test_an_empty_post_says_what_is_missing(client_for, cast, draft):
    response = client_for(cast.committee_admin).post(f"/ratings/schemes/{draft.code}/indicators/create/")
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert (errors["code"], errors["name"], errors["weight"]) == (
        ["请填写指标代码"],
        ["请填写指标名称"],
        ["请填写权重"],
    )
