"""The one error contract, without a database: DomainError, a form's errors, schema errors in Chinese."""

from __future__ import annotations

import pytest
from django import forms

from ronghe.accounts.services import AccountError
from ronghe.core.api import schema_errors
from ronghe.core.errors import DomainError, InvalidInput, add_to_form
from ronghe.core.imports.errors import ImportRefused
from ronghe.core.scoring.services import SchemeError
from ronghe.members.services import MemberError
from ronghe.orglife.services import OrgLifeError
from ronghe.orgs.services import OrganizationError
from ronghe.points.services import PointsError


@pytest.mark.parametrize(
    "error_class", [OrganizationError, OrgLifeError, PointsError, MemberError, AccountError, SchemeError]
)
def test_every_service_error_is_a_domain_error(error_class):
    # given / when
    exc = error_class("结束时间必须晚于开始时间", "ends_at")
    # then
    assert isinstance(exc, DomainError)
    assert (str(exc), exc.message, exc.field, exc.code) == (
        "结束时间必须晚于开始时间",
        "结束时间必须晚于开始时间",
        "ends_at",
        "invalid",
    )
    assert exc.as_errors() == {"ends_at": ["结束时间必须晚于开始时间"]}


def test_a_refused_import_is_a_domain_error_on_the_file_field():
    exc = ImportRefused("文件类型不支持")
    assert isinstance(exc, DomainError)
    assert (exc.message, exc.field, exc.code) == ("文件类型不支持", "file", "import_refused")


def test_an_error_without_field_goes_under_all():
    assert DomainError("该申报已被他人处理，请刷新后查看").as_errors() == {
        "__all__": ["该申报已被他人处理，请刷新后查看"]
    }


class _Form(forms.Form):
    name = forms.CharField(label="姓名")
    joined_on = forms.DateField(label="入党日期")


def test_a_form_s_errors_read_with_their_labels():
    # given
    form = _Form({"name": "", "joined_on": "明天"})
    assert not form.is_valid()
    # when
    exc = InvalidInput.from_form(form)
    # then
    assert exc.as_errors() == {"name": ["这个字段是必填项。"], "joined_on": ["输入一个有效的日期。"]}
    assert exc.message == "姓名：这个字段是必填项。；入党日期：输入一个有效的日期。"
    assert exc.field == "name"


def test_add_to_form_puts_the_error_on_its_field_or_above_the_form():
    form = _Form({"name": "张甲", "joined_on": "2020-07-01"})
    assert form.is_valid()
    add_to_form(form, DomainError("入党时应年满18周岁", field="joined_on"))
    add_to_form(form, DomainError("本次会议已有表决结果", field="not_a_field"))
    assert form.errors == {"joined_on": ["入党时应年满18周岁"], "__all__": ["本次会议已有表决结果"]}


@pytest.mark.parametrize(
    ("error", "field", "message"),
    [
        ({"type": "missing", "loc": ("body", "payload", "name")}, "name", "必填"),
        ({"type": "int_parsing", "loc": ("query", "limit")}, "limit", "应为整数"),
        (
            {"type": "greater_than_equal", "loc": ("query", "offset"), "ctx": {"ge": 0}},
            "offset",
            "不能小于 0",
        ),
        ({"type": "less_than_equal", "loc": ("query", "offset"), "ctx": {"le": 10}}, "offset", "不能大于 10"),
        (
            {"type": "string_too_short", "loc": ("body", "payload", "title"), "ctx": {"min_length": 1}},
            "title",
            "不能为空",
        ),
        (
            {"type": "string_too_long", "loc": ("body", "payload", "q"), "ctx": {"max_length": 50}},
            "q",
            "不能超过 50 个字符",
        ),
        ({"type": "uuid_parsing", "loc": ("path", "code")}, "code", "应为有效的编码（UUID）"),
        (
            {
                "type": "enum",
                "loc": ("body", "payload", "attendance", 0, "status"),
                "ctx": {"expected": "'a' or 'b'"},
            },
            "attendance.0.status",
            "应为以下之一：'a', 'b'",
        ),
        ({"type": "model_attributes_type", "loc": ("body", "payload")}, "__all__", "应为对象"),
        ({"type": "something_new", "loc": ("query", "q")}, "q", "输入无效"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_schema_errors_are_chinese_and_keyed_by_field(error, field, message):
    detail, errors = schema_errors([error])
    assert errors == {field: [message]}
    assert detail == "输入有误：" + (message if field == "__all__" else f"{field} {message}")


def test_schema_errors_of_several_fields_are_listed_together():
    detail, errors = schema_errors(
        [
            {"type": "greater_than_equal", "loc": ("query", "offset"), "ctx": {"ge": 0}},
            {"type": "less_than_equal", "loc": ("query", "limit"), "ctx": {"le": 200}},
        ]
    )
    assert errors == {"offset": ["不能小于 0"], "limit": ["不能大于 200"]}
    assert detail == "输入有误：offset 不能小于 0；limit 不能大于 200"
