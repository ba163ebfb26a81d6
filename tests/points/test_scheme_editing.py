"""The 工委 edits a draft scheme: indicators, dimensions, settings; validation; clone; activate; what-if."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest
from django.urls import reverse

from ronghe.core.models import AuditEntry
from ronghe.core.scoring import rules as scoring
from ronghe.core.scoring.models import Dimension, Indicator, Scheme
from ronghe.core.scoring.services import clone_scheme
from ronghe.points import services
from ronghe.points.models import MemberYear
from tests.points.conftest import YEAR

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(date(YEAR, 11, 24))


@pytest.fixture
def draft(scheme):
    return clone_scheme(scheme=scheme, year=YEAR)


def _indicator_data(draft, **over):
    data = {
        "code": "blood_donation",
        "name": "无偿献血",
        "dimension": draft.dimensions.get(code="duty").pk,
        "kind": "entered",
        "points": "3",
        "cap_month": "",
        "cap_quarter": "",
        "cap_year": "6",
        "floor": "",
        "ceiling": "",
        "claimable": "on",
    }
    data.update(over)
    return data


# ---------------------------------------------------------------- engine rules (boundaries)


@pytest.mark.parametrize(
    ("cap", "problem"),
    [
        (D("-0.01"), "月上限不能为负数"),
        (D("1.99"), "月上限（1.99）不能低于每次分值（2）"),
        (D("2"), None),
        (None, None),
    ],
)
def test_cap_month_boundaries(cap, problem):
    problems = scoring.indicator_problems(kind="derived", points=D("2"), cap_month=cap)
    assert problems.get("cap_month") == problem


def test_cap_compares_with_magnitude_of_a_deduction():
    assert scoring.indicator_problems(kind="derived", points=D("-3"), cap_year=D("3")) == {}
    assert scoring.indicator_problems(kind="derived", points=D("-3"), cap_year=D("2")) == {
        "cap_year": "年上限（2）不能低于每次分值（3）"
    }


def test_longer_period_cap_not_below_shorter_and_floor_ceiling():
    problems = scoring.indicator_problems(
        kind="derived", points=D("1"), cap_month=D("4"), cap_year=D("3"), floor=D("5"), ceiling=D("4.99")
    )
    assert problems == {"cap_year": "年上限不能低于月上限", "ceiling": "上限不能低于下限"}
    assert scoring.indicator_problems(kind="derived", points=D("1"), cap_month=D("4"), cap_year=D("4")) == {}


def test_thresholds_order_boundary():
    assert scoring.threshold_problems(threshold_a=D("10"), threshold_b=D("10")) == {}
    assert scoring.threshold_problems(threshold_a=D("10"), threshold_b=D("10.01")) == {
        "threshold_b": "B 等线不能高于 A 等线"
    }


# ---------------------------------------------------------------- indicator pages


def test_add_indicator_to_draft(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    url = reverse("points:indicator-create", kwargs={"code": draft.code})
    assert client.get(url).status_code == 200
    response = client.post(url, _indicator_data(draft))
    assert response.status_code == 302
    created = Indicator.objects.get(scheme=draft, code="blood_donation")
    assert (created.name, created.kind, created.points, created.cap_year, created.claimable) == (
        "无偿献血",
        "entered",
        D("3"),
        D("6"),
        True,
    )
    assert created.dimension.code == "duty"
    assert AuditEntry.objects.filter(event="scoring.indicator_created").count() == 1
    page = client.get(reverse("points:scheme-detail", kwargs={"code": draft.code})).content.decode()
    assert 'id="indicator-blood_donation-row"' in page


@pytest.mark.parametrize(
    ("over", "field", "message"),
    [
        ({"cap_year": "-1"}, "cap_year", "年上限不能为负数"),
        ({"cap_month": "2"}, "cap_month", "月上限（2）不能低于每次分值（3）"),
        ({"code": "task"}, "code", "指标代码“task”已在本方案中使用"),
        ({"code": "献血"}, "code", "指标代码只能包含英文字母、数字、下划线或连字符"),
        ({"points": "三"}, "points", "每次分值必须是数字"),
        ({"floor": "5", "ceiling": "1"}, "ceiling", "上限不能低于下限"),
        ({"name": ""}, "name", "请填写指标名称"),
    ],
)
def test_add_indicator_bad_input_is_named_and_nothing_written(client_for, cast, draft, over, field, message):
    before = Indicator.objects.filter(scheme=draft).count()
    response = client_for(cast.committee_admin).post(
        reverse("points:indicator-create", kwargs={"code": draft.code}), _indicator_data(draft, **over)
    )
    assert response.status_code == 422
    assert message in response.context["form"].errors[field]
    assert Indicator.objects.filter(scheme=draft).count() == before


def test_dimension_of_another_scheme_is_refused(client_for, cast, scheme, draft):
    other_dim = scheme.dimensions.get(code="duty")
    response = client_for(cast.committee_admin).post(
        reverse("points:indicator-create", kwargs={"code": draft.code}),
        _indicator_data(draft, dimension=other_dim.pk),
    )
    assert response.status_code == 422
    assert "请选择本方案的维度" in response.context["form"].errors["dimension"]


def test_edit_and_remove_indicator(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    task = Indicator.objects.get(scheme=draft, code="task")
    url = reverse("points:indicator-update", kwargs={"code": draft.code, "pk": task.pk})
    assert 'value="task"' in client.get(url).content.decode()
    data = _indicator_data(draft, code="task", name="急难险重", kind="derived", points="2", cap_year="8")
    data.pop("claimable")
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert (task.name, task.points, task.cap_year, task.claimable) == ("急难险重", D("2"), D("8"), False)
    delete = reverse("points:indicator-delete", kwargs={"code": draft.code, "pk": task.pk})
    assert client.post(delete).status_code == 302
    assert not Indicator.objects.filter(pk=task.pk).exists()
    assert AuditEntry.objects.filter(event="scoring.indicator_deleted").count() == 1


def test_active_scheme_is_not_editable(client_for, cast, scheme):
    client = client_for(cast.committee_admin)
    task = Indicator.objects.get(scheme=scheme, code="task")
    url = reverse("points:indicator-update", kwargs={"code": scheme.code, "pk": task.pk})
    client.post(url, _indicator_data(scheme, code="task", points="9", cap_year=""))
    task.refresh_from_db()
    assert task.points == D("2")
    client.post(reverse("points:indicator-delete", kwargs={"code": scheme.code, "pk": task.pk}))
    assert Indicator.objects.filter(pk=task.pk).exists()
    response = client.post(
        reverse("points:indicator-create", kwargs={"code": scheme.code}), _indicator_data(scheme)
    )
    assert response.status_code == 302
    assert not Indicator.objects.filter(scheme=scheme, code="blood_donation").exists()
    page = client.get(reverse("points:scheme-detail", kwargs={"code": scheme.code})).content.decode()
    assert "添加指标" not in page


def test_indicator_pages_need_manage_permission_and_scope(client_for, cast, draft):
    task = Indicator.objects.get(scheme=draft, code="task")
    url = reverse("points:indicator-update", kwargs={"code": draft.code, "pk": task.pk})
    assert client_for(cast.secretary_a).get(url).status_code == 403
    assert client_for(cast.member_a).post(url, {}).status_code == 403
    delete = reverse("points:indicator-delete", kwargs={"code": draft.code, "pk": task.pk})
    assert client_for(cast.secretary_a).post(delete).status_code == 403
    assert Indicator.objects.filter(pk=task.pk).exists()


def test_indicator_of_another_scheme_is_404(client_for, cast, scheme, draft):
    foreign = Indicator.objects.get(scheme=scheme, code="task")
    url = reverse("points:indicator-update", kwargs={"code": draft.code, "pk": foreign.pk})
    assert client_for(cast.committee_admin).get(url).status_code == 404


# ---------------------------------------------------------------- dimensions, thresholds, settings


def _bulk(draft, **over):
    data = {}
    for d in draft.dimensions.all():
        data.update(
            {
                f"dim-{d.code}-name": d.name,
                f"dim-{d.code}-base": d.base,
                f"dim-{d.code}-threshold_a": d.threshold_a,
                f"dim-{d.code}-threshold_b": d.threshold_b,
            }
        )
    for i in draft.indicators.all():
        for f in ("points", "cap_month", "cap_quarter", "cap_year"):
            value = getattr(i, f)
            data[f"ind-{i.code}-{f}"] = "" if value is None else value
    data.update(over)
    return data


def test_edit_dimension_names_and_thresholds(client_for, cast, draft):
    data = _bulk(draft, **{"dim-study-name": "理论学习", "dim-study-threshold_a": "15", "save": "1"})
    response = client_for(cast.committee_admin).post(
        reverse("points:scheme-update", kwargs={"code": draft.code}), data
    )
    assert response.status_code == 302
    study = Dimension.objects.get(scheme=draft, code="study")
    assert (study.name, study.threshold_a) == ("理论学习", D("15"))


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"dim-study-threshold_b": "16.01"}, "“学习教育”B 等线不能高于 A 等线"),
        ({"ind-task-cap_year": "-2"}, "“完成急难险重任务”年上限不能为负数"),
        ({"ind-task-cap_month": "1"}, "“完成急难险重任务”月上限（1）不能低于每次分值（2）"),
    ],
)
def test_bulk_edit_refuses_bad_numbers_and_writes_nothing(client_for, cast, draft, over, message):
    data = _bulk(draft, **{"dim-political-threshold_a": "13", "save": "1", **over})
    response = client_for(cast.committee_admin).post(
        reverse("points:scheme-update", kwargs={"code": draft.code}), data
    )
    assert response.status_code == 422
    assert message in response.context["errors"].values(), response.context["errors"]
    assert message in response.content.decode()
    assert Dimension.objects.get(scheme=draft, code="political").threshold_a == D("14")


def test_scheme_settings(client_for, cast, draft):
    client = client_for(cast.committee_admin)
    url = reverse("points:scheme-settings", kwargs={"code": draft.code})
    bad = client.post(url, {"name": "新细则", "floor": "10", "ceiling": "5"})
    assert bad.status_code == 422
    assert "总分上限不能低于总分下限" in bad.content.decode()
    assert client.post(url, {"name": "新细则", "floor": "0", "ceiling": "100"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.ceiling, draft.allow_refine) == ("新细则", D("100"), False)


# ---------------------------------------------------------------- clone, activate, what-if


def test_clone_for_next_year_then_activate_archives_previous(client_for, cast, scheme):
    client = client_for(cast.committee_admin)
    response = client.post(reverse("points:scheme-clone", kwargs={"code": scheme.code}), {"year": YEAR + 1})
    nxt = Scheme.objects.get(year=YEAR + 1)
    assert response.url == reverse("points:scheme-detail", kwargs={"code": nxt.code})
    assert (nxt.status, nxt.indicators.count()) == ("draft", scheme.indicators.count())
    second = clone_scheme(scheme=scheme, year=YEAR)
    client.post(reverse("points:indicator-create", kwargs={"code": second.code}), _indicator_data(second))
    client.post(reverse("points:scheme-activate", kwargs={"code": second.code}))
    scheme.refresh_from_db()
    second.refresh_from_db()
    assert (scheme.status, second.status) == ("archived", "active")
    assert MemberYear.objects.filter(year=YEAR, scheme=second).exists()


def test_whatif_uses_an_added_indicator_and_keeps_edited_values(client_for, cast, draft, ind):
    services.adjust_points(
        actor=cast.secretary_a,
        member=cast.member_a_record,
        indicator=ind("task"),
        points="2",
        on=date(YEAR, 2, 1),
        reason="抢险",
    )
    client = client_for(cast.committee_admin)
    client.post(reverse("points:indicator-create", kwargs={"code": draft.code}), _indicator_data(draft))
    data = _bulk(draft, **{"dim-duty-threshold_a": "12", "preview": "1", "org": str(cast.branch_a.code)})
    response = client.post(reverse("points:scheme-update", kwargs={"code": draft.code}), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="dim-duty-threshold_a" value="12"' in body  # the edit survives the preview
    assert 'id="indicator-blood_donation-row"' in body
    rows = {r.name: r for r in response.context["preview"]}
    assert (rows["张甲"].grade_now, rows["张甲"].grade_new) == ("1A", "2A")  # 履职尽责 12 ≥ new A line
    assert Dimension.objects.get(scheme=draft, code="duty").threshold_a == D("14")


# ---------------------------------------------------------------- archive


def test_admin_archives_a_draft(client_for, cast, draft):
    # when the 工委 admin archives a draft version
    response = client_for(cast.committee_admin).post(
        reverse("points:scheme-archive", kwargs={"code": draft.code})
    )
    # then it is archived, audited, and the page says so
    assert response.url == reverse("points:scheme-detail", kwargs={"code": draft.code})
    assert Scheme.objects.get(pk=draft.pk).status == "archived"
    assert AuditEntry.objects.filter(event="scoring.scheme_archived").count() == 1
    page = client_for(cast.committee_admin).get(response.url).content.decode()
    assert "已归档" in page and "归档草稿" not in page


def test_active_scheme_is_not_archived_by_hand(client_for, cast, scheme):
    client = client_for(cast.committee_admin)
    response = client.post(reverse("points:scheme-archive", kwargs={"code": scheme.code}), follow=True)
    assert "启用中的方案不能归档；启用新版本时它会自动归档" in response.content.decode()
    assert Scheme.objects.get(pk=scheme.pk).status == "active"
    assert not AuditEntry.objects.filter(event="scoring.scheme_archived").exists()


@pytest.mark.parametrize(("who", "status"), [("secretary_a", 403), ("outsider_b", 403)])
def test_archive_needs_the_manage_permission(client_for, cast, draft, who, status):
    response = client_for(getattr(cast, who)).post(
        reverse("points:scheme-archive", kwargs={"code": draft.code})
    )
    assert response.status_code == status
    assert Scheme.objects.get(pk=draft.pk).status == "draft"
