"""Editing a star-rating scheme's level rules: parsing criteria, checks, drafts only, audit."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from ronghe.core.models import AuditEntry
from ronghe.core.scoring import editing, levels
from ronghe.core.scoring.services import SchemeError
from ronghe.ratings import defaults, services

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
